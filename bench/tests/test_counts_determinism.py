#!/usr/bin/python3
"""Runs bench_counts twice under callgrind (bench/counts.py run) on a small workload (two subsets:
every kernel at n = 64, every method of the quick suite at lambda = 0.01) and checks that every
benchmark's Ir is identical, the second run in another working directory and with a
longer environment (which moves the stack: counts must not depend on addresses); and that only
the work is counted: twice the calls of a kernel count twice its Ir (the setup, which builds the
data, is not counted).

    /usr/bin/python3 test_counts_determinism.py BENCH_COUNTS [path/to/counts.py]

Exit 77 (CTest's skip code for this test) when valgrind is not installed.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
COUNTS = os.path.join(HERE, "..", "counts.py")
BENCH = None
SMALL = ["--calls", "3", "--steps", "100"]


def run_counts(out, extra, cwd=None, env=None):
    p = subprocess.run([sys.executable, COUNTS, "run", "--bench", BENCH, "--out", out, *extra],
                       capture_output=True, text=True, cwd=cwd, env=env)
    if p.returncode != 0:
        raise AssertionError(f"counts.py run failed ({p.returncode}): {p.stdout}{p.stderr}")
    with open(out, encoding="utf-8") as f:
        return json.load(f)


class DeterminismTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.dir.cleanup()

    def check_identical(self, subset, expected):
        first = run_counts(os.path.join(self.dir.name, "a.json"), SMALL + ["--filter", subset])
        env = dict(os.environ, LARGESTEP_PADDING="x" * 4099)
        second = run_counts(os.path.join(self.dir.name, "b.json"), SMALL + ["--filter", subset],
                            cwd=self.dir.name, env=env)
        self.assertEqual(len(first["benchmarks"]), expected, list(first["benchmarks"]))
        self.assertEqual(list(first["benchmarks"]), list(second["benchmarks"]))
        for name, c in first["benchmarks"].items():
            self.assertGreater(c["Ir"], 0, name)
            self.assertEqual(c["Ir"], second["benchmarks"][name]["Ir"], name)
        self.assertTrue(first["valgrind"].startswith("valgrind-"), first["valgrind"])

    def test_two_runs_give_identical_kernel_counts(self):
        self.check_identical("/n=64/", 8)  # fused and two-pass, float and double, d = 64, 256

    def test_two_runs_give_identical_solver_counts(self):
        self.check_identical("lambda=0.01/", 6)  # every method of the quick suite at one lambda

    def test_only_the_work_is_counted(self):
        name = "kernel/fused/double/n=2048/d=64"
        one = run_counts(os.path.join(self.dir.name, "1.json"), ["--filter", name, "--calls", "2"])
        two = run_counts(os.path.join(self.dir.name, "2.json"), ["--filter", name, "--calls", "4"])
        self.assertEqual(list(one["benchmarks"]), [name])
        a, b = one["benchmarks"][name]["Ir"], two["benchmarks"][name]["Ir"]
        # One call reads 2048 x 64 entries: well over 100k instructions; building the data (not
        # counted) costs more than a call, so a counted setup would break the proportion.
        self.assertGreater(a, 200_000)
        self.assertLess(abs(b - 2 * a), 0.001 * b, (a, b))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: test_counts_determinism.py BENCH_COUNTS [counts.py]")
    BENCH = os.path.abspath(sys.argv.pop(1))
    if len(sys.argv) > 1:
        COUNTS = sys.argv.pop(1)
    if shutil.which("valgrind") is None:
        print("SKIP: valgrind is not installed (Debian: apt-get install valgrind); the "
              "instruction counts cannot be taken")
        sys.exit(77)
    unittest.main()
