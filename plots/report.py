#!/usr/bin/python3
"""The HTML report: the answer (computed from the data) and a table of contents, the verdict
table, every figure with a two-line caption computed from the data, the stepsize arena and the
peer comparison when they ran (methods x cells), the Open MPI stage's measurements and model
(figure 11) or why they are absent, the environment, and links to every data file
(a runner's traces/ directory as one line pointing at the runs.json that names its files).

    report.py --data DATA_DIR --out REPORT_DIR

Writes REPORT_DIR/index.html and REPORT_DIR/figures/*.png; every link is relative (put DATA_DIR
at REPORT_DIR/data to ship one directory) and checked to resolve before the command succeeds.
No external CSS, scripts or fonts: the report opens offline. One progress line per figure goes
to stderr. Exit status: 0 written; 2 a required result file is missing or malformed (the
message, "report: error: FILE: PROBLEM", names the file) or the arguments are wrong.
"""

import argparse
import os
import sys
from html import escape
from urllib.parse import quote

import arena
import fig_arena
import fig_bifurcation
import fig_convergence
import fig_kernels
import fig_mpi
import fig_peers
import fig_phase
import fig_population
import fig_scaling
import fig_steps_vs_eta
import fig_time_to_eps
import headline
import mpi_results
import peer_table
from html_links import check_links
from kernels import load_kernels
from results import (FIGURE_RUNS, RUNS_JSON, TRACE_PREFIX, TRACES, NotInData, ResultError,
                     data_files)
from solver_runs import (load_bifurcation, load_methods, load_peers, load_run_records,
                         load_run_table, load_traced_runs)
from verdicts import VERDICT_VALUES, failing, load_verdicts

FIGURES = (("fig1_convergence.png", fig_convergence), ("fig2_steps_vs_eta.png", fig_steps_vs_eta),
           ("fig3_scaling.png", fig_scaling), ("fig4_phase.png", fig_phase),
           ("fig5_bifurcation.png", fig_bifurcation), ("fig6_kernels.png", fig_kernels),
           ("fig7_population.png", fig_population), ("fig8_peers.png", fig_peers),
           ("fig9_time_to_eps.png", fig_time_to_eps), ("fig10_arena.png", fig_arena))
# Shown in its own section, after the peers, when the Open MPI stage ran.
MPI_FIGURE = (len(FIGURES) + 1, "fig11_mpi.png", fig_mpi)
VERDICT_COLUMNS = ("claim", "dataset", "measured", "predicted", "verdict", "reason")
# The main job's paper profile also compares the peers on real-size data, in its own directory.
PEERS_REAL_SIZE = "peers-real-size"
KERNEL_CONTEXT = ("flavour", "compiler", "cpu", "commit", "hardware_threads")
STYLE = """body{font-family:sans-serif;max-width:72em;margin:1em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;font-size:0.85em;margin:0.5em 0}
td,th{border:1px solid #bbb;padding:0.2em 0.4em;text-align:left;vertical-align:top}
tr.pass{background:#e3f4e6} tr.fail{background:#fbdcdc} tr.inconclusive{background:#fff2c6}
figure{margin:1.5em 0} img{max-width:100%} figcaption{font-size:0.9em}
div.answer{border:2px solid #4a7;background:#f3faf5;padding:0.2em 1em;margin:1em 0}"""


def href(path, out_dir):
    """A relative, URL-quoted link from the report directory to path."""
    return quote(os.path.relpath(path, out_dir).replace(os.sep, "/"))


def table(columns, rows, row_class=None):
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = []
    for row in rows:
        cls = f' class="{escape(row_class(row))}"' if row_class else ""
        cells = "".join(f"<td>{escape(str(row[c]))}</td>" for c in columns)
        body.append(f"<tr{cls}>{cells}</tr>")
    return f"<table><tr>{head}</tr>\n" + "\n".join(body) + "</table>"


def summary(doc):
    counts = doc["counts"]
    total = sum(counts[v] for v in VERDICT_VALUES)
    seconds = f" in {doc['seconds']:.1f} s" if doc.get("seconds") is not None else ""
    failed = failing(doc["verdicts"])
    env = doc["environment"]
    text = (f"The {doc['suite']} suite checked {total} claims{seconds}: {counts['pass']} pass, "
            f"{counts['fail']} fail, {counts['inconclusive']} inconclusive. ")
    text += f"Failing: {', '.join(failed)}. " if failed else "Nothing failed. "
    text += (f"Commit {env.get('commit', '?')}, {env.get('compiler', '?')}, flavour "
             f"{env.get('flavour', '?')}, {env.get('cpu', '?')}.")
    return f"<p>{escape(text)}</p>"


def drawn(number, name, module, data_dir, out_dir, log):
    """Draws one figure into out_dir/figures/name; returns its HTML, the image and its caption
    (NotInData from module.draw when its data is absent)."""
    png = os.path.join(out_dir, "figures", name)
    caption = module.draw(data_dir, png)
    print(f"report: figure {number}: {name} ({caption.title})", file=log)
    return (f'<figure id="fig{number}"><img src="{href(png, out_dir)}" '
            f'alt="{escape(caption.title)}">'
            f"<figcaption><b>Figure {number}. {escape(caption.title)}.</b> "
            f"{escape(caption.what)}<br>{escape(caption.look)}</figcaption></figure>")


def figures(data_dir, out_dir, peers, log):
    """Draws every figure; returns the HTML of each (or of why it was not drawn)."""
    parts = []
    for number, (name, module) in enumerate(FIGURES, start=1):
        if module is fig_peers and peers is None:
            continue  # said once, in the peers section
        try:
            parts.append(drawn(number, name, module, data_dir, out_dir, log))
        except NotInData as e:
            print(f"report: figure {number} not drawn: {e}", file=log)
            parts.append(f"<h3>Figure {number}</h3><p>Not drawn: {escape(str(e))}</p>")
    return parts


def peers_section(peers, real_size=None):
    if peers is None:
        return ("<p>The peer comparison (LIBLINEAR, scikit-learn, numpy) was not run: the data "
                "directory has no peers.csv or peers_trace.csv.</p>")

    def tables(p, source):
        return (table(*peer_table.matrix(p)) +
                f"\n<details><summary>One row per method, dataset and lambda ({source})"
                "</summary>\n" + table(peer_table.LONG_COLUMNS, peer_table.long_rows(p)) +
                "</details>")

    parts = ["<p>Per method (rows) and (dataset, lambda) cell (columns): the wall time of the "
             "whole fit (data loaded, median of the repeats) and the final gap f(w) - f*, then "
             "the status when it is not converged.</p>", tables(peers, "peers.csv")]
    if real_size is not None:
        parts += [f"<h3>Real-size data ({PEERS_REAL_SIZE}/)</h3>",
                  tables(real_size, f"{PEERS_REAL_SIZE}/peers.csv")]
    return "\n".join(parts)


def arena_section(doc):
    """The stepsize arena's passes table (arena/arena.json), or why there is none."""
    if doc is None:
        return ("<p>The stepsize arena was not run: the data directory has no "
                f"{arena.ARENA_DIR}/{arena.ARENA_JSON}.</p>")
    return (f"<p>Passes over the data to eps per method and (dataset, lambda) cell, suite "
            f"{escape(str(doc.get('suite', '')))}; &gt;N: cut off by the horizon (a lower bound); "
            "* marks a method that needs an oracle; slope: least squares of ln passes against "
            "ln kappa per dataset.</p>\n" + table(arena.columns(doc), arena.passes_rows(doc)) +
            "\n<h3>What the arena shows</h3>\n" +
            table(VERDICT_COLUMNS, arena.verdict_rows(doc), row_class=lambda v: v["verdict"]))


def mpi_section(results, data_dir, out_dir, log):
    """Figure 11 and the measured table of the Open MPI stage (mpi_results), or why they are
    absent (results None: said once, here, and figure 11 is not drawn)."""
    if results is None:
        return f"<p>Not measured: {escape(mpi_results.NOT_RUN)}.</p>"
    number, name, module = MPI_FIGURE
    strong, weak = results.strong, results.weak
    sparse_strong, sparse_weak = results.sparse_strong, results.sparse_weak
    return "\n".join((
        f"<p>Rows of one GD step shared by {strong['processes']} Open MPI ranks, one thread each "
        f"(bench_data_parallel, {mpi_results.MPI_DIR}/): strong scaling on "
        f"{escape(strong['data'])} and {escape(sparse_strong['data'])} (CSR), weak scaling on "
        f"{escape(weak['data'])} and {escape(sparse_weak['data'])} (rank 0 alone on its "
        "first 1/P of the rows). Steps per second are medians of the repetitions, each the "
        "slowest rank's time; communication is the time spent combining the partials, waiting "
        "included. The deterministic reduction combines them in block order, the fast one by "
        "MPI_Allreduce; the last column compares the shared result with rank 0's alone.</p>",
        table(mpi_results.COLUMNS, mpi_results.measured_rows(results)),
        f"<p>{escape(mpi_results.reduce_summary(results))}</p>",
        drawn(number, name, module, data_dir, out_dir, log)))


def environment(doc, kernel_files):
    env = doc["environment"]
    rows = [{"what": k, "value": env[k]} for k in sorted(env)]
    parts = [table(("what", "value"), rows)]
    probes = sorted({k for f in kernel_files for k in f.context if k.startswith("probe_GBps")})
    probes += [k for k in ("read_GBps_best", "read_best_at", "machine_read_GBps",
                           "machine_read_at") if any(k in f.context for f in kernel_files)]
    columns = ("file",) + KERNEL_CONTEXT + tuple(probes)
    rows = [{"file": os.path.basename(f.path), **{c: f.context.get(c, "") for c in columns[1:]}}
            for f in kernel_files]
    parts.append(table(columns, rows))
    return "\n".join(parts)


def data_links(data_dir, out_dir, files):
    """A link to every data file, except that a runner's traces/ directory (one file per traced
    run, possibly thousands) is one line pointing at the runs.json whose records name them."""
    entries, traces = [], {}
    for f in files:
        parent = os.path.dirname(f)
        if os.path.basename(parent) == TRACES:
            traces.setdefault(parent, []).append(f)
            continue
        entries.append((f, f'<li><a href="{href(os.path.join(data_dir, f), out_dir)}">'
                           f"{escape(f)}</a> ({os.path.getsize(os.path.join(data_dir, f)):,} "
                           "bytes)</li>"))
    for parent, members in traces.items():
        size = sum(os.path.getsize(os.path.join(data_dir, f)) for f in members)
        runs = os.path.join(os.path.dirname(parent), RUNS_JSON)
        link = href(os.path.join(data_dir, runs), out_dir)
        named = (f'named by the trace field of <a href="{link}">'
                 f"{escape(runs.replace(os.sep, '/'))}</a>" if runs in files else
                 "named by no runs.json")
        shown = parent.replace(os.sep, "/") + "/"
        entries.append((parent + os.sep, f"<li>{escape(shown)}: {len(members)} trace files "
                        f"({size:,} bytes), {named}</li>"))
    return "<ul>\n" + "\n".join(html for _, html in sorted(entries)) + "\n</ul>"


def contents(sections):
    """The table of contents: a link to every section's heading."""
    links = "".join(f'<li><a href="#{anchor}">{escape(heading)}</a></li>'
                    for anchor, heading, _ in sections)
    return f'<nav id="contents"><b>Contents</b><ol>{links}</ol></nav>'


def build(data_dir, out_dir, log=sys.stderr):
    """Writes out_dir/index.html and its figures; returns the index path."""
    if not os.path.isdir(data_dir):
        raise ResultError(data_dir, "not a directory")
    files = data_files(data_dir)  # before anything is written, in case out_dir is inside
    doc = load_verdicts(data_dir)
    kernel_files = load_kernels(data_dir)
    peers = load_peers(data_dir)
    peers_real_size = load_peers(os.path.join(data_dir, PEERS_REAL_SIZE))
    arena_doc = arena.load_if_run(data_dir)  # validated before the figures too
    mpi = mpi_results.load_if_run(data_dir)
    # Every required file is validated before the first (slow) figure is drawn: both runner
    # directories (the claim suite's and the figures'), every trace their records name, the
    # traced runs of figure 1 and the bifurcation.
    for run_dir in (data_dir, os.path.join(data_dir, FIGURE_RUNS)):
        load_run_table(run_dir)
        load_run_records(run_dir)
    load_traced_runs(os.path.join(data_dir, FIGURE_RUNS), TRACE_PREFIX)
    load_bifurcation(data_dir)
    load_methods(data_dir)
    os.makedirs(os.path.join(out_dir, "figures"), exist_ok=True)
    title = f"largestep report: {doc['suite']} suite"
    sections = (("verdicts", "Verdicts", summary(doc) + "\n" +
                 table(VERDICT_COLUMNS, doc["verdicts"], row_class=lambda v: v["verdict"])),
                ("figures", "Figures", "\n".join(figures(data_dir, out_dir, peers, log))),
                ("arena", "Stepsize arena", arena_section(arena_doc)),
                ("peers", "Peer comparison", peers_section(peers, peers_real_size)),
                ("mpi", "Past one machine (Open MPI)", mpi_section(mpi, data_dir, out_dir, log)),
                ("environment", "Environment", environment(doc, kernel_files)),
                ("data", "Data files", data_links(data_dir, out_dir, files)))
    body = [f"<h1>{escape(title)}</h1>", headline.answer(doc, arena_doc), contents(sections),
            *(f'<h2 id="{anchor}">{escape(heading)}</h2>\n{html}'
              for anchor, heading, html in sections)]
    page = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title><style>{STYLE}</style></head>\n<body>\n"
            + "\n".join(body) + "\n</body></html>\n")
    index = os.path.join(out_dir, "index.html")
    with open(index + ".tmp", "w", encoding="utf-8") as f:
        f.write(page)
    os.replace(index + ".tmp", index)
    check_links(index)
    print(f"report: wrote {index}", file=log)
    return index


def main():
    parser = argparse.ArgumentParser(prog="report", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="directory of result files")
    parser.add_argument("--out", required=True, help="report directory to write")
    args = parser.parse_args()
    try:
        build(args.data, args.out)
    except ResultError as e:
        print(f"report: error: {e}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
