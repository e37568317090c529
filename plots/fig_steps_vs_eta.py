#!/usr/bin/python3
"""Figure 2: settled steps to eps against eta (log-log), one curve per lambda (the figures'
`grid/*` runs, DATA_DIR/figures/runs.csv), with eta_loc per lambda and the stepsize each rule
chose marked: the claim suite's GD runs of those rules on the grid's dataset (DATA_DIR/runs.csv)
and the figures' `rules/*` runs at the grid's other lambdas.

    fig_steps_vs_eta.py DATA_DIR OUT.png
"""

import os

import figure
from figure import ETA, ETA_LOC
from results import FIGURE_RUNS, GRID_PREFIX, RULES_PREFIX, single
from solver_runs import BLOWUP, load_methods, load_run_table, registry_method

RULE_MARKERS = "s^vDP*hX<>p"


def is_figure_rule(rule):
    """The rules the figure marks: classical, s2, s3 and best with any constant, and the
    eta_loc fraction the claim suite runs (loc:frac=0.5)."""
    base, _, params = rule.partition(":")
    return base in ("classical", "s2", "s3", "best") or (base == "loc" and
                                                          params in ("", "frac=0.5"))


def rule_runs(claims, figures, dataset):
    """The claim suite's registry GD runs of the figure's rules on the grid's dataset, then the
    figures' own rules/* runs (at the grid lambdas the claim suite does not have)."""
    mine = [r for r in claims.rows if registry_method(r.experiment) and r.solver == "gd" and
            r.dataset == dataset and is_figure_rule(r.rule)]
    return mine + [r for r in figures.rows if r.experiment.startswith(RULES_PREFIX) and
                   r.dataset == dataset]


def censored_y(row, rank):
    """Where an unsettled run is drawn: at its horizon, above every measured count, one row per
    lambda (rank) so that the lambdas' markers do not hide each other."""
    return row.horizon * 1.3**rank


def draw(data_dir, out_png):
    figures = load_run_table(os.path.join(data_dir, FIGURE_RUNS))
    grid = figures.named(GRID_PREFIX, "the fixed-stepsize grid of figures 2 and 4")
    dataset = single(grid, figures.path, lambda r: r.dataset, "datasets")
    rules = rule_runs(load_run_table(data_dir), figures, dataset)
    methods = load_methods(data_dir)
    lambdas = sorted({r.lam for r in grid}, reverse=True)
    colours = {lam: f"C{i % 10}" for i, lam in enumerate(lambdas)}
    rank = {lam: i for i, lam in enumerate(lambdas)}

    fig, (ax,) = figure.panels(1, width=8.0, height=5.0)
    best = []
    for lam in lambdas:
        rows = sorted((r for r in grid if r.lam == lam), key=lambda r: r.eta)
        colour = colours[lam]
        done = [r for r in rows if r.settled is not None]
        ax.plot([r.eta for r in done], [r.settled for r in done], "o-", color=colour, ms=4,
                label=f"$\\lambda$ = {lam:g}")
        for r in rows:
            if r.settled is None:
                blowup = r.termination in BLOWUP
                ax.plot(r.eta, censored_y(r, rank[lam]), "x" if blowup else "o", color=colour, ms=6,
                        mfc="none")
        ax.axvline(rows[0].eta_loc, color=colour, ls=":", lw=1.2)
        if done:
            best.append((lam, min(done, key=lambda r: r.settled)))

    keys = sorted({(r.solver, r.rule) for r in rules if r.lam in colours}, key=methods.order)
    markers = {k: RULE_MARKERS[i % len(RULE_MARKERS)] for i, k in enumerate(keys)}
    for r in rules:
        if r.lam not in colours:
            continue  # a rule at a lambda without a curve has nothing to sit on
        measured = r.settled is not None
        y = r.settled if measured else censored_y(r, rank[r.lam])
        ax.plot(r.eta, y, markers[(r.solver, r.rule)], ms=8, mec="k",
                mfc=colours[r.lam] if measured else "none", zorder=5)
    for key, marker in markers.items():
        ax.plot([], [], marker, color="k", mfc="none", ls="none", label=methods.label(*key))
    ax.plot([], [], "o", color="0.3", mfc="none", ls="none", label="not settled (top rows)")
    ax.plot([], [], "x", color="0.3", ls="none", label="diverged (top rows)")
    ax.plot([], [], ":", color="0.3", label=f"{ETA_LOC} of each $\\lambda$")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(f"stepsize {ETA}")
    ax.set_ylabel("settled steps to eps")
    ax.set_title(f"{dataset}: steps to eps against {ETA}")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5))
    figure.save(fig, out_png)

    above = [r for r in grid if r.eta > r.eta_loc]
    settled_above = sum(r.settled is not None for r in above)
    fewest = "; ".join(f"lambda = {lam:g}: eta = {r.eta:.3g} "
                       f"({figure.fmt_ratio(r.eta, r.eta_loc, '.2f')} eta_loc, "
                       f"{figure.fmt_count(r.settled)} steps)" for lam, r in best)
    horizon = max(r.horizon for r in grid)
    return figure.Caption(
        "Steps to eps against the stepsize",
        f"{len(grid)} fixed-stepsize GD runs on {dataset} at {len(lambdas)} lambdas (filled: "
        f"settled below eps); runs that never settled are not measurements: they are drawn in "
        f"the top rows, one per lambda, at and above the horizon ({figure.fmt_count(horizon)} "
        "steps; open circles: no convergence, crosses: diverged); dotted verticals mark eta_loc, "
        "black-edged markers the eta each rule chose and the steps it took (the claim suite's "
        "runs, and the figures' own at the other lambdas).",
        f"Fewest steps on the grid: {fewest}. Above eta_loc, {settled_above} of {len(above)} "
        "runs settled.")


if __name__ == "__main__":
    figure.main(draw, __doc__)
