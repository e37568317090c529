"""The peer comparison (peers.csv) as the report shows it: one row per method (the peers and
largestep's), one column per (dataset, lambda) cell, each cell the fit's wall time and final gap,
with the status when it did not converge; and the long list, one row per peers.csv record."""

import math

LONG_COLUMNS = ("method", "dataset", "lambda", "final_gap", "seconds", "iterations", "status")
CONVERGED = "converged"


def cell_heading(dataset, lam):
    return f"{dataset} lambda={lam:g}"


def number(value, spec):
    return format(value, spec) if value is not None and math.isfinite(value) else None


def cell_text(row):
    """'0.0021 s, gap 3.1e-09', with '; STATUS' unless converged, or the status alone when
    there is neither time nor gap."""
    seconds, gap = number(row["seconds"], ".3g"), number(row["final_gap"], ".2g")
    shown = ", ".join(t for t in (seconds and f"{seconds} s", gap and f"gap {gap}") if t)
    if not shown:
        return row["status"]
    return shown if row["status"] == CONVERGED else f"{shown}; {row['status']}"


def matrix(peers):
    """(columns, rows): 'method' then a heading per cell, in the order peers.csv first names
    them; a method without a record in a cell shows nothing there."""
    cells, methods = {}, {}
    for r in peers.rows:
        cells.setdefault((r["dataset"], r["lambda"]), cell_heading(r["dataset"], r["lambda"]))
        methods.setdefault(r["method"], {})[cells[(r["dataset"], r["lambda"])]] = cell_text(r)
    columns = ("method",) + tuple(cells.values())
    rows = [{"method": m, **{c: shown.get(c, "") for c in columns[1:]}}
            for m, shown in methods.items()]
    return columns, rows


def long_rows(peers):
    """One row per peers.csv record, numbers to 4 significant digits, nothing for none."""
    def shown(value):
        return "" if value is None else f"{value:.4g}" if isinstance(value, float) else value

    return [{c: shown(r[c]) for c in LONG_COLUMNS} for r in peers.rows]
