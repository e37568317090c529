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


@dataclass
class Slope:
    """A log-log slope, or why there is none: a caption never shows a nan or inf slope."""

    value: float = None
    why: str = ""  # when value is None
    left_out: int = 0  # points not finite and > 0, not fitted

    def text(self, spec=".2f"):
        """'0.52', '0.52 (1 point(s) not finite and > 0 left out)' or 'no slope: WHY'."""
        if self.value is None:
            return f"no slope: {self.why}"
        out = format(self.value, spec)
        if self.left_out:
            out += f" ({self.left_out} point(s) not finite and > 0 left out)"
        return out


def fit_slope(x, y, x_name="x"):
    """Least-squares slope of ln y on ln x over the points where both are finite and > 0, with
    theory/fit.cpp fit_power_law's arithmetic (means, then centred sums, added in order), so a
    figure and a verdict fitted on the same points agree to rounding. No slope, and why, with
    fewer than two such points or when all their x are equal (x_name: "lambdas", "n")."""
    points = [(a, b) for a, b in zip(x, y)
              if math.isfinite(a) and math.isfinite(b) and a > 0 and b > 0]
    left_out = len(x) - len(points)
    if len(points) < 2:
        return Slope(why=f"only {len(points)} of {len(x)} point(s) finite and > 0")
    lx, ly = [math.log(a) for a, _ in points], [math.log(b) for _, b in points]
    sx = sy = 0.0
    for a, b in zip(lx, ly):
        sx += a
        sy += b
    mx, my = sx / len(lx), sy / len(ly)
    sxx = sxy = 0.0
    for a, b in zip(lx, ly):
        sxx += (a - mx) * (a - mx)
        sxy += (a - mx) * (b - my)
    if sxx == 0:
        return Slope(why=f"all {x_name} equal")
    slope = sxy / sxx
    if not math.isfinite(slope):
        return Slope(why="the fit overflows")
    return Slope(slope, left_out=left_out)


def fmt_finite(value, spec):
    """value formatted, or 'undefined' where it is not a finite number (a ratio or product that
    overflowed): a caption or label never shows nan or inf."""
    return format(value, spec) if math.isfinite(value) else "undefined"


def fmt_ratio(numerator, denominator, spec):
    """numerator / denominator formatted, or 'undefined' for a zero denominator or a quotient
    that is not finite."""
    try:
        return fmt_finite(numerator / denominator, spec)
    except (ZeroDivisionError, OverflowError):
        return "undefined"


def reference_slopes(ax, x, y_first):
    """Dashed lines of the paper's slopes 1, 2/3, 1/2 from min x to max x, starting at the
    geometric mean of the curves' values at min x (y_first), so they run through the data.
    Only finite positive values count (log axes); none are drawn without them."""
    x = [v for v in x if math.isfinite(v) and v > 0]
    y_first = [v for v in y_first if math.isfinite(v) and v > 0]
    if not x or not y_first:
        return
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
