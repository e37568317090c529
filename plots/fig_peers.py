#!/usr/bin/python3
"""Figure 8 (when the peer comparison ran): objective gap against wall time for each method
(LIBLINEAR, scikit-learn, numpy, largestep) from peers_trace.csv, log-log, one panel per
dataset and lambda.

    fig_peers.py DATA_DIR OUT.png
"""

import math
import os

import numpy as np

import figure
from results import PEERS, NotInData
from solver_runs import load_peers


def draw(data_dir, out_png):
    peers = load_peers(data_dir)
    if peers is None:
        raise NotInData(os.path.join(data_dir, PEERS), "absent: the peer comparison was not run")
    panels = sorted(peers.traces)
    methods = sorted({m for p in panels for m in peers.traces[p]})
    colours = {m: f"C{i % 10}" for i, m in enumerate(methods)}
    # At most three panels a row: six side by side are unreadable in a report.
    fig, axes = figure.panels(len(panels), width=5.0, height=3.8, rows=math.ceil(len(panels) / 3))
    for ax, (dataset, lam) in zip(axes, panels):
        for method, (seconds, gap) in sorted(peers.traces[(dataset, lam)].items()):
            t, g = np.asarray(seconds), np.asarray(gap)
            keep = (t > 0) & (g > 0)  # both axes are logarithmic
            ax.plot(t[keep], g[keep], ".-", color=colours[method], ms=3, label=method)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("wall time (s)")
        ax.set_ylabel(r"objective gap $f(w) - f^*$")
        ax.set_title(f"{dataset}, $\\lambda$ = {lam:g}", fontsize=8)
        ax.legend(loc="lower left")
    figure.save(fig, out_png)

    best = []
    for dataset, lam in panels:
        rows = [r for r in peers.rows if r["dataset"] == dataset and r["lambda"] == lam and
                r["final_gap"] is not None and math.isfinite(r["final_gap"])]
        if rows:
            r = min(rows, key=lambda r: r["final_gap"])
            best.append(f"{dataset} at lambda = {lam:g}: {r['method']} ({r['final_gap']:.2g}"
                        + (f" in {r['seconds']:.3g} s)" if r["seconds"] is not None and
                           math.isfinite(r["seconds"]) else ")"))
    return figure.Caption(
        "Peers: gap against wall time",
        f"{len(methods)} methods on {len(panels)} dataset/lambda pairs from peers_trace.csv; "
        "points with a zero time or a gap at or below zero are not drawn (log axes).",
        ("Lowest final gap (peers.csv): " + "; ".join(best) + ".") if best else
        "peers.csv reports no finite final gap.")


if __name__ == "__main__":
    figure.main(draw, __doc__)
