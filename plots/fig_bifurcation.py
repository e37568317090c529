#!/usr/bin/python3
"""Figure 5: the 1-D bifurcation diagram near eta_loc (bifurcation.csv): the last iterates w of
GD against eta. Below eta_loc they collapse onto w_lambda; above it they split (period 2, then
more), until GD diverges.

    fig_bifurcation.py DATA_DIR OUT.png
"""

import figure
from figure import ETA, ETA_LOC
from solver_runs import load_bifurcation

# Iterates closer than this (relative) count as one value: rounding jitter is not a period.
SAME = 1e-6


def distinct(values):
    """How many values the last iterates take, merging those within SAME of each other."""
    count, last = 0, None
    for v in sorted(values):
        if last is None or abs(v - last) > SAME * max(1.0, abs(v)):
            count += 1
        last = v
    return count


def draw(data_dir, out_png):
    dataset, lam, eta_loc, fan = load_bifurcation(data_dir)
    drawn = [it for it in fan if it.w]
    lost = [it for it in fan if not it.w]

    fig, (ax,) = figure.panels(1, width=7.0, height=4.6)
    for it in drawn:
        ax.plot([it.eta] * len(it.w), it.w, "k.", ms=2.5)
    ax.axvline(eta_loc, color="tab:red", ls="--", lw=1.2, label=f"{ETA_LOC} = {eta_loc:.4g}")
    ax.plot([], [], "k.", label=f"last iterates ({max((len(i.w) for i in drawn), default=0)} "
                                "per stepsize)")
    ax.set_xlabel(f"stepsize {ETA}")
    ax.set_ylabel(r"iterate $w_t$")
    ax.set_title(f"{dataset}, $\\lambda$ = {lam:g}: last iterates of GD")
    ax.legend(loc="upper left")
    figure.save(fig, out_png)

    periods = [(it.eta, distinct(it.w)) for it in drawn]
    below = [(e, p) for e, p in periods if e < eta_loc]
    split = [(e, p) for e, p in periods if p > 1]
    look = (f"{sum(p == 1 for _, p in below)} of {len(below)} stepsizes below eta_loc end on a "
            "single point")
    if split:
        e, p = split[0]
        look += (f"; the smallest stepsize whose last iterates take several values is eta = "
                 f"{e:.4g} ({figure.fmt_ratio(e, eta_loc, '.2f')} eta_loc, {p} values)")
    if lost:
        how = "/".join(sorted({i.termination for i in lost}))
        look += (f"; {len(lost)} stepsize(s) left no iterates ({how}, from eta = "
                 f"{min(i.eta for i in lost):.4g}) and are not drawn")
    return figure.Caption(
        "1-D bifurcation near eta_loc",
        f"GD on {dataset} at lambda = {lam:g}: the last iterates at each of {len(fan)} "
        f"stepsizes (dots), eta_loc = {eta_loc:.4g} dashed; values within a relative {SAME:g} "
        "count as one.",
        look + ".")


if __name__ == "__main__":
    figure.main(draw, __doc__)
