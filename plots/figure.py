"""What every figure script shares: the headless backend, reproducible PNGs, the caption type,
log-log slope fits and the command line."""

import argparse
import math
import os
import sys
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no display on CI machines; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from results import ResultError  # noqa: E402

# Mathtext labels used by several figures.
ETA = r"$\eta$"
ETA_LOC = r"$\eta_{loc}$"
REFERENCE_SLOPES = ((1.0, "1"), (2.0 / 3.0, "2/3"), (0.5, "1/2"))

plt.rcParams.update({"figure.dpi": 100, "font.size": 9, "axes.grid": True,
                     "grid.alpha": 0.3, "legend.fontsize": 7.5, "legend.framealpha": 0.85})


@dataclass
class Caption:
    """A figure's title and its two caption lines: what is drawn, then what to look at (with
    any number in it computed from the data)."""

    title: str
    what: str
    look: str


def panels(count, width=4.8, height=3.8, rows=1):
    """A figure with `count` axes on `rows` rows, returned as a flat list."""
    cols = math.ceil(count / rows)
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, height * rows), squeeze=False)
    flat = list(axes.flat)
    for extra in flat[count:]:
        extra.remove()
    return fig, flat[:count]


def save(fig, out_png, rect=None):
    """Writes the PNG without a Software/date entry, so the same data give the same bytes;
    rect leaves room for a figure-level legend."""
    directory = os.path.dirname(os.path.abspath(out_png))
    os.makedirs(directory, exist_ok=True)
    fig.tight_layout(rect=rect)
    fig.savefig(out_png, format="png", metadata={"Software": None})
    plt.close(fig)


def loglog_slope(x, y):
    """Least-squares slope of log y against log x; None with fewer than two distinct x."""
    x, y = np.log(np.asarray(x, float)), np.log(np.asarray(y, float))
    if len(x) < 2 or np.ptp(x) == 0:
        return None
    return float(np.polyfit(x, y, 1)[0])


def reference_slopes(ax, x, y_first):
    """Dashed lines of the paper's slopes 1, 2/3, 1/2 from min x to max x, starting at the
    geometric mean of the curves' values at min x (y_first), so they run through the data."""
    x0, x1 = min(x), max(x)
    y_start = float(np.exp(np.mean(np.log(y_first))))
    for slope, text in REFERENCE_SLOPES:
        y1 = y_start * (x1 / x0) ** slope
        ax.plot([x0, x1], [y_start, y1], "--", color="0.55", lw=0.9, zorder=1)
        ax.annotate(f"slope {text}", (x1, y1), fontsize=7, color="0.4",
                    xytext=(3, 0), textcoords="offset points", va="center")


def fmt_count(value):
    return f"{value:,.0f}"


def main(draw, doc):
    """The command line of a figure script: DATA_DIR OUT_PNG; exit 2 on a data error."""
    prog = os.path.basename(sys.argv[0])
    parser = argparse.ArgumentParser(prog=prog, description=doc,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dir", help="the report's data directory (result files)")
    parser.add_argument("out_png", help="where to write the figure")
    args = parser.parse_args()
    try:
        if not os.path.isdir(args.data_dir):
            raise ResultError(args.data_dir, "not a directory")
        caption = draw(args.data_dir, args.out_png)
    except ResultError as e:
        print(f"{prog}: error: {e}", file=sys.stderr)
        sys.exit(2)
    print(f"{caption.title}\n{caption.what}\n{caption.look}")
