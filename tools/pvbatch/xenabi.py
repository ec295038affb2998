# SPDX-License-Identifier: GPL-2.0
"""The Xen ABI numbers the host tools need, from our own xen.h.

include/xen/interface/xen.h is the one place they are written down (and
tests/host/run-abi-check.sh checks it against Xen's public headers); this
module reads its object-like #defines when a tool starts.  Values are plain
integers, optionally wrapped in the header's _PVB_U()/_PVB_UL() suffix
helpers or a single left shift; anything else is left out of the table,
and asking for a name the header lacks is an error.
"""

import os
import re

from . import TOP, Error

XEN_H = os.path.join(TOP, "include", "xen", "interface", "xen.h")

# Not in any public header: Xen sets the top bit of an mmu_update's or
# mmuext_op's count when it re-enters the call after preempting it.  Xen
# 4.17 defines it, as (~(~0U>>1)), in xen/arch/x86/include/asm/hypercall.h
# (xen/include/asm-x86/hypercall.h before 4.17, xen/arch/x86/mm.c in Xen
# 2 and 3); xenalyze has its own copy in tools/xentrace/pv.h.
MMU_UPDATE_PREEMPTED = 0x80000000

_DEFINE_RE = re.compile(r"^\s*#\s*define\s+([A-Za-z_]\w*)\s+(.*?)\s*(?:/\*.*)?$")
_INT = r"(0[xX][0-9a-fA-F]+|\d+)[uUlL]*"
_VALUE_RES = [
    (re.compile(r"^%s$" % _INT), lambda m: int(m.group(1), 0)),
    (re.compile(r"^_PVB_U?L?\(%s\)$" % _INT), lambda m: int(m.group(1), 0)),
    (re.compile(r"^\(\s*(?:_PVB_U?L?\()?%s\)?\s*<<\s*%s\s*\)$" % (_INT, _INT)),
     lambda m: int(m.group(1), 0) << int(m.group(2), 0)),
]


def parse_defines(text, where="xen.h"):
    """{name: int} for every #define in text whose value is a plain number."""
    out = {}
    for lineno, line in enumerate(text.splitlines(), 1):
        m = _DEFINE_RE.match(line)
        if not m:
            continue
        name, body = m.group(1), m.group(2).strip()
        for rx, conv in _VALUE_RES:
            v = rx.match(body)
            if v:
                if name in out:
                    raise Error("%s:%d: %s defined twice" % (where, lineno, name))
                out[name] = conv(v)
                break
    return out


class XenAbi:
    """Hypercall numbers and names, and the other constants of one xen.h."""

    def __init__(self, path=XEN_H):
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except OSError as e:
            raise Error("cannot read %s: %s" % (path, e.strerror))
        self.path = path
        self.defines = parse_defines(text, path)
        self.hypercalls = {}                # nr -> name, e.g. 1 -> "mmu_update"
        for name, v in self.defines.items():
            if name.startswith("__HYPERVISOR_"):
                short = name[len("__HYPERVISOR_"):]
                if v in self.hypercalls:
                    raise Error("%s: hypercall %d is both %s and %s"
                                % (path, v, self.hypercalls[v], short))
                self.hypercalls[v] = short
        self.numbers = {n: nr for nr, n in self.hypercalls.items()}
        for need in ("mmu_update", "mmuext_op", "multicall",
                     "update_va_mapping", "physdev_op"):
            if need not in self.numbers:
                raise Error("%s defines no __HYPERVISOR_%s" % (path, need))

    def nr(self, name):
        """The number of hypercall `name` (xen.h spelling, no prefix)."""
        try:
            return self.numbers[name]
        except KeyError:
            raise Error("%s defines no __HYPERVISOR_%s" % (self.path, name))

    def name(self, nr):
        return self.hypercalls.get(nr, "hypercall_%d" % nr)

    def const(self, name):
        """Any other numeric #define of xen.h (MMU_*, MMUEXT_*, UVMF_*...)."""
        try:
            return self.defines[name]
        except KeyError:
            raise Error("%s defines no %s" % (self.path, name))


_default = None


def abi():
    """The XenAbi of the tree's own xen.h, read once."""
    global _default
    if _default is None:
        _default = XenAbi()
    return _default
