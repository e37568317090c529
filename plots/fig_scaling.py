#!/usr/bin/python3
"""Figure 3: settled steps to eps against 1/lambda (log-log) for each method of the registry
suite (sweep.csv: classical GD, S2, S3, best eta, Nesterov), with least-squares log-log slopes
over the settled points in the legend and the paper's reference slopes 1, 2/3, 1/2 dashed.

    fig_scaling.py DATA_DIR OUT.png
"""

import figure
from results import SWEEP
from solver_runs import load_methods, load_sweep_csv

MARKERS = "os^vDP*hX"


def draw(data_dir, out_png):
    rows = load_sweep_csv(data_dir, SWEEP)
    table = load_methods(data_dir)
    datasets = sorted({r.dataset for r in rows})
    fig, axes = figure.panels(len(datasets), width=6.2, height=4.6)
    summaries = []
    for ax, dataset in zip(axes, datasets):
        mine = [r for r in rows if r.dataset == dataset]
        methods = sorted({(r.solver, r.rule) for r in mine}, key=table.order)
        inverse = [1.0 / r.lam for r in mine]
        slopes = []
        for i, method in enumerate(methods):
            points = sorted((1.0 / r.lam, r) for r in mine if (r.solver, r.rule) == method)
            settled = [(x, r.settled) for x, r in points if r.settled is not None]
            slope = figure.loglog_slope(*zip(*settled)) if len(settled) > 1 else None
            name = table.label(*method)
            slopes.append((name, slope, settled))
            label = f"{name}: slope {slope:.2f}" if slope is not None else f"{name}: no fit"
            marker, colour = MARKERS[i % len(MARKERS)], f"C{i % 10}"
            ax.plot(*zip(*settled) if settled else ([], []), marker + "-", color=colour,
                    ms=5, label=label)
            censored = [(x, r.settled_at_least) for x, r in points if r.settled is None]
            if censored:  # lower bounds: drawn open, left out of the fit
                ax.plot(*zip(*censored), marker, color=colour, mfc="none", ms=7)
        firsts = [y for _, _, s in slopes for x, y in s if x == min(inverse)]
        if firsts:  # through the middle of the methods at the largest lambda
            figure.reference_slopes(ax, inverse, firsts)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(r"$1/\lambda$")
        ax.set_ylabel("settled steps to eps")
        ax.set_title(dataset)
        ax.legend(loc="upper left")
        summaries.append((dataset, slopes, min(r.lam for r in mine), mine))
    figure.save(fig, out_png)

    parts = []
    for dataset, slopes, lam_min, mine in summaries:
        fitted = ", ".join(f"{n} {s:.2f}" for n, s, _ in slopes if s is not None)
        last = [r for r in mine if r.lam == lam_min and r.settled is not None]
        fewest = min(last, key=lambda r: r.settled, default=None)
        tail = ""
        if fewest:
            tail = (f"; at lambda = {lam_min:g} {table.label(fewest.solver, fewest.rule)} "
                    f"takes the fewest steps ({figure.fmt_count(fewest.settled)})")
        parts.append(f"{dataset}: fitted slopes {fitted or 'none'}{tail}")
    return figure.Caption(
        "Steps to eps against 1/lambda",
        "Settled steps to eps of each method of the registry suite against 1/lambda; the "
        "legend gives the least-squares log-log slope over the settled points (open markers: "
        "lower bounds of runs that had not settled by the horizon, not fitted); dashed: "
        "slopes 1, 2/3, 1/2 (classical, S3, S2 and Nesterov in the paper).",
        ". ".join(parts) + ".")


if __name__ == "__main__":
    figure.main(draw, __doc__)
