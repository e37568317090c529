#!/usr/bin/python3
"""Peers and real data, side by side: LIBLINEAR, scikit-learn, numpy GD and largestep's solvers on
the same rows and lambda, every gap measured against largestep's certified f*.

    /usr/bin/python3 peers/compare.py --out DIR [--datasets SPEC]... [--lambdas 1e-3,1e-5]
        [--eps 1e-10] [--repeats 3] [--max-iter 1000000] [--methods NAME,...] [--largestep PATH]

--datasets takes one dataset spec and is repeated for several (`--datasets digits:0v8
--datasets 'planted:n=100,d=5'`): a spec holds commas of its own, so none separates specs. The
default is digits:0v8, breast_cancer and heart_scale. Every spec is checked with `largestep data
describe` before anything runs. --lambdas and --methods are comma lists.

Writes DIR/peers.csv (method,dataset,lambda,final_gap,seconds,iterations,status) and
DIR/peers_trace.csv (method,dataset,lambda,seconds,gap), prints the table. Exit code 0 on success,
2 on bad input (unknown dataset, bad number, unwritable DIR), 1 on another failure.

Run it with /usr/bin/python3: it needs Debian's numpy, scipy, scikit-learn and LIBLINEAR bindings.
"""
import os

# One thread for every method, as largestep's baseline build; must precede importing numpy.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import pathlib  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402

import largestep_runs  # noqa: E402
import peer_solvers  # noqa: E402
import results  # noqa: E402
from largestep_cli import Largestep, LargestepError, find_binary  # noqa: E402
from timing import timed  # noqa: E402

PEER_METHODS = ["liblinear", "sklearn-lbfgs", "sklearn-newton-cg", "numpy-gd"]
DEFAULT_DATASETS = ["digits:0v8", "breast_cancer", "heart_scale"]
LARGESTEP_METHODS_HELP = ("and largestep's, from `largestep methods`: largestep-gd-RULE for each rule "
                          "needing no value, largestep-SOLVER for a solver with a default rule "
                          "(largestep-nesterov, largestep-silver, largestep-adgd, ...)")


class UsageError(Exception):
    pass


def parse_list(option, text, convert):
    items = [t.strip() for t in text.split(",")]
    out = []
    for item in items:
        try:
            value = convert(item)
        except ValueError:
            raise UsageError(f"{option}: '{item}' is not valid (in '{text}')") from None
        out.append(value)
    return out


def parse_datasets(values):
    """The specs of the repeated --datasets option, one per option, each whole: a spec's own
    commas (planted:n=100,d=5, libsvm:PATH,scale=none) separate its parameters, never specs.
    None (the option not given) is DEFAULT_DATASETS. An empty or repeated spec is a usage error."""
    if values is None:
        return list(DEFAULT_DATASETS)
    specs = []
    for value in values:
        spec = value.strip()
        if not spec:
            raise UsageError("--datasets: empty dataset spec")
        if spec in specs:
            raise UsageError(f"--datasets: '{spec}' given twice")
        specs.append(spec)
    return specs


def check_datasets(program, specs):
    """Each spec as `largestep data describe SPEC` reads it, before any run, so that a bad
    spec fails at once, naming it and the program's reason (exit 2), instead of after the
    comparison of the specs before it. Two specs of the same dataset are a usage error."""
    seen = {}
    for spec in specs:
        try:
            canonical = json.loads(program.call("data", "describe", spec, "--json"))["dataset"]
        except LargestepError as e:
            if not e.usage:
                raise
            # 'digits:0v8,breast_cancer': a comma list in the old form, not one spec.
            hint = ("; each --datasets takes one spec: repeat the option for several datasets"
                    if any("=" not in part for part in spec.split(",")[1:]) else "")
            raise UsageError(f"--datasets '{spec}': {e}{hint}") from None
        if canonical in seen:
            raise UsageError(f"--datasets: '{seen[canonical]}' and '{spec}' are the same "
                             f"dataset ({canonical})")
        seen[canonical] = spec


def positive(text):
    value = float(text)
    if not (value > 0 and math.isfinite(value)):
        raise ValueError(text)
    return value


def separability_text(info):
    """As `largestep data describe` says it."""
    if info["separable"]:
        return f"separable, certified margin {info['margin']:.4g} (best possible <= " \
               f"{info['margin_upper_bound']:.4g})"
    verdict = "not separable" if info["margin_upper_bound"] <= 1e-12 else "not shown separable"
    return f"{verdict} (best possible margin <= {info['margin_upper_bound']:.3g})"


def make_peer(method, X, y, lam, max_iter):
    if method == "liblinear":
        return peer_solvers.Liblinear(X, y, lam)
    if method == "numpy-gd":
        return peer_solvers.NumpyGd(X, y, lam, max_iter)
    return peer_solvers.Sklearn(X, y, lam, method.removeprefix("sklearn-"))


def run_peer(peer, eps, repeats):
    """The tight fit (gap <= eps by the peer's own rule), its median time, and the points
    [(seconds, w)] of its path, the tight fit last: recorded along the run, or one timed fit
    each (looser tolerances or iteration caps)."""
    tol = peer.tolerance_for(eps)
    peer.fit(tol)  # warm-up, untimed: first-call costs (imports, caches) are not the method's
    seconds, fit = timed(lambda: peer.fit(tol), repeats)
    if fit.path:
        return fit, seconds, fit.path, tol
    path = []
    for partial in peer.path_fits(tol, fit):
        s, f = timed(partial, repeats)
        path.append((s, f.w))
    return fit, seconds, path + [(seconds, fit.w)], tol


def compare_one(program, largestep_methods, spec, lam, X, y, info, args, scratch):
    """Rows, trace points and notes of every method on one dataset and lambda."""
    rows, trace, notes = [], [], []
    for method in args.methods:
        row = {"method": method, "dataset": spec, "lambda": lam}
        try:
            if method in largestep_methods:
                row, points, note = largestep_runs.run_method(
                    program, method, *largestep_methods[method], spec, lam, info["separable"],
                    args.eps, args.max_iter, args.repeats, scratch)
            else:
                peer = make_peer(method, X, y, lam, args.max_iter)
                fit, seconds, path, tol = run_peer(peer, args.eps, args.repeats)
                # Every method starts at w = 0 (LIBLINEAR and scikit-learn too): the path's origin.
                if path[0][0] > 0:
                    path.insert(0, (0.0, 0 * fit.w))
                scores = program.score(spec, lam, [w for _, w in path], scratch)
                points = [(s, sc["gap_exact"]) for (s, _), sc in zip(path, scores)]
                row.update(final_gap=scores[-1]["gap_exact"], seconds=seconds,
                           iterations=fit.iterations, status=fit.status)
                note = f"{peer.tolerance_name} = {tol:.3g} (certifies gap <= {peer.gap_bound(tol):.2g}"
                note += ", unless scipy's ftol stops it first)" if method == "sklearn-lbfgs" else ")"
                if fit.note:
                    note += f"; {fit.note}"
        except LargestepError as e:
            if e.usage:
                raise
            row["status"], points, note = "failed", [], str(e)
        except Exception as e:  # a peer library's own failure is a row status, not a crash
            row["status"], points, note = "failed", [], f"{type(e).__name__}: {e}"
        rows.append(row)
        trace += [{"method": method, "dataset": spec, "lambda": lam, "seconds": s, "gap": g}
                  for s, g in points]
        notes.append(f"  {method}: {note}")
    return rows, trace, notes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="directory for peers.csv and peers_trace.csv")
    parser.add_argument("--datasets", action="append", metavar="SPEC",
                        help="one dataset spec, commas and all (planted:n=100,d=5); repeat the "
                        "option for several (default: " +
                        " ".join(f"--datasets {d}" for d in DEFAULT_DATASETS) + ")")
    parser.add_argument("--lambdas", default="1e-3,1e-5")
    parser.add_argument("--eps", default="1e-10", help="target gap of every method (default 1e-10)")
    parser.add_argument("--repeats", default="3", help="timed repeats, median reported (default 3)")
    parser.add_argument("--max-iter", default="1000000",
                        help="iteration limit of numpy GD and largestep runs (default 1000000)")
    parser.add_argument("--methods", help="comma list of: " + ", ".join(PEER_METHODS) + " " +
                        LARGESTEP_METHODS_HELP + " (default: all)")
    parser.add_argument("--largestep", help="the largestep program (default: $LARGESTEP_BINARY, "
                        "else build/release/src/largestep)")
    a = parser.parse_args(argv)
    try:
        specs = parse_datasets(a.datasets)
        lambdas = parse_list("--lambdas", a.lambdas, positive)
        (a.eps,) = parse_list("--eps", a.eps, positive)
        (a.repeats,) = parse_list("--repeats", a.repeats, int)
        (a.max_iter,) = parse_list("--max-iter", a.max_iter, int)
        if a.repeats < 1 or a.max_iter < 1:
            raise UsageError("--repeats and --max-iter must be >= 1")
        out = pathlib.Path(a.out)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise UsageError(f"--out {out}: cannot create the directory ({e.strerror})") from None
        if not os.access(out, os.W_OK):
            raise UsageError(f"--out {out}: directory not writable")
        program = Largestep(find_binary(a.largestep))
        check_datasets(program, specs)
        largestep_methods = largestep_runs.methods(program.methods())
        all_methods = PEER_METHODS + list(largestep_methods)
        a.methods = all_methods if a.methods is None else parse_list("--methods", a.methods, str)
        unknown = [m for m in a.methods if m not in all_methods]
        if unknown:
            raise UsageError(f"--methods: unknown {', '.join(unknown)} (known: {', '.join(all_methods)})")
        rows, trace = [], []
        with tempfile.TemporaryDirectory(prefix="largestep_peers_") as scratch:
            for spec in specs:
                try:
                    X, y = program.load(spec, scratch)
                except LargestepError as e:
                    raise UsageError(f"dataset '{spec}': {e}") from None
                for lam in lambdas:
                    info = program.describe(spec, lam)
                    ref = program.reference(spec, lam)
                    canonical = info["dataset"]
                    margin = separability_text(info)
                    print(f"{canonical}, lambda = {lam:g}: n = {info['n']}, d = {info['d']}, {margin}, "
                          f"kappa = {info['kappa']:.4g}, f* = {ref['f_star'][:20]}", file=sys.stderr)
                    r, t, notes = compare_one(program, largestep_methods, canonical, lam, X, y, info,
                                              a, scratch)
                    print("\n".join(notes), file=sys.stderr)
                    rows += r
                    trace += t
        provenance = dict(program.provenance(), peer_versions=peer_solvers.versions())
        for row in rows:
            row.update(provenance)
        results.write_csv(out / "peers.csv", results.PEERS_COLUMNS, rows)
        results.write_csv(out / "peers_trace.csv", results.TRACE_COLUMNS, trace)
        print(results.format_table(rows))
        return 0
    except (UsageError, LargestepError) as e:
        usage = isinstance(e, UsageError) or e.usage
        print(f"compare.py: error: {e}", file=sys.stderr)
        return 2 if usage else 1


if __name__ == "__main__":
    sys.exit(main())
