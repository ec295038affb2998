# SPDX-License-Identifier: GPL-2.0
"""Guest instructions per benchmark half, from QEMU's execution trace.

A guest built with BENCH_MARKS=1 calls bench_marks + k before each timed
half (k = 2 * series + half, half 0 restricting) and bench_marks + 32 + k
after it (bench/mprotect.c).  QEMU run with "-d in_asm,exec,nochain"
(test/run-pv-guest.sh --exec-trace) logs the code of every translation
block once ("IN:" and its instructions) and a "Trace CPU: ... [cs/pc/..]"
line each time a block runs.  Between a vCPU's two marks, the blocks it
ran are one half: their instructions are summed, and a transition that
QEMU cannot chain is counted as a lookup: after a return or an indirect
call or jump, or to a block on another page than where the jumping block
starts (QEMU 7.2 chains a direct jump only within that page).  Time in
Xen (a hypercall) is not in the trace: the range is the guest's text.
"""

import bisect
import collections
import os
import re
import statistics
import subprocess

from . import TOP, Error

MARKS_PER_SIDE = 32

_TRACE = re.compile(r"^Trace (\d+): \S+ \[[0-9a-f]+/([0-9a-f]+)/")
_INSN = re.compile(r"^0x([0-9a-f]+):\s+(?:[0-9a-f]{2} )+\s*(\S+)\s*(.*)$")


class Symbols:
    """Text symbols of an ELF, from `nm -n` output: the function of a pc."""

    def __init__(self, nm_text):
        syms = []
        for line in nm_text.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] in "TtWw":
                syms.append((int(parts[0], 16), parts[2]))
        syms.sort()
        self.addrs = [a for a, _ in syms]
        self.names = [n for _, n in syms]
        if "bench_marks" not in self.names:
            raise Error("no bench_marks symbol: build the guest with "
                        "BENCH_MARKS=1 (make O=build/icount BENCH_MARKS=1)")
        self.marks = self.addrs[self.names.index("bench_marks")]

    def name(self, pc):
        i = bisect.bisect_right(self.addrs, pc) - 1
        return self.names[i] if i >= 0 else "?"


def build_marked():
    """Build the guest with BENCH_MARKS=1 into build/icount; its ELF."""
    subprocess.run(["make", "-s", "O=build/icount", "BENCH_MARKS=1"],
                   cwd=TOP, check=True, stdout=subprocess.DEVNULL)
    return os.path.join(TOP, "build/icount/pvbatch.elf")


def text_range(nm_text):
    """The guest's text in `nm` output, as --exec-trace takes it."""
    addr = {}
    for line in nm_text.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] in ("_text", "_etext"):
            addr[parts[2]] = parts[0]
    if len(addr) != 2:
        raise Error("no _text/_etext symbols in the ELF")
    return "%s-%s" % (addr["_text"], addr["_etext"])


def traced_boot(elf, ranges, out, pages, rounds, keep_log=False):
    """(marks, halves) of one traced boot of elf, the mprotect benchmark
    at `pages`, `rounds` rounds, one repeat, with QEMU logging the blocks
    run in `ranges` (LO-HI[,LO-HI...]).  The log is deleted unless
    keep_log."""
    syms = Symbols(subprocess.run(["nm", "-n", elf], check=True,
                                  capture_output=True, text=True).stdout)
    cmd = [os.path.join(TOP, "test/run-pv-guest.sh"), "--direct",
           "--vcpus", "2", "--memory", "512", "--timeout", "1800",
           "--kernel", elf, "--out", out, "--exec-trace", ranges,
           "--", "bench=mprotect", "selftest=none", "repeats=1",
           "pages=%d" % pages, "rounds=%d" % rounds]
    rc = subprocess.run(cmd, cwd=TOP, stdout=subprocess.DEVNULL,
                        stderr=subprocess.PIPE, text=True)
    log = os.path.join(out, "exec.log")
    try:
        if rc.returncode:
            raise Error("boot failed (%s); see %s" % (rc.stderr.strip(), out))
        with open(os.path.join(out, "guest-console.log"),
                  errors="replace") as f:
            marks = read_marks(f)
        with open(log, errors="replace") as f:
            halves = parse(f, syms)
    finally:
        if not keep_log and os.path.exists(log):
            os.unlink(log)
    if not halves:
        raise Error("no marked halves in %s" % log)
    return marks, halves


def _ends_unchained(mnemonic, operands):
    """Does a block ending in this instruction leave by a lookup?"""
    if mnemonic.startswith("ret"):
        return True
    return mnemonic.startswith(("call", "jmp")) and operands.startswith("*")


class Half:
    """One marked half: instructions, blocks, lookups, per function."""

    def __init__(self):
        self.insns = 0
        self.blocks = 0
        self.lookups = 0
        self.targets = []       # the pc each lookup went to, in order
        self.by_function = collections.Counter()


def parse(lines, syms):
    """{k: [Half, ...]} of an exec log's marked halves, k = 2 * series + half.

    lines: the log's lines; syms: Symbols of the traced ELF.
    """
    ninsn, last = {}, {}
    cur = None
    open_halves = {}
    halves = collections.defaultdict(list)
    for line in lines:
        if line.startswith("IN:"):
            cur = None
            continue
        if line.startswith("0x"):
            m = _INSN.match(line)
            if not m:
                continue
            pc = int(m.group(1), 16)
            if cur is None:
                cur = pc
                ninsn[cur] = 0
            ninsn[cur] += 1
            last[cur] = _ends_unchained(m.group(2), m.group(3).strip())
            continue
        m = _TRACE.match(line)
        if not m:
            continue
        cpu, pc = int(m.group(1)), int(m.group(2), 16)
        k = pc - syms.marks
        if 0 <= k < 2 * MARKS_PER_SIDE:
            if k < MARKS_PER_SIDE:
                open_halves[cpu] = (k, [])
            elif cpu in open_halves and open_halves[cpu][0] == k - MARKS_PER_SIDE:
                tag, pcs = open_halves.pop(cpu)
                halves[tag].append(_summarize(pcs, ninsn, last, syms))
            continue
        if cpu in open_halves:
            open_halves[cpu][1].append(pc)
    return halves


def _summarize(pcs, ninsn, last, syms):
    h = Half()
    h.blocks = len(pcs)
    for i, pc in enumerate(pcs):
        if pc not in ninsn:
            raise Error("block at %#x ran but its code is not in the log" % pc)
        h.insns += ninsn[pc]
        h.by_function[syms.name(pc)] += ninsn[pc]
        if i and (last[pcs[i - 1]] or (pcs[i - 1] >> 12) != (pc >> 12)):
            h.lookups += 1
            h.targets.append(pc)
    return h


def read_marks(console_lines):
    """{series number: "name ad[ how]"} from the guest's MARKS lines."""
    marks = {}
    for line in console_lines:
        parts = line.split()
        if len(parts) == 5 and parts[0] == "MARKS":
            name = parts[2] + ("" if parts[4] == "-" else "/" + parts[4])
            marks[int(parts[1])] = "%s %s" % (name, parts[3])
    if not marks:
        raise Error("no MARKS lines in the guest's console: not a "
                    "BENCH_MARKS=1 build, or the benchmark did not run")
    return marks


def table(halves, marks):
    """Rows (series, half, count, median insns, blocks, lookups), in order."""
    rows = []
    for k in sorted(halves):
        hs = halves[k]
        name = marks.get(k // 2)
        if name is None:
            raise Error("half with mark %d, but no series %d in MARKS"
                        % (k, k // 2))
        rows.append((name, "restrict" if k % 2 == 0 else "grant", len(hs),
                     statistics.median(h.insns for h in hs),
                     statistics.median(h.blocks for h in hs),
                     statistics.median(h.lookups for h in hs)))
    return rows


def functions(halves, k):
    """The function breakdown of the median half (by instructions) of k."""
    hs = sorted(halves.get(k, []), key=lambda h: h.insns)
    if not hs:
        return None
    return hs[len(hs) // 2]


# The functions a protection change runs at N <= 64 (what tools/icount
# shows for the xen series): each must lie inside one page, or the jumps
# inside it that cross the page are lookups too.
PTE_PATH = ("change_protection", "xen_enter_lazy_mmu", "xen_leave_lazy_mmu",
            "xen_flush_tlb_range", "issue_lone_queued", "xen_queue_pte_update",
            "release_lone",
            "open_entry", "queue_flush", "check_batch", "xen_mc_entry",
            "xen_mc_callback", "xen_mc_multicall", "xen_mc_issue")


# The functions the floor and floor+flush halves run (the benchmark's own
# loop, besides Xen and the hypercall page): what xen is divided by.  One
# of them across a page makes the denominator dearer by its lookups, and
# xen's ratio lower for nothing (stop 30: a linker-script change moved
# mmu_update_all() across a page, the floors went from 3 lookups per half
# to 5, and every ratio "improved").
FLOOR_PATH = ("run_series", "do_half", "mmu_update_all", "ff_restrict")


def straddling(nm_sized_text, names=PTE_PATH, page=4096):
    """Problems with names in `nm -S` output: each one that is missing, or
    whose code crosses a page boundary.  [] if every one lies in a page."""
    where = {}
    for line in nm_sized_text.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[2] in "Tt":
            where[parts[3]] = (int(parts[0], 16), int(parts[1], 16))
    bad = []
    for n in names:
        if n not in where:
            bad.append("%s: not in the ELF's symbols" % n)
            continue
        addr, size = where[n]
        if size and addr // page != (addr + size - 1) // page:
            bad.append("%s: %#x..%#x crosses the page at %#x"
                       % (n, addr, addr + size, (addr // page + 1) * page))
    return bad


# QEMU 7.2 finds the block for a lookup first in a per-vCPU jump cache of
# 4096 entries, direct-mapped by the pc: bits 0-5 of the slot are pc
# bits 0-5 XOR pc bits 6-11, bits 6-11 are pc bits 12-17 XOR pc bits
# 18-23.  Two blocks in one slot evict each other, and each eviction
# makes the next lookup of the other a search of the whole block table.
JMP_CACHE_SLOTS = 4096


def jmp_slot(pc):
    """The jump-cache slot QEMU 7.2 keeps the block at pc in."""
    low = (pc ^ (pc >> 6)) & 0x3f
    page = ((pc >> 12) ^ (pc >> 18)) & 0x3f
    return page << 6 | low


def jmp_collisions(ours, theirs):
    """[(slot, our pc, their pc)] for each of our lookup targets sharing a
    slot with one of theirs (a pc in both is the same block, not a clash)."""
    by_slot = collections.defaultdict(set)
    for pc in theirs:
        by_slot[jmp_slot(pc)].add(pc)
    found = []
    for pc in sorted(set(ours)):
        for other in sorted(by_slot.get(jmp_slot(pc), ())):
            if other != pc:
                found.append((jmp_slot(pc), pc, other))
    return found
