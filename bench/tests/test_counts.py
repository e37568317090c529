#!/usr/bin/python3
"""Tests of bench/counts.py's gate on doctored counts files and of its callgrind dump parser
(never on a real valgrind run: test_counts_determinism.py does that).

    /usr/bin/python3 test_counts.py [path/to/counts.py] [path/to/committed/counts_baseline.json]
"""

import copy
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
COUNTS = os.path.join(HERE, "..", "counts.py")
BASELINE = os.path.join(HERE, "..", "baselines", "counts_baseline.json")


def fixture(flavour="baseline", compiler="g++ 12.2.0", valgrind="valgrind-3.19.0",
            cpu_features="sse2 avx avx2 fma erms", caches="L1d=49152 L2=1048576 L3=33554432"):
    return {"format": 1, "valgrind": valgrind, "flavour": flavour, "compiler": compiler,
            "cpu": "test cpu", "cpu_features": cpu_features, "caches": caches, "commit": "abc",
            "calls": 20, "steps": 2000, "filter": "",
            "benchmarks": {"kernel/fused/double/n=64/d=64": {"Ir": 1_000_000},
                           "kernel/two_pass/double/n=64/d=64": {"Ir": 2_000_000},
                           "solver/quick/a/s2/double": {"Ir": 5_000_000}}}


def load_module():
    sys.path.insert(0, os.path.dirname(os.path.abspath(COUNTS)))  # its sibling bench_files.py
    spec = importlib.util.spec_from_file_location("counts", COUNTS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class CountsGateTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.dir.cleanup()

    def path(self, name):
        return os.path.join(self.dir.name, name)

    def gate(self, base, cand, *args):
        paths = []
        for label, data in (("base", base), ("cand", cand)):
            with open(self.path(label + ".json"), "w", encoding="utf-8") as f:
                json.dump(data, f)
            paths.append(self.path(label + ".json"))
        p = subprocess.run([sys.executable, COUNTS, "compare", *paths, *args],
                           capture_output=True, text=True)
        return p.returncode, p.stdout + p.stderr

    def grown(self, name, factor, data=None):
        data = data or fixture()
        c = data["benchmarks"][name]
        c["Ir"] = round(c["Ir"] * factor)
        return data

    def test_identical_counts_pass(self):
        code, out = self.gate(fixture(), fixture())
        self.assertEqual(code, 0, out)
        self.assertIn("PASS (3 benchmarks, 0 beyond +1.00% or missing", out)

    def test_two_percent_more_fails_naming_the_benchmark(self):
        cand = self.grown("kernel/fused/double/n=64/d=64", 1.02)
        code, out = self.gate(fixture(), cand)
        self.assertEqual(code, 1, out)
        self.assertIn("+2.000%  MORE", out)
        self.assertIn("FAIL (3 benchmarks, 1 beyond", out)

    def test_growth_at_the_threshold_passes_and_just_above_fails(self):
        name = "solver/quick/a/s2/double"
        code, out = self.gate(fixture(), self.grown(name, 1.01))
        self.assertEqual(code, 0, out)
        code, out = self.gate(fixture(), self.grown(name, 1.0102))
        self.assertEqual(code, 1, out)

    def test_the_threshold_option_is_used(self):
        cand = self.grown("kernel/fused/double/n=64/d=64", 1.02)
        code, out = self.gate(fixture(), cand, "--threshold", "0.05")
        self.assertEqual(code, 0, out)

    def test_fewer_instructions_pass_and_are_reported(self):
        cand = self.grown("kernel/two_pass/double/n=64/d=64", 0.5)
        code, out = self.gate(fixture(), cand)
        self.assertEqual(code, 0, out)
        self.assertIn("-50.000%  less", out)

    def test_the_table_is_sorted_by_change(self):
        cand = self.grown("kernel/two_pass/double/n=64/d=64", 0.9)
        cand = self.grown("solver/quick/a/s2/double", 1.3, cand)
        code, out = self.gate(fixture(), cand)
        self.assertEqual(code, 1, out)
        order = [out.index(n) for n in ("solver/quick/a/s2/double", "kernel/fused/double",
                                        "kernel/two_pass/double")]
        self.assertEqual(order, sorted(order), out)

    def test_a_missing_benchmark_fails(self):
        cand = fixture()
        del cand["benchmarks"]["solver/quick/a/s2/double"]
        code, out = self.gate(fixture(), cand)
        self.assertEqual(code, 1, out)
        self.assertIn("MISSING", out)

    def test_a_filtered_candidate_is_compared_on_its_subset(self):
        cand = fixture()
        cand["filter"] = "kernel/"
        del cand["benchmarks"]["solver/quick/a/s2/double"]
        code, out = self.gate(fixture(), cand)
        self.assertEqual(code, 0, out)
        self.assertIn("PASS (2 benchmarks", out)

    def test_a_filter_of_several_substrings_selects_any(self):
        cand = fixture()
        cand["filter"] = "fused/,solver/"
        del cand["benchmarks"]["kernel/two_pass/double/n=64/d=64"]
        code, out = self.gate(fixture(), cand)
        self.assertEqual(code, 0, out)
        self.assertIn("PASS (2 benchmarks", out)

    def test_other_environments_are_refused(self):
        for key, other in (("flavour", fixture(flavour="avx2")),
                           ("compiler", fixture(compiler="clang++ 14.0.6")),
                           ("valgrind", fixture(valgrind="valgrind-3.20.0")),
                           ("cpu_features", fixture(cpu_features="sse2 avx erms")),
                           ("caches", fixture(caches="L1d=32768 L2=262144 L3=8388608"))):
            code, out = self.gate(fixture(), other)
            self.assertEqual(code, 2, f"{key}: {out}")
            self.assertIn(f"refusing to compare: {key} is", out)

    def test_other_work_is_refused(self):
        cand = fixture()
        cand["steps"] = 1000
        code, out = self.gate(fixture(), cand)
        self.assertEqual(code, 2, out)
        self.assertIn("the work counted differs", out)

    def test_a_file_that_is_not_a_counts_file_is_refused_naming_it(self):
        with open(self.path("bad.json"), "w", encoding="utf-8") as f:
            f.write('{"context": {}, "benchmarks": []}')
        with open(self.path("base.json"), "w", encoding="utf-8") as f:
            json.dump(fixture(), f)
        p = subprocess.run([sys.executable, COUNTS, "compare", self.path("base.json"),
                            self.path("bad.json")], capture_output=True, text=True)
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn("bad.json is not a counts file", p.stderr)

    def test_summary_and_bmf(self):
        cand = self.grown("kernel/fused/double/n=64/d=64", 1.02)
        code, out = self.gate(fixture(), cand, "--summary", self.path("s.md"),
                              "--bmf", self.path("b.json"))
        self.assertEqual(code, 1, out)
        with open(self.path("s.md"), encoding="utf-8") as f:
            md = f.read()
        self.assertTrue(md.startswith("### Instruction counts: FAIL"), md)
        row = "| `kernel/fused/double/n=64/d=64` | 1,000,000 | 1,020,000 | +2.000% | MORE |"
        self.assertIn(row, md)
        with open(self.path("b.json"), encoding="utf-8") as f:
            bmf = json.load(f)
        self.assertEqual(bmf["kernel/fused/double/n=64/d=64"], {"instructions": {"value": 1020000}})
        self.assertEqual(len(bmf), 3)

    def test_the_dump_parser_reads_name_and_total(self):
        counts = load_module()
        path = self.path("callgrind.out.3")
        with open(path, "w", encoding="utf-8") as f:
            f.write("version: 1\ncreator: callgrind-3.19.0\npid: 1\ncmd: x\npart: 3\n\n"
                    "desc: I1 cache: \ndesc: Timerange: Basic block 0 - 10\n"
                    "desc: Trigger: Client Request: kernel/fused/double/n=64/d=64\n\n"
                    "positions: line\nevents: Ir\nsummary: 0\n\nfl=(1) a.cpp\nfn=(1) f\n"
                    "0 634975\n\ntotals: 634975\n")
        self.assertEqual(counts.parse_dump(path), ("kernel/fused/double/n=64/d=64", 634975))

    def test_the_written_file_has_one_benchmark_per_line(self):
        counts = load_module()
        text = counts.dumps(fixture())
        self.assertEqual(json.loads(text), fixture())
        self.assertIn('\n    "kernel/fused/double/n=64/d=64": {"Ir": 1000000},\n', text)

    def test_the_committed_baseline_passes_against_itself(self):
        with open(BASELINE, encoding="utf-8") as f:
            base = json.load(f)
        self.assertEqual(base["flavour"], "baseline")
        self.assertEqual(base["filter"], "")
        names = list(base["benchmarks"])
        self.assertTrue(any(n.startswith("kernel/fused/") for n in names), names)
        self.assertTrue(any(n.startswith("solver/quick/") for n in names), names)
        code, out = self.gate(base, copy.deepcopy(base))
        self.assertEqual(code, 0, out)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        COUNTS = sys.argv.pop(1)
    if len(sys.argv) > 1:
        BASELINE = sys.argv.pop(1)
    unittest.main()
