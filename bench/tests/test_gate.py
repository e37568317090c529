#!/usr/bin/python3
"""Tests of bench/gate.py on doctored Google Benchmark JSON (never on real timings).

    /usr/bin/python3 test_gate.py [path/to/gate.py] [path/to/committed/baseline.json]
"""

import copy
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
GATE = os.path.join(HERE, "..", "gate.py")
BASELINE = os.path.join(HERE, "..", "baselines", "ci_quick.json")
# Nine repetitions: compare.py's "optimal" count; 4 per side are the least for p < 0.05.
REPS = 9


def fixture(reps=REPS, flavour="baseline"):
    """A time_to_eps-like result: two benchmarks, `reps` repetitions, one skipped on error."""
    benchmarks = []
    for name, steps, ms in (("quick/a/s2/double", 238, 1.0),
                            ("quick/b/classical/double", 9000, 3.0)):
        for k in range(reps):
            benchmarks.append({
                "name": name, "run_name": name, "run_type": "iteration", "repetitions": reps,
                "repetition_index": k, "threads": 1, "iterations": 10,
                "real_time": ms * (1 + 0.01 * k), "cpu_time": ms * (1 + 0.01 * k),
                "time_unit": "ms", "steps": steps, "first_hit": steps - 1, "horizon_hit": 0,
                "diverged": 0, "final_gap": 9.5e-9})
    benchmarks.append({
        "name": "quick/c/best/double", "run_name": "quick/c/best/double", "run_type": "iteration",
        "repetitions": 1, "repetition_index": 0, "threads": 1, "iterations": 0,
        "real_time": 0, "cpu_time": 0, "time_unit": "ms", "error_occurred": True,
        "error_message": "diverged at step 12", "steps": 12, "diverged": 1})
    benchmarks.append({"name": "quick/a/s2/double_median", "run_name": "quick/a/s2/double",
                       "run_type": "aggregate", "aggregate_name": "median", "real_time": 1.0,
                       "cpu_time": 1.0, "time_unit": "ms", "steps": 238})
    return {"context": {"flavour": flavour, "largestep_suite": "time_to_eps", "commit": "abc",
                        "compiler": "g++ 12.2.0", "cpu": "test cpu",
                        "deterministic_counters": "steps,first_hit,horizon_hit,diverged"},
            "benchmarks": benchmarks}


class GateTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.dir.cleanup()

    def gate(self, base, cand, *args):
        paths = []
        for label, data in (("base", base), ("cand", cand)):
            path = os.path.join(self.dir.name, label + ".json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(data, f)
            paths.append(path)
        p = subprocess.run([sys.executable, GATE, *paths, *args], capture_output=True, text=True)
        return p.returncode, p.stdout + p.stderr

    def test_identical_results_pass(self):
        code, out = self.gate(fixture(), fixture())
        self.assertEqual(code, 0, out)
        self.assertIn("PASS", out)

    def test_one_more_step_fails(self):
        cand = fixture()
        for b in cand["benchmarks"]:
            if b["name"] == "quick/b/classical/double":
                b["steps"] += 1
        code, out = self.gate(fixture(), cand, "--timing", "report")
        self.assertEqual(code, 1, out)
        self.assertIn("DETERMINISTIC MISMATCH quick/b/classical/double repetition 0: steps", out)

    def test_a_run_that_no_longer_diverges_fails(self):
        cand = fixture()
        cand["benchmarks"][-2].pop("error_occurred")
        code, out = self.gate(fixture(), cand)
        self.assertEqual(code, 1, out)
        self.assertIn("error_occurred", out)

    def test_a_missing_benchmark_fails(self):
        cand = fixture()
        cand["benchmarks"] = [b for b in cand["benchmarks"] if not b["name"].startswith("quick/a/")]
        code, out = self.gate(fixture(), cand)
        self.assertEqual(code, 1, out)
        self.assertIn("quick/a/s2/double: missing from the candidate", out)

    def test_twice_as_slow_with_enough_repetitions_fails(self):
        cand = fixture()
        for b in cand["benchmarks"]:
            b["real_time"] *= 2
            b["cpu_time"] *= 2
        code, out = self.gate(fixture(), cand)
        self.assertEqual(code, 1, out)
        self.assertIn("SLOWER", out)
        self.assertIn("+100.0%", out)

    def test_twice_as_slow_with_one_repetition_cannot_be_significant(self):
        cand = fixture(reps=1)
        for b in cand["benchmarks"]:
            b["real_time"] *= 2
        code, out = self.gate(fixture(reps=1), cand)
        self.assertEqual(code, 0, out)
        self.assertIn("too few repetitions", out)

    def test_a_significant_slowdown_below_the_threshold_passes(self):
        cand = fixture()
        for b in cand["benchmarks"]:
            b["real_time"] *= 1.05
        code, out = self.gate(fixture(), cand, "--threshold", "0.10")
        self.assertEqual(code, 0, out)

    def test_timing_report_mode_never_fails_on_time(self):
        cand = fixture()
        for b in cand["benchmarks"]:
            b["real_time"] *= 2
        code, out = self.gate(fixture(), cand, "--timing", "report")
        self.assertEqual(code, 0, out)
        self.assertIn("not failing", out)

    def test_different_flavours_are_refused(self):
        code, out = self.gate(fixture(), fixture(flavour="native"))
        self.assertEqual(code, 2, out)
        self.assertIn("refusing to compare across build flavours", out)
        self.assertIn("'baseline'", out)
        self.assertIn("'native'", out)

    def test_a_truncated_candidate_is_rejected_naming_the_file(self):
        # What an interrupted benchmark run could leave behind: the first half of a valid file.
        path = os.path.join(self.dir.name, "truncated.json")
        with open(path, "w", encoding="utf-8") as f:
            f.write(json.dumps(fixture())[:400])
        base = os.path.join(self.dir.name, "base.json")
        with open(base, "w", encoding="utf-8") as f:
            json.dump(fixture(), f)
        p = subprocess.run([sys.executable, GATE, base, path], capture_output=True, text=True)
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn("truncated.json", p.stderr)

    def test_the_committed_baseline_passes_against_itself(self):
        with open(BASELINE, encoding="utf-8") as f:
            base = json.load(f)
        self.assertEqual(base["context"]["flavour"], "baseline")
        self.assertIn("steps", base["context"]["deterministic_counters"])
        code, out = self.gate(base, copy.deepcopy(base))
        self.assertEqual(code, 0, out)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        GATE = sys.argv.pop(1)
    if len(sys.argv) > 1:
        BASELINE = sys.argv.pop(1)
    unittest.main()
