#!/usr/bin/python3
"""Figure 6: throughput of the fused value-and-gradient kernel by build flavour and thread
count (kernels_<preset>.json from bench_kernels): one panel per scalar type and cache level,
bars = median GB/s over the repetitions, whiskers = min..max, black ticks = the bandwidth probe
of the same build and thread count, dashed line = the machine's read limit (the best streaming
read over every build and thread count: one number, which the caption's ratio uses).

    fig_kernels.py DATA_DIR OUT.png
"""

import os

from matplotlib.lines import Line2D
from matplotlib.patches import Patch

import figure
from kernels import LEVEL_ORDER, load_kernels, machine_read_gbps, summary
from results import ResultError

KERNEL = "fused"
SCALARS = ("double", "float")


def level_rank(level):
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER), level


def draw(data_dir, out_png):
    files = load_kernels(data_dir)
    machine = machine_read_gbps(files)
    keys = [k for f in files for k in f.runs if k[0] == KERNEL]
    if not keys:
        raise ResultError(os.path.join(data_dir, "kernels_*.json"),
                          f"no {KERNEL}/... benchmarks with bytes_per_second in any file")
    d = min(k[4] for k in keys)  # one row shape per level keeps panels comparable
    # One panel per (scalar, level) measured, one row per scalar when the grid is complete.
    combos = sorted({(k[1], k[2]) for k in keys if k[4] == d},
                    key=lambda c: (SCALARS.index(c[0]) if c[0] in SCALARS else 9, level_rank(c[1])))
    scalars = list(dict.fromkeys(c[0] for c in combos))
    levels = sorted({c[1] for c in combos}, key=level_rank)
    threads = sorted({k[5] for k in keys})
    width = 0.8 / len(threads)

    complete = len(combos) == len(scalars) * len(levels)
    fig, axes = figure.panels(len(combos), width=3.4, height=3.0,
                              rows=len(scalars) if complete else (len(combos) + 3) // 4)
    best = {}
    for ax, (scalar, level) in zip(axes, combos):
        shape = None
        for g, f in enumerate(files):
            for j, th in enumerate(threads):
                match = [k for k in f.runs if k[:3] == (KERNEL, scalar, level) and
                         k[4] == d and k[5] == th]
                if not match:
                    continue
                shape = match[0][3]
                med, low, high = (v / 1e9 for v in summary(f.runs[match[0]]))
                x = g + (j - (len(threads) - 1) / 2) * width
                ax.bar(x, med, width * 0.9, color=f"C{j}", yerr=[[med - low], [high - med]],
                       capsize=2, error_kw={"lw": 0.8})
                probe = f.probe_gbps(th)
                if probe is not None:
                    ax.plot([x - width / 2, x + width / 2], [probe, probe], "k-", lw=2)
                if level == levels[-1] and scalar == scalars[0]:
                    best[(f.preset, th)] = (med, probe)
        if machine is not None:
            ax.axhline(machine, color="0.3", ls="--", lw=1)
        ax.set_xticks(range(len(files)), [f.preset for f in files], rotation=30, ha="right",
                      fontsize=7)
        ax.set_title(f"{scalar} {level}" + (f": n={shape}, d={d}" if shape else ""), fontsize=8)
        ax.set_ylabel("GB/s")
    handles = [Patch(color=f"C{j}", label=f"{th} thread{'s' if th > 1 else ''}")
               for j, th in enumerate(threads)]
    handles.append(Line2D([], [], color="k", lw=2, label="bandwidth probe"))
    if machine is not None:
        handles.append(Line2D([], [], color="0.3", ls="--", lw=1, label="machine read limit"))
    fig.legend(handles=handles, loc="lower center", ncol=len(handles))
    figure.save(fig, out_png, rect=(0, 0.05, 1, 1))

    reps = max(len(v) for f in files for k, v in f.runs.items() if k[0] == KERNEL)
    look = ""
    if best:
        (preset, th), (med, probe) = max(best.items(), key=lambda kv: kv[1][0])
        (slow, slow_th), (slow_med, _) = min(best.items(), key=lambda kv: kv[1][0])
        if machine is not None:
            of_probe = (f" ({figure.fmt_ratio(med, machine, '.2f')} of the machine's read limit, "
                        f"{machine:.3g} GB/s)")
        else:
            of_probe = f" ({figure.fmt_ratio(med, probe, '.2f')} of its probe)" if probe else ""
        look = (f"In {scalars[0]} {levels[-1]} the fastest is {preset} at {th} thread(s), "
                f"{med:.3g} GB/s{of_probe}; the slowest {slow} at {slow_th} thread(s), "
                f"{slow_med:.3g} GB/s")
        # A throughput of 0 (a broken benchmark) has no ratio.
        look += f" ({figure.fmt_ratio(med, slow_med, '.2f')}x apart)." if slow_med > 0 else "."
    return figure.Caption(
        "Kernel throughput by build flavour and threads",
        f"The {KERNEL} value-and-gradient kernel (d = {d}) over {len(files)} build flavours: bar "
        f"= median over the repetitions (up to {reps}), whiskers = min..max; black ticks "
        "= the memory-bandwidth probe of that build and thread count (reachable only in DRAM)"
        + ("; dashed line = the machine's read limit, the best streaming read over every build "
           "and thread count, against which every build is compared." if machine is not None
           else "."),
        look)


if __name__ == "__main__":
    figure.main(draw, __doc__)
