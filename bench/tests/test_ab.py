#!/usr/bin/python3
"""Tests of bench/ab.py's statistics (the sign test, the median's interval, the verdict) on
constructed ratios, never on real timings.

    /usr/bin/python3 test_ab.py [path/to/ab.py]
"""

import importlib.util
import math
import os
import random
import sys
import unittest

AB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ab.py")


def load():
    sys.path.insert(0, os.path.dirname(os.path.abspath(AB)))  # its sibling bench_files.py
    spec = importlib.util.spec_from_file_location("ab", AB)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class AbStatisticsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ab = load()

    def test_binomial_tail_against_closed_forms(self):
        self.assertEqual(self.ab.binom_tail(10, 0), 1.0)
        self.assertEqual(self.ab.binom_tail(10, 10), 2 ** -10)
        self.assertAlmostEqual(self.ab.binom_tail(30, 20), 0.0493685, places=6)

    def test_the_interval_has_the_coverage_it_claims(self):
        # Coverage of [x_(j), x_(n+1-j)] for the median of any continuous distribution:
        # 1 - 2 P(Binomial(n, 1/2) <= j - 1); estimated here by simulation on normal samples.
        rng = random.Random(7)
        n, alpha, trials = 30, 0.05, 4000
        covered = sum(1 for _ in range(trials)
                      if (lambda lo_hi: lo_hi[0] <= 0 <= lo_hi[1])(
                          self.ab.median_ci([rng.gauss(0, 1) for _ in range(n)], alpha)))
        self.assertGreaterEqual(covered / trials, 1 - alpha - 0.01)
        self.assertLess(covered / trials, 0.995)  # not the whole range: the interval is narrowed

    def test_a_consistent_slowdown_is_slower(self):
        r = self.ab.judge([1.05 + 0.001 * k for k in range(30)], 0.03, 0.05)
        self.assertEqual(r["verdict"], "SLOWER")
        self.assertEqual(r["head_slower_pairs"], 30)
        self.assertTrue(r["ci"][0] > 1.04)

    def test_noise_around_one_is_ok(self):
        rng = random.Random(3)
        r = self.ab.judge([math.exp(rng.gauss(0, 0.05)) for _ in range(30)], 0.03, 0.05)
        self.assertEqual(r["verdict"], "ok")
        self.assertLess(r["ci"][0], 1)
        self.assertGreater(r["ci"][1], 1)

    def test_a_significant_change_below_the_threshold_is_ok(self):
        r = self.ab.judge([1.01] * 30, 0.03, 0.05)
        self.assertLess(r["sign_p"], 1e-8)
        self.assertEqual(r["verdict"], "ok")

    def test_a_large_median_without_significance_is_ok(self):
        r = self.ab.judge([1.2] * 16 + [0.8] * 14, 0.03, 0.05)
        self.assertGreater(r["median_ratio"], 1.03)
        self.assertEqual(r["verdict"], "ok")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        AB = sys.argv.pop(1)
    unittest.main()
