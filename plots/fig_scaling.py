#!/usr/bin/python3
"""Figure 3: steps to eps against 1/lambda (log-log) for each method of the claim suite's registry
experiments (DATA_DIR/runs.csv, `<label>/lambda=L/<method>`: classical GD, S2, S3, loc, best eta,
Nesterov), with the least-squares log-log slope of each series in the legend, fitted exactly as
the checker fits S1, S2, S3 and S8, and the paper's reference slopes 1, 2/3, 1/2 dashed.

    fig_scaling.py DATA_DIR OUT.png
"""

from dataclasses import dataclass, field

import figure
from results import ResultError
from solver_runs import SkippedRun, load_methods, load_run_table, registry_method

MARKERS = "os^vDP*hX"
# The verdicts whose slope is a series' slope (theory/claims_scaling.cpp check_step_slopes).
CLAIMS = {"classical": "S1", "s2": "S2", "s3": "S3", "nesterov": "S8"}


@dataclass
class Series:
    """One method's runs on one dataset, in file order (the suite's lambda order)."""

    dataset: str
    method: str  # the registry experiment's last name part, runs.json's `method`
    rows: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # SkippedRun: such a series gets no slope
    slope: float = None
    why: str = ""  # why there is no slope

    @property
    def key(self):
        return self.rows[0].solver, self.rows[0].rule


def power_law_slope(x, y):
    """Least-squares slope of ln y on ln x, as theory/fit.cpp fit_power_law computes it (means,
    then centred sums, added in order), so that the figure and the verdict agree to rounding;
    None where it cannot be fitted (figure.fit_slope says why)."""
    return figure.fit_slope(x, y).value


def scaling_series(table):
    """The registry series of a claim-suite runs.csv, each with the checker's slope
    (claims_scaling.cpp judge_slope): ln max(count, 1) against ln(1/lambda) over every lambda of
    the series, a count cut off by the horizon entering at its lower bound; no slope, and why,
    when a run of the series was skipped (the checker's 'not run'), with fewer than two lambdas,
    or where the fit is undefined (figure.fit_slope)."""
    series = {}
    for r in table.rows + table.skipped:
        method = registry_method(r.experiment)
        if method:
            s = series.setdefault((r.dataset, method), Series(r.dataset, method))
            (s.skipped if isinstance(r, SkippedRun) else s.rows).append(r)
    for s in series.values():
        if s.skipped:
            s.why = f"{len(s.skipped)} run(s) skipped"
        elif len(s.rows) < 2:
            s.why = "no slope: one lambda"
        else:
            fit = figure.fit_slope([1.0 / r.lam for r in s.rows],
                                   [max(r.count, 1.0) for r in s.rows], "lambdas")
            if fit.value is not None and not fit.left_out:
                s.slope = fit.value
            else:  # the checker fits every lambda or none
                s.why = fit.text() if fit.value is None else \
                    f"no slope: {fit.left_out} lambda(s) with 1/lambda not finite"
    return [s for s in series.values() if s.rows]


def draw(data_dir, out_png):
    table = load_run_table(data_dir)
    methods = load_methods(data_dir)
    every = scaling_series(table)
    if not every:
        raise ResultError(table.path, "no registry experiments (<label>/lambda=L/<method>) run")
    datasets = sorted({s.dataset for s in every})
    fig, axes = figure.panels(len(datasets), width=6.2, height=4.6)
    summaries = []
    for ax, dataset in zip(axes, datasets):
        mine = sorted((s for s in every if s.dataset == dataset), key=lambda s: methods.order(s.key))
        inverse = [1.0 / r.lam for s in mine for r in s.rows]
        for i, s in enumerate(mine):
            points = sorted(((1.0 / r.lam, r) for r in s.rows), key=lambda p: p[0])
            name = methods.label(*s.key)
            if s.slope is not None:
                label = f"{name}: slope {s.slope:.2f}"
            else:  # skipped runs: no fit, as the checker's 'not run'; else no slope: why
                label = f"{name}: no fit ({s.why})" if s.skipped else f"{name}: {s.why}"
            marker, colour = MARKERS[i % len(MARKERS)], f"C{i % 10}"
            settled = [(x, r.settled) for x, r in points if r.settled is not None]
            ax.plot(*zip(*settled) if settled else ([], []), marker + "-", color=colour,
                    ms=5, label=label)
            censored = [(x, r.settled_at_least) for x, r in points if r.settled is None]
            if censored:  # lower bounds: drawn open
                ax.plot(*zip(*censored), marker, color=colour, mfc="none", ms=7)
        firsts = [max(r.count, 1) for s in mine for r in s.rows if 1.0 / r.lam == min(inverse)]
        # Through the middle of the methods at the largest lambda.
        figure.reference_slopes(ax, inverse, firsts)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(r"$1/\lambda$")
        ax.set_ylabel("settled steps to eps")
        ax.set_title(dataset)
        ax.legend(loc="upper left")
        summaries.append((dataset, mine))
    figure.save(fig, out_png)

    parts = []
    for dataset, mine in summaries:
        fitted = ", ".join(
            f"{methods.label(*s.key)} {s.slope:.2f}" +
            (f" ({CLAIMS[s.method]})" if s.method in CLAIMS else "")
            for s in mine if s.slope is not None)
        lam_min = min(r.lam for s in mine for r in s.rows)
        last = [r for s in mine for r in s.rows if r.lam == lam_min and r.settled is not None]
        fewest = min(last, key=lambda r: r.settled, default=None)
        tail = ""
        if fewest:
            tail = (f"; at lambda = {lam_min:g} {methods.label(fewest.solver, fewest.rule)} "
                    f"takes the fewest steps ({figure.fmt_count(fewest.settled)})")
        unfit = [f"{methods.label(*s.key)} ({s.why})" for s in mine if s.slope is None]
        if unfit:
            tail += "; no fit for " + ", ".join(unfit)
        parts.append(f"{dataset}: fitted slopes {fitted or 'none'}{tail}")
    return figure.Caption(
        "Steps to eps against 1/lambda",
        "Steps to eps of each method of the claim suite against 1/lambda (open markers: lower "
        "bounds of runs that had not settled by the horizon); the legend gives the "
        "least-squares slope of ln max(steps, 1) against ln(1/lambda) over every lambda of the "
        "series, lower bounds included, the fit behind verdicts S1, S2, S3 and S8; dashed: "
        "slopes 1, 2/3, 1/2 (classical, S3, S2 and Nesterov in the paper).",
        ". ".join(parts) + ".")


if __name__ == "__main__":
    figure.main(draw, __doc__)
