# SPDX-License-Identifier: GPL-2.0
"""Xen's side of the hypercall counts, and the guest's own.

parse_dump()     xenalyze --dump-all, kept to one domain's hypercall lines
                 (and lost-record lines) by test/xl/run-xl.sh: one Record
                 per line, in order, each marked if it is Xen re-entering
                 a preempted call (a continuation) rather than a new call
parse_summary()  the per-vCPU "PV events:" sections of xenalyze --summary
parse_hcstat()   the HCSTAT block the guest prints before shutting down

A continuation is one guest call seen as several records:
  - mmu_update / mmuext_op: Xen re-enters with the requests still to do
    and MMU_UPDATE_PREEMPTED set in the count; xenalyze prints the count
    without that bit and adds "(preempted)" (an older xenalyze printed the
    raw count, a negative number: both are recognised);
  - multicall: Xen re-enters with the calls not yet done, the interrupted
    one included.  It is recognised as the next top-level multicall on the
    same vCPU whose count is what the interrupted one had left: the calls
    not yet seen as sub-call records, or one more when the last of those
    was itself preempted and is run again.  When that was its last call,
    the re-entered multicall (of one call) is told from a new one by its
    sub-call, which is a continuation too.
Every other line is an error: the dump is filtered for these lines, so
anything else means the filter or xenalyze's format changed.
"""

import re
from collections import defaultdict

from . import Error
from .xenabi import MMU_UPDATE_PREEMPTED, abi

#   "   4.945502180 x| d1v0  hypercall  1 (mmu_update) 197 updates (preempted)"
# The CPU column has one character per physical CPU ("x" the one with
# the record; for the others, as xenalyze draws them: "|" running a
# domain, "-" idle, "." the default domain, "l" lost records, " " not
# known yet); one more space before "hypercall" marks a multicall sub-call.
DUMP_RE = re.compile(r"^\s*(\d+\.\d+) [x|\-.l ]+ d(\d+)v(\d+) ( ?)hypercall +([0-9a-f]+)"
                     r"(?: \(([^)]*)\))?(.*)$")
LOST_RE = re.compile(r"lost_records count (\d+)")
COUNT_RE = re.compile(r"^ (-?\d+) (updates|ops)( \(preempted\))?$")
CALLS_RE = re.compile(r"^ (\d+) calls$")


class Record:
    """One hypercall record of the dump."""

    __slots__ = ("lineno", "time", "domid", "vcpu", "nr", "sub", "count",
                 "cont")

    def __init__(self, lineno, time, domid, vcpu, nr, sub, count, cont):
        self.lineno = lineno
        self.time = time
        self.domid = domid
        self.vcpu = vcpu
        self.nr = nr
        self.sub = sub          # a multicall sub-call
        self.count = count      # requests (mmu_update), ops (mmuext_op),
                                # calls (multicall), else None; 0 for a
                                # continuation of mmu_update/mmuext_op
        self.cont = cont        # Xen re-entering a preempted call

    @property
    def new_call(self):
        """A hypercall instruction the guest executed (not a sub-call or a
        continuation)."""
        return not self.sub and not self.cont


class Dump:
    def __init__(self):
        self.records = []
        self.lost = 0

    def totals(self):
        """Per hypercall number: records (calls and sub-calls, as xenalyze's
        summary counts them), continuations, and the requests carried by
        mmu_update ("mmu_update.requests") and mmuext_op ("mmuext_op.ops")."""
        recs, conts, reqs = defaultdict(int), defaultdict(int), defaultdict(int)
        a = abi()
        keys = {a.nr("mmu_update"): "mmu_update.requests",
                a.nr("mmuext_op"): "mmuext_op.ops"}
        for r in self.records:
            recs[r.nr] += 1
            if r.cont:
                conts[r.nr] += 1
            elif r.nr in keys:
                reqs[keys[r.nr]] += r.count
        return recs, conts, reqs


def parse_dump_lines(lines, domid=None, where="dump"):
    """Parse dump lines; domid keeps one domain (others are skipped)."""
    a = abi()
    nr_mmu, nr_ext, nr_mc = a.nr("mmu_update"), a.nr("mmuext_op"), a.nr("multicall")
    d = Dump()
    # Per (domain, vCPU):
    pending = {}            # [calls announced, sub-call records seen]
    before = {}             # pending as it was before the last multicall
    last = {}               # the last Record
    for lineno, line in enumerate(lines, 1):
        line = line.rstrip("\n")
        here = "%s:%d" % (where, lineno)
        if not line.strip():
            continue
        if "lost_records" in line:
            m = LOST_RE.search(line)
            if not m:
                raise Error("%s: lost-records line without a count: %r" % (here, line))
            d.lost += int(m.group(1))
            continue
        m = DUMP_RE.match(line)
        if not m:
            raise Error("%s: not a hypercall record: %r" % (here, line))
        dom, vcpu = int(m.group(2)), int(m.group(3))
        if domid is not None and dom != domid:
            continue
        who = (dom, vcpu)
        sub, nr = m.group(4) == " ", int(m.group(5), 16)
        rest = m.group(7)       # group 6: xenalyze's name, only a label
        count, cont = None, False
        if nr in (nr_mmu, nr_ext):
            c = COUNT_RE.match(rest)
            if not c or c.group(2) != ("updates" if nr == nr_mmu else "ops"):
                raise Error("%s: %s record without its count: %r"
                            % (here, a.name(nr), line))
            raw = int(c.group(1)) & 0xffffffff
            if c.group(3) or raw & MMU_UPDATE_PREEMPTED:
                cont, count = True, 0
            else:
                count = raw
        elif nr == nr_mc:
            c = CALLS_RE.match(rest)
            if not c:
                raise Error("%s: multicall record without its count: %r"
                            % (here, line))
            count = int(c.group(1))
            if sub:
                raise Error("%s: a multicall inside a multicall: %r" % (here, line))
            prev = pending.get(who)
            before[who] = prev
            if prev and prev[1] < prev[0] and \
                    count in (prev[0] - prev[1], prev[0] - prev[1] + 1):
                cont = True
                # Sub-calls of the re-entered multicall count towards the
                # original: keep the original's announcement.
                pending[who] = [prev[0], prev[0] - count]
            else:
                pending[who] = [count, 0]
        if sub:
            mc = last.get(who)
            if who not in pending:
                raise Error("%s: a sub-call with no multicall before it on "
                            "d%dv%d: %r" % (here, dom, vcpu, line))
            prev = before.get(who)
            if cont and mc is not None and mc.nr == nr_mc and not mc.cont and \
                    prev and prev[1] == prev[0] and mc.count == 1:
                # The last call of a multicall was preempted: the multicall
                # was re-entered with that one call, which only its first
                # sub-call (re-entered too) shows.
                mc.cont = True
                pending[who] = [prev[0], prev[0] - 1]
            pending[who][1] += 1
        rec = Record(lineno, float(m.group(1)), dom, vcpu, nr, sub, count, cont)
        d.records.append(rec)
        last[who] = rec
    return d


def parse_dump(path, domid=None):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return parse_dump_lines(f, domid, path)
    except OSError as e:
        raise Error("cannot read %s: %s" % (path, e.strerror))


# --- xenalyze --summary -----------------------------------------------------

class DomainTrace:
    def __init__(self):
        self.vcpus = set()
        self.by_nr = defaultdict(int)            # hypercall nr -> count
        self.events = defaultdict(int)           # PV event name -> count
        self.events_by_vcpu = defaultdict(lambda: defaultdict(int))
        self.traps = defaultdict(int)


def parse_summary(path):
    """Parse the per-vCPU "PV events:" sections of xenalyze --summary.

    Layout (xenalyze 4.17):
      |-- Domain 1 --|
      -- v0 --
      PV events:
        hypercall  114643                  <- calls + sub-calls
          mmu_update                   [ 1]:  64140
        ptwr  206
        trap  5
          [3] 4
      Emulate eip list
    The name column is only a label: xenalyze has no name for numbers past
    kexec_op (37) and prints whatever follows its table, so the number in
    brackets is what identifies the hypercall.
    Returns (header {seconds, speed}, {domid: DomainTrace}).
    """
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise Error("cannot read %s: %s" % (path, e.strerror))
    domains = {}
    header = {}
    dom = vcpu = None
    in_pv = False
    last_event = None
    for lineno, line in enumerate(lines, 1):
        m = re.match(r"Total time: ([\d.]+) seconds \(using cpu speed ([\d.]+ \w+)\)", line)
        if m:
            header["seconds"], header["speed"] = m.group(1), m.group(2)
            continue
        m = re.match(r"\|-- Domain (\d+) --\|", line)
        if m:
            dom = domains.setdefault(int(m.group(1)), DomainTrace())
            vcpu, in_pv = None, False
            continue
        m = re.match(r"-- v(\d+) --", line)
        if m and dom is not None:
            vcpu, in_pv = int(m.group(1)), False
            dom.vcpus.add(vcpu)
            continue
        if line.startswith("PV events:"):
            in_pv = dom is not None
            last_event = None
            continue
        if not in_pv:
            continue
        m = re.match(r"    .*\[\s*(\d+)\]:\s+(\d+)\s*$", line)
        if m:
            if last_event != "hypercall":
                raise Error("%s:%d: a hypercall row outside a hypercall event: %r"
                            % (path, lineno, line))
            dom.by_nr[int(m.group(1))] += int(m.group(2))
            continue
        m = re.match(r"    \[(\d+)\] (\d+)\s*$", line)
        if m and last_event == "trap":
            dom.traps[int(m.group(1))] += int(m.group(2))
            continue
        m = re.match(r"  (\S.*?)  (\d+)\s*$", line)
        if m:
            last_event = m.group(1)
            dom.events[last_event] += int(m.group(2))
            dom.events_by_vcpu[last_event][vcpu] += int(m.group(2))
            continue
        if line.startswith("  "):
            raise Error("%s:%d: cannot read this PV event line: %r"
                        % (path, lineno, line))
        in_pv = False               # "Emulate eip list" or anything else
    return header, domains


# --- the guest's side ---------------------------------------------------------

def parse_hcstat(path):
    """The last complete HCSTAT block of a console log, as {name: total};
    None when there is none.  A line inside the block that is not
    "HCSTAT <name> <number>" is an error."""
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", "replace")
    except OSError as e:
        raise Error("cannot read %s: %s" % (path, e.strerror))
    block, cur = None, None
    for lineno, line in enumerate(text.splitlines(), 1):
        i = line.find("HCSTAT ")
        if i < 0:
            continue
        words = line[i:].split()
        if words[1:] == ["begin"]:
            cur = {}
        elif words[1:] == ["end"]:
            if cur is not None:
                block = cur
            cur = None
        elif cur is not None:
            if len(words) != 3 or not words[2].isdigit():
                raise Error("%s:%d: malformed HCSTAT line: %r" % (path, lineno, line))
            if words[1] in cur:
                raise Error("%s:%d: HCSTAT %s twice in one block"
                            % (path, lineno, words[1]))
            cur[words[1]] = int(words[2])
    return block
