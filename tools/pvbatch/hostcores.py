# SPDX-License-Identifier: GPL-2.0
"""The host's own two-core speed-up, measured right before a guest boot.

Under TCG each vCPU of the guest is a thread of QEMU on a core of this
machine, so the guest's parallel series can go no faster than two busy
threads go here.  On a virtual machine whose two cores share a physical
core or a quota, two threads at once each run slower than one alone:
that is the machine, not the guest.  measure() times one CPU-bound loop
pinned to each core alone, then one on each core at once, and gives
(t0 + t1) / (the slower of the two run together) per trial: 2 if the
cores are independent.  It is a reference for the parallel speed-up,
not a bound (QEMU's threads do more than a loop of additions).
"""

import os
import subprocess
import sys

from . import results

LOOP = """import os, sys, time
os.sched_setaffinity(0, {int(sys.argv[1])})
n = int(sys.argv[2])
t = time.perf_counter()
s = 0
for i in range(n):
    s += i
print(time.perf_counter() - t)
"""


def run_together(cores, iters):
    """Seconds of the loop on each of cores, all started at once."""
    procs = [subprocess.Popen([sys.executable, "-c", LOOP, str(c), str(iters)],
                              stdout=subprocess.PIPE, text=True) for c in cores]
    out = [p.communicate()[0] for p in procs]
    if any(p.returncode for p in procs):
        raise results.Error("hostcores: a timing loop failed")
    return [float(x) for x in out]


def speedup(alone0, alone1, together):
    """One trial's speed-up: both loops' time alone over their wall time
    when run at once (2.0: the two cores do not slow each other)."""
    return (alone0 + alone1) / max(together)


def measure(trials=11, iters=2000000):
    """{"host_speedup": median, "host_speedup_ci95": [lo, hi] or None}
    over trials, on the first two cores this process may use; None if
    it may use fewer than two."""
    cores = sorted(os.sched_getaffinity(0))[:2]
    if len(cores) < 2:
        return None
    xs = []
    for _ in range(trials):
        a0 = run_together(cores[:1], iters)[0]
        a1 = run_together(cores[1:], iters)[0]
        xs.append(speedup(a0, a1, run_together(cores, iters)))
    m, ci = results.median_ci(xs)
    return {"host_speedup": round(m, 3),
            "host_speedup_ci95": [round(x, 3) for x in ci] if ci else None}
