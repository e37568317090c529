#!/usr/bin/python3
"""Figure 9: time to eps on real-size data by build flavour and threads (time_to_eps_*.json from
bench_time_to_eps, one file per flavour): one panel per dataset and lambda, a group of bars per
method (classical, loc, best, Nesterov), one bar per flavour = the median wall time over the
repetitions; the settled step count is written above each group.

    fig_time_to_eps.py DATA_DIR OUT.png
"""

from matplotlib.patches import Patch

import figure
from results import NotInData
from time_to_eps import load_time_to_eps

METHOD_ORDER = ("classical", "loc", "best", "nesterov")
BASELINE = "release"  # the flavour the others are compared with: baseline x86-64, one thread


def method_rank(method):
    return (METHOD_ORDER.index(method) if method in METHOD_ORDER else len(METHOD_ORDER)), method


def draw(data_dir, out_png):
    files = load_time_to_eps(data_dir)
    keys = {k for f in files for k in f.runs}
    if not keys:
        raise NotInData(files[0].path, "no experiment reached a time in any file (all skipped)")
    problems = sorted({k[:3] for k in keys})  # (suite, dataset, lambda)
    fig, axes = figure.panels(len(problems), width=4.2, height=3.4)
    width = 0.8 / len(files)
    speedups = []  # (dataset, method, fastest flavour, speedup over the baseline, s/step)
    for ax, problem in zip(axes, problems):
        methods = sorted({k[3] for k in keys if k[:3] == problem}, key=method_rank)
        top = 0
        for m, method in enumerate(methods):
            key = next(k for k in keys if k[:3] == problem and k[3] == method)
            timed = [(f, f.runs[key]) for f in files if key in f.runs]
            for g, f in enumerate(files):
                if key not in f.runs:
                    continue
                t = f.runs[key]
                ax.bar(m + (g - (len(files) - 1) / 2) * width, t.median(), width * 0.9,
                       color=f"C{g}", hatch="//" if t.horizon_hit else None)
                top = max(top, t.median())
            steps = sorted({t.steps for _, t in timed})
            label = "/".join(str(s) for s in steps) + ("+" if any(t.horizon_hit for _, t in timed)
                                                      else "")
            ax.annotate(label, (m, max(t.median() for _, t in timed)), ha="center",
                        va="bottom", fontsize=6, xytext=(0, 2), textcoords="offset points")
            base = next((t for f, t in timed if f.label == BASELINE), None)
            others = [(f, t) for f, t in timed if f.label != BASELINE]
            fastest_file, fastest = min(others or timed, key=lambda ft: ft[1].median())
            if base is not None and others and fastest.steps > 0:
                speedups.append((problem[1], method, fastest_file.label,
                                 base.median() / fastest.median(),
                                 fastest.median() / fastest.steps))
        ax.set_yscale("log")
        ax.set_xticks(range(len(methods)), methods, fontsize=7)
        ax.set_title(f"{problem[1]}, lambda = {problem[2]:.3g}", fontsize=8)
        ax.set_ylabel("seconds to eps")
    handles = [Patch(color=f"C{g}", label=f.label) for g, f in enumerate(files)]
    handles.append(Patch(facecolor="white", edgecolor="k", hatch="//",
                         label="horizon hit (a lower bound)"))
    fig.legend(handles=handles, loc="lower center", ncol=min(len(handles), 4))
    figure.save(fig, out_png, rect=(0, 0.12, 1, 1))

    if speedups:
        best = max(speedups, key=lambda s: s[3])
        look = (f"The largest gain over {BASELINE}: {best[2]} on {best[0]} ({best[1]}), "
                f"{best[3]:.2f}x, at {best[4] * 1e3:.3g} ms a step.")
    else:
        look = (f"No gain over {BASELINE} to show: it is the only flavour run, or it did not "
                "run.")
    return figure.Caption(
        "Time to eps on real-size data by build flavour and threads",
        f"Wall time of each method to reach eps and stay there (median over the repetitions), "
        f"{len(files)} flavour runs over {len(problems)} problems; the settled steps above each "
        "group (several numbers where flavours round differently; + for a lower bound).",
        look)


if __name__ == "__main__":
    figure.main(draw, __doc__)
