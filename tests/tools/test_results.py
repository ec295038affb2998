# SPDX-License-Identifier: GPL-2.0
"""pvbatch.results: the schema of a BENCH line and the key of a result."""

import copy
import os
import re
import unittest

import common

from pvbatch import Error, results

GUEST = {"backend": "xen", "pages": 8, "rounds": 1, "repeats": 1,
         "ns_per_pte": 4605.5, "ns_per_pte_min": 4500, "hypercalls_per_pte": 0.125,
         "requests_per_hypercall": 8.0, "traps_per_pte": 0,
         "flushes_per_mprotect": 1.0, "vcpus": 2, "cycles": 123456}
LINUX = {"backend": "linux", "pages": 8, "rounds": 2, "repeats": 1,
         "ns_per_pte": 18212.0, "ns_per_pte_min": 18000.0,
         "hypercalls_per_pte": None, "requests_per_hypercall": None,
         "traps_per_pte": None, "flushes_per_mprotect": None, "marks": False}


def row(base=GUEST, **kw):
    r = copy.deepcopy(base)
    r.update(kw)
    return r


class Rows(unittest.TestCase):
    def bad(self, r, what):
        with self.assertRaises(Error, msg=what):
            results.check_row(r)

    def test_good(self):
        results.check_row(row())
        results.check_row(row(LINUX))
        results.check_row(row(domain="domU", ad="clean", parallel=2, workload="fork"))
        results.check_row(row(backend="floor", flushes_per_mprotect=None))

    def test_unknown_field(self):
        self.bad(row(colour="blue"), "a field the schema lacks")

    def test_missing(self):
        r = row()
        del r["rounds"]
        self.bad(r, "a required field missing")

    def test_types(self):
        self.bad(row(pages=0), "pages 0")
        self.bad(row(pages=8.0), "pages not an integer")
        self.bad(row(pages=True), "a bool is no integer")
        self.bad(row(ns_per_pte=-1), "a negative time")
        self.bad(row(ns_per_pte="12"), "a number as a string")
        self.bad(row(backend="xen2"), "an unknown series")
        self.bad(row(domain="dom0"), "an unknown domain")
        self.bad(row(ad="DIRTY"), "an unknown A/D state")
        self.bad(row(parallel=0), "parallel 0")
        self.bad(row(workload=""), "an empty workload")

    def test_xen_requests_per_hypercall(self):
        results.check_row(row(pages=4096, requests_per_hypercall=1024.0))
        results.check_row(row(backend="xen+pmd", requests_per_hypercall=1.0))
        self.bad(row(pages=512, requests_per_hypercall=1.0, parallel=1),
                 "xen rows sent as prot_level=pmd (one L2 request per table)")

    def test_nulls(self):
        self.bad(row(ns_per_pte=None), "a null time")
        self.bad(row(hypercalls_per_pte=None), "null counts only for linux")
        self.bad(row(domain=None), "an optional field present but null")


class Keys(unittest.TestCase):
    def test_apart(self):
        rows = [row(), row(domain="initial"), row(domain="domU"),
                row(ad="dirty"), row(ad="clean"), row(parallel=1),
                row(parallel=2), row(workload="mprotect")]
        self.assertEqual(len(results.check_rows(rows)), len(rows),
                         "rows differing in one field of the key are kept apart")

    def test_duplicate(self):
        with self.assertRaises(Error, msg="two rows, one key"):
            results.check_rows([row(), row(ns_per_pte=1.0)])

    def test_key_has_the_new_fields(self):
        for f in ("backend", "pages", "domain", "ad", "parallel", "workload"):
            self.assertIn(f, results.KEY_FIELDS, "%s in the key" % f)
            self.assertIn(f, results.FIELDS, "%s in the schema" % f)


class SeriesNames(unittest.TestCase):
    def test_guest_prints_these(self):
        src = common.read(os.path.join(common.TOP, "bench", "mprotect.c"))
        # info[]: [S_X] = { "name", ... }; a name measured several ways
        # (floor+flush's candidates, the clean-page series) appears again.
        names = re.findall(r'\[S_\w+\]\s*=\s*\{\s*"([^"]+)"', src)
        first = tuple(dict.fromkeys(names))
        self.assertEqual(first, results.GUEST_SERIES,
                         "bench/mprotect.c's info[] and GUEST_SERIES "
                         "list the same series in the same order")


class BenchLines(unittest.TestCase):
    def test_recorded(self):
        rows = results.read_bench_log(os.path.join(common.DATA, "bench-console.log"))
        self.assertEqual(len(rows), 12, "10 guest results and 2 of Linux")
        self.assertEqual(len(results.check_rows(rows)), 12, "all told apart")
        # Recorded before floor+flush, xen+pmd and pmd-floor existed.
        self.assertEqual({r["backend"] for r in rows},
                         set(results.SERIES) - {"floor+flush", "xen+pmd", "pmd-floor"},
                         "every series of that (older) run, as the guest and Linux print them")

    def test_console(self):
        rows = results.bench_lines(['(XEN) noise\n', '[ 1.0] BENCH {"backend":"xen",'
                                    '"pages":1,"rounds":1,"repeats":1,"ns_per_pte":1,'
                                    '"ns_per_pte_min":1,"hypercalls_per_pte":1,'
                                    '"requests_per_hypercall":1,"traps_per_pte":0,'
                                    '"flushes_per_mprotect":0}\n'])
        self.assertEqual(len(rows), 1, "one result")

    def test_malformed(self):
        with self.assertRaises(Error, msg="broken JSON"):
            results.bench_lines(['BENCH {"backend":"xen",\n'])
        with self.assertRaises(Error, msg="a valid line with an unknown field"):
            results.bench_lines(['BENCH {"backend":"xen","speed":1}\n'])


if __name__ == "__main__":
    unittest.main()
