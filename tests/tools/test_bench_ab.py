# SPDX-License-Identifier: GPL-2.0
"""tools/bench-ab: the ratios it takes from one boot's console."""

import os
import tempfile
import unittest

import common

from pvbatch import Error

LOG = os.path.join(common.DATA, "bench-console-13.log")


class Ratios(unittest.TestCase):
    def setUp(self):
        self.ab = common.load_tool("bench-ab")

    def test_ratios_of_the_initial_domain(self):
        got = self.ab.ratios(LOG, [1, 512])
        self.assertEqual(sorted(got), [(1, "clean"), (1, "dirty"),
                                       (512, "clean"), (512, "dirty")],
                         "one ratio per N and A/D state")
        # The initial domain's N=1 dirty rows: the median of the six
        # per-repeat ratios (1.233 and 1.264 in the middle), not the ratio
        # of the medians (1.276), and not the domU's rows.
        self.assertAlmostEqual(got[(1, "dirty")], 1.2486, places=3,
                               msg="xen / floor+flush, paired by repeat")

    def test_missing_row_fails(self):
        with open(LOG) as f:
            lines = [l for l in f if not ('"floor+flush","pages":1,' in l and
                                          '"ad":"clean"' in l)]
        with tempfile.NamedTemporaryFile("w", suffix=".log") as t:
            t.writelines(lines)
            t.flush()
            with self.assertRaises(Error, msg="a target without its rows"):
                self.ab.ratios(t.name, [1])


if __name__ == "__main__":
    unittest.main()
