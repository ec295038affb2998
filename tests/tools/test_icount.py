# SPDX-License-Identifier: GPL-2.0
"""tools/icount: halves, instructions and lookups from an exec log."""

import os
import tempfile
import unittest

import common

from pvbatch import Error, icount

NM = """\
ffffffff80000000 T _text
ffffffff80001000 T change_protection
ffffffff80001ff0 T xen_leave_lazy_mmu
ffffffff80002000 T xen_flush_tlb_range
ffffffff80003000 T bench_marks
ffffffff80003100 t do_half
"""

MARKS = 0xffffffff80003000


def block(pc, insns):
    """An IN: listing of a block at pc: (mnemonic, operands) per line."""
    out = ["----------------", "IN: "]
    for i, (mn, ops) in enumerate(insns):
        out.append("0x%016x:  90 90              %s %s" % (pc + i, mn, ops))
    return out + [""]


def trace(cpu, pc):
    return "Trace %d: 0x7f0000000000 [0000000000000000/%016x/0050cab3/ff080200] " % (cpu, pc)


CODE = (block(MARKS + 4, [("retq", "")]) +            # open series 2, half 0
        block(MARKS + 36, [("retq", "")]) +           # close it
        block(MARKS + 5, [("retq", "")]) +            # open series 2, half 1
        block(MARKS + 37, [("retq", "")]) +
        block(0xffffffff80001000, [("pushq", "%rbp"), ("movq", "%rsp, %rbp"),
                                   ("jne", "0xffffffff80001010")]) +
        block(0xffffffff80001010, [("callq", "*0x10(%rip)")]) +
        block(0xffffffff80001ff0, [("movq", "%rax, %rbx"), ("jmp", "0xffffffff80002000")]) +
        block(0xffffffff80002000, [("addq", "$1, %rax"), ("retq", "")]))


class Parse(unittest.TestCase):
    def setUp(self):
        self.syms = icount.Symbols(NM)

    def test_one_half(self):
        log = CODE + [trace(0, MARKS + 4),
                      trace(0, 0xffffffff80001000),   # 3 insns
                      trace(0, 0xffffffff80001010),   # same page: chained
                      trace(0, 0xffffffff80001ff0),   # after call *: lookup
                      trace(0, 0xffffffff80002000),   # other page: lookup
                      trace(0, MARKS + 36)]
        halves = icount.parse(log, self.syms)
        self.assertEqual(list(halves), [4], "one half, mark 4")
        h = halves[4][0]
        self.assertEqual(h.insns, 3 + 1 + 2 + 2, "instructions of its blocks")
        self.assertEqual(h.blocks, 4, "blocks run")
        self.assertEqual(h.lookups, 2, "an indirect call and a page change")
        self.assertEqual(h.targets, [0xffffffff80001ff0, 0xffffffff80002000],
                         "where each lookup went")
        self.assertEqual(h.by_function["change_protection"], 4,
                         "instructions per function")
        self.assertEqual(h.by_function["xen_flush_tlb_range"], 2,
                         "instructions per function")

    def test_other_vcpu_not_in_the_half(self):
        log = CODE + [trace(0, MARKS + 4), trace(1, 0xffffffff80001000),
                      trace(0, 0xffffffff80002000), trace(0, MARKS + 36)]
        h = icount.parse(log, self.syms)[4][0]
        self.assertEqual(h.insns, 2, "vCPU 1's block counted in vCPU 0's half")

    def test_unmatched_close_ignored(self):
        log = CODE + [trace(0, MARKS + 5), trace(0, 0xffffffff80002000),
                      trace(0, MARKS + 36)]
        self.assertEqual(dict(icount.parse(log, self.syms)), {},
                         "a half closed by another series' mark")

    def test_block_without_code_fails(self):
        log = CODE + [trace(0, MARKS + 4), trace(0, 0xffffffff80005000),
                      trace(0, MARKS + 36)]
        with self.assertRaises(Error, msg="a block whose code is not logged"):
            icount.parse(log, self.syms)

    def test_elf_without_marks_fails(self):
        with self.assertRaises(Error, msg="an ELF built without BENCH_MARKS"):
            icount.Symbols(NM.replace("bench_marks", "other"))


class Tool(unittest.TestCase):
    def test_text_range(self):
        self.assertEqual(icount.text_range(NM + "ffffffff80009000 R _etext\n"),
                         "ffffffff80000000-ffffffff80009000",
                         "the guest's text, as --exec-trace takes it")
        with self.assertRaises(Error, msg="an ELF without _etext"):
            icount.text_range(NM)
        self.assertTrue(os.access(os.path.join(common.TOOLS, "icount"),
                                  os.X_OK), "tools/icount is executable")


class Table(unittest.TestCase):
    def test_names_and_medians(self):
        marks = icount.read_marks([
            "bench: mprotect, 1 sizes\n",
            "MARKS 2 xen dirty -\n",
            "MARKS 7 floor+flush dirty uvm\n"])
        self.assertEqual(marks, {2: "xen dirty", 7: "floor+flush/uvm dirty"},
                         "series names from MARKS lines")
        halves = {}
        for k, counts in ((4, (10, 30, 20)), (15, (5,))):
            halves[k] = []
            for c in counts:
                h = icount.Half()
                h.insns = c
                halves[k].append(h)
        rows = icount.table(halves, marks)
        self.assertEqual([r[:4] for r in rows],
                         [("xen dirty", "restrict", 3, 20),
                          ("floor+flush/uvm dirty", "grant", 1, 5)],
                         "one row per series and half, median instructions")
        self.assertEqual(icount.functions(halves, 4).insns, 20,
                         "the median half's breakdown")

    def test_no_marks_fails(self):
        with self.assertRaises(Error, msg="a console without MARKS lines"):
            icount.read_marks(["bench: done\n"])

    def test_unknown_series_fails(self):
        h = icount.Half()
        with self.assertRaises(Error, msg="a mark of a series not listed"):
            icount.table({9: [h]}, {2: "xen dirty"})


if __name__ == "__main__":
    unittest.main()


class Layout(unittest.TestCase):
    """icount.straddling(): a pte-path function across a page is named."""

    NM = """\
ffffffff80002000 0000000000000100 T change_protection
ffffffff80002f80 0000000000000100 t xen_leave_lazy_mmu
ffffffff80003000 0000000000000010 t xen_enter_lazy_mmu
ffffffff80003ff0 0000000000000010 t xen_flush_tlb_range
"""
    NAMES = ("change_protection", "xen_leave_lazy_mmu", "xen_enter_lazy_mmu",
             "xen_flush_tlb_range")

    def test_inside_pages(self):
        nm = self.NM.replace("80002f80", "80002f00")
        self.assertEqual(icount.straddling(nm, self.NAMES), [],
                         "a function ending on the last byte of its page")

    def test_crossing_named(self):
        bad = icount.straddling(self.NM, self.NAMES)
        self.assertEqual(len(bad), 1, "one crossing function: %s" % bad)
        self.assertIn("xen_leave_lazy_mmu", bad[0], "the one named")
        self.assertIn("0xffffffff80003000", bad[0], "the page it crosses")

    def test_missing_named(self):
        bad = icount.straddling(self.NM, self.NAMES + ("open_entry",))
        self.assertTrue(any("open_entry" in b and "not in" in b for b in bad),
                        "a missing function is a problem too: %s" % bad)

    def test_floor_path_list(self):
        self.assertIn("mmu_update_all", icount.FLOOR_PATH,
                      "the floors' hypercall loop is on the list")
        self.assertFalse(set(icount.FLOOR_PATH) & set(icount.PTE_PATH),
                         "the floors' functions are not the pte path's")

    def test_floor_crossing_named(self):
        nm = "ffffffff80014fe0 0000000000000063 t mmu_update_all\n"
        bad = icount.straddling(nm, ("mmu_update_all",))
        self.assertEqual(len(bad), 1, "stop 30's misplaced floor loop: %s" % bad)
        self.assertIn("0xffffffff80015000", bad[0], "the page it crosses")

    def test_pte_path_list(self):
        self.assertIn("xen_queue_pte_update", icount.PTE_PATH,
                      "the commit's way out of line is on the list")
        self.assertEqual(len(set(icount.PTE_PATH)), len(icount.PTE_PATH),
                         "no name twice")


class JmpCache(unittest.TestCase):
    """icount.jmp_slot()/jmp_collisions() and tools/jmp-cache's record."""

    OURS = 0xffffffff800025d0       # a clash seen at TEXT_PAD=0 (README)
    XENS = 0xffff82d04030e9e0

    def test_slot_bits(self):
        # low 6 bits: pc[0..5] ^ pc[6..11]; high 6: pc[12..17] ^ pc[18..23]
        self.assertEqual(icount.jmp_slot(0x0), 0, "pc 0")
        self.assertEqual(icount.jmp_slot(0x41), 0, "bit 6 folds onto bit 0")
        self.assertEqual(icount.jmp_slot(0x1000), 0x40, "a page up: bit 6")
        self.assertEqual(icount.jmp_slot(0x41000), 0x40 ^ 0x40,
                         "bit 18 folds onto bit 12")
        self.assertEqual(icount.jmp_slot(self.OURS), 0x87, "our block")
        self.assertEqual(icount.jmp_slot(self.XENS), 0x87, "Xen's block")

    def test_clash_found(self):
        found = icount.jmp_collisions([self.OURS, self.OURS + 0x10],
                                      [self.XENS, 0xffff82d040200000])
        self.assertEqual(found, [(0x87, self.OURS, self.XENS)],
                         "the one shared slot, once: %s" % found)

    def test_same_block_is_no_clash(self):
        self.assertEqual(icount.jmp_collisions([self.OURS], [self.OURS]), [],
                         "a block on both lists is one entry")

    def test_no_clash(self):
        self.assertEqual(icount.jmp_collisions([self.OURS + 0x20], [self.XENS]),
                         [], "0x20 up, another slot")

    def test_record_refused(self):
        jc = common.load_tool("jmp-cache")
        with tempfile.TemporaryDirectory() as d:
            bad = os.path.join(d, "bad.json")
            with open(bad, "w") as f:
                f.write('{"halves": {}}')
            with self.assertRaises(Error, msg="a record without xen_sha256"):
                jc.load_record(bad)
            stale = os.path.join(d, "stale.json")
            with open(stale, "w") as f:
                f.write('{"halves": {"xen dirty restrict": ["ffff82d040200000"]},'
                        ' "xen_sha256": "00"}')
            jc.sha256 = lambda path: "11"
            with self.assertRaises(Error, msg="a record of another Xen"):
                jc.load_record(stale)

    def test_record_read(self):
        jc = common.load_tool("jmp-cache")
        with tempfile.TemporaryDirectory() as d:
            good = os.path.join(d, "good.json")
            with open(good, "w") as f:
                f.write('{"halves": {"xen dirty restrict": ["ffff82d04030e9e0"]},'
                        ' "xen_sha256": "11"}')
            jc.sha256 = lambda path: "11"
            self.assertEqual(jc.load_record(good),
                             {"xen dirty restrict": [self.XENS]},
                             "hex targets read back as numbers")

    def test_record_in_tree(self):
        jc = common.load_tool("jmp-cache")
        self.assertTrue(os.path.isfile(jc.RECORD), "the record is committed")
