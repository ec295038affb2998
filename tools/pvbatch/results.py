# SPDX-License-Identifier: GPL-2.0
"""The mprotect benchmark's results: series names, fields, keys.

A result is one JSON object, printed by the guest (bench/mprotect.c) or the
Linux program (bench/linux/mprotect-bench.c) as a "BENCH {...}" console
line and kept one per line in results.jsonl.  FIELDS lists every field one
may carry; a field not listed, a value of the wrong type or out of range,
or a required field missing is an error.  KEY_FIELDS are the fields that
say which measurement a row is: two rows that differ in any of them are
different results, and two rows with equal keys in one set are an error.
"""

import json
import re

from . import Error

# The series, in the order tables and plots show them.
GUEST_SERIES = ("generic", "xen-nobatch", "xen", "floor", "generic-floor",
                "floor+flush", "xen+pmd", "pmd-floor")
# The series the guest measures again with unaligned=K (rows with "offset").
UNALIGNED_SERIES = ("xen", "xen+pmd")
LINUX_SERIES = "linux"
# Linux 6.1 built from source with linux/patches/ (make linux).
LINUX_PVBATCH_SERIES = "linux-pvbatch"
LINUX_ALL = (LINUX_SERIES, LINUX_PVBATCH_SERIES)
# The series of bench-run's results and report (tools/linux-bench has its
# own, with both Linux kernels).
SERIES = GUEST_SERIES + (LINUX_SERIES,)
# The series the guest also measures on clean pages (ad=clean).
CLEAN_SERIES = ("xen", "floor", "floor+flush")
# The pte backends the guest can switch between (pte_txn=); the floors
# are measurements, not backends.
BACKENDS = ("generic", "xen-nobatch", "xen")

DOMAINS = ("initial", "domU")
AD_STATES = ("dirty", "clean")
NOISE_GATE = ("passed", "failed")


def _int(lo):
    def check(v):
        return isinstance(v, int) and not isinstance(v, bool) and v >= lo
    check.what = "an integer >= %d" % lo
    return check


def _number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0


_number.what = "a number >= 0"


def _one_of(values):
    def check(v):
        return v in values
    check.what = "one of %s" % ", ".join(values)
    return check


def _text(v):
    return isinstance(v, str) and v != ""


_text.what = "a non-empty string"


def _ci(v):
    return (isinstance(v, list) and len(v) == 2 and all(_number(x) for x in v)
            and v[0] <= v[1])


_ci.what = "[lo, hi], two numbers >= 0 with lo <= hi"


def _samples(v):
    return isinstance(v, list) and len(v) >= 1 and all(_number(x) for x in v)


_samples.what = "a non-empty list of numbers >= 0"


def _bool(v):
    return isinstance(v, bool)


_bool.what = "true or false"


class Field:
    def __init__(self, name, check, required, null, doc):
        self.name, self.check, self.required, self.doc = name, check, required, doc
        self.null = null        # None never, True always, or a tuple of the
                                # series that may leave it null


def _f(name, check, required=False, null=None, doc=""):
    return Field(name, check, required, null, doc)


FIELDS = {f.name: f for f in (
    _f("backend", _one_of(SERIES + (LINUX_PVBATCH_SERIES,)), True, doc="series: a pte backend, a floor, or linux"),
    _f("pages", _int(1), True, doc="N, pages per mprotect"),
    _f("rounds", _int(1), True, doc="read-only + read-write rounds per repeat"),
    _f("repeats", _int(1), True, doc="measurements; ns_per_pte is their median"),
    _f("ns_per_pte", _number, True, doc="median ns per pte update"),
    _f("ns_per_pte_min", _number, True, doc="minimum over repeats"),
    _f("hypercalls_per_pte", _number, True, LINUX_ALL,
       "hypercall instructions / pte updates (linux: from its trace)"),
    _f("requests_per_hypercall", _number, True, True,
       "pte updates sent / hypercalls (null: no hypercall)"),
    _f("traps_per_pte", _number, True, LINUX_ALL,
       "pte writes Xen emulated / pte updates"),
    _f("flushes_per_mprotect", _number, True, True,
       "TLB flushes / change_protection() calls (null for the floors)"),
    _f("flushes_all_per_mprotect", _number, False, True,
       "of those, flushes that reached every vCPU (MMUEXT_*_ALL, UVMF_ALL)"),
    _f("ns_per_pte_ci95", _ci, False, True,
       "distribution-free 95% interval of the median (order statistics); "
       "null when repeats < 6"),
    _f("ns_per_pte_samples", _samples, doc="ns per pte of each repeat, in repeat order"),
    _f("runnable_pct", _number, False, True,
       "% of the measurements' wall time the measuring vCPU was runnable but "
       "not running (Xen's runstate accounting: another vCPU had the pCPU)"),
    _f("noise_gate", _one_of(NOISE_GATE),
       doc="bench-run: passed, or failed (every try too noisy; the calmest kept)"),
    _f("host_speedup", _number,
       doc="bench-run: this machine's own two-core speed-up right before the "
           "boot (hostcores.py): two CPU-bound loops at once against each alone"),
    _f("host_speedup_ci95", _ci, null=True,
       doc="its 95% interval over trials (order statistics)"),
    _f("vcpus", _int(1), doc="vCPUs of the guest's run"),
    _f("cycles", _int(0), doc="TSC cycles of the whole measurement"),
    _f("marks", _bool, doc="linux: phases bracketed by ioperm() marks"),
    _f("source", _text, doc="where the numbers come from, when not obvious"),
    _f("domain", _one_of(DOMAINS), doc="the guest ran as Xen's initial domain or a domU"),
    _f("ad", _one_of(AD_STATES), doc="Accessed/Dirty state of the ptes before the change"),
    _f("parallel", _int(1), doc="how many vCPUs change protections at once"),
    _f("vcpu_ns_per_pte", _samples,
       doc="parallel: each working vCPU's own loop time / its own pte updates, "
           "median over repeats, in vCPU order"),
    _f("vcpu_calib_ns", _samples,
       doc="parallel: each working vCPU's time for a loop of arithmetic, all "
           "of them at once right after each repeat, median over repeats, in "
           "vCPU order (how fast each vCPU's host thread ran)"),
    _f("workload", _text, doc="what was measured, when not plain mprotect"),
    _f("offset", _int(1), doc="pages from the 2 MiB boundary the range starts at (absent: 0)"),
    # The Linux workloads (bench/linux/mm-bench.c) and their trace.
    _f("ns_per_round", _number, doc="median ns per round (a fork, a munmap)"),
    _f("ns_per_pte_max", _number, doc="maximum over repeats"),
    _f("pt_hypercalls_per_pte", _number, null=True,
       doc="page-table hypercalls (mmu_update, mmuext_op, update_va_mapping, "
           "and multicalls holding one, once each) / ptes, from the trace"),
    _f("requests_per_mmu_update", _number, null=True,
       doc="requests per mmu_update call (top-level or in a multicall), from the trace"),
    _f("emulated_pte_writes_per_pte", _number, null=True,
       doc="pte writes Xen trapped and emulated / ptes, from the trace"),
    _f("writes", _int(0), doc="smoke: writes the writer threads made"),
    _f("faults", _int(0), doc="smoke: writes that faulted while read-only"),
    _f("violations", _int(0), doc="smoke: writes that succeeded while read-only"),
)}

# Which measurement a row is.  A row without one of the optional ones has
# None there, so today's rows and tomorrow's never collide either.
KEY_FIELDS = ("backend", "pages", "domain", "ad", "parallel", "workload", "offset")
# The part of the key that is not the series or N: one table per value.
CONFIG_FIELDS = KEY_FIELDS[2:]


XEN_REQUESTS_MAX = 1024     # the guest's buffer: CONFIG_MC_ARGS_BYTES / 16


def check_row(row, where="result"):
    """Raise Error unless row is a well-formed result."""
    if not isinstance(row, dict):
        raise Error("%s: not a JSON object: %r" % (where, row))
    for k in row:
        if k not in FIELDS:
            raise Error("%s: unknown field %r (known: %s)"
                        % (where, k, ", ".join(FIELDS)))
    for f in FIELDS.values():
        if f.name not in row:
            if f.required:
                raise Error("%s: field %s missing" % (where, f.name))
            continue
        v = row[f.name]
        if v is None:
            if f.null is True or (f.null and row.get("backend") in f.null):
                continue
            raise Error("%s: %s is null" % (where, f.name))
        if not f.check(v):
            raise Error("%s: %s is %s, not %s" % (where, f.name, json.dumps(v),
                                                   f.check.what))
    ci = row.get("ns_per_pte_ci95")
    if ci and not ci[0] <= row["ns_per_pte"] <= ci[1]:
        raise Error("%s: ns_per_pte %s outside its ns_per_pte_ci95 %s"
                    % (where, row["ns_per_pte"], ci))
    _check_samples(row, where)
    for k in ("vcpu_ns_per_pte", "vcpu_calib_ns"):
        own = row.get(k)
        if own is not None and len(own) != row.get("parallel"):
            raise Error("%s: %s has %d values for parallel=%s (one per "
                        "working vCPU)" % (where, k, len(own), row.get("parallel")))
    # The xen backend (prot_level=pte) sends one request per pte, up to
    # a full buffer (1024) per mmu_update: other counts mean a setting of
    # another series leaked in (prot_level=pmd once did, into the
    # parallel rows).
    rq = row.get("requests_per_hypercall")
    if row["backend"] == "xen" and rq is not None and \
            not _close(rq, min(row["pages"], XEN_REQUESTS_MAX)):
        raise Error("%s: xen at %d pages sent %s requests per hypercall, not %d "
                    "(a series run with another prot_level?)"
                    % (where, row["pages"], rq, min(row["pages"], XEN_REQUESTS_MAX)))
    return row


def ci_rank(n):
    """k such that [k-th smallest, k-th largest] of n samples is a
    distribution-free 95% interval of their median: the largest k with
    P(X < k) <= 0.025 for X ~ Binomial(n, 1/2); 0 when n < 6 (none).
    The guest (bench/mprotect.c) computes the same."""
    cum, c, total = 0, 1, 2 ** n
    for k in range(n):
        if (cum + c) * 40 > total:
            return k
        cum += c
        c = c * (n - k) // (k + 1)
    return n


def median(xs):
    v = sorted(xs)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def median_ci(xs):
    """(median, [lo, hi] or None) of the samples xs."""
    v = sorted(xs)
    k = ci_rank(len(v))
    return median(v), ([v[k - 1], v[len(v) - k]] if k else None)


def paired(a, b):
    """Median and 95% interval of a/b over repeats measured together (the
    guest interleaves its series per repeat): (median, [lo, hi] or None)."""
    xa, xb = a.get("ns_per_pte_samples"), b.get("ns_per_pte_samples")
    if not xa or not xb or len(xa) != len(xb) or not all(xb):
        if a["ns_per_pte"] is None or not b["ns_per_pte"]:
            return None, None
        return a["ns_per_pte"] / b["ns_per_pte"], None
    return median_ci([x / y for x, y in zip(xa, xb)])


def _close(a, b):
    return abs(a - b) <= 0.002 + 1e-6 * max(abs(a), abs(b))


def _check_samples(row, where):
    """The samples, if given, agree with the median, minimum and interval."""
    xs = row.get("ns_per_pte_samples")
    if xs is None:
        return
    if len(xs) != row["repeats"]:
        raise Error("%s: %d samples for %d repeats" % (where, len(xs), row["repeats"]))
    med, ci = median_ci(xs)
    if not _close(med, row["ns_per_pte"]) and len(xs) % 2:
        raise Error("%s: ns_per_pte %s is not the median of its samples (%s)"
                    % (where, row["ns_per_pte"], med))
    if not _close(min(xs), row["ns_per_pte_min"]):
        raise Error("%s: ns_per_pte_min %s is not the least sample (%s)"
                    % (where, row["ns_per_pte_min"], min(xs)))
    if "ns_per_pte_ci95" in row:
        got = row["ns_per_pte_ci95"]
        if (got is None) != (ci is None) or (ci and not all(map(_close, got, ci))):
            raise Error("%s: ns_per_pte_ci95 %s, but the samples give %s"
                        % (where, got, ci))


def key(row):
    return tuple(row.get(k) for k in KEY_FIELDS)


def config(row):
    return tuple(row.get(k) for k in CONFIG_FIELDS)


def config_label(cfg):
    """"domain=domU, ad=clean" for a config tuple; "" when all are None."""
    return ", ".join("%s=%s" % (k, v) for k, v in zip(CONFIG_FIELDS, cfg)
                     if v is not None)


def check_rows(rows, where="results"):
    """Check every row and that no two share a key; returns {key: row}."""
    out = {}
    for i, r in enumerate(rows):
        check_row(r, "%s, row %d" % (where, i + 1))
        k = key(r)
        if k in out:
            raise Error("%s: two results for %s" % (
                where, ", ".join("%s=%s" % kv for kv in zip(KEY_FIELDS, k)
                                 if kv[1] is not None)))
        out[k] = r
    return out


BENCH_RE = re.compile(r"BENCH (\{.*\})\s*$")


def bench_lines(lines, where="console"):
    """The results in a console log's BENCH lines, each checked."""
    rows = []
    for lineno, line in enumerate(lines, 1):
        m = BENCH_RE.search(line)
        if not m:
            if "BENCH {" in line:
                raise Error("%s:%d: malformed BENCH line: %s"
                            % (where, lineno, line.strip()))
            continue
        try:
            row = json.loads(m.group(1))
        except ValueError as e:
            raise Error("%s:%d: malformed BENCH line (%s): %s"
                        % (where, lineno, e, line.strip()))
        rows.append(check_row(row, "%s:%d" % (where, lineno)))
    return rows


def read_bench_log(path):
    try:
        with open(path, errors="replace") as f:
            return bench_lines(f, path)
    except OSError as e:
        raise Error("cannot read %s: %s" % (path, e.strerror))


def load_jsonl(path):
    """results.jsonl as {key: row}, every row checked."""
    rows = []
    try:
        with open(path) as f:
            for lineno, line in enumerate(f, 1):
                line = line.strip()
                if not line:
                    continue
                try:
                    rows.append(json.loads(line))
                except ValueError as e:
                    raise Error("%s:%d: not JSON (%s)" % (path, lineno, e))
    except OSError as e:
        raise Error("cannot read %s: %s" % (path, e.strerror))
    if not rows:
        raise Error("%s: no results" % path)
    return check_rows(rows, path)
