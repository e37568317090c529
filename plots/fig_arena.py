#!/usr/bin/python3
"""Figure 10 (when the stepsize arena ran): passes over the data to eps against kappa, log-log,
one panel per dataset of the arena (arena/arena.json), one line per method: solid for a method
needing no oracle, dashed for one that needs an oracle (f*, eta_loc, gamma); a count cut off by
the horizon is an open marker at its bound; skipped, diverged and non-finite runs are not drawn
and the caption names them.

    fig_arena.py DATA_DIR OUT.png
"""

import math

from matplotlib.lines import Line2D

import arena
import figure

MARKERS = "osD^vP<"  # 7 markers against 10 colours: 70 methods before a pair repeats
LEGEND_COLUMNS = 4


def style(doc):
    """Per method name: (colour, marker, line style), in the file's method order."""
    return {m["name"]: (f"C{i % 10}", MARKERS[i % len(MARKERS)], "--" if m["oracles"] else "-")
            for i, m in enumerate(doc["methods"])}


def panels(doc):
    """The cells grouped by dataset label, in the file's order, each by increasing kappa."""
    by_label = {}
    for cell in doc["cells"]:
        by_label.setdefault(cell["label"], []).append(cell)
    return {label: sorted(cells, key=lambda c: c["kappa"]) for label, cells in by_label.items()}


def draw(data_dir, out_png):
    doc = arena.load_arena(data_dir)  # NotInData when the arena did not run
    groups = panels(doc)
    styles = style(doc)
    fig, axes = figure.panels(len(groups), width=4.6, height=3.6,
                              rows=math.ceil(len(groups) / 3))
    omitted, bounds = [], 0
    for ax, (label, cells) in zip(axes, groups.items()):
        for name, (colour, marker, line) in styles.items():
            measured, at_least = [], []
            for cell in cells:
                run = arena.run_of(cell, name)
                counted = arena.count(run)
                if counted is None:
                    if run is not None:
                        omitted.append(f"{name} at {arena.cell_heading(cell)} "
                                       f"({arena.cell_text(run)})")
                    continue
                (at_least if counted[1] else measured).append((cell["kappa"], counted[0]))
            if measured:
                ax.plot(*zip(*measured), line, marker=marker, color=colour, ms=4, lw=1.2,
                        label=name)
            if at_least:
                ax.plot(*zip(*at_least), ls="none", marker=marker, color=colour, ms=6,
                        mfc="none", label=f"_{name} at least")
                bounds += len(at_least)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(r"$\kappa$")
        ax.set_ylabel("passes to eps")
        ax.set_title(label, fontsize=8)
    oracles = {m["name"]: m["oracles"] for m in doc["methods"]}
    handles = [Line2D([], [], color=c, marker=mk, ls=ls, ms=4,
                      label=name + (f" ({oracles[name]})" if oracles[name] else ""))
               for name, (c, mk, ls) in styles.items()]
    handles.append(Line2D([], [], color="0.3", marker="o", ls="none", mfc="none",
                          label="open: at least (horizon)"))
    if omitted:
        handles.append(Line2D([], [], ls="none", label=f"{len(omitted)} run(s) not drawn"))
    columns = min(len(handles), LEGEND_COLUMNS)
    fig.legend(handles=handles, loc="lower center", ncol=columns)
    # Room below the panels for the legend: about 0.2 inch a row.
    inches = 0.15 + 0.2 * math.ceil(len(handles) / columns)
    figure.save(fig, out_png, rect=(0, inches / fig.get_figheight(), 1, 1))

    free = arena.oracle_free(doc)
    needing = [m["name"] for m in doc["methods"] if m["oracles"]]
    what = (f"{len(doc['methods'])} methods on {len(groups)} datasets ({len(doc['cells'])} "
            f"cells, suite {doc.get('suite', '?')}); solid: no oracle "
            f"({', '.join(free) or 'none'}), dashed: needs an oracle "
            f"({', '.join(needing) or 'none'}); open markers: {bounds} count(s) cut off by the "
            "horizon, drawn at their bound. ")
    what += (f"Not drawn: {'; '.join(omitted)}." if omitted else
             "Every run is drawn (none skipped, diverged or non-finite).")
    return figure.Caption("Arena: passes to eps against kappa", what, look(doc, groups, free))


def look(doc, groups, free):
    """Per dataset, at its largest kappa: the fewest passes of any method, and without an
    oracle."""
    parts = []
    for label, cells in groups.items():
        cell = cells[-1]
        every, least = arena.fewest(cell, [m["name"] for m in doc["methods"]])
        own, own_least = arena.fewest(cell, free)
        text = f"{label} (kappa {cell['kappa']:.3g}): "
        text += f"{'/'.join(every)} {least}" if every else "no clear fewest"
        if every != own:
            text += (f", without an oracle {'/'.join(own)} {own_least}" if own else
                     ", without an oracle no clear fewest")
        parts.append(text)
    return "Fewest passes at the largest kappa: " + "; ".join(parts) + "."


if __name__ == "__main__":
    figure.main(draw, __doc__)
