"""Each peer's optimum agrees with largestep's certified f* within the peer's own tolerance, on
heart_scale and digits:0v8; the rows the peers see are the datasets' own; compare.py writes the
documented files and rejects bad input.

Run: LARGESTEP_BINARY=build/release/src/largestep /usr/bin/python3 peers/test_peers.py
(CTest sets LARGESTEP_BINARY: the test `peers`).

Tolerances (gap = f(w) - f*, exact: `largestep score`'s gap_exact), eps = 1e-12 asked of each:
- LIBLINEAR -s 0: stops when ||grad F|| <= e min(n+,n-)/n ||grad F(0)||, F = f/lambda; with
  lambda-strong convexity, gap <= ||grad f||^2/(2 lambda), so -e is chosen to certify eps.
- scikit-learn newton-cg: stops when max_j |dF/dw_j| <= tol with F = n f (scikit-learn 1.2):
  gap <= d (tol/n)^2 / (2 lambda) = eps.
- numpy GD: stops when ||grad f|| <= tol = sqrt(2 lambda eps).
- scikit-learn lbfgs: its gradient test would certify eps, but scipy's L-BFGS-B also stops when
  one iteration reduces F by at most ftol = 2.2e-9 relatively, and scikit-learn does not expose
  ftol; near the optimum the gap left is of the order of that last reduction, ftol * F / n =
  ftol * f. The tolerance is 10 ftol f(w) (not a certificate: the one stated uncertified bound).
Every comparison adds 1e-14 for rounding in the peer's own double-precision gradient test.
Independently of any tolerance, gap_exact must lie in [-1e-30, ||grad f(w)||^2/(2 lambda)]: the
certified bracket of f*, which fails if our f* is off.
"""
import math
import os
import pathlib
import subprocess
import sys
import tempfile
import unittest

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from sklearn.datasets import load_breast_cancer, load_digits, load_svmlight_file  # noqa: E402

import compare  # noqa: E402
import largestep_runs  # noqa: E402
import peer_solvers  # noqa: E402
import results  # noqa: E402
from largestep_cli import Largestep, find_binary  # noqa: E402

kEps = 1e-12
kRounding = 1e-14
kScipyFtol = 2.220446049250313e-09
HERE = pathlib.Path(__file__).resolve().parent


def scaled(X):
    return X / np.linalg.norm(X, axis=1).max()


class PeersTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.program = Largestep(find_binary())
        cls.scratch = tempfile.TemporaryDirectory(prefix="largestep_test_peers_")
        cls.data = {}

    @classmethod
    def tearDownClass(cls):
        cls.scratch.cleanup()

    def rows(self, spec):
        if spec not in self.data:
            self.data[spec] = self.program.load(spec, self.scratch.name)
        return self.data[spec]

    def score(self, spec, lam, w):
        return self.program.score(spec, lam, [w], self.scratch.name)[0]

    def run_compare(self, *args):
        return subprocess.run(["/usr/bin/python3", str(HERE / "compare.py"), *args],
                              capture_output=True, text=True)


class RowsAreTheDatasetsOwn(PeersTestCase):
    """The exported rows match the packages' own loaders, scaled by the largest row norm."""

    def test_digits_zero_versus_eight(self):
        X, y = self.rows("digits:0v8")
        digits = load_digits()
        keep = (digits.target == 0) | (digits.target == 8)
        np.testing.assert_allclose(X, scaled(digits.data[keep]), rtol=1e-15, atol=1e-16)
        np.testing.assert_array_equal(y, np.where(digits.target[keep] == 8, 1.0, -1.0))

    def test_breast_cancer(self):
        X, y = self.rows("breast_cancer")
        cancer = load_breast_cancer()
        np.testing.assert_allclose(X, scaled(cancer.data), rtol=1e-15, atol=1e-16)
        np.testing.assert_array_equal(y, np.where(cancer.target == 1, 1.0, -1.0))  # benign +1

    def test_heart_scale(self):
        X, y = self.rows("heart_scale")
        raw, labels = load_svmlight_file("/usr/share/doc/liblinear-tools/examples/heart_scale",
                                         n_features=13)
        np.testing.assert_allclose(X, scaled(raw.toarray()), rtol=1e-15, atol=1e-16)
        np.testing.assert_array_equal(y, labels)


class PeersAgreeWithCertifiedOptimum(PeersTestCase):
    def check(self, spec, lam, peer):
        tol = peer.tolerance_for(kEps)
        fit = peer.fit(tol)
        s = self.score(spec, lam, fit.w)
        gap = s["gap_exact"]
        if peer.name == "sklearn-lbfgs":
            allowed = max(peer.gap_bound(tol), 10 * kScipyFtol * s["value"])
        else:
            allowed = peer.gap_bound(tol)
        where = f"{peer.name} on {spec}, lambda {lam}: gap {gap:.3e}, allowed {allowed:.3e} ({fit.note})"
        self.assertIn(fit.status, ("converged", "stalled"), where)
        self.assertGreaterEqual(gap, -1e-30, where)
        self.assertLessEqual(gap, s["gap_bound"] * (1 + 1e-9) + 1e-30, where + ": outside f*'s bracket")
        self.assertLessEqual(gap, allowed + kRounding, where)

    def test_liblinear_scikit_learn_and_numpy_gd(self):
        for spec in ("heart_scale", "digits:0v8"):
            X, y = self.rows(spec)
            for lam in (1e-3, 1e-5):
                peers = [peer_solvers.Liblinear(X, y, lam), peer_solvers.Sklearn(X, y, lam, "lbfgs"),
                         peer_solvers.Sklearn(X, y, lam, "newton-cg")]
                if lam == 1e-3:  # at 1e-5 GD needs ~1e5 steps: the comparison runs it, not the test
                    peers.append(peer_solvers.NumpyGd(X, y, lam, max_iter=100000))
                for peer in peers:
                    with self.subTest(spec=spec, lam=lam, peer=peer.name):
                        self.check(spec, lam, peer)

    def test_a_mis_scaled_c_is_caught(self):
        """The sum/mean mix-up C = 1/lambda (instead of 1/(n lambda)) must fail the check."""
        X, y = self.rows("heart_scale")
        peer = peer_solvers.Liblinear(X, y, 1e-3)
        peer.C = 1.0 / 1e-3
        fit = peer.fit(peer.tolerance_for(kEps))
        gap = self.score("heart_scale", 1e-3, fit.w)["gap_exact"]
        self.assertGreater(gap, 1e6 * peer.gap_bound(peer.tolerance_for(kEps)))


class LargestepMethodsComeFromTheProgram(PeersTestCase):
    def test_gd_with_each_rule_needing_no_value_and_nesterov_at_its_default(self):
        table = self.program.methods()
        methods = largestep_runs.methods(table)
        for name in ("largestep-gd-classical", "largestep-gd-s2", "largestep-gd-s3",
                     "largestep-gd-loc", "largestep-gd-best", "largestep-nesterov"):
            self.assertIn(name, methods)
        self.assertNotIn("largestep-gd-fixed", methods)  # needs a value
        self.assertNotIn("largestep-nesterov-classical", methods)  # only at its default rule
        for name, (solver, rule) in methods.items():
            self.assertTrue(":" in rule["name"] or
                            all(p["default"] is not None for p in rule["parameters"]), name)
            self.assertEqual(name, f"largestep-{solver}" if solver != "gd"
                             else f"largestep-{solver}-{rule['name']}")
        self.assertEqual(methods["largestep-nesterov"][1]["name"], "classical")
        # The field's methods at their default rules; adgd's carries its value to the run.
        for solver in ("silver", "armijo", "polyak"):
            self.assertEqual(methods[f"largestep-{solver}"][1]["name"], "classical")
        self.assertEqual(methods["largestep-adgd"][1]["name"], "fixed:eta=1e-10")
        by_rule = {rule["name"]: rule for _, rule in methods.values()}
        self.assertEqual({"gamma"}, set(by_rule["s2"]["oracles"]))  # not applicable without margin
        self.assertEqual(by_rule["best"]["stepsize"], "grid")  # its grid search is not timed
        self.assertEqual(by_rule["classical"]["stepsize"], "constant")


class CompareCommand(PeersTestCase):
    def test_writes_the_documented_files_without_nan(self):
        out = pathlib.Path(self.scratch.name) / "out"
        done = self.run_compare("--out", str(out), "--datasets", "heart_scale", "--lambdas", "1e-3",
                                "--repeats", "1", "--methods",
                                "liblinear,sklearn-lbfgs,numpy-gd,largestep-gd-classical,"
                                "largestep-gd-s2,largestep-nesterov")
        self.assertEqual(done.returncode, 0, done.stderr)
        peers = (out / "peers.csv").read_text().splitlines()
        trace = (out / "peers_trace.csv").read_text().splitlines()
        self.assertEqual(peers[0], ",".join(results.PEERS_COLUMNS))
        self.assertEqual(trace[0], ",".join(results.TRACE_COLUMNS))
        self.assertEqual(len(peers), 1 + 6)
        for text in (peers, trace):
            self.assertNotIn("nan", "\n".join(text).lower())
            self.assertNotIn("inf", "\n".join(text).lower())
        rows = {line.split(",")[0]: line.split(",") for line in peers[1:]}
        status = results.PEERS_COLUMNS.index("status")
        self.assertEqual(rows["largestep-gd-s2"][status], "not_applicable")  # heart_scale: no margin
        for method in ("liblinear", "numpy-gd", "largestep-gd-classical", "largestep-nesterov"):
            self.assertEqual(rows[method][status], "converged", rows[method])
            self.assertLessEqual(float(rows[method][3]), 1e-10, rows[method])
        for line in trace[1:]:
            self.assertTrue(math.isfinite(float(line.split(",")[4])), line)

    def test_bad_input_exits_two_naming_it(self):
        out = str(pathlib.Path(self.scratch.name) / "bad")
        for args, words in ((["--datasets", "digits:3v3"], "digits:3v3"),
                            (["--datasets", "nosuch"], "unknown dataset 'nosuch'"),
                            (["--lambdas", "0"], "--lambdas"),
                            (["--methods", "sgd"], "unknown sgd")):
            with self.subTest(args=args):
                done = self.run_compare("--out", out, *args)
                self.assertEqual(done.returncode, 2, done.stderr)
                self.assertIn(words, done.stderr)


class DatasetsOption(PeersTestCase):
    """--datasets takes one spec, its commas included, and is repeated for several; every spec
    is checked with `largestep data describe` before anything runs."""

    def test_a_spec_is_never_split_at_its_commas(self):
        self.assertEqual(compare.parse_datasets(["planted:n=100,d=5,gamma=0.1",
                                                 " libsvm:/data/a.libsvm,scale=none ",
                                                 "heart_scale"]),
                         ["planted:n=100,d=5,gamma=0.1", "libsvm:/data/a.libsvm,scale=none",
                          "heart_scale"])
        self.assertEqual(compare.parse_datasets(None),
                         ["digits:0v8", "breast_cancer", "heart_scale"])
        for values, words in (([""], "empty dataset spec"),
                              (["heart_scale", "heart_scale"], "'heart_scale' given twice")):
            with self.assertRaises(compare.UsageError) as caught:
                compare.parse_datasets(values)
            self.assertIn(words, str(caught.exception))

    def test_a_spec_with_commas_runs_as_one_dataset(self):
        out = pathlib.Path(self.scratch.name) / "commas"
        done = self.run_compare("--out", str(out), "--datasets",
                                          "planted:n=100,d=5", "--lambdas", "1e-3",
                                          "--repeats", "1", "--methods", "liblinear")
        self.assertEqual(done.returncode, 0, done.stderr)
        rows = (out / "peers.csv").read_text().splitlines()
        self.assertEqual(len(rows), 2)
        self.assertTrue(rows[1].startswith('liblinear,"planted:d=5,gamma=0.05,n=100,seed=1",'),
                        rows[1])

    def test_every_spec_is_checked_before_any_run(self):
        out = str(pathlib.Path(self.scratch.name) / "checked")
        for specs, words in ((["heart_scale", "planted:n=100,d=5,bogus=1"],
                              "--datasets 'planted:n=100,d=5,bogus=1': largestep data: dataset "
                              "'planted' has no parameter 'bogus'"),
                             (["heart_scale", "digits:0v8,breast_cancer"],
                              "repeat the option for several datasets"),
                             (["heart_scale", "planted:n=100", "planted:d=10,n=100"],
                              "'planted:n=100' and 'planted:d=10,n=100' are the same dataset")):
            with self.subTest(specs=specs):
                args = [a for spec in specs for a in ("--datasets", spec)]
                done = self.run_compare("--out", out, *args, "--lambdas", "1e-3",
                                                  "--repeats", "1", "--methods", "liblinear")
                self.assertEqual(done.returncode, 2, done.stderr)
                self.assertIn(words, done.stderr)
                self.assertNotIn("lambda = ", done.stderr)  # heart_scale did not run first
                self.assertFalse(os.path.exists(os.path.join(out, "peers.csv")))


if __name__ == "__main__":
    unittest.main()
