#!/usr/bin/python3
"""Figure 1: objective gap against step for several stepsizes on one dataset and lambda (the
figures' `trace/<label>` runs: DATA_DIR/figures/runs.json and the traces it names), log y: the
non-monotone (edge-of-stability) phase of a large eta, then its exponential stable phase.

    fig_convergence.py DATA_DIR OUT.png
"""

import os

import numpy as np

import figure
from figure import ETA, ETA_LOC
from results import FIGURE_RUNS, RUNS_JSON, TRACE_PREFIX, single
from solver_runs import load_traced_runs


def settled_text(run):
    """'settles at t = N' or 'has not settled by t = N', from the run record."""
    settled = run.field("settled")
    if settled is not None:
        return f"settles below eps at t = {figure.fmt_count(settled)}"
    bound = run.field("settled_at_least") or run.field("steps") or max(run.t)
    return f"has not settled by t = {figure.fmt_count(bound)}"


def phase_text(run):
    increases, last = run.field("increases"), run.field("last_increase")
    if not increases:
        return "is monotone"
    return (f"is non-monotone ({figure.fmt_count(increases)} increases of f, the last at "
            f"t = {figure.fmt_count(last)})" if last is not None else
            f"is non-monotone ({figure.fmt_count(increases)} increases of f)")


def draw(data_dir, out_png):
    runs = load_traced_runs(os.path.join(data_dir, FIGURE_RUNS), TRACE_PREFIX)
    where = os.path.join(data_dir, FIGURE_RUNS, RUNS_JSON)
    dataset = single(runs, where, lambda r: r.field("dataset"), "datasets")
    lam = single(runs, where, lambda r: r.field("lambda"), "lambdas")
    eta_loc, smoothness = runs[0].field("eta_loc"), runs[0].field("smoothness")

    # The non-monotone phase is short next to the stable one: the right panel zooms onto it.
    lasts = [r.field("last_increase") or 0 for r in runs]
    zoom = max(50.0, 4.0 * max(lasts))
    fig, axes = figure.panels(2, width=5.6, height=4.4)
    for ax, t_max in zip(axes, (None, zoom)):
        for run in runs:
            eta = run.field("eta")
            t, gap = np.asarray(run.t), np.asarray(run.gap)
            # A gap at the rounding floor (<= 0) has no logarithm.
            keep = np.isfinite(gap) & (gap > 0) & (t <= (t_max if t_max else np.inf))
            label = (f"{ETA} = {eta:.3g} ({figure.fmt_ratio(eta, eta_loc, '.2f')} {ETA_LOC}, "
                     f"{figure.fmt_finite(eta * smoothness, '.3g')} $\\times$ 1/$L_s$)")
            (line,) = ax.plot(t[keep], gap[keep], lw=1.0, label=label)
            last = run.field("last_increase")
            if last is not None and keep.any():
                i = int(np.argmin(np.abs(t[keep] - last)))
                ax.plot(t[keep][i], gap[keep][i], "o", color=line.get_color(), ms=5, mec="k")
        ax.set_yscale("log")
        ax.set_xlabel("step t")
        ax.set_ylabel(r"objective gap $f(w_t) - f^*$")
    axes[0].set_title(f"{dataset}, $\\lambda$ = {lam:g}: {ETA_LOC} = {eta_loc:.4g}, "
                      f"1/$L_s$ = {figure.fmt_ratio(1, smoothness, '.4g')}")
    axes[1].set_title(f"the first {zoom:.0f} steps")
    eps = runs[0].field("eps")
    axes[0].axhline(eps, color="0.4", ls=":", lw=1, label=f"eps = {eps:g}")
    axes[0].legend(loc="upper right")
    figure.save(fig, out_png)

    small, large = runs[0], runs[-1]
    inverse_smoothness = figure.fmt_ratio(1, smoothness, ".4g")
    look = (f"The largest stepsize ({large.label}, eta = {large.field('eta'):.4g} = "
            f"{figure.fmt_ratio(large.field('eta'), eta_loc, '.2f')} eta_loc) "
            f"{phase_text(large)} and "
            f"{settled_text(large)}; the smallest ({small.label}, eta = "
            f"{small.field('eta'):.4g}) {phase_text(small)} and {settled_text(small)}.")
    return figure.Caption(
        "Objective gap against step",
        f"GD on {dataset} at lambda = {lam:g} for {len(runs)} stepsizes (eta_loc = "
        f"{eta_loc:.4g}, 1/L_s = {inverse_smoothness}); a dot marks each run's last increase "
        "of f, the end of its non-monotone phase (right: the first steps); gaps at the rounding "
        "floor (<= 0) are not drawn.",
        look)


if __name__ == "__main__":
    figure.main(draw, __doc__)
