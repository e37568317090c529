#!/usr/bin/python3
"""Figure 4: the (lambda, eta) phase diagram of the figures' `grid/lambda=L/eta=E` runs
(DATA_DIR/figures/runs.csv): each fixed-stepsize run classified converges / oscillates / at the
floor / diverges by its termination, with eta_loc(lambda) = 2/h_max and the paper's scale
1/(lambda ln(1/lambda)) (S6) overlaid.

    fig_phase.py DATA_DIR OUT.png
"""

import math
import os

import numpy as np

import figure
from figure import ETA, ETA_LOC
from results import FIGURE_RUNS, GRID_PREFIX, single
from solver_runs import load_run_table

# termination -> phase; max_steps means no convergence within the horizon, not proven chaos;
# floor_reached means the gap ended within its rounding bound of eps: precision cannot tell.
PHASES = {"converged": "converges", "max_steps": "oscillates", "floor_reached": "at the floor",
          "diverged": "diverges", "non_finite": "diverges"}
STYLE = {"converges": ("o", "tab:green"), "oscillates": ("s", "tab:orange"),
         "at the floor": ("D", "tab:blue"), "diverges": ("X", "tab:red")}


def draw(data_dir, out_png):
    table = load_run_table(os.path.join(data_dir, FIGURE_RUNS))
    grid = table.named(GRID_PREFIX, "the fixed-stepsize grid of figures 2 and 4")
    dataset = single(grid, table.path, lambda r: r.dataset, "datasets")
    horizon = max(r.horizon for r in grid)

    fig, (ax,) = figure.panels(1, width=8.5, height=4.8)
    for phase, (marker, colour) in STYLE.items():
        mine = [r for r in grid if PHASES[r.termination] == phase]
        label = phase if phase != "oscillates" else \
            f"oscillates (no convergence in {figure.fmt_count(horizon)} steps)"
        if not mine and phase == "at the floor":
            continue  # only shown when a run ended there
        ax.plot([r.lam for r in mine], [r.eta for r in mine], marker, color=colour, ms=7,
                ls="none", label=f"{label}: {len(mine)}")
    loc = sorted({(r.lam, r.eta_loc) for r in grid})
    lams = np.array([lam for lam, _ in loc])
    ax.plot(lams, [e for _, e in loc], "k-", lw=1.5, label=f"{ETA_LOC}($\\lambda$) = 2/$h_{{max}}$")
    small = lams[lams < 1]
    if small.size:
        dense = np.geomspace(small.min(), small.max(), 100)
        ax.plot(dense, 1.0 / (dense * np.log(1.0 / dense)), "k--", lw=1.0,
                label=r"$1/(\lambda \ln(1/\lambda))$")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"$\lambda$")
    ax.set_ylabel(f"stepsize {ETA}")
    ax.set_title(f"{dataset}: phase diagram")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    figure.save(fig, out_png)

    below = [r for r in grid if r.eta < r.eta_loc]
    above = [r for r in grid if r.eta > r.eta_loc]
    converge_below = sum(PHASES[r.termination] == "converges" for r in below)
    stuck_above = sum(PHASES[r.termination] != "converges" for r in above)
    ratios = [e * lam * math.log(1.0 / lam) for lam, e in loc if lam < 1]
    ratios = [r for r in ratios if math.isfinite(r)]  # an overflow is no ratio to show
    ratio_text = (f" eta_loc lambda ln(1/lambda) ranges over {min(ratios):.3g}..{max(ratios):.3g}"
                  f" across the {len(ratios)} lambdas." if ratios else "")
    return figure.Caption(
        "Phase diagram in (lambda, eta)",
        f"The {len(grid)} fixed-stepsize runs of the grid on {dataset} by termination: "
        f"converged, max_steps (oscillates: no convergence within {figure.fmt_count(horizon)} "
        "steps), floor_reached (the gap within its rounding bound of eps at the horizon), "
        "diverged or non-finite; solid: eta_loc(lambda) from the certified reference, dashed: "
        "1/(lambda ln(1/lambda)).",
        f"Below eta_loc {converge_below} of {len(below)} runs converge; above it {stuck_above} "
        f"of {len(above)} do not.{ratio_text}")


if __name__ == "__main__":
    figure.main(draw, __doc__)
