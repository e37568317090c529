"""Loaders for solver runs: `sweep` CSVs (grid, rules, sweep), run records with their traces,
the 1-D bifurcation iterates, and the optional peer comparison."""

import os
from collections import defaultdict
from dataclasses import dataclass

from results import (BIFURCATION, PEERS, PEERS_TRACE, ResultError, is_number, read_csv, read_json,
                     single)

TERMINATIONS = ("converged", "max_steps", "diverged", "non_finite")
BLOWUP = ("diverged", "non_finite")


def _termination(row):
    value = row.text("termination")
    if value not in TERMINATIONS:
        raise ResultError(row.path, f"line {row.line}, column termination: unknown value "
                          f"{value!r} (expected one of {', '.join(TERMINATIONS)})")
    return value


@dataclass
class RunRow:
    """One row of a `sweep` CSV (grid.csv, rules.csv, sweep.csv)."""

    line: int
    dataset: str
    lam: float
    solver: str
    rule: str
    eta: float
    termination: str
    horizon: float
    settled: float  # None when censored; then settled_at_least is the lower bound
    settled_at_least: float
    eta_loc: float
    smoothness: float


RUN_COLUMNS = ("dataset", "lambda", "solver", "rule", "eta", "termination", "horizon",
               "settled", "settled_at_least", "eta_loc", "smoothness")


def load_sweep_csv(data_dir, name):
    path = os.path.join(data_dir, name)
    rows = []
    for r in read_csv(path, RUN_COLUMNS):
        termination = _termination(r)
        settled = r.number("settled", optional=True)
        at_least = r.number("settled_at_least", optional=True)
        if settled is None and at_least is None:
            raise ResultError(path, f"line {r.line}: neither settled nor settled_at_least set")
        rows.append(RunRow(r.line, r.text("dataset"), r.number("lambda"), r.text("solver"),
                           r.text("rule"), r.number("eta"), termination, r.number("horizon"),
                           settled, at_least, r.number("eta_loc"), r.number("smoothness")))
    return rows


RULE_ORDER = ("classical", "s2", "s3", "best", "loc", "fixed")


def method_order(method):
    """Sort key for (solver, rule): GD rules in the paper's order, then Nesterov."""
    solver, rule = method
    base = rule.partition(":")[0]
    return solver == "nesterov", RULE_ORDER.index(base) if base in RULE_ORDER else 99, rule


def method_label(solver, rule):
    """A legend name for a (solver, rule) pair of a sweep CSV."""
    base, _, params = rule.partition(":")
    if solver == "nesterov":
        return "Nesterov" + ("" if rule == "classical" else f" ({rule})")
    names = {"classical": "GD 1/L_s", "s2": "GD S2", "s3": "GD S3", "best": "GD best eta",
             "loc": "GD eta_loc fraction", "fixed": "GD fixed"}
    label = names.get(base, f"GD {base}")
    return label if params in ("", "c=1") else f"{label} ({params})"


@dataclass
class Run:
    """A run record (run_<label>.json) with its trace (trace_<label>.csv)."""

    label: str
    record: dict
    t: list
    gap: list

    def field(self, name):
        return self.record.get(name)


def _record_number(record, name, path, optional=False):
    value = record.get(name)
    if value is None and optional:
        return None
    if not is_number(value):
        raise ResultError(path, f"field {name}: {value!r} is not a finite number")
    return float(value)


def load_runs(data_dir):
    """Every run_<label>.json with its trace_<label>.csv, by increasing eta."""
    labels = sorted(f[4:-5] for f in os.listdir(data_dir)
                    if f.startswith("run_") and f.endswith(".json"))
    if not labels:
        raise ResultError(os.path.join(data_dir, "run_<label>.json"),
                          "no run records (at least one run/trace pair is required)")
    runs = []
    for label in labels:
        path = os.path.join(data_dir, f"run_{label}.json")
        record = read_json(path)
        if not isinstance(record, dict):
            raise ResultError(path, "expected a JSON object (a run record)")
        for name in ("lambda", "eta", "eta_loc", "smoothness", "eps"):
            record[name] = _record_number(record, name, path)
        for name in ("settled", "settled_at_least", "increases", "last_increase", "steps"):
            record[name] = _record_number(record, name, path, optional=True)
        for name in ("dataset", "termination", "rule"):
            if not isinstance(record.get(name), str):
                raise ResultError(path, f"field {name}: missing or not a string")
        trace_path = os.path.join(data_dir, f"trace_{label}.csv")
        blowup = record["termination"] in BLOWUP
        rows = read_csv(trace_path, ("t", "gap"))
        runs.append(Run(label, record, [r.number("t") for r in rows],
                        [r.number("gap", finite=not blowup) for r in rows]))
    return sorted(runs, key=lambda run: (run.record["eta"], run.label))




@dataclass
class Iterates:
    """The last iterates of 1-D GD at one stepsize (none when it diverged)."""

    eta: float
    termination: str
    t: list
    w: list


def load_bifurcation(data_dir):
    """bifurcation.csv -> (dataset, lambda, eta_loc, [Iterates] by increasing eta)."""
    path = os.path.join(data_dir, BIFURCATION)
    rows = read_csv(path, ("dataset", "lambda", "eta", "eta_loc", "termination", "t", "w"))
    dataset = single(rows, path, lambda r: r.text("dataset"), "datasets")
    lam = single(rows, path, lambda r: r.number("lambda"), "lambdas")
    eta_loc = single(rows, path, lambda r: r.number("eta_loc"), "eta_loc values")
    by_eta = {}
    for r in rows:
        termination = _termination(r)
        eta = r.number("eta")
        entry = by_eta.setdefault(eta, Iterates(eta, termination, [], []))
        if entry.termination != termination:
            raise ResultError(path, f"line {r.line}: eta = {eta:g} has terminations "
                              f"{entry.termination} and {termination}")
        # A run that did not stop at the horizon (diverged, non-finite) has one row with empty
        # t and w; a run to the horizon (max_steps) has no other way to end, so needs both.
        optional = termination != "max_steps"
        t, w = r.number("t", optional=optional), r.number("w", optional=optional)
        if t is not None and w is not None:
            entry.t.append(t)
            entry.w.append(w)
    return dataset, lam, eta_loc, [by_eta[eta] for eta in sorted(by_eta)]


@dataclass
class Peers:
    """The peer comparison: peers.csv rows and the gap-against-time traces by panel."""

    rows: list  # dicts: method, dataset, lambda, final_gap, seconds, iterations, status
    traces: dict  # (dataset, lambda) -> {method: ([seconds], [gap])}


def load_peers(data_dir):
    """The peer comparison, or None when neither file exists (it was not run)."""
    paths = [os.path.join(data_dir, name) for name in (PEERS, PEERS_TRACE)]
    present = [os.path.isfile(p) for p in paths]
    if not any(present):
        return None
    if not all(present):
        have, lack = (paths[0], paths[1]) if present[0] else (paths[1], paths[0])
        raise ResultError(lack, f"missing while {os.path.basename(have)} exists "
                          "(the peer comparison writes both)")
    rows = []
    for r in read_csv(paths[0], ("method", "dataset", "lambda", "final_gap", "seconds",
                                 "iterations", "status")):
        row = {c: r.text(c) for c in ("method", "dataset", "status")}
        row["lambda"] = r.number("lambda")
        # A failed peer may report no (or a non-finite) gap or time: shown, never drawn.
        for c in ("final_gap", "seconds", "iterations"):
            row[c] = r.number(c, optional=True, finite=False)
        rows.append(row)
    traces = defaultdict(lambda: defaultdict(lambda: ([], [])))
    for r in read_csv(paths[1], ("method", "dataset", "lambda", "seconds", "gap")):
        seconds, gap = traces[(r.text("dataset"), r.number("lambda"))][r.text("method")]
        seconds.append(r.number("seconds"))
        gap.append(r.number("gap"))
    return Peers(rows, {k: dict(v) for k, v in traces.items()})
