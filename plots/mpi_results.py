"""Loader for the Open MPI stage's results (DATA_DIR/mpi/, scripts/main.sh stage `mpi`):
bench_data_parallel's strong and weak scaling runs on dense and on sparse (CSR) planted data and
bench_reduce's measurements, validated, and the report's table of them. Every problem is a
ResultError naming the file and the field."""

import os
from dataclasses import dataclass

from results import NotInData, ResultError, as_count, is_number, read_json

MPI_DIR = "mpi"
STRONG = "data_parallel_strong.json"
WEAK = "data_parallel_weak.json"
SPARSE_STRONG = "data_parallel_strong_sparse.json"
SPARSE_WEAK = "data_parallel_weak_sparse.json"
REDUCE = "reduce.json"
REDUCTIONS = ("deterministic", "fast")  # block order; MPI_Allreduce
TIMINGS = ("alone",) + REDUCTIONS
NOT_RUN = (f"the Open MPI stage did not run: the data directory has no {MPI_DIR}/ directory. "
           "scripts/main.sh runs the stage when mpirun, a second core and the benchmarks of a "
           "build with Open MPI (build/release/bench/mpi/) are present, and otherwise says why "
           "in out/logs/mpi.log")
COLUMNS = ("data", "scaling", "reduction", "rows alone / shared", "steps/s alone", "steps/s shared",
           "speedup (strong) or efficiency (weak)", "communication a step",
           "result = one process's, bit for bit")


@dataclass
class MpiResults:
    strong: dict  # bench_data_parallel --scaling strong, dense rows
    weak: dict  # bench_data_parallel --scaling weak, dense rows
    reduce: dict  # bench_reduce
    sparse_strong: dict  # the same on sparse (CSR) rows
    sparse_weak: dict

    def scaling_runs(self):
        """The bench_data_parallel documents: dense strong and weak, then sparse."""
        return (self.strong, self.weak, self.sparse_strong, self.sparse_weak)


def _field(doc, path, key, where="", positive=False, count=False):
    """doc[key], checked: a count (an integer >= 0) or a finite number (> 0 when positive)."""
    name = f"{where}{key}"
    if not isinstance(doc, dict) or key not in doc:
        raise ResultError(path, f"field {name} missing")
    value = doc[key]
    if count:
        try:
            value = as_count(value)
        except ValueError as e:
            raise ResultError(path, f"field {name}: {e}") from None
    elif not is_number(value):
        raise ResultError(path, f"field {name}: {value!r} is not a finite number")
    if positive and not value > 0:
        raise ResultError(path, f"field {name}: {value!r} where a positive number is required")
    return value


def _flag(doc, path, key, where="", nullable=True):
    """doc[key], checked: true or false (or null when nullable: not checked)."""
    value = doc.get(key, "missing")
    if not (isinstance(value, bool) or (nullable and value is None)):
        raise ResultError(path, f"field {where}{key}: {value!r}, expected true or false"
                          + (" or null" if nullable else ""))
    return value


def load_data_parallel(path, scaling):
    """bench_data_parallel's JSON for the given scaling (strong or weak)."""
    doc = read_json(path)
    if not isinstance(doc, dict) or doc.get("scaling") != scaling:
        raise ResultError(path, f"field scaling: expected {scaling!r}, found "
                          f"{doc.get('scaling') if isinstance(doc, dict) else doc!r}")
    if not isinstance(doc.get("data"), str):
        raise ResultError(path, "field data: expected the dataset spec (a string)")
    if _field(doc, path, "processes", count=True) < 2:
        raise ResultError(path, f"field processes: {doc['processes']}; at least 2 ranks share")
    for key in ("n", "d", "alone_rows"):
        _field(doc, path, key, positive=True, count=True)
    for timing in TIMINGS:
        for key in ("seconds_per_step", "steps_per_second"):
            _field(doc.get(timing), path, key, f"{timing}.", positive=True)
        if _field(doc.get(timing), path, "communication_seconds_per_step", f"{timing}.") < 0:
            raise ResultError(path, f"field {timing}.communication_seconds_per_step: negative")
    for reduction in REDUCTIONS:
        _field(doc, path, f"ratio_{reduction}", positive=True)
        _flag(doc, path, f"{reduction}_matches_alone")
    return doc


def load_reduce(path):
    """bench_reduce's JSON: alpha, beta, the compute per entry and the reductions, with the d =
    100 row the model's fold cost comes from (mpi_model.fold_seconds_per_addition)."""
    doc = read_json(path)
    for key in ("alpha_seconds", "beta_bytes_per_second", "compute_seconds_per_entry"):
        _field(doc, path, key, positive=True)
    _field(doc, path, "ranks", positive=True, count=True)
    if not isinstance(doc.get("reductions"), list) or not doc["reductions"]:
        raise ResultError(path, "field reductions: expected a non-empty list")
    for k, row in enumerate(doc["reductions"]):
        where = f"reductions[{k}]."
        for key in ("d", "blocks"):
            _field(row, path, key, where, positive=True, count=True)
        for key in ("fast_seconds", "deterministic_seconds", "local_fold_seconds"):
            _field(row, path, key, where)
        for key in ("fast_matches_serial", "deterministic_matches_serial"):
            _flag(row, path, key, where, nullable=False)
    if not any(row["d"] == 100 for row in doc["reductions"]):
        raise ResultError(path, "field reductions: no row with d = 100 (the model's fold cost)")
    return doc


def load_mpi(data_dir):
    """The five files of DATA_DIR/mpi/; NotInData when the directory is absent (the stage did
    not run), ResultError naming the file when one is missing or malformed."""
    directory = os.path.join(data_dir, MPI_DIR)
    if not os.path.isdir(directory):
        raise NotInData(directory, f"absent: {NOT_RUN}")
    return MpiResults(load_data_parallel(os.path.join(directory, STRONG), "strong"),
                      load_data_parallel(os.path.join(directory, WEAK), "weak"),
                      load_reduce(os.path.join(directory, REDUCE)),
                      load_data_parallel(os.path.join(directory, SPARSE_STRONG), "strong"),
                      load_data_parallel(os.path.join(directory, SPARSE_WEAK), "weak"))


def load_if_run(data_dir):
    """The results, or None when the stage did not run (no mpi/ directory)."""
    try:
        return load_mpi(data_dir)
    except NotInData:
        return None


def rate_text(steps_per_second):
    """Three significant digits, trailing zeros kept: '33.0', '125', '0.500'."""
    return f"{steps_per_second:#.3g}".rstrip(".")


def ratio_text(doc, reduction, efficiency="efficiency"):
    """'1.92x' (strong: the speedup over rank 0 alone) or 'efficiency 0.97' (weak)."""
    ratio = doc[f"ratio_{reduction}"]
    return f"{ratio:.2f}x" if doc["scaling"] == "strong" else f"{efficiency} {ratio:.2f}"


def matches_text(doc, reduction):
    """Whether the shared result was rank 0's alone, bit for bit: yes, no or not checked."""
    same = doc[f"{reduction}_matches_alone"]
    if same is None:
        return "not checked (weak scaling: other rows)"
    return "yes" if same else "no"


def measured_rows(results):
    """The report's table: one row per scaling and reduction (COLUMNS)."""
    rows = []
    for doc in results.scaling_runs():
        for reduction in REDUCTIONS:
            shared = doc[reduction]
            comm = shared["communication_seconds_per_step"]
            rows.append({
                "data": doc["data"],
                "scaling": f"{doc['scaling']}, P = {doc['processes']}",
                "reduction": reduction + (" (block order)" if reduction == "deterministic"
                                          else " (MPI_Allreduce)"),
                "rows alone / shared": f"{doc['alone_rows']:,} / {doc['n']:,} x {doc['d']}",
                "steps/s alone": rate_text(doc["alone"]["steps_per_second"]),
                "steps/s shared": rate_text(shared["steps_per_second"]),
                "speedup (strong) or efficiency (weak)": ratio_text(doc, reduction),
                "communication a step": f"{comm * 1e3:.3g} ms "
                                        f"({comm / shared['seconds_per_step']:.1%} of the step)",
                "result = one process's, bit for bit": matches_text(doc, reduction)})
    return rows


def reduce_summary(results):
    """One sentence on bench_reduce's measurements."""
    doc = results.reduce
    rows = doc["reductions"]
    det = sum(r["deterministic_matches_serial"] for r in rows)
    fast = sum(r["fast_matches_serial"] for r in rows)
    dims = ", ".join(str(r["d"]) for r in rows)
    return (f"bench_reduce, {doc['ranks']} ranks: alpha {doc['alpha_seconds'] * 1e6:.3g} us and "
            f"beta {doc['beta_bytes_per_second'] / 1e9:.3g} GB/s (ping-pong), compute "
            f"{doc['compute_seconds_per_entry']:.3g} s per row and column; the reduction of d + 1 "
            f"numbers for d = {dims} matched the serial fold "
            f"bit for bit at {det} of {len(rows)} d in block order (deterministic) and {fast} of "
            f"{len(rows)} with MPI_Allreduce (fast).")
