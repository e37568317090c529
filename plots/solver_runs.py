"""Loaders for solver runs: a runner directory (runs.csv, runs.json and the traces its records
name; `verify --out DIR` writes the claim suite's, `sweep --suite figures-* --out DIR/figures` the
figures'), the method table (DATA_DIR/methods.json: legend names and order), the 1-D
bifurcation iterates, and the optional peer comparison."""

import os
from collections import defaultdict
from dataclasses import dataclass

from results import (BIFURCATION, METHODS, PEERS, PEERS_TRACE, RUNS_CSV, RUNS_JSON, ResultError,
                     get_count, is_number, read_csv, read_json, record_counts, single)

TERMINATIONS = ("converged", "max_steps", "floor_reached", "diverged", "non_finite")
HORIZON = ("max_steps", "floor_reached")  # ran to the horizon
BLOWUP = ("diverged", "non_finite")


def _termination(row):
    value = row.text("termination")
    if value not in TERMINATIONS:
        raise ResultError(row.path, f"line {row.line}, column termination: unknown value "
                          f"{value!r} (expected one of {', '.join(TERMINATIONS)})")
    return value


@dataclass
class RunRow:
    """A run that was made: one row of a runner directory's runs.csv (the `sweep` CSV format
    with `experiment` first and `skipped` last)."""

    line: int
    experiment: str
    dataset: str
    lam: float
    solver: str
    rule: str
    eta: float
    termination: str
    horizon: int
    settled: int  # None when censored; then settled_at_least is the lower bound
    settled_at_least: int
    eta_loc: float
    smoothness: float

    @property
    def count(self):
        """The step count as the checker reads it (StepCount::value): settled, or the lower
        bound when the run had not settled by the horizon."""
        return self.settled if self.settled is not None else self.settled_at_least


@dataclass
class SkippedRun:
    """A run the runner could not make (its `skipped` column gives why, e.g. a rule that needs a
    margin on non-separable data): it has no termination or counts, so it is never drawn."""

    line: int
    experiment: str
    dataset: str
    lam: float
    solver: str
    rule: str
    reason: str


@dataclass
class RunTable:
    """runs.csv of one runner directory: the runs made and the runs skipped, in file order."""

    path: str
    rows: list  # RunRow
    skipped: list  # SkippedRun

    def named(self, prefix, purpose):
        """The runs made whose experiment name starts with prefix; an error naming the file when
        there are none, since the figure that asked (purpose) would be empty."""
        rows = [r for r in self.rows if r.experiment.startswith(prefix)]
        if not rows:
            raise ResultError(self.path, f"no runs named {prefix}* ({purpose})")
        return rows


RUN_COLUMNS = ("experiment", "dataset", "lambda", "solver", "rule", "eta", "termination",
               "horizon", "settled", "settled_at_least", "eta_loc", "smoothness", "skipped")
# Every count of a run record (README.md "Output formats"), checked wherever a file has it even
# when no figure draws it, so that a doctored count is refused whichever column holds it; of
# each pair NAME/NAME_at_least exactly one is set.
COUNT_PAIRS = ("settled", "first_hit")
OTHER_COUNTS = ("n", "d", "steps", "increases", "last_increase")
RECORD_COUNTS = ("horizon",) + OTHER_COUNTS + tuple(
    name + suffix for name in COUNT_PAIRS for suffix in ("", "_at_least"))


def registry_method(experiment):
    """The method of a registry experiment `<label>/lambda=L/<method>`; None for the runner's
    other runs (`eos/<dataset>/lambda=L/eta=E`, the figures' `grid/...`, `trace/...`)."""
    parts = experiment.split("/")
    if len(parts) != 3 or parts[0] == "eos" or not parts[1].startswith("lambda="):
        return None
    return parts[2] or None


def load_run_table(run_dir):
    """runs.csv of a runner directory. Each experiment appears once; a skipped row needs only
    the experiment, dataset, lambda, solver, rule and its reason."""
    path = os.path.join(run_dir, RUNS_CSV)
    rows, skipped, seen = [], [], {}
    for r in read_csv(path, RUN_COLUMNS):
        experiment = r.text("experiment")
        if not experiment:
            raise ResultError(path, f"line {r.line}, column experiment: empty")
        if experiment in seen:
            raise ResultError(path, f"line {r.line}: experiment {experiment!r} is also on line "
                              f"{seen[experiment]}")
        seen[experiment] = r.line
        reason = r.text("skipped").strip()
        lam = r.number("lambda", positive=True)
        if reason:
            skipped.append(SkippedRun(r.line, experiment, r.text("dataset"), lam,
                                      r.text("solver"), r.text("rule"), reason))
            continue
        termination = _termination(r)
        settled, at_least = r.censored_count("settled")
        for name in OTHER_COUNTS:
            if name in r.fields:
                r.count(name, optional=True)
        if "first_hit" in r.fields and "first_hit_at_least" in r.fields:
            r.censored_count("first_hit")
        rows.append(RunRow(r.line, experiment, r.text("dataset"), lam, r.text("solver"),
                           r.text("rule"), r.number("eta", positive=True), termination,
                           r.count("horizon"), settled, at_least,
                           r.number("eta_loc", positive=True),
                           r.number("smoothness", positive=True)))
    return RunTable(path, rows, skipped)


class MethodTable:
    """The method table (`largestep methods --json`, DATA_DIR/methods.json): the order and legend
    names of (solver, rule) pairs, so that no figure keeps its own list of rules or solvers."""

    def __init__(self, rows):
        self.rules = {r["name"]: r for r in rows if r["kind"] == "rule"}
        self.solvers = {r["name"]: r for r in rows if r["kind"] == "solver"}
        self._rule_rank = {name: i for i, name in enumerate(self.rules)}
        self._solver_rank = {name: i for i, name in enumerate(self.solvers)}

    def order(self, method):
        """Sort key for (solver, rule): solvers, then rules, in the table's order; names the
        table does not know go last."""
        solver, rule = method
        base = rule.partition(":")[0]
        return (self._solver_rank.get(solver, len(self._solver_rank)),
                self._rule_rank.get(base, len(self._rule_rank)), rule)

    def label(self, solver, rule):
        """A legend name for a (solver, rule) pair of a sweep CSV: the solver's label alone at its
        default rule, else the solver's and the rule's. A rule label may show its parameter's
        value ("{frac} eta_loc" -> "0.5 eta_loc"); otherwise a parameter is added unless it is the
        default ("GD S2", "GD S2 (c=2)", "Nesterov")."""
        base, _, params = rule.partition(":")
        solver_row = self.solvers.get(solver)
        solver_label = solver_row["label"] if solver_row else solver
        if solver_row and rule == solver_row.get("default_rule"):
            return solver_label
        rule_row = self.rules.get(base)
        if rule_row is None:
            return f"{solver_label} {base}" + (f" ({params})" if params else "")
        text = rule_row["label"]
        for parameter in rule_row["parameters"]:
            placeholder = "{" + parameter["name"] + "}"
            if placeholder in text:
                key, _, value = params.partition("=")
                if key != parameter["name"]:
                    value = "" if parameter["default"] is None else f"{parameter['default']:g}"
                return f"{solver_label} {text.replace(placeholder, value)}"
        label = f"{solver_label} {text}"
        return label if params == "" or self._is_default(rule_row, params) else f"{label} ({params})"

    @staticmethod
    def _is_default(rule_row, params):
        """params ("c=1") names the rule's one parameter at its default value."""
        if rule_row is None or len(rule_row["parameters"]) != 1:
            return False
        key, _, value = params.partition("=")
        parameter = rule_row["parameters"][0]
        try:
            return key == parameter["name"] and parameter["default"] == float(value)
        except ValueError:
            return False


def load_methods(data_dir):
    """methods.json: a list of {name, kind: rule|solver, label, parameters: [{name, default}],
    default_rule (solvers)}, as `largestep methods --json` writes it."""
    path = os.path.join(data_dir, METHODS)
    rows = read_json(path)
    if not isinstance(rows, list) or not rows:
        raise ResultError(path, "expected a non-empty JSON array (the method table)")
    for k, row in enumerate(rows):
        where = f"entry {k}"
        if not isinstance(row, dict):
            raise ResultError(path, f"{where}: expected a JSON object")
        for name in ("name", "label"):
            if not isinstance(row.get(name), str) or not row[name]:
                raise ResultError(path, f"{where}, field {name}: missing or not a string")
        if row.get("kind") not in ("rule", "solver"):
            raise ResultError(path, f"{where} ({row['name']}), field kind: "
                              f"{row.get('kind')!r} is not 'rule' or 'solver'")
        parameters = row.get("parameters")
        if not isinstance(parameters, list) or not all(
                isinstance(p, dict) and isinstance(p.get("name"), str) and
                (p.get("default") is None or is_number(p["default"])) for p in parameters):
            raise ResultError(path, f"{where} ({row['name']}), field parameters: expected a list "
                              "of {name, default (a number or null)}")
    return MethodTable(rows)


@dataclass
class RunRecord:
    """One record of a runner directory's runs.json, with the path of its trace (None when the
    run kept none)."""

    index: int
    experiment: str
    method: str
    trace: str
    record: dict

    def where(self):
        return f"runs[{self.index}] ({self.experiment})"


def load_run_records(run_dir):
    """Every record of runs.json, checked: each names its experiment and method, and the trace
    it names (a path inside run_dir) exists."""
    path = os.path.join(run_dir, RUNS_JSON)
    doc = read_json(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("runs"), list):
        raise ResultError(path, "expected a JSON object with suite, environment and runs[]")
    if not isinstance(doc.get("suite"), str):
        raise ResultError(path, "field suite: missing or not a string")
    records = []
    for i, record in enumerate(doc["runs"]):
        if not isinstance(record, dict):
            raise ResultError(path, f"runs[{i}]: not an object")
        for name in ("experiment", "method"):
            if not isinstance(record.get(name), str) or not record[name]:
                raise ResultError(path, f"runs[{i}].{name}: missing or not a string")
        who = f"runs[{i}] ({record['experiment']})"
        record_counts(record, RECORD_COUNTS, COUNT_PAIRS, path, who)
        grid = record.get("grid", [])  # `best`: every (eta, settled, settled_at_least) tried
        if not isinstance(grid, list) or not all(isinstance(g, dict) for g in grid):
            raise ResultError(path, f"{who}.grid: not a list of objects")
        for k, tried in enumerate(grid):
            record_counts(tried, ("settled", "settled_at_least"), ("settled",), path,
                          f"{who}.grid[{k}]")
        trace = record.get("trace")
        where = f"{who}.trace"
        if trace is not None:
            if not isinstance(trace, str) or os.path.isabs(trace) or ".." in trace.split("/"):
                raise ResultError(path, f"{where}: {trace!r} is not a path inside {run_dir}")
            trace = os.path.join(run_dir, *trace.split("/"))
            if not os.path.isfile(trace):
                raise ResultError(trace, f"missing (the trace that {path} names for "
                                  f"{record['experiment']})")
        records.append(RunRecord(i, record["experiment"], record["method"], trace, record))
    return records


@dataclass
class Run:
    """A run record of runs.json with its trace (t, gap)."""

    label: str  # the experiment's name without the prefix it was selected by
    record: dict
    t: list
    gap: list

    def field(self, name):
        return self.record.get(name)


def _record_number(record, name, path, where):
    """A positive finite number (lambda, eta, eta_loc, L_s, eps: the program refuses others)."""
    value = record.get(name)
    if not is_number(value) or not value > 0:
        raise ResultError(path, f"{where}, field {name}: {value!r} is not a positive finite "
                          "number")
    return float(value)


def load_traced_runs(run_dir, prefix):
    """The runs made whose experiment starts with prefix, each with its trace, by increasing
    eta; at least one is required."""
    path = os.path.join(run_dir, RUNS_JSON)
    chosen = [r for r in load_run_records(run_dir)
              if r.experiment.startswith(prefix) and "skipped" not in r.record]
    if not chosen:
        raise ResultError(path, f"no runs named {prefix}* (at least one traced run is required)")
    runs = []
    for rr in chosen:
        record, where = dict(rr.record), rr.where()
        if rr.trace is None:
            raise ResultError(path, f"{where}: no trace (field trace is null)")
        for name in ("lambda", "eta", "eta_loc", "smoothness", "eps"):
            record[name] = _record_number(record, name, path, where)
        try:  # figure 1 says when each run settled: the pair is required (counts: checked)
            get_count(record, "settled")
        except ValueError as e:
            raise ResultError(path, f"{where}: {e}") from None
        for name in ("dataset", "termination", "rule"):
            if not isinstance(record.get(name), str):
                raise ResultError(path, f"{where}, field {name}: missing or not a string")
        blowup = record["termination"] in BLOWUP
        rows = read_csv(rr.trace, ("t", "gap"))
        runs.append(Run(rr.experiment[len(prefix):], record, [r.count("t") for r in rows],
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
    lam = single(rows, path, lambda r: r.number("lambda", positive=True), "lambdas")
    eta_loc = single(rows, path, lambda r: r.number("eta_loc", positive=True), "eta_loc values")
    by_eta = {}
    for r in rows:
        termination = _termination(r)
        eta = r.number("eta", positive=True)
        entry = by_eta.setdefault(eta, Iterates(eta, termination, [], []))
        if entry.termination != termination:
            raise ResultError(path, f"line {r.line}: eta = {eta:g} has terminations "
                              f"{entry.termination} and {termination}")
        # A run that did not stop at the horizon (diverged, non-finite) has one row with empty
        # t and w; a run to the horizon (max_steps, floor_reached) has no other way to end, so
        # needs both.
        optional = termination not in HORIZON
        t, w = r.count("t", optional=optional), r.number("w", optional=optional)
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
        row["lambda"] = r.number("lambda", positive=True)
        # A failed peer may report no (or a non-finite) gap or time: shown, never drawn; an
        # iteration count is a count or nothing.
        for c in ("final_gap", "seconds"):
            row[c] = r.number(c, optional=True, finite=False)
        row["iterations"] = r.count("iterations", optional=True)
        rows.append(row)
    traces = defaultdict(lambda: defaultdict(lambda: ([], [])))
    for r in read_csv(paths[1], ("method", "dataset", "lambda", "seconds", "gap")):
        seconds, gap = traces[(r.text("dataset"), r.number("lambda", positive=True))][
            r.text("method")]
        seconds.append(r.number("seconds"))
        gap.append(r.number("gap"))
    return Peers(rows, {k: dict(v) for k, v in traces.items()})
