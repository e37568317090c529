"""Loader for bench_kernels' Google Benchmark JSON, one file per build flavour
(kernels_<preset>.json): per-repetition throughput of each kernel, the bandwidth probe of each
build, and the machine's read limit (one number for all builds)."""

import glob
import math
import os
import statistics
from dataclasses import dataclass

from results import ResultError, is_number, read_json

# Presets in the order a reader compares them: no SIMD, baseline, wider SIMD, threads.
PRESET_ORDER = ("scalar", "release", "baseline", "avx2", "native", "native-openmp")
LEVEL_ORDER = ("L1", "L2", "LLC", "DRAM")


@dataclass
class KernelFile:
    path: str
    preset: str  # from the file name: kernels_<preset>.json
    context: dict
    # (kernel, scalar, level, n, d, threads) -> bytes/s of every repetition
    runs: dict

    def probe_gbps(self, threads):
        """The context's probe for that thread count (bench_kernels measures it once per
        thread count); None when the file has none."""
        value = self.context.get(f"probe_GBps_threads={threads}")
        try:
            value = float(value)
        except (TypeError, ValueError):
            return None
        return value if math.isfinite(value) else None


def machine_read_gbps(files):
    """The machine's read limit in GB/s, one number for every flavour: the machine_read_GBps that
    scripts/flavours.sh stamps into each file (the best streaming read over the flavours), else
    the best read_GBps_best of the files (a single bench_kernels run); None when no file has
    either (files older than the read survey)."""
    def number(value):
        try:
            value = float(value)
        except (TypeError, ValueError):
            return None
        return value if math.isfinite(value) and value > 0 else None

    for key in ("machine_read_GBps", "read_GBps_best"):
        values = [v for v in (number(f.context.get(key)) for f in files) if v is not None]
        if values:
            return max(values)
    return None


def parse_name(name):
    """fused/double/L2/n=1024/d=64/threads=2/real_time -> (fused, double, L2, 1024, 64, 2);
    None for a name of another shape (such benchmarks are not drawn)."""
    parts = name.split("/")
    if len(parts) < 6:
        return None
    fields = dict(p.split("=", 1) for p in parts[3:] if "=" in p)
    try:
        return (parts[0], parts[1], parts[2], int(fields["n"]), int(fields["d"]),
                int(fields.get("threads", 1)))
    except (KeyError, ValueError):
        return None


def _load(path):
    doc = read_json(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("benchmarks"), list):
        raise ResultError(path, "not Google Benchmark JSON (no benchmarks list)")
    context = doc.get("context")
    if not isinstance(context, dict):
        raise ResultError(path, "not Google Benchmark JSON (no context object)")
    runs, medians = {}, {}
    for i, b in enumerate(doc["benchmarks"]):
        if not isinstance(b, dict) or b.get("error_occurred"):
            continue
        key = parse_name(str(b.get("run_name", b.get("name", ""))))
        if key is None:
            continue
        # Repetitions carry the spread; an aggregates-only file still has its median.
        aggregate = b.get("run_type") == "aggregate"
        if aggregate and b.get("aggregate_name") != "median":
            continue
        value = b.get("bytes_per_second")
        if not is_number(value) or value < 0:
            raise ResultError(path, f"benchmarks[{i}] ({b.get('name')}): bytes_per_second "
                              f"{value!r} is not a finite number")
        (medians if aggregate else runs).setdefault(key, []).append(float(value))
    for key, values in medians.items():
        runs.setdefault(key, values)
    preset = os.path.basename(path)[len("kernels_"):-len(".json")]
    return KernelFile(path, preset, context, runs)


def load_kernels(data_dir):
    """Every kernels_*.json in the data directory, in PRESET_ORDER (others after, by name)."""
    paths = glob.glob(os.path.join(data_dir, "kernels_*.json"))
    if not paths:
        raise ResultError(os.path.join(data_dir, "kernels_<preset>.json"),
                          "missing (at least one bench_kernels JSON file is required)")
    files = [_load(p) for p in paths]

    def order(f):
        rank = PRESET_ORDER.index(f.preset) if f.preset in PRESET_ORDER else len(PRESET_ORDER)
        return rank, f.preset

    return sorted(files, key=order)


def summary(values):
    """Median, min and max of the repetitions (the figure's bar and whiskers)."""
    return statistics.median(values), min(values), max(values)
