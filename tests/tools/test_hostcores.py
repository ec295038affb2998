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


def host(x):
    return {"host_speedup": x, "host_speedup_ci95": None}


class Gate(unittest.TestCase):
    """bench-run's noise gate: a steady floor and two cores that do not
    slow each other much, both needed."""

    @classmethod
    def setUpClass(cls):
        cls.br = common.load_tool("bench-run")

    def test_both_steady(self):
        self.assertTrue(self.br.gate_passes(1.10, host(1.9)),
                        "steady floor, independent cores: passed")

    def test_floor_unsteady(self):
        self.assertFalse(self.br.gate_passes(1.30, host(1.9)),
                         "floor median/min above 1.25 fails")

    def test_cores_slow_each_other(self):
        self.assertFalse(self.br.gate_passes(1.05, host(1.5)),
                         "a steady floor does not pass while the cores gave 1.5")

    def test_cores_not_measured(self):
        self.assertTrue(self.br.gate_passes(1.05, None),
                        "no reading (one core): the floor alone decides")

    def test_passed_try_kept(self):
        passed = (1.20, host(1.8), "passed")
        calmer = (1.05, host(1.4), "calmer floor, busy cores")
        self.assertIs(self.br.keep_try(passed, calmer), passed,
                      "a try that passed beats a calmer floor that did not")
        self.assertIs(self.br.keep_try(calmer, passed), passed,
                      "in either order")

    def test_calmest_of_failed(self):
        a, b = (1.40, host(1.9), "a"), (1.30, host(1.9), "b")
        self.assertIs(self.br.keep_try(a, b), b,
                      "none passed: the steadier floor is kept")

    def test_measured_again_when_low(self):
        readings = [host(1.4), host(1.8)]
        with mock.patch.object(self.br.hostcores, "measure",
                               side_effect=readings) as m, \
                mock.patch.object(self.br, "log"):
            got = self.br.steady_host("t")
        self.assertEqual(m.call_count, 2, "a low reading is measured again")
        self.assertEqual(got["host_speedup"], 1.8, "the last reading is used")

    def test_measured_at_most_three_times(self):
        with mock.patch.object(self.br.hostcores, "measure",
                               return_value=host(1.2)) as m, \
                mock.patch.object(self.br, "log"):
            got = self.br.steady_host("t")
        self.assertEqual(m.call_count, 3, "three readings at most")
        self.assertEqual(got["host_speedup"], 1.2, "then the boot goes ahead")


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
