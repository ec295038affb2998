# SPDX-License-Identifier: GPL-2.0
"""pvbatch.xenabi: the numbers come from xen.h, and only from there."""

import os
import re
import unittest

import common
from pvbatch import Error, xenabi


class ParseDefines(unittest.TestCase):
    def test_forms(self):
        d = xenabi.parse_defines(
            "#define A 7   /* note */\n#define B 0x1a\n#define C _PVB_UL(3)\n"
            "#define D (1 << 4)\n#define E (_PVB_UL(1) << 2)\n"
            "#define F XEN_SOMETHING\n#define G(x) ((x) + 1)\n")
        self.assertEqual(d, {"A": 7, "B": 26, "C": 3, "D": 16, "E": 4},
                         "plain, hex, suffix-helper and shifted values are "
                         "read; names and function-like macros are left out")

    def test_twice(self):
        with self.assertRaises(Error, msg="a name defined twice is an error"):
            xenabi.parse_defines("#define A 1\n#define A 2\n")


class OurXenH(unittest.TestCase):
    def setUp(self):
        self.abi = xenabi.XenAbi()

    def test_every_hypercall(self):
        text = common.read(xenabi.XEN_H)
        n = len(re.findall(r"^#define __HYPERVISOR_\w+", text, re.M))
        self.assertGreater(n, 30, "xen.h has its hypercall list")
        self.assertEqual(len(self.abi.hypercalls), n,
                         "every __HYPERVISOR_ line of xen.h is in the table")

    def test_names_and_numbers_agree(self):
        for nr, name in self.abi.hypercalls.items():
            self.assertEqual(self.abi.nr(name), nr, "nr(name(%d))" % nr)
        self.assertEqual(self.abi.name(250), "hypercall_250",
                         "a number xen.h lacks gets a made-up label")

    def test_unknown(self):
        with self.assertRaises(Error, msg="a name xen.h lacks is an error"):
            self.abi.nr("no_such_call")
        with self.assertRaises(Error, msg="a constant xen.h lacks is an error"):
            self.abi.const("NO_SUCH_CONSTANT")

    def test_missing_header(self):
        with self.assertRaises(Error, msg="an unreadable xen.h is an error"):
            xenabi.XenAbi(os.path.join(common.DATA, "no-such-xen.h"))

    def test_preempted_is_the_top_bit(self):
        self.assertEqual(xenabi.MMU_UPDATE_PREEMPTED, 1 << 31,
                         "MMU_UPDATE_PREEMPTED is the count's top bit")


class NothingTypedTwice(unittest.TestCase):
    """No hypercall number or request flag written out in the tools."""

    TOOL_FILES = ("bench-run", "bench-report", "trace-report")

    def test_no_tables_or_numbers(self):
        names = "|".join(xenabi.XenAbi().hypercalls.values())
        table = re.compile(r"\b(?:0x[0-9a-fA-F]+|\d+)\s*:\s*\"(?:%s)\"" % names)
        nr_const = re.compile(r"^\s*(?:NR_\w+|\w*PREEMPT\w*)(?:\s*,\s*\w+)*\s*=\s*"
                              r"(?:0x[0-9a-fA-F]+|\d+)", re.M)
        for f in self.TOOL_FILES:
            text = common.read(os.path.join(common.TOOLS, f))
            self.assertIsNone(table.search(text), "%s: a number-to-name table" % f)
            self.assertIsNone(nr_const.search(text), "%s: a hypercall number" % f)
            self.assertNotIn("0x80000000", text.lower(), "%s: MMU_UPDATE_PREEMPTED" % f)


if __name__ == "__main__":
    unittest.main()
