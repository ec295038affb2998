# SPDX-License-Identifier: GPL-2.0
"""Issue 13's statistics: the interval of a median, the samples a row
carries, and the report's per-domain view built from them."""

import math
import os
import unittest

import common

from pvbatch import Error, results

NEW = os.path.join(common.DATA, "bench-console-13.log")


def new_rows():
    return results.read_bench_log(NEW)


class Rank(unittest.TestCase):
    def test_known(self):
        for n, k in ((1, 0), (5, 0), (6, 1), (11, 2), (15, 4), (31, 10)):
            self.assertEqual(results.ci_rank(n), k, "ci_rank(%d)" % n)

    def test_definition(self):
        """k is the largest with P(X < k) <= 0.025, X ~ Binomial(n, 1/2)."""
        for n in range(6, 32):
            k = results.ci_rank(n)
            below = lambda j: sum(math.comb(n, i) for i in range(j)) / 2 ** n
            self.assertLessEqual(below(k), 0.025, "n=%d: coverage of k=%d" % (n, k))
            self.assertGreater(below(k + 1), 0.025, "n=%d: k=%d is the largest" % (n, k))

    def test_median_ci(self):
        self.assertEqual(results.median_ci(list(range(11, 0, -1))), (6, [2, 10]),
                         "11 samples: median 6, interval [2nd, 10th]")
        self.assertEqual(results.median_ci([3, 1, 2]), (2, None),
                         "3 samples: no interval")


class Samples(unittest.TestCase):
    def good(self):
        return dict(next(r for r in new_rows() if r["backend"] == "xen"))

    def bad(self, r, what):
        with self.assertRaises(Error, msg=what):
            results.check_row(r)

    def test_recorded_rows_agree(self):
        """The guest's intervals (computed in C) are the module's."""
        rows = new_rows()
        self.assertEqual(len(results.check_rows(rows)), len(rows), "all told apart")
        self.assertTrue(all(r.get("ns_per_pte_ci95") for r in rows), "every row has one")
        self.assertEqual({r["domain"] for r in rows}, {"initial", "domU"}, "both domains")
        self.assertEqual({r["ad"] for r in rows}, {"dirty", "clean"}, "both A/D states")
        self.assertIn("floor+flush", {r["backend"] for r in rows}, "floor+flush")
        self.assertEqual({r.get("parallel") for r in rows}, {None, 1, 2}, "parallel rows")

    def test_doctored_interval(self):
        r = self.good()
        r["ns_per_pte_ci95"] = [r["ns_per_pte_ci95"][0], r["ns_per_pte_ci95"][1] + 1]
        self.bad(r, "an interval the samples do not give")

    def test_interval_misses_median(self):
        r = self.good()
        del r["ns_per_pte_samples"]
        r["ns_per_pte_ci95"] = [r["ns_per_pte"] + 1, r["ns_per_pte"] + 2]
        self.bad(r, "an interval without the median in it")

    def test_interval_shape(self):
        r = self.good()
        del r["ns_per_pte_samples"]
        r["ns_per_pte_ci95"] = [r["ns_per_pte"] + 1, r["ns_per_pte"] - 1]
        self.bad(r, "lo > hi")
        r["ns_per_pte_ci95"] = [1]
        self.bad(r, "one number")

    def test_samples_count(self):
        r = self.good()
        r["ns_per_pte_samples"] = r["ns_per_pte_samples"][:-1]
        self.bad(r, "fewer samples than repeats")

    def test_vcpu_times_one_per_vcpu(self):
        r = dict(next(r for r in new_rows() if r.get("parallel") == 2))
        r["vcpu_ns_per_pte"] = [700.0, 710.0]
        results.check_row(r, "two vCPUs, two own times")
        r["vcpu_ns_per_pte"] = [700.0]
        self.bad(r, "one own time for two working vCPUs")

    def test_vcpu_calib_one_per_vcpu(self):
        r = dict(next(r for r in new_rows() if r.get("parallel") == 2))
        r["vcpu_calib_ns"] = [4000.0, 4100.0]
        results.check_row(r, "two vCPUs, two loop times")
        r["vcpu_calib_ns"] = [4000.0, 4100.0, 4200.0]
        self.bad(r, "three loop times for two working vCPUs")

    def test_samples_median(self):
        r = self.good()
        r["repeats"] = 5
        r["ns_per_pte_samples"] = [1, 2, 3, 4, 5]
        r["ns_per_pte_ci95"] = None
        self.bad(r, "a median that is not the samples'")


def dom_u_view(md):
    return md[md.index("## an xl domU"):].split("\n## ")[0]


def initial_view(md):
    return md[md.index("## the initial domain"):].split("\n## ")[0]


class DomainView(common.ReportCase):
    prefix = "pvbatch-intervals-"

    def test_both_domains(self):
        md = self.report(new_rows())
        self.assertIn("## the initial domain", md, "the initial domain's view")
        self.assertIn("## an xl domU", md, "the domU's view")
        self.assertIn("xen/(floor+flush)", md, "the ratio to floor+flush")
        self.assertIn("speed-up 1→2", md, "the parallel speed-up")
        self.assertNotIn("NOISE GATE FAILED", md, "no gate result, no mark")

    def test_vcpu_own_times(self):
        """Each vCPU's own time at parallel=2, against one vCPU's alone."""
        rows = new_rows()
        for r in rows:
            if r.get("parallel") and r["domain"] == "initial" and r["pages"] == 512:
                r["vcpu_ns_per_pte"] = [800.0] if r["parallel"] == 1 else [820.0, 1440.0]
        md = self.report(rows)
        self.assertIn("| 820 (1.02×), 1440 (1.80×) |", md,
                      "the second vCPU's own time is shown 1.8 times its alone")

    def test_vcpu_calib_shown(self):
        """Each vCPU's arithmetic loop at parallel=2, against the fastest."""
        rows = new_rows()
        for r in rows:
            if r.get("parallel") == 2 and r["domain"] == "initial" and r["pages"] == 512:
                r["vcpu_calib_ns"] = [6000.0, 4000.0]
        md = self.report(rows)
        self.assertIn("| 1.50×, 1.00× |", initial_view(md),
                      "vCPU 0's loop took 1.5 times vCPU 1's")

    def test_host_speedup_shown(self):
        """The machine's own two-core speed-up, beside the parallel one and
        in the parallel targets' lines, for the boot whose rows carry it."""
        rows = new_rows()
        for r in rows:
            if r["domain"] == "initial":
                r.update(host_speedup=1.52, host_speedup_ci95=[1.45, 1.60])
        md = self.report(rows)
        self.assertIn("own two-core speed-up right before this boot: 1.52 [1.45, 1.60]",
                      initial_view(md), "the initial domain's boot shows its host figure")
        self.assertIn("this machine's own two cores: 1.52 [1.45, 1.60] |",
                      initial_view(md), "so does each parallel target's line")
        self.assertNotIn("own two-core", dom_u_view(md), "the domU's rows carry none")

    def test_host_speedup_mixed_refused(self):
        """Rows of one boot with two host figures: an error, not a pick."""
        rows = new_rows()
        for i, r in enumerate(r for r in rows if r["domain"] == "initial"):
            r["host_speedup"] = 1.5 if i % 2 else 1.9
        p, _ = self.run_report(rows)
        self.assertNotEqual(p.returncode, 0, "bench-report refused them")
        self.assertIn("different host_speedup values", p.stderr, "and said why")

    def linux_rows(self, domain):
        rows = []
        for n in (1, 512):
            r = {"backend": "linux", "pages": n, "rounds": 10, "repeats": 11,
                 "ns_per_pte": 9000.0, "ns_per_pte_min": 8000.0,
                 "hypercalls_per_pte": 1.0, "requests_per_hypercall": 1.0,
                 "traps_per_pte": None, "flushes_per_mprotect": 1.0}
            if domain:
                r["domain"] = domain
            rows.append(r)
        return rows

    def test_linux_same_boot(self):
        """Linux timed in the domU's boot: same-boot there, cross-boot for
        the initial domain."""
        md = self.report(new_rows() + self.linux_rows("domU"))
        dom_u = md[md.index("## configuration: domain=domU, ad=dirty"):]
        initial = md[md.index("## configuration: domain=initial, ad=dirty"):]
        self.assertIn("linux/xen (same boot,", dom_u.split("\n## ")[0],
                      "the domU's linux/xen is same-boot")
        self.assertIn("linux/xen (cross-boot,", initial.split("\n## ")[0],
                      "the initial domain's linux/xen is cross-boot")
        self.assertIn("Linux as a second domU", md, "the note says where Linux ran")
        self.assertIn("Linux in this boot", dom_u_view(md), "the domU's view compares")
        self.assertNotIn("Linux in this boot", initial_view(md),
                         "the initial domain's view has no Linux of its boot")

    def test_linux_interval_shown(self):
        """Linux's own interval, when its rows carry one, beside ours."""
        rows = self.linux_rows("domU")
        rows[0]["ns_per_pte_samples"] = [9000.0 + 100 * i for i in range(-5, 6)]
        rows[0]["ns_per_pte_ci95"] = [8600.0, 9400.0]
        rows[0]["ns_per_pte_min"] = 8500.0
        md = self.report(new_rows() + rows)
        self.assertRegex(dom_u_view(md), r"\| 1 \| 9000 \[8600, 9400\] \| \d+ \[\d+, \d+\] \| [\d.]+ \|",
                         "Linux's median at N=1 with its interval, ours with ours")

    def test_linux_own_boot(self):
        """Linux rows without a domain (a boot of their own): cross-boot."""
        md = self.report(new_rows() + self.linux_rows(None))
        self.assertNotIn("(same boot,", md, "nothing is called same-boot")
        self.assertIn("every linux/xen ratio is cross-boot", md, "the note says so")

    def test_gate_failed_is_marked(self):
        rows = new_rows()
        for r in rows:
            r["noise_gate"] = "failed" if r["domain"] == "domU" else "passed"
        md = self.report(rows)
        self.assertEqual(md.count("NOISE GATE FAILED"), 1, "the domU's boot is marked")
        self.assertIn("Noise gate passed", md, "the initial domain's is not")
        self.assertIn("two cores ≥ 1.7", initial_view(md),
                      "the initial domain's gate names the host's cores")
        self.assertNotIn("two cores at 1.7", dom_u_view(md),
                         "the domU's does not: they are not gated there")

    def test_paired_ratio(self):
        x = {"ns_per_pte": 2.0, "ns_per_pte_samples": [2, 4, 6, 8, 10, 12]}
        y = {"ns_per_pte": 1.0, "ns_per_pte_samples": [1, 2, 3, 4, 5, 6]}
        self.assertEqual(results.paired(x, y), (2.0, [2.0, 2.0]),
                         "per-repeat ratios, not a ratio of medians")

    def test_no_bound_word(self):
        md = self.report(new_rows())
        self.assertNotIn("Xen-side bound", md, "nothing unproven called a bound")
        self.assertIn("cross-boot", md, "linux/xen labelled cross-boot")


if __name__ == "__main__":
    unittest.main()
