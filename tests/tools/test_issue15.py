# SPDX-License-Identifier: GPL-2.0
"""Issue 15 (prot_level=pmd): the pmd-floor series and the unaligned rows
in the schema, bench-run's check of a guest run, and bench-report's target
block; doctored inputs must be refused or flip a verdict."""

import copy
import os
import unittest

import common

from pvbatch import Error, results

FIX = os.path.join(common.DATA, "bench-console-15.log")
bench_run = common.load_tool("bench-run")


def fixture():
    return results.read_bench_log(FIX)


def sampled(backend, pages, samples, **kw):
    """A well-formed guest row whose times come from samples."""
    med, ci = results.median_ci(samples)
    r = {"backend": backend, "pages": pages, "rounds": 1, "repeats": len(samples),
         "ns_per_pte": med, "ns_per_pte_min": min(samples),
         "ns_per_pte_ci95": ci, "ns_per_pte_samples": list(samples),
         "hypercalls_per_pte": 1.0 / pages,
         "requests_per_hypercall": float(min(pages, 1024)) if backend == "xen"
         else pages / 512,
         "traps_per_pte": 0.0, "flushes_per_mprotect": None
         if backend.endswith("floor") else 0.5, "domain": "initial", "ad": "dirty",
         "vcpus": 2}
    r.update(kw)
    return r


FLOOR = [1000, 1010, 990, 1005, 995, 1020, 980, 1001, 999, 1003, 997]


def scaled(k, base=FLOOR):
    return [x * k for x in base]


def domain_rows(pmd=0.1, bound=0.05, unal=0.9, domain="initial"):
    """floor, xen+pmd and pmd-floor at the three aligned sizes; xen and
    xen+pmd with offset 256 at the same sizes: xen+pmd = pmd x floor,
    pmd-floor = bound x floor, unaligned xen+pmd = unal x xen."""
    rows = []
    for n in (512, 4096, 32768):
        rows += [sampled("floor", n, FLOOR, domain=domain),
                 sampled("xen+pmd", n, scaled(pmd), domain=domain),
                 sampled("pmd-floor", n, scaled(bound), domain=domain),
                 sampled("xen", n, scaled(1.2), domain=domain, offset=256),
                 sampled("xen+pmd", n, scaled(1.2 * unal), domain=domain,
                         offset=256)]
    return rows


def section_of(md, domain):
    """The domain's view in report.md, up to the next level-2 heading."""
    head = "## the initial domain" if domain == "initial" else "## an xl domU"
    i = md.index(head)
    j = md.find("\n## ", i + 1)
    return md[i:j if j >= 0 else len(md)]


def table_row(text, block, n):
    """The row of N=n in the table after the line starting with block."""
    part = text[text.index(block):]
    for line in part.splitlines():
        if line.startswith("| %d |" % n):
            return line
    raise AssertionError("no row for N=%d after %r" % (n, block))


class Schema(unittest.TestCase):
    def test_series(self):
        self.assertIn("pmd-floor", results.GUEST_SERIES, "pmd-floor is a series")
        self.assertEqual(results.UNALIGNED_SERIES, ("xen", "xen+pmd"))
        results.check_row(sampled("pmd-floor", 4096, FLOOR))

    def test_unknown_field_is_still_an_error(self):
        with self.assertRaises(Error, msg="an unknown field on a pmd-floor row"):
            results.check_row(sampled("pmd-floor", 4096, FLOOR, l2_requests=8))
        with self.assertRaises(Error, msg="an unknown series"):
            results.check_row(sampled("pmd-flor", 4096, FLOOR))

    def test_offset(self):
        with self.assertRaises(Error, msg="offset 0 is written as no offset"):
            results.check_row(sampled("xen", 512, FLOOR, offset=0))
        rows = [sampled("xen", 512, FLOOR), sampled("xen", 512, FLOOR, offset=256)]
        self.assertEqual(len(results.check_rows(rows)), 2, "offset keeps rows apart")

    def test_recorded(self):
        rows = fixture()
        for d in results.DOMAINS:
            mine = [r for r in rows if r["domain"] == d]
            self.assertTrue(any(r["backend"] == "pmd-floor" and r["pages"] == 512
                                for r in mine), "%s: pmd-floor at 512" % d)
            self.assertEqual({(r["backend"], r["pages"], r["offset"]) for r in mine
                              if r.get("offset")},
                             {("xen", 512, 256), ("xen+pmd", 512, 256)},
                             "%s: the unaligned rows" % d)


class RunCheck(unittest.TestCase):
    """bench-run's check of one domain's guest rows (make bench-smoke)."""

    def rows(self, domain):
        return [r for r in copy.deepcopy(fixture()) if r["domain"] == domain]

    def problem(self, rows, domain="initial"):
        return bench_run.guest_rows_problem(rows, bench_run.SMOKE_PAGES, domain)

    def test_recorded_passes(self):
        for d in results.DOMAINS:
            self.assertIsNone(self.problem(self.rows(d), d), d)

    def drop(self, pred):
        return [r for r in self.rows("initial") if not pred(r)]

    def test_no_pmd_floor(self):
        p = self.problem(self.drop(lambda r: r["backend"] == "pmd-floor"))
        self.assertIn("pmd-floor at 512", p or "", "a missing pmd-floor is caught")

    def test_no_unaligned(self):
        p = self.problem(self.drop(lambda r: r["backend"] == "xen+pmd" and r.get("offset")))
        self.assertIn("offset 256", p or "", "a missing unaligned row is caught")

    def test_wrong_requests(self):
        rows = self.rows("initial")
        for r in rows:
            if r["backend"] == "pmd-floor":
                r["requests_per_hypercall"] = 2.0
        p = self.problem(rows)
        self.assertIn("one per L1 table", p or "", "pmd-floor sending other requests")

    def test_wrong_offset(self):
        rows = self.rows("initial")
        for r in rows:
            if r.get("offset"):
                r["offset"] = 128
        self.assertIn("unexpected row with an offset", self.problem(rows) or "")

    def test_pmd_floor_without_whole_table(self):
        rows = self.rows("initial")
        extra = copy.deepcopy(next(r for r in rows if r["backend"] == "pmd-floor"))
        extra["pages"] = 8
        self.assertIn("no whole L1 table", self.problem(rows + [extra]) or "")


class Report(common.ReportCase):
    prefix = "pvbatch-issue15-"

    def a_row(self, md, n, domain="initial"):
        return table_row(section_of(md, domain), "(a) aligned", n)

    def b_row(self, md, n, domain="initial"):
        return table_row(section_of(md, domain), "(b) unaligned", n)

    def test_met(self):
        md = self.report(domain_rows())
        for n in (512, 4096, 32768):
            a = self.a_row(md, n)
            self.assertIn("| 0.10 [0.10, 0.10] | met |", a, "(a) at %d" % n)
            self.assertIn("0.05 [0.05, 0.05] | at most 0.2: leaves room", a,
                          "the bound at %d" % n)
            self.assertIn("| 0.90 [0.90, 0.90] | met |", self.b_row(md, n), "(b) at %d" % n)
        self.assertIn("a lower bound: Xen's own cost of the L2 requests", md,
                      "pmd-floor is labelled as a bound")

    def test_a_flips(self):
        md = self.report(domain_rows(pmd=0.3))
        self.assertIn("| 0.30 [0.30, 0.30] | not met |", self.a_row(md, 4096),
                      "xen+pmd at 0.3 x floor fails (a)")

    def test_bound_out_of_reach(self):
        md = self.report(domain_rows(pmd=0.3, bound=0.25))
        self.assertIn("the target is out of reach here", self.a_row(md, 4096),
                      "a bound whose whole interval is above 0.2")

    def test_bound_interval_contains_limit(self):
        rows = domain_rows(pmd=0.3)
        for r in rows:
            if r["backend"] == "pmd-floor" and r["pages"] == 4096:
                r.update(sampled("pmd-floor", 4096, [150, 160, 190, 205, 210, 220, 230,
                                                     240, 250, 260, 400]))
        md = self.report(rows)
        a = self.a_row(md, 4096)
        self.assertIn("not shown out of reach", a, "median above 0.2, interval not")
        self.assertNotIn("the target is out of reach", a)

    def test_b_flips(self):
        md = self.report(domain_rows(unal=1.5))
        self.assertIn("| 1.50 [1.50, 1.50] | not met |", self.b_row(md, 32768),
                      "xen+pmd 1.5 x xen on unaligned ranges fails (b)")
        rows = domain_rows()
        for r in rows:
            if r["backend"] == "xen+pmd" and r.get("offset") and r["pages"] == 512:
                xs = [x * 1.2 for x in (900, 950, 980, 1040, 1050, 1060, 1070, 1080,
                                        1090, 1100, 1200)]
                r.update(sampled("xen+pmd", 512, xs, offset=256))
        md = self.report(rows)
        b = self.b_row(md, 512)
        self.assertIn("| met (within the interval) |", b, "above 1, the interval reaches 1")
        offset = [c for c in md.split("## configuration: ")[1:]
                  if c.splitlines()[0].endswith("offset=256")]
        self.assertEqual(len(offset), 1, "one section for the unaligned rows")
        line = [ln for ln in offset[0].splitlines() if "N=512 (unaligned)" in ln]
        self.assertTrue(line and line[0].rstrip().endswith("| met |"),
                        "the section's verdict agrees with the domain's view: %s" % line)

    def test_b_flips_in_the_offset_section(self):
        md = self.report(domain_rows(unal=1.5))
        offset = [c for c in md.split("## configuration: ")[1:]
                  if c.splitlines()[0].endswith("offset=256")][0]
        line = [ln for ln in offset.splitlines() if "N=32768 (unaligned)" in ln]
        self.assertTrue(line and line[0].rstrip().endswith("| not met |"),
                        "1.5 x xen fails (b) in the offset section too: %s" % line)

    def test_both_domains(self):
        md = self.report(domain_rows() + domain_rows(pmd=0.3, domain="domU"))
        self.assertIn("| met |", self.a_row(md, 512, "initial"))
        self.assertIn("| not met |", self.a_row(md, 512, "domU"))

    def test_offset_rows_stay_out_of_the_aligned_tables(self):
        rows = domain_rows()
        for r in rows:
            if r["backend"] == "xen" and r.get("offset"):
                r.update(sampled("xen", r["pages"], scaled(77.7), offset=256))
        md = self.report(rows)
        aligned = section_of(md, "initial").split("Issue 15")[0]
        self.assertNotIn("77700", aligned, "no unaligned time in the aligned tables")

    def test_recorded_and_no_empty_targets(self):
        md = self.report(fixture())
        for d in results.DOMAINS:
            sec = section_of(md, d)
            self.assertIn("(a) aligned", sec, "%s: issue 15 (a)" % d)
            self.assertIn("(b) unaligned", sec, "%s: issue 15 (b)" % d)
        configs = md.split("## configuration: ")[1:]
        self.assertTrue(configs, "one section per configuration")
        for c in configs:
            label = c.splitlines()[0]
            if "ad=clean" in label or "parallel=" in label:
                self.assertNotIn("no data", c, "%s: no target without data" % label)
                self.assertIn("None is judged", c, label)
            elif "offset=" in label:
                self.assertIn("(unaligned) ≤ xen", c, "%s: the unaligned target" % label)
                self.assertNotIn("no data", c, label)


if __name__ == "__main__":
    unittest.main()
