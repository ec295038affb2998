#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Generate the pvbatch Xen ABI check from our own headers.

Everything our headers under include/xen/interface/ define is found
automatically:

  * macros: the difference between `cc -E -dM` of a file including all our
    headers and of an empty file (names starting with _PVB_ are our private
    helpers and include guards, and are skipped);
  * typedefs, structs and unions: `cc -E -P` of the same file, parsed by
    Debian's python3-pycparser (so this runs under /usr/bin/python3).

For every item the generator writes the same list of checks twice: once
evaluated against our headers (abi-ours.c, built freestanding) and once
against Debian's libxen-dev headers (abi-ref.c).  abi-check.c compares
the two tables entry by entry.  A definition that has no counterpart in
Xen's headers makes abi-ref.c fail to build (or makes this script fail),
so a new definition cannot slip by unchecked; tests/host/abi-refmap.txt
says how to check the few that are spelled differently.

Checks made:
  constant       value, and size and signedness of its C type
  typedef        size, alignment, signedness (integer types)
  struct/union   size, alignment
  each member    offset, size, signedness (integer members, or the
                 element type of integer arrays), recursively through
                 members that are themselves inline structs or unions
  sample         value and type of a function-like macro applied to
                 sample arguments (from abi-refmap.txt)
  asm            every constant visible with __ASSEMBLY__ is assembled
                 and compared with its C value
"""

import argparse
import os
import re
import subprocess
import sys

try:
    from pycparser import c_ast, c_generator, c_parser
except ImportError:
    sys.stderr.write("abi-gen: error: needs Debian's python3-pycparser, run "
                     "under /usr/bin/python3 (test/deps.sh --host)\n")
    sys.exit(2)

PRIVATE_PREFIX = "_PVB_"

# Item kinds; must match enum abi_kind in abi-check.c.
K_VALUE, K_CTYPE, K_SIZE, K_ALIGN, K_OFFSET, K_SIGNED = range(6)
KIND_NAMES = ["K_VALUE", "K_CTYPE", "K_SIZE", "K_ALIGN", "K_OFFSET", "K_SIGNED"]


class GenError(Exception):
    pass


def die(msg):
    raise GenError(msg)


# ---------------------------------------------------------------- helpers

def run(cmd, stdin_text=""):
    p = subprocess.run(cmd, input=stdin_text, capture_output=True, text=True)
    if p.returncode != 0:
        die("command failed: %s\n%s" % (" ".join(cmd), p.stderr))
    return p.stdout


def find_headers(include_dir):
    base = os.path.join(include_dir, "xen", "interface")
    found = []
    for dirpath, _, files in os.walk(base):
        for f in files:
            if f.endswith(".h"):
                rel = os.path.relpath(os.path.join(dirpath, f), include_dir)
                found.append(rel.replace(os.sep, "/"))
    if not found:
        die("no headers under %s" % base)
    return sorted(found)


def include_lines(headers):
    return "".join("#include <%s>\n" % h for h in headers)


def parse_dM(text):
    """Return {name: (params or None, body)} from `cc -dM` output."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"#define ([A-Za-z_]\w*)(\([^)]*\))?(?: (.*))?$", line)
        if not m:
            continue
        out[m.group(1)] = (m.group(2), m.group(3) or "")
    return out


def our_macros(cc, include_dir, headers, asm=False):
    flags = ["-nostdinc", "-ffreestanding", "-I", include_dir, "-E", "-dM"]
    if asm:
        flags = ["-x", "assembler-with-cpp", "-D__ASSEMBLY__"] + flags + ["-"]
    else:
        flags = ["-x", "c", "-std=gnu11"] + flags + ["-"]
    full = parse_dM(run([cc] + flags, include_lines(headers)))
    empty = parse_dM(run([cc] + flags, ""))
    mine = {}
    for name, d in full.items():
        if name in empty and empty[name] == d:
            continue
        if name == "__ASSEMBLY__" or name.startswith(PRIVATE_PREFIX):
            continue
        mine[name] = d
    return mine


# ---------------------------------------------------------------- C parser
#
# Debian's python3-pycparser parses the preprocessed headers; this turns
# its syntax tree into the few shapes our interface headers use
# (typedefs, struct/union definitions with nested inline structs/unions,
# arrays, pointers) and refuses anything else, so a new construct gets
# noticed instead of silently skipped.

BUILTIN_SCALARS = {"char", "short", "int", "long", "signed", "unsigned",
                   "_Bool", "__int128"}


class Member:
    """A declared member: name, array dims, pointer, base type info."""

    def __init__(self, name, dims, pointer, base, inline):
        self.name = name          # None for an anonymous struct/union
        self.dims = dims          # list of dimension expressions (C text)
        self.pointer = pointer
        self.base = base          # ("builtin", words) / ("typedef", name) /
                                  # ("tag", "struct X")
        self.inline = inline      # list of Members for an inline aggregate


class Parser:
    def __init__(self, text):
        try:
            self.ast = c_parser.CParser().parse(text, "<our headers>")
        except c_parser.ParseError as e:
            die("pycparser cannot parse our headers: %s" % e)
        self.gen = c_generator.CGenerator()
        self.typedefs = {}        # name -> (base, dims, pointer)
        self.typedef_order = []
        self.aggregates = {}      # "struct X" -> list of Members
        self.aggregate_order = []

    def where(self, node):
        return "%s (%s)" % (self.gen.visit(node).strip()[:60], node.coord)

    def parse(self):
        for node in self.ast.ext:
            if isinstance(node, c_ast.Typedef):
                self.typedef(node)
            elif isinstance(node, c_ast.Decl) and isinstance(node.type, c_ast.Enum):
                die("enums are not supported in the interface headers: %s"
                    % self.where(node))
            elif isinstance(node, c_ast.Decl) and node.name is None and \
                    isinstance(node.type, (c_ast.Struct, c_ast.Union)):
                base, inline = self.aggregate(node.type)
                if inline is not None:
                    die("an unnamed struct/union declares nothing: %s"
                        % self.where(node))
            elif isinstance(node, c_ast.Decl):
                die("top-level object declaration not supported: %s"
                    % self.where(node))
            else:
                die("don't know how to check top-level declaration: %s"
                    % self.where(node))

    def aggregate(self, node):
        """A struct/union specifier: (base, inline members or None)."""
        kw = "struct" if isinstance(node, c_ast.Struct) else "union"
        if node.decls is None:
            if node.name is None:
                die("%s without tag or body: %s" % (kw, self.where(node)))
            return ("tag", "%s %s" % (kw, node.name)), None
        members = [self.member(d) for d in node.decls]
        if node.name is None:
            return ("anon", kw), members
        key = "%s %s" % (kw, node.name)
        if key in self.aggregates:
            die("%s defined twice" % key)
        self.aggregates[key] = members
        self.aggregate_order.append(key)
        return ("tag", key), None

    def specifier(self, node):
        """The type under a declarator: (base, inline members or None)."""
        if isinstance(node, (c_ast.Struct, c_ast.Union)):
            return self.aggregate(node)
        if isinstance(node, c_ast.Enum):
            die("enums are not supported in the interface headers")
        if not isinstance(node, c_ast.IdentifierType):
            die("unknown type near: %s" % self.where(node))
        names = node.names
        if len(names) == 1 and names[0] in self.typedefs:
            return ("typedef", names[0]), None
        for w in names:
            if w not in BUILTIN_SCALARS:
                die("unknown type %r near: %s" % (w, self.where(node)))
        return ("builtin", " ".join(names)), None

    def declarator(self, node, what):
        """Arrays outside, then pointers, then the name: (name, dims,
        pointer, base, inline)."""
        dims, pointer = [], False
        while isinstance(node, c_ast.ArrayDecl):
            if node.dim is None:
                die("flexible array member %s not supported" % what)
            dims.append(self.gen.visit(node.dim))
            node = node.type
        while isinstance(node, c_ast.PtrDecl):
            pointer = True
            node = node.type
        if not isinstance(node, c_ast.TypeDecl):
            die("function pointers and pointers to arrays are not "
                "supported: %s" % what)
        base, inline = self.specifier(node.type)
        return node.declname, dims, pointer, base, inline

    def member(self, d):
        if d.bitsize is not None or d.init is not None:
            die("bitfields and initialisers are not supported: %s" % self.where(d))
        if d.name is None:
            if not isinstance(d.type, (c_ast.Struct, c_ast.Union)):
                die("declaration declares nothing: %s" % self.where(d))
            base, inline = self.aggregate(d.type)
            if inline is None:
                die("declaration declares nothing: %s" % self.where(d))
            return Member(None, [], False, base, inline)
        name, dims, pointer, base, inline = self.declarator(d.type, self.where(d))
        return Member(name, dims, pointer, base, inline)

    def typedef(self, node):
        name, dims, pointer, base, inline = self.declarator(node.type, self.where(node))
        if inline is not None:
            die("typedef of an unnamed struct/union: give it a tag (%s)"
                % self.where(node))
        if name in self.typedefs:
            die("typedef %s twice" % name)
        self.typedefs[name] = (base, dims, pointer)
        self.typedef_order.append(name)


# ---------------------------------------------------------------- refmap

class RefMap:
    """tests/host/abi-refmap.txt: see the comments in that file."""

    def __init__(self, path):
        self.alias = {}
        self.value_only = set()    # names whose C type is not compared
        self.opaque = {}
        self.samples = {}          # macro -> [(ours expr, ref expr)]
        self.used = set()
        with open(path) as f:
            for lineno, raw in enumerate(f, 1):
                line = raw.strip()
                if not line or line.startswith("#"):
                    continue
                parts = [p.strip() for p in line.split(" :: ")]
                where = "%s:%d" % (path, lineno)
                kind = parts[0]
                if kind in ("alias", "alias-value") and len(parts) == 3:
                    self.alias[parts[1]] = parts[2]
                    if kind == "alias-value":
                        self.value_only.add(parts[1])
                elif kind == "opaque" and len(parts) == 3:
                    self.opaque[parts[1]] = parts[2]
                elif kind in ("sample", "sample-value") and len(parts) == 4:
                    ours, ref = parts[2], parts[3]
                    if kind == "sample-value":
                        self.value_only.add(ours)
                    if ref == "=":
                        ref = ours
                    if not re.search(r"\b%s\s*\(" % re.escape(parts[1]), ours):
                        die("%s: sample for %s does not use it" % (where, parts[1]))
                    self.samples.setdefault(parts[1], []).append((ours, ref))
                else:
                    die("%s: cannot parse: %s" % (where, line))

    def ref(self, key, default):
        if key in self.alias:
            self.used.add(key)
            return self.alias[key]
        return default


# ---------------------------------------------------------------- items

class Item:
    def __init__(self, kind, name, ours, ref, guard=None):
        self.kind, self.name, self.ours, self.ref = kind, name, ours, ref
        self.guard = guard        # macro that must exist in the ref headers


def signed_expr(typexpr):
    return "(unsigned long long)((%s)-1 < 0)" % typexpr


def ctype_expr(expr):
    # size of the constant's type * 2 + signedness
    return ("(unsigned long long)(sizeof(%s) * 2 + ((__typeof__(%s))-1 < 0))"
            % (expr, expr))


class Builder:
    def __init__(self, parser, refmap):
        self.p = parser
        self.rm = refmap
        self.items = []

    def add(self, *a, **kw):
        self.items.append(Item(*a, **kw))

    def typedef_is_scalar(self, name):
        if name in self.rm.opaque:
            return False
        base, dims, pointer = self.p.typedefs[name]
        if dims or pointer:
            return False
        return self.base_is_scalar(base)

    def base_is_scalar(self, base):
        if base[0] == "builtin":
            return True
        if base[0] == "typedef":
            return self.typedef_is_scalar(base[1])
        return False

    def constants(self, macros):
        for name in sorted(macros):
            params, _ = macros[name]
            if params is not None:
                samples = self.rm.samples.get(name)
                if not samples:
                    die("function-like macro %s has no sample in abi-refmap.txt"
                        % name)
                for ours, ref in samples:
                    label = "sample %s" % ours
                    self.add(K_VALUE, label, "(unsigned long long)(%s)" % ours,
                             "(unsigned long long)(%s)" % ref)
                    if ours not in self.rm.value_only:
                        self.add(K_CTYPE, label, ctype_expr(ours), ctype_expr(ref))
                continue
            ref = self.rm.ref(name, name)
            guard = name if ref == name else None
            self.add(K_VALUE, name, "(unsigned long long)(%s)" % name,
                     "(unsigned long long)(%s)" % ref, guard)
            if name not in self.rm.value_only:
                self.add(K_CTYPE, name, ctype_expr(name), ctype_expr(ref), guard)
        for name in self.rm.samples:
            if name not in macros or macros[name][0] is None:
                die("abi-refmap.txt has samples for %s, which our headers do "
                    "not define as a function-like macro" % name)

    def typedefs(self):
        for name in self.p.typedef_order:
            if name in self.rm.opaque:
                ref = self.rm.opaque[name]
            else:
                ref = self.rm.ref(name, name)
            label = "typedef %s" % name
            self.add(K_SIZE, label, "sizeof(%s)" % name, "sizeof(%s)" % ref)
            self.add(K_ALIGN, label, "__alignof__(%s)" % name,
                     "__alignof__(%s)" % ref)
            if self.typedef_is_scalar(name):
                self.add(K_SIGNED, label, signed_expr(name), signed_expr(ref))

    def aggregates(self):
        for key in self.p.aggregate_order:
            ref = self.rm.ref(key, key)
            self.add(K_SIZE, key, "sizeof(%s)" % key, "sizeof(%s)" % ref)
            self.add(K_ALIGN, key, "__alignof__(%s)" % key,
                     "__alignof__(%s)" % ref)
            self.members(key, ref, self.p.aggregates[key], [])

    def members(self, key, refkey, members, prefix):
        for m in members:
            if m.name is None:         # anonymous member: fields promoted
                self.members(key, refkey, m.inline, prefix)
                continue
            path = ".".join(prefix + [m.name])
            label = "%s.%s" % (key, path)
            refpath = self.rm.ref(label, path)
            ours_lv = "((%s *)0)->%s" % (key, path)
            ref_lv = "((%s *)0)->%s" % (refkey, refpath)
            self.add(K_OFFSET, label, "__builtin_offsetof(%s, %s)" % (key, path),
                     "__builtin_offsetof(%s, %s)" % (refkey, refpath))
            self.add(K_SIZE, label, "sizeof(%s)" % ours_lv, "sizeof(%s)" % ref_lv)
            if not m.pointer and m.inline is None and self.base_is_scalar(m.base):
                idx = "[0]" * len(m.dims)
                self.add(K_SIGNED, label,
                         signed_expr("__typeof__(%s%s)" % (ours_lv, idx)),
                         signed_expr("__typeof__(%s%s)" % (ref_lv, idx)))
            if m.inline is not None:
                if m.dims:
                    die("%s: arrays of inline structs are not supported" % label)
                self.members(key, refkey, m.inline, prefix + [m.name])


# ---------------------------------------------------------------- output

HEADER = "/* Generated by tests/host/abi-gen.py -- do not edit. */\n"


def c_string(s):
    return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')


def write_table(f, side, items):
    # An automatic array, so sample expressions (which may be GNU statement
    # expressions) need not be constant expressions.
    f.write("const unsigned int abi_%s_count = %d;\n\n" % (side, len(items)))
    f.write("void abi_%s_fill(struct abi_item *out)\n{\n" % side)
    f.write("    const struct abi_item t[] = {\n")
    for it in items:
        expr = it.ours if side == "ours" else it.ref
        if side == "ref" and it.guard:
            f.write("#ifndef %s\n#error \"%s: pvbatch defines it, libxen-dev's "
                    "headers do not (add an alias in tests/host/abi-refmap.txt)\"\n"
                    "#endif\n" % (it.guard, it.guard))
        f.write("        { %s, %s, %s },\n"
                % (KIND_NAMES[it.kind], c_string(it.name), expr))
    f.write("    };\n    unsigned int i;\n\n")
    f.write("    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)\n"
            "        out[i] = t[i];\n}\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--include", required=True, help="our include/ directory")
    ap.add_argument("--refmap", required=True)
    ap.add_argument("--outdir", required=True)
    ap.add_argument("--cc", default=os.environ.get("CC", "gcc"))
    ap.add_argument("--xen-interface-version", default="0x00040e00")
    args = ap.parse_args()

    headers = find_headers(args.include)
    macros = our_macros(args.cc, args.include, headers)
    asm_macros = our_macros(args.cc, args.include, headers, asm=True)
    pre = run([args.cc, "-x", "c", "-std=gnu11", "-nostdinc", "-ffreestanding",
               "-I", args.include, "-E", "-P", "-"], include_lines(headers))
    parser = Parser(pre)
    parser.parse()
    refmap = RefMap(args.refmap)

    b = Builder(parser, refmap)
    b.constants(macros)
    b.typedefs()
    b.aggregates()
    unused = set(refmap.alias) - refmap.used
    if unused:
        die("abi-refmap.txt aliases unknown items: %s" % ", ".join(sorted(unused)))
    for name in refmap.opaque:
        if name not in parser.typedefs:
            die("abi-refmap.txt: opaque %s is not one of our typedefs" % name)

    asm_names = sorted(n for n, (params, _) in asm_macros.items() if params is None)
    for n in asm_names:
        if n not in macros:
            die("%s is defined only for assembly" % n)

    os.makedirs(args.outdir, exist_ok=True)
    # "(T)-1 < 0" is the signedness test; it is always false for the
    # unsigned types, which is the point.
    common = (HEADER + '#include "abi-check.h"\n'
              '#pragma GCC diagnostic ignored "-Wtype-limits"\n')
    with open(os.path.join(args.outdir, "abi-ours.c"), "w") as f:
        f.write(common + "\n/* Our headers, as the guest sees them. */\n")
        f.write(include_lines(headers) + "\n")
        write_table(f, "ours", b.items)
        f.write("\n/* C values of the constants abi-asm.S assembles. */\n")
        f.write("const struct abi_item abi_asm_c[] = {\n")
        for n in asm_names:
            f.write("    { K_VALUE, %s, (unsigned long long)(%s) },\n"
                    % (c_string(n), n))
        f.write("};\nconst unsigned int abi_asm_c_count = %d;\n" % len(asm_names))
    with open(os.path.join(args.outdir, "abi-ref.c"), "w") as f:
        f.write(common)
        f.write("\n/* Debian libxen-dev's public headers. */\n")
        f.write("#define __XEN_INTERFACE_VERSION__ %s\n" % args.xen_interface_version)
        f.write("#include <stdint.h>\n")
        for h in ("xen.h", "version.h", "features.h", "vcpu.h",
                  "event_channel.h", "io/console.h", "memory.h", "elfnote.h",
                  "sched.h"):
            f.write("#include <xen/%s>\n" % h)
        f.write("\n")
        write_table(f, "ref", b.items)
    with open(os.path.join(args.outdir, "abi-asm.S"), "w") as f:
        f.write(HEADER)
        f.write(include_lines(headers))
        f.write("\n\t.section .rodata\n\t.balign 8\n\t.globl abi_asm_vals\n"
                "abi_asm_vals:\n")
        for n in asm_names:
            f.write("\t.quad %s\n" % n)
        f.write("\t.globl abi_asm_vals_count\nabi_asm_vals_count:\n"
                "\t.long %d\n" % len(asm_names))
        f.write('\t.section .note.GNU-stack,"",@progbits\n')
    print("abi-gen: %d headers, %d constants (%d visible to assembly), "
          "%d typedefs, %d structs/unions, %d checks"
          % (len(headers), len(macros), len(asm_names), len(parser.typedefs),
             len(parser.aggregates), len(b.items) + len(asm_names)))


if __name__ == "__main__":
    try:
        main()
    except GenError as e:
        sys.stderr.write("abi-gen: error: %s\n" % e)
        sys.exit(2)
