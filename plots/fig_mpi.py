#!/usr/bin/python3
"""Figure 11 (when the Open MPI stage ran): past one machine.
Left and middle, measured (mpi/data_parallel_{strong,weak}.json on dense rows and
mpi/data_parallel_{strong,weak}_sparse.json on CSR rows, bench_data_parallel under mpirun -np P):
steps per second of rank 0 alone and of the P ranks sharing the rows, combined by the
deterministic reduction (block order) and the fast one (MPI_Allreduce), strong and weak scaling;
the hatched top of a bar is the share of the step spent in the reduction; the labels give the
speedup (strong) or the efficiency (weak, eff.) and the communication a step.
Right, the alpha-beta model (mpi_model.py) on mpi/reduce.json: the speedup of a step against
P = 1 .. 64 for dense rows of d = 10^2, 10^4, 10^6 at the strong run's n, on this machine's
measured alpha and beta and on 10 GbE; deterministic solid, fast dashed; the measured strong
speedups as stars at their P.

    fig_mpi.py DATA_DIR OUT.png
"""

import math
import os

from matplotlib.lines import Line2D
from matplotlib.patches import Patch

import figure
import mpi_model
from mpi_results import (MPI_DIR, REDUCE, REDUCTIONS, TIMINGS, load_mpi, matches_text, rate_text,
                         ratio_text)
from results import ResultError

SHOWN_D = (100, 10_000, 1_000_000)
TEN_GBE = next(name for name in mpi_model.NETWORKS if name.startswith("10 GbE"))
THIS_MACHINE = "this machine"
COLOURS = {"alone": "0.6", "deterministic": "C0", "fast": "C1"}
D_COLOURS = dict(zip(SHOWN_D, ("C2", "C4", "C3")))  # not the left panel's C0, C1
NETWORK_MARKERS = {THIS_MACHINE: "o", TEN_GBE: "^"}
STYLES = {"deterministic": "-", "fast": "--"}
WIDTH = 0.26  # of a bar; three bars a scaling


def power(d, tex=False):
    """'10^4' (or mathtext $10^{4}$) for a power of ten, else '12,345'."""
    k = round(math.log10(d))
    if 10 ** k != d:
        return f"{d:,}"
    return f"$10^{{{k}}}$" if tex else f"10^{k}"


def networks(reduce_doc):
    """(name, alpha, beta): this machine's measured pair, then 10 GbE's (mpi_model.NETWORKS)."""
    return ((THIS_MACHINE, reduce_doc["alpha_seconds"], reduce_doc["beta_bytes_per_second"]),
            (TEN_GBE, *mpi_model.NETWORKS[TEN_GBE]))


def model_speedups(reduce_doc, rows, dims=SHOWN_D):
    """{(network, reduction, d): [speedup over P = 1 for P in mpi_model.RANKS]} for d in dims
    (each one of mpi_model.DIMENSIONS)."""
    out = {}
    for name, alpha, beta in networks(reduce_doc):
        for reduction in REDUCTIONS:
            table = mpi_model.steps_per_second(reduce_doc, rows, alpha, beta,
                                               reduction == "deterministic")
            for d in dims:
                out[(name, reduction, d)] = [table[(d, p)] / table[(d, 1)]
                                             for p in mpi_model.RANKS]
    return out


def is_sparse(doc):
    """Whether a bench_data_parallel run was on CSR rows (its planted spec has nnz=K)."""
    return "nnz=" in doc["data"]


def shape_text(doc):
    """'1,000,000 x 100' or, for CSR rows, '1,000,000 x 1,048,576 CSR'."""
    return f"{doc['n']:,} x {doc['d']:,}" + (" CSR" if is_sparse(doc) else "")


def bar_label(doc, timing):
    """Steps per second, and for a shared run its ratio and its communication a step."""
    t = doc[timing]
    text = f"{rate_text(t['steps_per_second'])}/s"
    if timing != "alone":
        text += (f"\n{ratio_text(doc, timing, 'eff.')}\ncomm "
                 f"{t['communication_seconds_per_step'] * 1e3:.2g} ms")
    return text


def draw_measured(ax, docs, title, legend):
    top = 0.0
    for x, doc in enumerate(docs):
        for k, timing in enumerate(TIMINGS):
            t = doc[timing]
            height = t["steps_per_second"]
            comm = height * t["communication_seconds_per_step"] / t["seconds_per_step"]
            where = x + (k - 1) * WIDTH
            ax.bar(where, height - comm, WIDTH, color=COLOURS[timing])
            ax.bar(where, comm, WIDTH, bottom=height - comm, color=COLOURS[timing],
                   hatch="////", edgecolor="k", linewidth=0)
            ax.annotate(bar_label(doc, timing), (where, height), xytext=(0, 2),
                        textcoords="offset points", ha="center", va="bottom", fontsize=6.5)
            top = max(top, height)
    ax.set_ylim(0, top * 1.55)  # room for the labels, and above them the legend's two rows
    ax.set_xticks(range(len(docs)), [
        f"{doc['scaling']}, P = {doc['processes']}\nshared {shape_text(doc)}\n"
        f"alone {doc['alone_rows']:,} rows" for doc in docs], fontsize=7)
    ax.set_ylabel("steps per second (value and gradient)")
    ax.set_title(title, fontsize=9)
    ax.grid(axis="x", visible=False)
    if not legend:
        return
    ax.legend(handles=[Patch(color=COLOURS["alone"], label="rank 0 alone (unshared)"),
                       Patch(color=COLOURS["deterministic"],
                             label="shared, deterministic (block order)"),
                       Patch(color=COLOURS["fast"], label="shared, fast (MPI_Allreduce)"),
                       Patch(facecolor="w", edgecolor="k", hatch="////",
                             label="share of the step in communication")],
              loc="upper center", ncol=2, fontsize=6.5)


def draw_model(ax, speedups, strong):
    ranks = mpi_model.RANKS
    ax.plot(ranks, ranks, ":", color="0.5", label="ideal (speedup P)")
    for (name, reduction, d), values in speedups.items():
        ax.plot(ranks, values, STYLES[reduction], color=D_COLOURS[d],
                marker=NETWORK_MARKERS[name], ms=3.5, lw=1.2,
                label=f"{name}, d = {power(d)}, {reduction}")
    p = strong["processes"]
    for reduction, face in (("deterministic", "k"), ("fast", "none")):
        ax.plot([p], [strong[f"ratio_{reduction}"]], "*", ms=11, color="k", mfc=face,
                label=f"measured, {reduction}: {strong[f'ratio_{reduction}']:.2f}x "
                      f"(d = {strong['d']})")
    ax.set_xscale("log", base=2)
    ax.set_xticks(ranks, [str(r) for r in ranks])
    ax.set_ylim(0, ranks[-1] * 1.05)  # linear: the shortfall at large P shows
    ax.set_xlabel("ranks P")
    ax.set_ylabel("speedup of a step over P = 1")
    ax.set_title(f"model: dense rows, n = {strong['n']:,}", fontsize=9)
    # The legend names the encodings once each, not the 12 curves.
    handles = [Line2D([], [], color=D_COLOURS[d], label=f"d = {power(d, tex=True)}")
               for d in SHOWN_D]
    handles += [Line2D([], [], color="k", marker=m, ls="none", ms=4,
                       label=name if name != THIS_MACHINE else
                       f"{name} (measured alpha, beta)")
                for name, m in NETWORK_MARKERS.items()]
    handles += [Line2D([], [], color="k", ls=s, label=f"{r} reduction")
                for r, s in STYLES.items()]
    handles += [Line2D([], [], color="0.5", ls=":", label="ideal (speedup P)")]
    handles += [line for line in ax.get_lines() if line.get_label().startswith("measured")]
    ax.legend(handles=handles, loc="upper left", fontsize=6.5)


def strong_text(doc, reduction):
    """'33.0 (1.92x, result bitwise one process's: yes)'."""
    return (f"{rate_text(doc[reduction]['steps_per_second'])} ({ratio_text(doc, reduction)}, "
            f"result bitwise one process's: {matches_text(doc, reduction)})")


def look(results, speedups):
    strong = results.strong
    p = strong["processes"]
    parts = []
    for strong_run, weak in ((strong, results.weak),
                             (results.sparse_strong, results.sparse_weak)):
        parts += [
            f"Strong scaling ({shape_text(strong_run)}, P = {strong_run['processes']}): "
            f"{rate_text(strong_run['alone']['steps_per_second'])} steps/s alone; shared, "
            f"deterministic {strong_text(strong_run, 'deterministic')}, fast "
            f"{strong_text(strong_run, 'fast')}",
            f"weak scaling ({weak['alone_rows']:,} rows alone, {shape_text(weak)} shared): "
            f"efficiency {weak['ratio_deterministic']:.2f} deterministic, "
            f"{weak['ratio_fast']:.2f} fast"]
    if strong["d"] in mpi_model.DIMENSIONS and p in mpi_model.RANKS:
        here = model_speedups(results.reduce, strong["n"], (strong["d"],))
        at = mpi_model.RANKS.index(p)
        parts.append("the model on this machine predicts " + " and ".join(
            f"{here[(THIS_MACHINE, r, strong['d'])][at]:.2f}x" for r in REDUCTIONS) +
            f" at P = {p}")
    for name, _, _ in networks(results.reduce):
        pairs = ", ".join(
            f"d = {power(d)} {speedups[(name, 'deterministic', d)][-1]:.1f}x/"
            f"{speedups[(name, 'fast', d)][-1]:.1f}x" for d in SHOWN_D)
        parts.append(f"at P = {mpi_model.RANKS[-1]} the model gives (deterministic/fast) on "
                     f"{name}: {pairs}")
    return "; ".join(parts) + "."


def draw(data_dir, out_png):
    results = load_mpi(data_dir)  # NotInData when the stage did not run
    strong = results.strong
    try:
        speedups = model_speedups(results.reduce, strong["n"])
    except (ValueError, ZeroDivisionError, OverflowError) as e:
        raise ResultError(os.path.join(data_dir, MPI_DIR, REDUCE),
                          f"the model cannot be evaluated on it: {e}") from None
    fig, (dense, sparse, model) = figure.panels(3, width=5.0, height=4.6)
    draw_measured(dense, (strong, results.weak),
                  "measured, dense rows: rank 0 alone against the ranks sharing them", True)
    draw_measured(sparse, (results.sparse_strong, results.sparse_weak),
                  "measured, CSR rows", False)
    draw_model(model, speedups, strong)
    figure.save(fig, out_png)
    return figure.Caption(
        "Past one machine: Open MPI ranks sharing the rows, measured and modelled",
        "Left and middle: steps per second of the fused value and gradient (medians of "
        "bench_data_parallel's repetitions, the slowest rank's time) on dense and on CSR rows, "
        "rank 0 alone against the ranks sharing the rows; "
        "weak scaling gives rank 0 alone 1/P of the rows; hatched: the share of the step spent "
        "combining the partials (waiting included). Right: the alpha-beta model's speedup "
        f"against P, dense rows, n = {strong['n']:,}, on this machine's measured alpha and beta "
        "and on 10 GbE (alpha assumed 10 us); deterministic solid, fast dashed; stars: measured.",
        look(results, speedups))


if __name__ == "__main__":
    figure.main(draw, __doc__)
