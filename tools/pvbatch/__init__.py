# SPDX-License-Identifier: GPL-2.0
"""pvbatch host tools: what tools/bench-run, bench-report and trace-report share.

  xenabi   hypercall numbers and request flags, read from our
           include/xen/interface/xen.h when the tools run (never typed here)
  trace    the xenalyze parsers: --dump-all hypercall records (with Xen's
           continuations of preempted calls), --summary, and the guest's
           HCSTAT block
  results  the benchmark's series names and result schema: every field a
           BENCH line may carry, its check, and the key that tells rows apart
"""

import os

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


class Error(Exception):
    """Bad input for a host tool: the message says what and where."""
