# SPDX-License-Identifier: GPL-2.0
"""pvbatch.trace: the dump parser on a recorded excerpt, and doctored ones.

data/xenalyze-dump.txt is four pieces of the hypercall dump of one
`test/run-pv-guest.sh --xl --trace --vcpus 2 -- selftest=mprotect` run
(domain 1), each starting at a top-level record.  In it, by hand:
  line 18  multicall re-entered (2 calls, after one of 2 sub-calls)
  line 19  its mmu_update sub-call re-entered, "197 updates (preempted)"
  line 34  a top-level mmu_update re-entered, "237 updates (preempted)"
  line 48  multicall re-entered (2 calls, after one of 2 sub-calls)
  line 49  its mmu_update sub-call re-entered, "489 updates (preempted)"
  61-65    the CPU column as "x " (the other CPU idle)
"""

import tempfile
import unittest

import common
from pvbatch import Error, trace
from pvbatch.xenabi import abi

EXCERPT = common.read(common.DUMP).splitlines(True)


def parse(lines, domid=1):
    return trace.parse_dump_lines(lines, domid, "excerpt")


def doctor(lineno, old, new):
    """The excerpt with `old` replaced by `new` on line lineno (1-based)."""
    lines = list(EXCERPT)
    assert old in lines[lineno - 1], "fixture changed: %r" % lines[lineno - 1]
    lines[lineno - 1] = lines[lineno - 1].replace(old, new)
    return lines


class Recorded(unittest.TestCase):
    def setUp(self):
        self.d = parse(EXCERPT)
        self.a = abi()

    def test_every_line_is_a_record(self):
        self.assertEqual(len(self.d.records), 65, "65 lines, 65 records")
        self.assertEqual(self.d.lost, 0, "no lost records")

    def test_continuations(self):
        conts = [(r.lineno, self.a.name(r.nr), r.sub)
                 for r in self.d.records if r.cont]
        self.assertEqual(conts, [(18, "multicall", False), (19, "mmu_update", True),
                                 (34, "mmu_update", False), (48, "multicall", False),
                                 (49, "mmu_update", True)],
                         "exactly the five re-entered records are continuations")

    def test_totals(self):
        recs, conts, reqs = self.d.totals()
        mmu, mc, ext = (self.a.nr(n) for n in ("mmu_update", "multicall", "mmuext_op"))
        self.assertEqual((recs[mmu], conts[mmu]), (27, 3), "mmu_update records")
        self.assertEqual((recs[mc], conts[mc]), (8, 2), "multicall records")
        self.assertEqual(recs[ext], 8, "mmuext_op records")
        self.assertEqual(reqs["mmu_update.requests"], 4113,
                         "requests of the calls, not of their continuations")
        self.assertEqual(reqs["mmuext_op.ops"], 8, "mmuext ops")

    def test_new_calls(self):
        n = sum(1 for r in self.d.records if r.new_call)
        subs = sum(1 for r in self.d.records if r.sub)
        self.assertEqual(subs, 14, "sub-call records")
        self.assertEqual(n, 65 - 14 - 3, "calls: records less sub-calls and "
                         "the three top-level continuations")

    def test_other_domain_skipped(self):
        self.assertEqual(len(parse(EXCERPT, domid=0).records), 0,
                         "domain 0 has no records in the excerpt")

    def test_cpu_column_as_xenalyze_draws_it(self):
        # The other pCPU idle ("-"), in the default domain ("."), losing
        # records ("l"): each a record, as with "|" (seen: "x-" once our
        # idle vCPUs blocked instead of spinning).
        for c in "-.l":
            d = parse(doctor(10, "|x", c + "x"))
            self.assertEqual(len(d.records), len(self.d.records),
                             "CPU column %rx: every line still a record" % c)

    def test_raw_negative_count(self):
        # An older xenalyze printed the count with the top bit set.
        d = parse(doctor(34, "237 updates (preempted)", "-2147483411 updates"))
        self.assertTrue(d.records[33].cont, "a raw count with the top bit set "
                        "is a continuation too")


class Doctored(unittest.TestCase):
    """Each must fail, with the line in the message."""

    def fails(self, lines, what):
        with self.assertRaises(Error, msg=what) as cm:
            parse(lines)
        self.assertIn("excerpt:", str(cm.exception), "%s: where it is" % what)

    def test_count_removed(self):
        self.fails(doctor(34, " 237 updates (preempted)", ""),
                   "an mmu_update record without its count")

    def test_wrong_unit(self):
        self.fails(doctor(34, "updates", "ops"), "an mmu_update counting ops")

    def test_garbled(self):
        self.fails(doctor(10, "hypercall", "hypercal"), "a line that is no record")

    def test_multicall_count_missing(self):
        self.fails(doctor(18, " 2 calls", ""), "a multicall without its count")

    def test_orphan_subcall(self):
        lines = [l for i, l in enumerate(EXCERPT, 1) if i != 18]
        lines = lines[:5] + lines[17:]     # starts at the sub-call
        self.fails(lines, "a sub-call with no multicall before it")

    def test_lost_without_count(self):
        self.fails(EXCERPT[:3] + ["lost_records\n"] + EXCERPT[3:],
                   "a lost-records line without its count")

    def test_preempted_flag_matters(self):
        d = parse(doctor(34, " (preempted)", ""))
        self.assertFalse(d.records[33].cont, "without the flag, a new call")
        self.assertEqual(d.totals()[2]["mmu_update.requests"], 4113 + 237,
                         "and its requests are added")


class LastCallPreempted(unittest.TestCase):
    """The last call of a multicall preempted: re-entered with one call."""

    LINES = [
        "   1.000000001 x| d1v0 hypercall  d (multicall) 2 calls\n",
        "   1.000000002 x| d1v0  hypercall 1a (mmuext_op) 1 ops\n",
        "   1.000000003 x| d1v0  hypercall  1 (mmu_update) 512 updates\n",
        "   1.000000004 x| d1v0 hypercall  d (multicall) 1 calls\n",
        "   1.000000005 x| d1v0  hypercall  1 (mmu_update) 100 updates (preempted)\n",
        "   1.000000006 x| d1v0 hypercall  d (multicall) 1 calls\n",
        "   1.000000007 x| d1v0  hypercall  1 (mmu_update) 4 updates\n",
    ]

    def test(self):
        d = parse(self.LINES)
        self.assertEqual([r.cont for r in d.records],
                         [False, False, False, True, True, False, False],
                         "the one-call multicall before a re-entered sub-call "
                         "is a continuation, the next one a new call")
        self.assertEqual(d.totals()[2]["mmu_update.requests"], 516,
                         "requests of the two calls")


class Summary(unittest.TestCase):
    def test_recorded_layout(self):
        header, doms = trace.parse_summary(common.SUMMARY)
        self.assertEqual(header["speed"], "2.60 GHz", "header read")
        self.assertEqual(doms[1].vcpus, {0, 1}, "both vCPUs")
        self.assertEqual(doms[1].by_nr[abi().nr("mmu_update")], 27, "mmu_update")
        self.assertEqual(doms[1].events["ptwr"], 3, "ptwr events")
        self.assertEqual(doms[0].by_nr[abi().nr("mmu_update")], 5,
                         "domain 0 kept apart")


    def test_doctored(self):
        text = common.read(common.SUMMARY).replace("  ptwr  3", "  ptwr  three")
        with tempfile.NamedTemporaryFile("w", suffix=".txt") as f:
            f.write(text)
            f.flush()
            with self.assertRaises(Error, msg="an event line without a number"):
                trace.parse_summary(f.name)


class Hcstat(unittest.TestCase):
    def test_block(self):
        g = trace.parse_hcstat(common.CONSOLE)
        self.assertEqual(g["mmu_update"], 24, "a total")
        self.assertEqual(g["mmu_update.requests"], 4113, "a request count")

    def doctored(self, old, new):
        text = common.read(common.CONSOLE).replace(old, new)
        with tempfile.NamedTemporaryFile("w", suffix=".log") as f:
            f.write(text)
            f.flush()
            return trace.parse_hcstat(f.name)

    def test_malformed(self):
        with self.assertRaises(Error, msg="a count that is no number"):
            self.doctored("HCSTAT multicall 6", "HCSTAT multicall six")
        with self.assertRaises(Error, msg="a name twice"):
            self.doctored("HCSTAT multicall 6", "HCSTAT multicall 6\nHCSTAT multicall 6")

    def test_incomplete(self):
        self.assertIsNone(self.doctored("HCSTAT end", ""),
                          "a block without its end is no block")


if __name__ == "__main__":
    unittest.main()
