"""Loader for the stepsize arena's table (ARENA_DIR/arena.json, written by `largestep arena`):
methods, their oracles, the (dataset, lambda) cells with each method's passes to eps, and the
slopes of passes against kappa. The report shows it as a methods x cells table."""

import os

from results import NotInData, ResultError, is_number, read_json

ARENA_DIR = "arena"
ARENA_JSON = "arena.json"
FAILED = ("diverged", "non_finite")  # terminations with no count to show or compare


def load_arena(data_dir):
    """The arena document of DATA_DIR/arena/arena.json, validated; NotInData when the arena did
    not run (no such file)."""
    path = os.path.join(data_dir, ARENA_DIR, ARENA_JSON)
    if not os.path.isfile(path):
        raise NotInData(path, "the arena did not run")
    doc = read_json(path)
    if not isinstance(doc, dict) or not all(isinstance(doc.get(k), list)
                                            for k in ("methods", "cells", "slopes")):
        raise ResultError(path, "not an arena table: needs lists methods, cells and slopes")
    names = set()
    for k, m in enumerate(doc["methods"]):
        if not isinstance(m, dict) or not isinstance(m.get("name"), str) or \
                not isinstance(m.get("oracles"), str):
            raise ResultError(path, f"methods[{k}]: needs name and oracles (strings)")
        names.add(m["name"])
    verdicts = doc.get("verdicts", [])
    if not isinstance(verdicts, list) or not all(
            isinstance(v, dict) and all(isinstance(v.get(k), str) for k in
                                        ("claim", "dataset", "measured", "predicted", "verdict",
                                         "reason")) for v in verdicts):
        raise ResultError(path, "verdicts: a list of {claim, dataset, measured, predicted, "
                                "verdict, reason}")
    for c, cell in enumerate(doc["cells"]):
        where = f"cells[{c}]"
        if not isinstance(cell, dict) or not isinstance(cell.get("label"), str) or \
                not is_number(cell.get("lambda")) or not is_number(cell.get("kappa")) or \
                not isinstance(cell.get("runs"), list):
            raise ResultError(path, f"{where}: needs label, lambda, kappa and runs")
        for r, run in enumerate(cell["runs"]):
            if not isinstance(run, dict) or run.get("method") not in names:
                raise ResultError(path, f"{where}.runs[{r}]: a method of the methods list")
            if "skipped" in run:
                continue
            measured, bound = run.get("passes"), run.get("passes_at_least")
            if (measured is None) == (bound is None):
                raise ResultError(path, f"{where}.runs[{r}]: exactly one of passes and "
                                        "passes_at_least")
            if not isinstance(run.get("termination"), str):
                raise ResultError(path, f"{where}.runs[{r}]: needs termination")
    return doc


def load_if_run(data_dir):
    """The arena document, or None when the arena did not run."""
    try:
        return load_arena(data_dir)
    except NotInData:
        return None


def oracle_free(doc):
    """The names of the methods needing no oracle, in the file's order."""
    return [m["name"] for m in doc["methods"] if not m["oracles"]]


def run_of(cell, method):
    """The cell's run of the method, or None when the cell has none."""
    return next((r for r in cell["runs"] if r["method"] == method), None)


def count(run):
    """(passes, lower_bound) of a run that counted passes: lower_bound when the horizon cut it
    off (passes_at_least, the count is at least that); None when there is no run, it was
    skipped, diverged or went non-finite."""
    if run is None or "skipped" in run or run["termination"] in FAILED:
        return None
    if run["passes"] is not None:
        return run["passes"], False
    return run["passes_at_least"], True


def fewest(cell, methods):
    """The methods (of those named) with the fewest measured passes in the cell, and that count:
    ([name, ...], passes), ties all named; ([], None) when none has a measured count, or when a
    lower bound below the fewest measured count leaves the fastest open."""
    counts = [(m, count(run_of(cell, m))) for m in methods]
    measured = [(m, c[0]) for m, c in counts if c is not None and not c[1]]
    if not measured:
        return [], None
    least = min(p for _, p in measured)
    if any(c is not None and c[1] and c[0] < least for _, c in counts):
        return [], None
    return [m for m, p in measured if p == least], least


def cell_text(run):
    """What a cell shows: passes, '>N' when the count is more than N, or why there is none."""
    if run is None:
        return ""
    if "skipped" in run:
        return "skipped"
    if run["termination"] in FAILED:
        return run["termination"]
    # As StepCount::str() and the arena's own tables: at least N is "more than N - 1".
    return str(run["passes"]) if run["passes"] is not None else f">{run['passes_at_least'] - 1}"


def passes_rows(doc):
    """One row per method (no-oracle methods first, then the oracle ones marked *): its passes in
    every cell, and its slopes per dataset label."""
    methods = sorted(doc["methods"], key=lambda m: m["oracles"] != "")
    rows = []
    for m in methods:
        name = m["name"] + (f" * ({m['oracles']})" if m["oracles"] else "")
        # A method without a slope entry for a dataset shows an empty slope.
        row = dict.fromkeys(columns(doc), "")
        row["method"] = name
        for cell in doc["cells"]:
            row[cell_heading(cell)] = cell_text(run_of(cell, m["name"]))
        for s in doc["slopes"]:
            if s.get("method") == m["name"]:
                slope = s.get("slope")
                row[f"slope {s.get('label')}"] = "" if slope is None else f"{slope:.2f}"
        rows.append(row)
    return rows


def verdict_rows(doc):
    """The arena's findings (A1-A4), as the report's verdict table shows them."""
    return [{k: v[k] for k in ("claim", "dataset", "measured", "predicted", "verdict", "reason")}
            for v in doc.get("verdicts", [])]


def cell_heading(cell):
    return f"{cell['label']} {cell['lambda']:.0e}"


def columns(doc):
    labels = []
    for s in doc["slopes"]:
        if s.get("label") not in labels:
            labels.append(s.get("label"))
    return ("method",) + tuple(cell_heading(c) for c in doc["cells"]) + \
        tuple(f"slope {label}" for label in labels)
