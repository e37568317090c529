"""The largestep program as the peers comparison uses it: export rows, describe, reference, score, run,
and the method table.

Every call goes through `Largestep.call`, so that a failure names the command and carries the
program's own one-line message, and a usage error (exit 2: an unknown dataset, a bad lambda)
is told apart from a crash.
"""
import json
import os
import pathlib
import subprocess

import numpy as np
from sklearn.datasets import load_svmlight_file

REPO = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_BINARY = REPO / "build" / "release" / "src" / "largestep"


class LargestepError(RuntimeError):
    """The program failed; `usage` is true when it rejected its input (exit code 2)."""

    def __init__(self, message, usage):
        super().__init__(message)
        self.usage = usage


def find_binary(explicit=None):
    """The program: --largestep, else $LARGESTEP_BINARY, else the release preset's build."""
    path = pathlib.Path(explicit or os.environ.get("LARGESTEP_BINARY") or DEFAULT_BINARY)
    if not path.is_file() or not os.access(path, os.X_OK):
        raise LargestepError(
            f"largestep program not found at {path}: build it (cmake --preset release && "
            "cmake --build build/release --target largestep) or pass --largestep PATH", usage=True)
    return str(path)


class Largestep:
    def __init__(self, binary):
        self.binary = binary

    def call(self, *args):
        done = subprocess.run([self.binary, *args], capture_output=True, text=True)
        if done.returncode != 0:
            message = (done.stderr.strip() or done.stdout.strip()).splitlines()
            text = message[-1] if message else f"exit code {done.returncode}"
            text = text.removeprefix("largestep: error: ").removeprefix("largestep: failed: ")
            raise LargestepError(f"largestep {args[0]}: {text}", usage=done.returncode == 2)
        return done.stdout

    def load(self, spec, directory):
        """X (dense, float64) and y (+-1) exactly as largestep uses them, via `data export`."""
        path = pathlib.Path(directory) / (spec.replace(":", "_").replace("/", "_") + ".libsvm")
        self.call("data", "export", spec, "--out", str(path))
        X, y = load_svmlight_file(str(path), dtype=np.float64)
        return np.ascontiguousarray(X.toarray()), np.asarray(y, dtype=np.float64)

    def describe(self, spec, lam):
        return json.loads(self.call("data", "describe", spec, "--lambda", repr(lam), "--json"))

    def reference(self, spec, lam):
        return json.loads(self.call("reference", "--data", spec, "--lambda", repr(lam), "--json"))

    def score(self, spec, lam, weights, directory):
        """One dict (value, gap, gap_exact, grad_norm, gap_bound) per weight vector."""
        if len(weights) == 0:
            return []
        path = pathlib.Path(directory) / "weights.txt"
        with open(path, "w") as out:
            for w in weights:
                out.write(" ".join(repr(float(x)) for x in w) + "\n")
        result = json.loads(self.call("score", "--data", spec, "--lambda", repr(lam),
                                      "--weights", str(path), "--json"))
        return result["scores"]

    def methods(self):
        """The method table of `largestep methods --json` (README: Stepsize rules)."""
        return json.loads(self.call("methods", "--json"))

    def provenance(self):
        """commit, flavour, compiler and cpu of this largestep build (from a one-step run record)."""
        record = self.run("oned", 1.0, 1.0, "gd", 1e-8, 1)
        return {key: record[key] for key in ("commit", "flavour", "compiler", "cpu")}

    def run(self, spec, lam, rule, solver, eps, max_steps, trace=None, trace_every=1):
        """The run record of `largestep run --json` (README: Output formats)."""
        args = ["run", "--data", spec, "--lambda", repr(lam), "--solver", solver,
                "--eps", repr(eps), "--max-steps", str(max_steps), "--json"]
        args += ["--eta", repr(rule)] if isinstance(rule, float) else ["--rule", rule]
        if trace:
            args += ["--trace", str(trace), "--trace-every", str(trace_every)]
        return json.loads(self.call(*args))
