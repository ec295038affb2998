# SPDX-License-Identifier: GPL-2.0
"""The hypervisor-side profile of a PV domU, per workload phase.

Input: the domain's lines of `xenalyze --dump-all` (test/xl/run-xl.sh keeps
them in xenalyze-domain.txt: hypercall records, which trace.parse_dump_lines
reads, and the other PV events: ptwr, emulate privop, page faults, ...),
the guest's console (its SPAN lines name the phases), and optionally the
kernel's System.map (to put a guest function name on each emulation's
instruction pointer).

Phases: the Linux programs (bench/linux/*.c) bracket each measured span
with two marks, each mark an ioperm() on and off: physdev_op hypercalls,
which nothing else in the domU makes once it is up but a process that
used ioperm() exiting, on some kernels (see profile()).  The
console says, in order, what the marks are:
    SPAN <workload> <pages> <phase> <count>   the next count spans
    SPAN - 0 absorb 1                         one lone mark
    SPAN - 0 exit 1                           one lone physdev_op
With no SPAN line (our own guest, any other domU) the whole trace is one
phase, "all".

For each phase it counts: top-level hypercalls by type (continuations
apart); mmu_update calls by requests carried (top-level or inside a
multicall); multicalls by size; single-request calls (mmu_update of one
request, mmuext_op of one op, update_va_mapping); page-table hypercalls
(top-level mmu_update, mmuext_op, update_va_mapping, and each multicall
holding at least one of them, once); emulated pte writes and privileged
operations, by guest function.
"""

import bisect
import re
from collections import Counter, defaultdict

from . import Error
from . import trace
from .xenabi import abi

EVENT_RE = re.compile(r"^\s*(\d+\.\d+) [|x \-]+ d(\d+)v(\d+) (.*)$")
EIP_RE = re.compile(r"\beip ([0-9a-f]+)\b")
HALVES_RE = re.compile(r"\[ ([0-9a-f]+) ([0-9a-f]+) \]")
SPAN_RE = re.compile(r"SPAN (\S+) (\d+) (\S+) (\d+)\s*$")
MARK_GAP = 8              # a timer interrupt in between adds 3-4; the
                          # programs end every mark with 12 syscalls (12
                          # irets), so two marks are never this close
MARK_TIME = 1.0           # s: under TCG, with xentrace busy in dom0, a vCPU
                          # can wait long between the halves; the gap in
                          # records is what tells marks apart
PT_CALLS = ("mmu_update", "mmuext_op", "update_va_mapping")


class Event:
    """A PV event other than a hypercall."""

    __slots__ = ("kind", "vcpu", "eip", "time")

    def __init__(self, kind, vcpu, eip, time):
        self.kind, self.vcpu, self.eip, self.time = kind, vcpu, eip, time


def event_kind(text):
    if text.startswith("ptwr"):
        return "ptwr"
    if "privop" in text or "priv op" in text:
        return "privop"
    if text.startswith("page_fault"):
        return "page_fault"
    if text.startswith("trap"):
        return "trap"
    return None


def parse_domain_dump(lines, domid, where="dump"):
    """The domain's events in order: trace.Record or Event."""
    hc_lines, order = [], []
    for lineno, line in enumerate(lines, 1):
        if "lost_records" in line:
            hc_lines.append(line)
            order.append("lost")
            continue
        m = EVENT_RE.match(line)
        if not m or int(m.group(2)) != domid:
            continue
        text = m.group(4)
        if re.match(r" ?hypercall ", text):
            # xenalyze marks some records' CPU column with "-", which the
            # shared parser does not expect: it is only a marker.
            # Past kexec_op (37) xenalyze prints no name: give it one.
            head, sep, tail = line.partition(" d%s" % m.group(2))
            tail = re.sub(r"(hypercall +([0-9a-f]+))\s*$", r"\1 (nr_\2)", tail)
            hc_lines.append(head.replace("-", " ") + sep + tail)
            order.append(None)
            continue
        kind = event_kind(text)
        if kind is None:
            continue
        e = EIP_RE.search(text)
        eip = int(e.group(1), 16) if e else None
        # "emulate privop[ 818cc177 ffffffff ]": the eip in 32-bit halves
        h = HALVES_RE.search(text)
        if eip is None and h:
            eip = int(h.group(2), 16) << 32 | int(h.group(1), 16)
        order.append(Event(kind, int(m.group(3)), eip, float(m.group(1))))
    dump = trace.parse_dump_lines(hc_lines, domid, where)
    recs = iter(dump.records)
    out = []
    for o in order:
        if o == "lost":
            continue
        out.append(next(recs) if o is None else o)
    return out, dump.lost


def read_spans(console_path):
    spans = []
    with open(console_path, errors="replace") as f:
        for line in f:
            m = SPAN_RE.search(line.replace("\r", ""))
            if m:
                spans.append((m.group(1), int(m.group(2)), m.group(3), int(m.group(4))))
    return spans


class SymbolMap:
    """System.map, or the KSYM lines of a console (mm-bench
    bench_kallsyms=1: /proc/kallsyms of a kernel without its map)."""

    def __init__(self, path, ksym=False):
        self.addrs, self.names = [], []
        with open(path, errors="replace") as f:
            for line in f:
                if ksym:
                    i = line.find("KSYM ")
                    w = line[i:].split() if i >= 0 else []
                    w = [w[1], "t", w[2]] if len(w) >= 3 else []
                else:
                    w = line.split()
                if len(w) >= 3 and w[1] in "tTwW":
                    try:
                        self.addrs.append(int(w[0], 16))
                    except ValueError:
                        raise Error("%s: not a symbol line: %r" % (path, line))
                    self.names.append(w[2])
        order = sorted(range(len(self.addrs)), key=self.addrs.__getitem__)
        self.addrs = [self.addrs[i] for i in order]
        self.names = [self.names[i] for i in order]
        if not self.addrs:
            raise Error("%s: no text symbols" % path)

    def name(self, ip):
        i = bisect.bisect_right(self.addrs, ip) - 1
        if i < 0:
            return "%#x" % ip
        return "%s+%#x" % (self.names[i], ip - self.addrs[i])

    def func(self, ip):
        i = bisect.bisect_right(self.addrs, ip) - 1
        return self.names[i] if i >= 0 else "%#x" % ip


class Phase:
    def __init__(self, key):
        self.key = key              # (workload, pages, phase)
        self.spans = 0
        self.calls = Counter()      # top-level hypercalls by name
        self.conts = Counter()
        self.mmu_reqs = Counter()   # requests per mmu_update -> calls
        self.mmu_sub = 0            # mmu_update calls inside multicalls
        self.mc_sizes = Counter()
        self.single = Counter()     # "mmu_update" / "mmuext_op" /
                                    # "update_va_mapping", top or "in mc"
        self.pt_calls = 0
        self.emul = defaultdict(Counter)  # kind -> guest function -> count

    def add(self, other):
        self.spans += other.spans
        for a in ("calls", "conts", "mmu_reqs", "mc_sizes", "single"):
            getattr(self, a).update(getattr(other, a))
        self.mmu_sub += other.mmu_sub
        self.pt_calls += other.pt_calls
        for k, c in other.emul.items():
            self.emul[k].update(c)

    @property
    def mmu_calls(self):
        return sum(self.mmu_reqs.values())

    @property
    def mmu_requests(self):
        return sum(n * c for n, c in self.mmu_reqs.items())


def find_marks(events):
    """Marks, as (first, last) indices into events.

    A mark is ioperm() on, then off: top-level physdev_ops on one vCPU,
    each at most MARK_GAP records of that vCPU (an iret) and MARK_TIME
    after the one before.  A run of two or more such ops is one mark: an
    interrupt between on and off can add a third (the I/O bitmap written
    again on the way back to user mode), and that is still one mark.
    Two marks are never that close: the programs end each mark with
    12 syscalls (bench/linux/mm-bench.c, ioperm_mark()).  A lone
    physdev_op (boot, a process that used ioperm() exiting, on some
    kernels) is a run of one, not a mark.  A mark whose halves are
    far apart is two lone ops (one mark short); one preempted between its
    halves gains two ops at the task switch (the I/O bitmap dropped, then
    loaded again once the other task has run) and makes two runs (one
    mark too many).  Either way profile() refuses the count.
    """
    nr_phys = abi().nr("physdev_op")
    runs, since, marks = {}, {}, []

    def close(v):
        first, last, n = runs.pop(v)
        if n >= 2:
            marks.append((first, last))

    for i, e in enumerate(events):
        v = e.vcpu
        if isinstance(e, trace.Record) and e.nr == nr_phys and e.new_call:
            run = runs.get(v)
            if run and since[v] <= MARK_GAP and \
                    e.time - events[run[1]].time <= MARK_TIME:
                runs[v] = (run[0], i, run[2] + 1)
            else:
                if run:
                    close(v)
                runs[v] = (i, i, 1)
            since[v] = 0
        elif v in runs:
            since[v] += 1
    for v in list(runs):
        close(v)
    return sorted(marks)


def count(events, lo, hi, ph, symbols):
    """Count events[lo:hi] into phase ph."""
    a = abi()
    nr_mmu, nr_ext, nr_mc = a.nr("mmu_update"), a.nr("mmuext_op"), a.nr("multicall")
    nr_uvm = a.nr("update_va_mapping")
    pt_nrs = (nr_mmu, nr_ext, nr_uvm)
    open_mc = {}                # vcpu -> [counted as pt call?]
    for e in events[lo:hi]:
        if isinstance(e, Event):
            if e.kind in ("ptwr", "privop"):
                where = symbols.func(e.eip) if symbols and e.eip is not None else (
                    "%#x" % e.eip if e.eip is not None else "?")
                ph.emul[e.kind][where] += 1
            continue
        name = a.name(e.nr)
        if e.cont:
            if not e.sub:
                ph.conts[name] += 1
            continue
        if not e.sub:
            ph.calls[name] += 1
            if e.nr == nr_mc:
                ph.mc_sizes[e.count] += 1
                open_mc[e.vcpu] = [False]
            else:
                open_mc.pop(e.vcpu, None)
                if e.nr in pt_nrs:
                    ph.pt_calls += 1
        else:
            mc = open_mc.get(e.vcpu)
            if e.nr in pt_nrs and mc is not None and not mc[0]:
                mc[0] = True
                ph.pt_calls += 1
            if e.nr == nr_mmu:
                ph.mmu_sub += 1
        where = "in a multicall" if e.sub else "top-level"
        if e.nr == nr_mmu:
            ph.mmu_reqs[e.count] += 1
            if e.count == 1:
                ph.single["mmu_update, " + where] += 1
        elif e.nr == nr_ext and e.count == 1:
            ph.single["mmuext_op, " + where] += 1
        elif e.nr == nr_uvm:
            ph.single["update_va_mapping, " + where] += 1


def profile(events, spans, symbols=None):
    """{(workload, pages, phase): Phase}; raises Error when the marks in
    the trace and the console's SPAN lines do not agree."""
    phases = {}
    if not spans:
        ph = phases[("all", 0, "all")] = Phase(("all", 0, "all"))
        ph.spans = 1
        count(events, 0, len(events), ph, symbols)
        return phases
    marks = find_marks(events)
    need = sum(c * {"absorb": 1, "exit": 0}.get(p, 2) for _, _, p, c in spans)
    # Exactly (find_marks(): a preempted mark pairs into two): any other
    # count would place some phases a span away from their own.
    if len(marks) != need:
        raise Error("the trace has %d marks, the console's SPAN lines want %d "
                    "(a mark split by preemption or lost): the phases cannot be placed"
                    % (len(marks), need))
    plan, k = [], 0
    for wl, n, phase, c in spans:
        if phase in ("absorb", "exit"):
            k += c if phase == "absorb" else 0
            continue
        for _ in range(c):
            plan.append(((wl, n, phase), marks[k][1] + 1, marks[k + 1][0]))
            k += 2
    for key, lo, hi in plan:
        ph = phases.setdefault(key, Phase(key))
        ph.spans += 1
        count(events, lo, hi, ph, symbols)
    return phases


def hist_bins():
    """Bins of requests per mmu_update: 1, 2-3, 4-7, ... 256-511, 512+."""
    bins = [(1, 1)]
    lo = 2
    while lo < 512:
        bins.append((lo, 2 * lo - 1))
        lo *= 2
    bins.append((512, 1 << 30))
    return bins


def bin_label(b):
    lo, hi = b
    if lo == hi:
        return str(lo)
    return "%d+" % lo if hi >= 1 << 30 else "%d-%d" % (lo, hi)


def binned(counter):
    out = []
    for b in hist_bins():
        out.append(sum(c for n, c in counter.items() if b[0] <= n <= b[1]))
    return out


def text_report(phases, title, top=8):
    out = [title, "=" * len(title), ""]
    for key in sorted(phases, key=lambda k: (k[0], k[1], k[2])):
        ph = phases[key]
        wl, n, phase = key
        out.append("%s, %d pages, phase %s (%d spans)" % (wl, n, phase, ph.spans)
                   if wl != "all" else "whole trace")
        calls = ", ".join("%s %d" % kv for kv in ph.calls.most_common())
        out.append("  top-level hypercalls: %d (%s)" % (sum(ph.calls.values()),
                                                        calls or "none"))
        if ph.conts:
            out.append("  continuations (Xen re-entering a preempted call): %s"
                       % ", ".join("%s %d" % kv for kv in ph.conts.most_common()))
        out.append("  page-table hypercalls: %d" % ph.pt_calls)
        if ph.mmu_calls:
            out.append("  mmu_update: %d calls (%d inside multicalls), %d requests, "
                       "%.1f per call" % (ph.mmu_calls, ph.mmu_sub, ph.mmu_requests,
                                         ph.mmu_requests / ph.mmu_calls))
            out.append("    requests per call: " + ", ".join(
                "%s: %d" % (bin_label(b), c)
                for b, c in zip(hist_bins(), binned(ph.mmu_reqs)) if c))
        if ph.mc_sizes:
            out.append("  multicalls by size: " + ", ".join(
                "%d: %d" % kv for kv in sorted(ph.mc_sizes.items())))
        if ph.single:
            out.append("  single-request calls: " + ", ".join(
                "%s %d" % kv for kv in ph.single.most_common()))
        for kind, label in (("ptwr", "emulated pte writes"),
                            ("privop", "emulated privileged operations")):
            c = ph.emul.get(kind)
            if not c:
                continue
            out.append("  %s: %d, by guest function: %s" % (
                label, sum(c.values()),
                ", ".join("%s %d" % kv for kv in c.most_common(top))))
        out.append("")
    return "\n".join(out)
