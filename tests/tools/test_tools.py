# SPDX-License-Identifier: GPL-2.0
"""The tools themselves: one parser for both, bench-report's keys,
trace-report's verdicts."""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import common
import pvbatch.trace
from pvbatch.xenabi import abi

from test_results import GUEST, LINUX, row

bench_run = common.load_tool("bench-run")
trace_report = common.load_tool("trace-report")


class OneParser(unittest.TestCase):
    """bench-run and trace-report count a continuation the same way."""

    def test_same_module(self):
        self.assertIs(bench_run.trace, pvbatch.trace, "bench-run's parser")
        self.assertIs(trace_report.parse_dump, pvbatch.trace.parse_dump,
                      "trace-report's parser")

    def test_same_counts(self):
        recs = pvbatch.trace.parse_dump(common.DUMP).records
        calls, reqs, ext = bench_run.phase_counts(recs, -1, len(recs))
        tr = trace_report.DumpTotals(common.DUMP, 1)
        conts = sum(tr.continuations.values())
        subs = sum(1 for r in recs if r.sub)
        sub_conts = sum(1 for r in recs if r.sub and r.cont)
        self.assertEqual(conts, 5, "trace-report: five continuations")
        self.assertEqual(calls, len(recs) - subs - (conts - sub_conts),
                         "bench-run leaves out of its calls exactly the "
                         "top-level records trace-report calls re-entered")
        self.assertEqual(reqs, tr.requests["mmu_update.requests"],
                         "the same mmu_update requests")
        self.assertEqual(ext, tr.requests["mmuext_op.ops"], "the same mmuext ops")

    def test_multicall_continuation_is_no_call(self):
        recs = pvbatch.trace.parse_dump(common.DUMP).records
        mc = abi().nr("multicall")
        # Records 17..18 (0-based): the re-entered multicall and its sub-call.
        self.assertEqual(bench_run.phase_counts(recs, 16, 19)[0], 0,
                         "bench-run: a re-entered multicall is not a call")
        self.assertEqual(recs[17].nr, mc, "fixture: record 18 is the multicall")


class BenchReport(common.ReportCase):
    """Results that differ only in domain, ad or parallel stay apart."""
    prefix = "pvbatch-bench-report-"

    def apart(self, field, a, b):
        p, md = self.run_report([row(**{field: a, "ns_per_pte": 1111.0}),
                                 row(**{field: b, "ns_per_pte": 2222.0}),
                                 row(LINUX, **{field: a})])
        self.assertEqual(p.returncode, 0, "bench-report ran: %s" % p.stderr)
        self.assertIn("1111", md, "%s=%s kept" % (field, a))
        self.assertIn("2222", md, "%s=%s kept" % (field, b))
        self.assertIn("configuration: %s=%s" % (field, a), md, "its own section")
        self.assertIn("configuration: %s=%s" % (field, b), md, "its own section")

    def test_domain(self):
        self.apart("domain", "initial", "domU")

    def test_ad(self):
        self.apart("ad", "dirty", "clean")

    def test_parallel(self):
        self.apart("parallel", 1, 4)

    def test_one_configuration(self):
        p, md = self.run_report([row(), row(LINUX)])
        self.assertEqual(p.returncode, 0, "bench-report ran: %s" % p.stderr)
        self.assertNotIn("configuration:", md, "one configuration, no sections")
        self.assertIn("4606", md, "the xen time is shown")

    def test_malformed(self):
        p, _ = self.run_report([row(GUEST, speed=3)])
        self.assertNotEqual(p.returncode, 0, "an unknown field fails the report")
        self.assertIn("unknown field 'speed'", p.stderr, "and says which")


class TraceReport(unittest.TestCase):
    """Verdicts on the recorded excerpt, and on doctored copies of it."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="pvbatch-trace-report-")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def copy(self, src, old=None, new=None):
        text = common.read(src)
        if old is not None:
            self.assertIn(old, text, "fixture %s changed" % src)
            text = text.replace(old, new, 1)
        path = os.path.join(self.dir, os.path.basename(src))
        with open(path, "w") as f:
            f.write(text)
        return path

    def run_report(self, summary=common.SUMMARY, dump=common.DUMP,
                   console=common.CONSOLE):
        verdict = os.path.join(self.dir, "verdict")
        p = subprocess.run([sys.executable, os.path.join(common.TOOLS, "trace-report"),
                            "--xenalyze", summary, "--dump", dump, "--console", console,
                            "--domid", "1", "--out", os.path.join(self.dir, "report"),
                            "--verdict", verdict], capture_output=True, text=True)
        return p, common.read(verdict).strip()

    def test_match(self):
        p, v = self.run_report()
        self.assertEqual((p.returncode, v), (0, "match"), p.stdout + p.stderr)

    def mismatch(self, what, **files):
        p, v = self.run_report(**files)
        self.assertEqual(p.returncode, 1, "%s: exit 1 (%s)" % (what, p.stderr))
        self.assertEqual(v, "mismatch", "%s: verdict" % what)
        self.assertIn("trace-report: mismatch", p.stdout, "%s: printed" % what)

    def test_console_doctored(self):
        self.mismatch("guest mmu_update +1", console=self.copy(
            common.CONSOLE, "HCSTAT mmu_update 24", "HCSTAT mmu_update 25"))

    def test_console_requests_doctored(self):
        self.mismatch("guest requests -1", console=self.copy(
            common.CONSOLE, "mmu_update.requests 4113", "mmu_update.requests 4112"))

    def test_summary_doctored(self):
        self.mismatch("xenalyze multicall +1", summary=self.copy(
            common.SUMMARY, "[13]:      8", "[13]:      9"))

    def test_summary_ptwr_doctored(self):
        self.mismatch("xenalyze ptwr +1", summary=self.copy(
            common.SUMMARY, "  ptwr  3", "  ptwr  4"))

    def test_dump_doctored(self):
        self.mismatch("a continuation not flagged", dump=self.copy(
            common.DUMP, "237 updates (preempted)", "237 updates"))

    def test_dump_malformed(self):
        p, v = self.run_report(dump=self.copy(common.DUMP, "(mmu_update) 237 updates",
                                              "(mmu_update) updates"))
        self.assertEqual(p.returncode, 2, "unreadable input: exit 2")
        self.assertEqual(v, "mismatch", "and the verdict is not a match")
        self.assertIn("without its count", p.stderr, "the reason is given")


if __name__ == "__main__":
    unittest.main()
