# SPDX-License-Identifier: GPL-2.0
"""What the host-tool tests share: paths, the tools loaded as modules."""

import importlib.machinery
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
TOOLS = os.path.join(TOP, "tools")
DATA = os.path.join(HERE, "data")
sys.path.insert(0, TOOLS)

DUMP = os.path.join(DATA, "xenalyze-dump.txt")
SUMMARY = os.path.join(DATA, "xenalyze-summary.txt")
CONSOLE = os.path.join(DATA, "guest-console.log")


def load_tool(name):
    """tools/<name> (no .py suffix) imported as a module, main() not run."""
    path = os.path.join(TOOLS, name)
    loader = importlib.machinery.SourceFileLoader(name.replace("-", "_"), path)
    spec = importlib.util.spec_from_loader(loader.name, loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def read(path):
    with open(path) as f:
        return f.read()
