# SPDX-License-Identifier: GPL-2.0
"""What the host-tool tests share: paths, the tools loaded as modules."""

import importlib.machinery
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

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


class ReportCase(unittest.TestCase):
    """A test that writes results.jsonl into a scratch directory and reads
    the report.md tools/bench-report makes of it (report(rows))."""
    prefix = "pvbatch-report-"

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix=self.prefix)

    def tearDown(self):
        shutil.rmtree(self.dir)

    def run_report(self, rows):
        """(the finished bench-report, report.md's text or "" if it failed)."""
        with open(os.path.join(self.dir, "results.jsonl"), "w") as f:
            for r in rows:
                f.write(json.dumps(r) + "\n")
        p = subprocess.run([sys.executable, os.path.join(TOOLS, "bench-report"),
                            "--dir", self.dir, "--no-plot"], capture_output=True, text=True)
        return p, read(os.path.join(self.dir, "report.md")) if p.returncode == 0 else ""

    def report(self, rows):
        """report.md's text; bench-report must succeed."""
        p, md = self.run_report(rows)
        self.assertEqual(p.returncode, 0, "bench-report ran: %s" % p.stderr)
        return md
