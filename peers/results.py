"""The two result files of the peers comparison and the printed table.

peers.csv, one row per method, dataset and lambda:
    method      liblinear, sklearn-lbfgs, sklearn-newton-cg, numpy-gd, and largestep's from its
                method table: largestep-gd-RULE for each rule needing no value (classical, s2,
                s3, loc, best), largestep-SOLVER for the other solvers at their default rules
                (nesterov, silver, adgd, armijo, polyak)
    dataset     canonical dataset spec (digits:0v8, breast_cancer, heart_scale, ...)
    lambda      as given (repr of the float)
    final_gap   f(w) - f* of the method's final weights, f* certified (largestep reference);
                for the peers f(w) is evaluated exactly (`largestep score`'s gap_exact), for
                largestep's runs in double as the run measures it (within ~1e-16 of exact)
    seconds     wall time of the whole fit, data loaded, median of the repeats
    iterations  the method's own count (Newton, L-BFGS or GD steps: not comparable in cost)
    status      converged | max_iter | stalled | diverged | non_finite | not_applicable | failed
                (largestep's runs: its termination, max_steps as max_iter and floor_reached,
                the horizon reached with the gap within its rounding bound of eps, as stalled)
    commit, flavour, compiler, cpu    the largestep build that ran and scored everything
    peer_versions                     scikit-learn, LIBLINEAR, numpy and Python versions
peers_trace.csv, points (seconds, gap) of each method's path to its final fit, in path order
(loosest first; w = 0 at 0 s first):
    method, dataset, lambda, seconds, gap
For the iterative loops (numpy GD, largestep) the points lie along the one timed run; for
LIBLINEAR and scikit-learn each point is its own fit (looser -e, or a smaller max_iter), timed
like the final one, so their seconds need not increase along the path by more than timer noise.

A number that is not available (a method that does not apply, a failed fit) is an empty field;
NaN and infinities are never written.
"""
import csv
import io
import math
import os

PEERS_COLUMNS = ["method", "dataset", "lambda", "final_gap", "seconds", "iterations", "status",
                 "commit", "flavour", "compiler", "cpu", "peer_versions"]
TRACE_COLUMNS = ["method", "dataset", "lambda", "seconds", "gap"]
STATUSES = ("converged", "max_iter", "stalled", "diverged", "non_finite", "not_applicable", "failed")


def field(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    return str(value)


def write_csv(path, columns, rows):
    """Writes dict rows atomically (temporary file, then rename), RFC 4180 quoting."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([field(row.get(c)) for c in columns])
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "w") as out:
        out.write(text.getvalue())
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def short(value, spec):
    """`value` formatted, or a dash of the same width when there is none."""
    width = int(spec.split(".")[0].rstrip("dfe"))
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-".rjust(width)
    return format(value, spec)


def format_table(rows):
    header = f"{'method':<24} {'dataset':<14} {'lambda':>7} {'final_gap':>10} {'seconds':>10} " \
             f"{'iterations':>10}  status"
    lines = [header, "-" * len(header)]
    for r in rows:
        lines.append(f"{r['method']:<24} {r['dataset']:<14} {r['lambda']:>7g} "
                     f"{short(r.get('final_gap'), '10.2e')} {short(r.get('seconds'), '10.4f')} "
                     f"{short(r.get('iterations'), '10d')}  {r['status']}")
    return "\n".join(lines)
