# SPDX-License-Identifier: GPL-2.0
"""pvbatch.hostcores: the machine's own two-core speed-up, and its fields."""

import copy
import os
import unittest
from unittest import mock

import common

from pvbatch import Error, hostcores, results

ROW = {"backend": "xen", "pages": 8, "rounds": 1, "repeats": 1,
       "ns_per_pte": 4605.5, "ns_per_pte_min": 4500, "hypercalls_per_pte": 0.125,
       "requests_per_hypercall": 8.0, "traps_per_pte": 0,
       "flushes_per_mprotect": 1.0, "vcpus": 2, "cycles": 123456}


class Speedup(unittest.TestCase):
    def test_the_trees_module(self):
        self.assertTrue(hostcores.__file__.startswith(common.TOOLS),
                        "the module under test is this tree's")

    def test_independent_cores(self):
        self.assertEqual(hostcores.speedup(1.0, 1.0, [1.0, 1.0]), 2.0,
                         "no slowdown together: 2")

    def test_slower_together(self):
        self.assertAlmostEqual(hostcores.speedup(0.7, 0.8, [1.0, 0.9]), 1.5,
                               msg="the slower of the two sets the wall time")

    def test_one_core_none(self):
        with mock.patch("os.sched_getaffinity", return_value={0}):
            self.assertIsNone(hostcores.measure(trials=1, iters=10),
                              "one core: nothing to measure")

    @unittest.skipIf(len(os.sched_getaffinity(0)) < 2, "needs two cores")
    def test_measure_shape(self):
        m = hostcores.measure(trials=6, iters=20000)
        self.assertGreater(m["host_speedup"], 0, "a speed-up")
        lo, hi = m["host_speedup_ci95"]
        self.assertLessEqual(lo, m["host_speedup"], "interval below the median")
        self.assertLessEqual(m["host_speedup"], hi, "and above it")
        row = dict(ROW, **m)
        results.check_row(row)


class Fields(unittest.TestCase):
    def test_good(self):
        results.check_row(dict(ROW, host_speedup=1.5, host_speedup_ci95=[1.4, 1.6]))
        results.check_row(dict(ROW, host_speedup=1.5, host_speedup_ci95=None))

    def test_bad(self):
        for k, v in (("host_speedup", "fast"), ("host_speedup", -1),
                     ("host_speedup_ci95", [1.6, 1.4]), ("host_speedup_ci95", 1.5)):
            r = copy.deepcopy(ROW)
            r[k] = v
            with self.assertRaises(Error, msg="%s=%r refused" % (k, v)):
                results.check_row(r)


if __name__ == "__main__":
    unittest.main()
