# SPDX-License-Identifier: GPL-2.0
"""linux-bench's targets block: each verdict from the rows of one run."""

import unittest

from common import load_tool

LB = load_tool("linux-bench")


def row(backend, workload, pages, pt, emul=0.0, req=None):
    return {"backend": backend, "workload": workload, "pages": pages,
            "pt_hypercalls_per_pte": pt, "emulated_pte_writes_per_pte": emul,
            "requests_per_mmu_update": req}


def verdict(lines, start):
    hits = [ln for ln in lines if ln.startswith("| " + start)]
    assert len(hits) == 1, "one line starting '%s' in %s" % (start, lines)
    return hits[0].rstrip(" |").rsplit("| ", 1)[1]


def run(fork_pv, munmap_pv=10 / 4096, mprotect_req=455.0):
    rows = [row("linux", "fork", 4096, 196 / 4096, 0.5),
            row("linux-pvbatch", "fork", 4096, fork_pv),
            row("linux", "munmap", 4096, 17 / 4096, 1.0),
            row("linux-pvbatch", "munmap", 4096, munmap_pv),
            row("linux", "mprotect", 4096, 0.0337, req=29.9),
            row("linux-pvbatch", "mprotect", 4096, 0.0022, req=mprotect_req)]
    return LB.targets({LB.key(r): r for r in rows})


class Targets(unittest.TestCase):
    def test_fork_at_a_tenth_is_met(self):
        self.assertEqual(verdict(run(19.6 / 4096), "fork 4096: <= 1/10 of stock's page-table"),
                         "met", "196 -> 19.6 per fork is exactly a tenth")

    def test_fork_above_a_tenth_is_not_met(self):
        self.assertEqual(verdict(run(20.5 / 4096), "fork 4096: <= 1/10 of stock's page-table"),
                         "**not met**", "196 -> 20.5 per fork is 9.6x, not 10x")

    def test_munmap_not_met(self):
        self.assertEqual(verdict(run(16 / 4096), "munmap 4096: <= 1/10 of stock's page-table"),
                         "**not met**", "17 -> 10 per munmap is 1.7x")

    def test_emulated_writes_none_left(self):
        lines = run(16 / 4096)
        self.assertEqual(verdict(lines, "fork 4096: <= 1/10 of stock's emulated"), "met",
                         "no emulated write left against stock's 2048")

    def test_mprotect_requests(self):
        self.assertEqual(verdict(run(16 / 4096, mprotect_req=399.0), "mprotect 4096"),
                         "**not met**", "399 requests per mmu_update is under 400")
        self.assertEqual(verdict(run(16 / 4096), "mprotect 4096"), "met",
                         "455 requests per mmu_update is over 400")

    def test_mprotect_count_missing_is_not_fewer(self):
        rows = [row("linux", "mprotect", 64, 0.0625),
                row("linux-pvbatch", "mprotect", 64, None)]
        lines = LB.targets({LB.key(r): r for r in rows})
        self.assertEqual(verdict(lines, "mprotect: fewer"), "**not met** at N = 64",
                         "a size without its count is no evidence of fewer hypercalls")

    def test_missing_stock_is_not_measured(self):
        rows = [row("linux-pvbatch", "fork", 4096, 16 / 4096)]
        lines = LB.targets({LB.key(r): r for r in rows})
        self.assertEqual(verdict(lines, "fork 4096: <= 1/10 of stock's page-table"),
                         "not measured", "no stock row: no verdict, never a silent 'met'")


if __name__ == "__main__":
    unittest.main()
