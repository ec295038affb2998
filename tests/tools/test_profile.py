# SPDX-License-Identifier: GPL-2.0
"""pvbatch.profile: phases from marks and SPAN lines, counts per phase.

A synthetic domain dump (the shapes xenalyze --dump-all prints, with the
'-' CPU-column marker and an unnamed hypercall) holds: a boot-time
physdev_op, a lone mark (absorb), then one span of a workload with a
multicall of two mmu_updates (1 and 3 requests) and an mmuext_op, a
top-level mmu_update of 1 request, two ptwr emulations at known eips,
and a privop emulation.
"""

import unittest

import common
from pvbatch import Error
from pvbatch import profile as prof

TOOLS = common.TOOLS      # importing common put it on sys.path
PHYS = "   1.%06d x| d1v0 hypercall 21 (physdev_op)\n"
IRET = "   1.%06d x| d1v0 hypercall 17 (iret)\n"


def dump(extra_phys=0):
    t = iter(range(100, 10000))
    lines = ["   0.000001 -x d1v0 hypercall 21 (physdev_op)\n"]
    for _ in range(3):                      # absorb, then the span's two marks
        if _ == 2:
            lines += [
                "   1.%06d -x d1v0 hypercall  d (multicall) 3 calls\n" % next(t),
                "   1.%06d x| d1v0  hypercall  1 (mmu_update) 1 updates\n" % next(t),
                "   1.%06d x| d1v0  hypercall  1 (mmu_update) 3 updates\n" % next(t),
                "   1.%06d x| d1v0  hypercall 1a (mmuext_op) 1 ops\n" % next(t),
                "   1.%06d x| d1v0 hypercall  1 (mmu_update) 1 updates\n" % next(t),
                "   1.%06d x| d1v0 ptwr l1e 0 eip ffffffff81000010 addr ffff888000001000\n"
                % next(t),
                "   1.%06d x| d1v0 ptwr l1e 0 eip ffffffff81000110 addr ffff888000001008\n"
                % next(t),
                "   1.%06d x| d1v0 emulate privop eip ffffffff81000020\n" % next(t),
                "   1.%06d x| d1v0 hypercall 28\n" % next(t),
                "   1.%06d x| d2v0 hypercall  1 (mmu_update) 9 updates\n" % next(t),
            ]
            lines += [PHYS % next(t)] * extra_phys
        # The program's syscalls between two marks: at least 9 records.
        lines += [IRET % next(t) for _ in range(9)]
        lines += [PHYS % next(t), IRET % next(t), PHYS % next(t), IRET % next(t)]
    return lines


SPANS = [("-", 0, "absorb", 1), ("fork", 8, "run", 1)]


class SymbolsStub:
    def func(self, ip):
        return {0xffffffff81000010: "copy_pte_range",
                0xffffffff81000110: "copy_pte_range",
                0xffffffff81000020: "xen_read_tsc"}.get(ip, "?")


class ProfileTest(unittest.TestCase):
    def phases(self, lines=None):
        events, lost = prof.parse_domain_dump(lines or dump(), 1, "synthetic")
        self.assertEqual(lost, 0, "no lost records")
        return prof.profile(events, SPANS, SymbolsStub())

    def test_phase_counts(self):
        ph = self.phases()[("fork", 8, "run")]
        self.assertEqual(ph.spans, 1, "one span")
        self.assertEqual(ph.mmu_calls, 3, "three mmu_updates, two in the multicall")
        self.assertEqual(ph.mmu_requests, 5, "1 + 3 + 1 requests")
        self.assertEqual(ph.mmu_sub, 2, "two mmu_updates inside the multicall")
        self.assertEqual(ph.pt_calls, 2, "the multicall once, the lone mmu_update once")
        self.assertEqual(ph.mc_sizes, {3: 1}, "one multicall of 3")
        self.assertEqual(ph.single["mmu_update, top-level"], 1, "one lone request")
        self.assertEqual(ph.single["mmu_update, in a multicall"], 1,
                         "one single-request mmu_update in the multicall")
        self.assertEqual(ph.emul["ptwr"], {"copy_pte_range": 2},
                         "both pte writes attributed to their function")
        self.assertEqual(ph.emul["privop"], {"xen_read_tsc": 1}, "the privop")
        self.assertEqual(sum(ph.calls.values()), 13,
                         "multicall, mmu_update, the unnamed 0x28, the iret after the "
                         "mark, the 9 irets before the next")

    def test_other_domain_ignored(self):
        ph = self.phases()[("fork", 8, "run")]
        self.assertNotIn(9, ph.mmu_reqs, "domain 2's mmu_update is not counted")

    def test_lone_physdev_is_not_a_mark(self):
        # A lone physdev_op inside the span (a process with an I/O bitmap
        # exiting) pairs with nothing: the span's counts stay.
        ph = self.phases(dump(extra_phys=1))[("fork", 8, "run")]
        self.assertEqual(ph.mmu_requests, 5, "the lone op did not shift the marks")

    def test_split_mark_is_caught(self):
        # One mark's halves far apart in time (its vCPU descheduled for
        # longer than MARK_TIME): one mark short.
        lines = dump()
        i = max(k for k, ln in enumerate(lines) if "physdev_op" in ln)
        lines[i] = lines[i].replace("   1.", "   9.")
        events, _ = prof.parse_domain_dump(lines, 1, "synthetic")
        with self.assertRaises(Error, msg="a split mark leaves the count short"):
            prof.profile(events, SPANS)

    def at(self, line, dt, text):
        """text (PHYS or IRET) timed dt after line."""
        return text.replace("1.%06d", "%.6f") % (float(line.split()[0]) + dt)

    def test_preempted_mark_is_caught(self):
        # A mark preempted between its halves: the bitmap is dropped at
        # the switch, the other task runs (more than MARK_GAP records of
        # this vCPU), and it is loaded again when the task comes back: a
        # second run of physdev_ops.  One mark too many must not shift
        # the phases silently.
        lines = dump()
        i = [k for k, ln in enumerate(lines) if "physdev_op" in ln][3]
        other = [self.at(lines[i], 0.000002 + k * 1e-6, IRET) for k in range(12)]
        lines[i + 1:i + 1] = [self.at(lines[i], 0.000001, PHYS)] + other + \
            [self.at(lines[i], 0.000020, PHYS)]
        events, _ = prof.parse_domain_dump(lines, 1, "synthetic")
        with self.assertRaises(Error, msg="one mark too many is an error"):
            prof.profile(events, SPANS)

    def test_interrupt_inside_a_mark(self):
        # An interrupt between a mark's on and off: one or two more
        # physdev_ops close to its halves (the bitmap written again on
        # the way back to user mode).  Still one mark; the span's counts
        # stay.  Pairing two by two made that two marks.
        for extra in (1, 2):
            lines = dump()
            i = [k for k, ln in enumerate(lines) if "physdev_op" in ln][3]
            lines[i + 1:i + 1] = [self.at(lines[i], 1e-7 * (k + 1), PHYS)
                                  for k in range(extra)]
            events, _ = prof.parse_domain_dump(lines, 1, "synthetic")
            ph = prof.profile(events, SPANS)[("fork", 8, "run")]
            self.assertEqual(ph.mmu_requests, 5,
                             "%d extra op(s) inside a mark: the span is unchanged" % extra)

    def test_too_few_marks(self):
        events, _ = prof.parse_domain_dump(dump(), 1, "synthetic")
        with self.assertRaises(Error, msg="more marks wanted than the trace has"):
            prof.profile(events, SPANS + [("munmap", 8, "run", 5)])

    def test_no_spans_is_one_phase(self):
        events, _ = prof.parse_domain_dump(dump(), 1, "synthetic")
        phases = prof.profile(events, [])
        self.assertEqual(list(phases), [("all", 0, "all")], "the whole trace")
        self.assertEqual(phases[("all", 0, "all")].calls["physdev_op"], 7,
                         "every physdev_op of domain 1 counted")


if __name__ == "__main__":
    unittest.main()
