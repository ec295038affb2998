# SPDX-License-Identifier: GPL-2.0
"""bench-run's Linux trace counts: the marks must match the phases exactly."""

import os
import shutil
import tempfile
import unittest

from common import load_tool

BR = load_tool("bench-run")
PHYS = "   1.%06d |x d1v0 hypercall 21 (physdev_op)\n"
MMU = "   1.%06d |x d1v0 hypercall  1 (mmu_update) 4 updates\n"
IRET = "   1.%06d |x d1v0 hypercall 17 (iret)\n"


def dump(extra_pair_in_run=False):
    """One N: the absorbing mark, then zero (empty) and run (two
    mmu_updates of 4 requests) phases, each between two marks; after
    each mark the program's syscalls (9 irets, the fewest in a trace)."""
    t = iter(range(100, 100000))

    def mark():
        return [PHYS % next(t), PHYS % next(t)] + [IRET % next(t) for _ in range(9)]

    lines = mark()                                      # absorb
    lines += mark() + mark()                            # zero phase
    lines += mark() + [MMU % next(t)]
    if extra_pair_in_run:                               # a preempted mark's
        lines += mark()                                 # extra pair
    lines += [MMU % next(t)] + mark()                   # run phase
    return lines


class LinuxMarks(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="pvbatch-marks-")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def counts(self, lines):
        path = os.path.join(self.dir, "xenalyze-hypercalls.txt")
        with open(path, "w") as f:
            f.writelines(lines)
        return BR.linux_counts(path, [1], [1], 1)

    def test_exact_marks_count(self):
        c = self.counts(dump())
        self.assertIsNotNone(c, "five marks for one N: counted")
        self.assertEqual(c[1][1], 8, "the run phase's 8 mmu_update requests")

    def test_extra_mark_gives_no_counts(self):
        self.assertIsNone(self.counts(dump(extra_pair_in_run=True)),
                          "six marks for five: no counts, not shifted ones")


if __name__ == "__main__":
    unittest.main()
