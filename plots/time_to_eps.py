"""Loader for bench_time_to_eps' Google Benchmark JSON, one file per build flavour and thread
count (time_to_eps_<preset>.json, time_to_eps_<preset>-t<k>.json for an OpenMP build run with k
threads; scripts/flavours.sh --time-to-eps writes them): the wall time of every experiment of a
registry suite to reach eps, with its settled step count."""

import glob
import os
import re
import statistics
from dataclasses import dataclass, field

from kernels import PRESET_ORDER
from results import NotInData, ResultError, is_number, read_json

PATTERN = "time_to_eps_*.json"
_FILE = re.compile(r"time_to_eps_(?P<preset>.+?)(?:-t(?P<threads>[0-9]+))?\.json$")
_UNITS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}


@dataclass
class Timing:
    """One experiment in one flavour: seconds of each repetition, the settled steps, and
    whether steps is only a lower bound (the horizon came first)."""

    seconds: list = field(default_factory=list)
    cpu_seconds: list = field(default_factory=list)  # all threads; = seconds on an idle core
    steps: int = 0
    horizon_hit: bool = False

    def median(self):
        return statistics.median(self.seconds)


@dataclass
class FlavourFile:
    path: str
    preset: str
    threads: int  # the OpenMP threads the run used (1 for a build without OpenMP)
    context: dict
    runs: dict  # (suite, dataset label, lambda, method, scalar) -> Timing
    skipped: dict  # same key -> the benchmark's error message

    @property
    def label(self):
        return self.preset if self.threads == 1 and "openmp" not in self.preset else \
            f"{self.preset} x{self.threads}"


def parse_name(name):
    """realsize/planted1e6/lambda=0.0001/classical/double[/real_time] -> (realsize, planted1e6,
    0.0001, classical, double); None for a name of another shape."""
    parts = [p for p in name.split("/") if p != "real_time"]
    if len(parts) < 5 or not parts[-3].startswith("lambda="):
        return None
    try:
        lam = float(parts[-3][len("lambda="):])
    except ValueError:
        return None
    return parts[0], "/".join(parts[1:-3]), lam, parts[-2], parts[-1]


def _load(path):
    doc = read_json(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("benchmarks"), list) or \
            not isinstance(doc.get("context"), dict):
        raise ResultError(path, "not Google Benchmark JSON (no benchmarks list or context)")
    m = _FILE.search(os.path.basename(path))
    threads = int(m.group("threads") or doc["context"].get("omp_threads", 1))
    runs, skipped = {}, {}
    for i, b in enumerate(doc["benchmarks"]):
        if not isinstance(b, dict) or b.get("run_type") == "aggregate":
            continue
        key = parse_name(str(b.get("run_name", b.get("name", ""))))
        if key is None:
            continue
        if b.get("error_occurred"):
            skipped[key] = str(b.get("error_message", "skipped"))
            continue
        seconds, unit = b.get("real_time"), b.get("time_unit", "ns")
        if not is_number(seconds) or seconds < 0 or unit not in _UNITS:
            raise ResultError(path, f"benchmarks[{i}] ({b.get('name')}): real_time {seconds!r} "
                              f"{unit!r} is not a time")
        steps = b.get("steps")
        if not is_number(steps) or steps < 0:
            raise ResultError(path, f"benchmarks[{i}] ({b.get('name')}): counter steps "
                              f"{steps!r} is not a count")
        t = runs.setdefault(key, Timing())
        t.seconds.append(float(seconds) * _UNITS[unit])
        cpu = b.get("cpu_time")
        if is_number(cpu) and cpu >= 0:
            t.cpu_seconds.append(float(cpu) * _UNITS[unit])
        t.steps = int(steps)
        t.horizon_hit = bool(b.get("horizon_hit"))
    return FlavourFile(path, m.group("preset"), threads, doc["context"], runs, skipped)


def load_time_to_eps(data_dir):
    """Every time_to_eps_*.json in the data directory, in PRESET_ORDER then by threads.
    NotInData when there is none (the quick profile does not run the real-size suite)."""
    paths = glob.glob(os.path.join(data_dir, PATTERN))
    if not paths:
        raise NotInData(os.path.join(data_dir, PATTERN),
                        "no time-to-eps benchmark files (the main job's paper profile runs the "
                        "real-size suite in every build flavour)")
    files = [_load(p) for p in paths if _FILE.search(os.path.basename(p))]

    def order(f):
        rank = PRESET_ORDER.index(f.preset) if f.preset in PRESET_ORDER else len(PRESET_ORDER)
        return rank, f.preset, f.threads

    return sorted(files, key=order)


def table(files):
    """A markdown table: one row per experiment, per flavour run the wall seconds, the CPU
    seconds (all threads: on a shared machine the wall time grows, the CPU time much less) and
    the settled steps."""
    keys = sorted({k for f in files for k in f.runs} | {k for f in files for k in f.skipped})
    lines = ["| experiment (wall / CPU seconds, steps) | " + " | ".join(f.label for f in files) +
             " |",
             "|---" * (len(files) + 1) + "|"]
    for k in keys:
        cells = []
        for f in files:
            if k in f.runs:
                t = f.runs[k]
                cpu = f" / {statistics.median(t.cpu_seconds):.3g}" if t.cpu_seconds else ""
                cells.append(f"{t.median():.3g}{cpu} s ({t.steps}{'+' if t.horizon_hit else ''})")
            else:
                cells.append("skipped" if k in f.skipped else "")
        lines.append(f"| {k[1]}/lambda={k[2]:.3g}/{k[3]}/{k[4]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    if len(sys.argv) != 2 or sys.argv[1] in ("-h", "--help"):
        print("usage: time_to_eps.py DATA_DIR  (prints the markdown table of time_to_eps_*.json)")
        sys.exit(0 if len(sys.argv) == 2 else 2)
    try:
        print(table(load_time_to_eps(sys.argv[1])))
    except ResultError as e:
        print(f"time_to_eps: error: {e}", file=sys.stderr)
        sys.exit(2)
