#!/usr/bin/python3
"""Instruction counts of fixed work under callgrind, and the gate that compares them.

    counts.py run --bench build/release/bench/bench_counts --out FILE.json
                  [--filter SUBSTRING[,...]] [--calls N] [--steps N] [--valgrind valgrind]
                  [--jobs N]
        Runs each benchmark of bench_counts in its own process under `valgrind --tool=callgrind
        --instr-atstart=no` (--jobs at once); bench_counts brackets the work with client
        requests, so setup and start-up are not counted. Writes one JSON file: the flavour,
        compiler, cpu, commit and valgrind version, the work (calls, steps, filter) and the Ir
        of every benchmark, one benchmark per line so that a baseline's diff shows the counts.
    counts.py compare BASELINE.json CANDIDATE.json [--threshold 0.01] [--summary FILE.md]
                      [--bmf FILE.json]
        Exit 1 when a benchmark's Ir grew by more than --threshold (relative; default 1%) or is
        missing from the candidate; prints a table sorted by change. Refuses (exit 2) files of a
        different flavour, compiler, valgrind version or work (calls, steps): their counts differ
        legitimately. A candidate counted with --filter is compared on its subset. --summary
        writes the verdict and table as markdown (a pull-request comment); --bmf writes the
        candidate's counts as Bencher Metric Format JSON (measure "instructions").

Exit status: 0 pass, 1 regression, 2 refused or bad input. Standard library only.
"""

import argparse
import concurrent.futures
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

from bench_files import Refusal, read_json

FORMAT = 1
# What a count depends on beyond the code: the build, the tool, and the CPU as glibc sees it (its
# string and math functions pick their code paths by CPU features and cache sizes at run time).
ENV_KEYS = ("flavour", "compiler", "valgrind", "cpu_features", "caches")
# The CPU flags those choices key on (and valgrind can show its guest; it has no AVX-512).
GLIBC_FEATURES = ("sse2", "ssse3", "sse4_1", "sse4_2", "popcnt", "avx", "avx2", "fma", "bmi1",
                  "bmi2", "movbe", "erms", "fsrm")
WORK_KEYS = ("calls", "steps")


def valgrind_version(valgrind):
    if shutil.which(valgrind) is None:
        raise Refusal(f"valgrind not found ('{valgrind}'); Debian: apt-get install valgrind")
    out = subprocess.run([valgrind, "--version"], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def cpu_features():
    """The GLIBC_FEATURES this CPU has, space-separated in that order."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            flags = next((line.split(":", 1)[1].split() for line in f
                          if line.startswith("flags")), [])
    except OSError:
        flags = []
    return " ".join(x for x in GLIBC_FEATURES if x in flags)


def caches():
    """The data cache sizes glibc reports (getconf), e.g. "L1d=49152 L2=1048576 L3=532676608"."""
    out = subprocess.run(["getconf", "-a"], capture_output=True, text=True).stdout
    sizes = dict(line.split(None, 1) for line in out.splitlines() if len(line.split()) == 2)
    return " ".join(f"{label}={sizes.get(key, '?')}" for label, key in
                    (("L1d", "LEVEL1_DCACHE_SIZE"), ("L2", "LEVEL2_CACHE_SIZE"),
                     ("L3", "LEVEL3_CACHE_SIZE")))


def parse_dump(path):
    """(benchmark name, Ir) of one callgrind dump written by CALLGRIND_DUMP_STATS_AT."""
    name, ir, events = None, None, None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("desc: Trigger: Client Request: "):
                name = line[len("desc: Trigger: Client Request: "):].rstrip("\n")
            elif line.startswith("events:"):
                events = line.split()[1:]
            elif line.startswith("totals:"):
                ir = int(line.split()[1 + events.index("Ir")]) if events else None
    return name, ir


def run_one(a, k, name, work_args, tmp):
    """Ir of one benchmark, counted in its own process: its count then does not depend on which
    benchmarks ran before it (heap addresses move counts a little: glibc's memset and memcpy
    take alignment-dependent paths)."""
    out_file = os.path.join(tmp, f"callgrind.out.{k}")
    cmd = [a.valgrind, "--tool=callgrind", "--instr-atstart=no",
           f"--callgrind-out-file={out_file}", a.bench, f"--only={name}"] + work_args
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise Refusal(f"{' '.join(cmd)} exited with {proc.returncode}: {proc.stderr[-2000:]}")
    dumps_found = [parse_dump(d) for d in glob.glob(out_file + ".*")]
    dumps_found = [(n, ir) for n, ir in dumps_found if n is not None]
    if len(dumps_found) != 1 or dumps_found[0][0] != name or dumps_found[0][1] is None:
        raise Refusal(f"{name}: expected one callgrind dump with its Ir, found {dumps_found}")
    return dumps_found[0][1]


def count(a):
    version = valgrind_version(a.valgrind)
    if not os.access(a.bench, os.X_OK):
        raise Refusal(f"{a.bench} is not an executable (build the target bench_counts)")
    work_args = [f"--{k}={v}" for k, v in (("calls", a.calls), ("steps", a.steps))
                 if v is not None]
    select = [f"--filter={a.filter}"] if a.filter is not None else []
    # A native run first (a fraction of a second) fills the certified-reference cache, so that
    # the counted runs always read it (computing a reference allocates differently), and lists
    # the benchmarks and the environment.
    warm = subprocess.run([a.bench] + select + work_args, capture_output=True, text=True)
    if warm.returncode != 0:
        raise Refusal(f"{a.bench} exited with {warm.returncode}: {warm.stderr[-2000:]}")
    manifest = json.loads(warm.stdout)
    names = manifest["benchmarks"]
    with tempfile.TemporaryDirectory(prefix="counts.") as tmp:
        with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as pool:
            irs = list(pool.map(lambda k: run_one(a, k, names[k], work_args, tmp),
                                range(len(names))))
    result = {"format": FORMAT, "valgrind": version}
    for key in ("flavour", "compiler", "cpu", "commit", "calls", "steps", "filter"):
        result[key] = manifest[key]
    result["cpu_features"] = cpu_features()
    result["caches"] = caches()
    result["benchmarks"] = {n: {"Ir": ir} for n, ir in zip(names, irs)}
    return result


def dumps(result):
    """Indented JSON with one benchmark per line: a baseline's diff shows the changed counts."""
    head = {k: v for k, v in result.items() if k != "benchmarks"}
    lines = ["{"] + [f"  {json.dumps(k)}: {json.dumps(v)}," for k, v in head.items()]
    lines.append('  "benchmarks": {')
    items = list(result["benchmarks"].items())
    for i, (name, c) in enumerate(items):
        comma = "," if i + 1 < len(items) else ""
        lines.append(f"    {json.dumps(name)}: {json.dumps(c)}{comma}")
    lines += ["  }", "}"]
    return "\n".join(lines) + "\n"


def load(path):
    data = read_json(path)
    if not isinstance(data, dict) or data.get("format") != FORMAT or \
            not isinstance(data.get("benchmarks"), dict):
        raise Refusal(f"{path} is not a counts file (format {FORMAT}) of bench/counts.py")
    for name, c in data["benchmarks"].items():
        if not isinstance(c, dict) or not isinstance(c.get("Ir"), int) or c["Ir"] <= 0:
            raise Refusal(f"{path}: benchmark {name}: Ir must be a positive integer, got {c!r}")
    return data


def check_comparable(base, cand):
    for key in ENV_KEYS + WORK_KEYS:
        if base.get(key) != cand.get(key):
            why = ("counts differ legitimately between builds and tools; compare with a "
                   "baseline made in the same environment, or update the baseline")
            if key in WORK_KEYS:
                why = "the work counted differs (bench_counts --calls/--steps)"
            raise Refusal(f"refusing to compare: {key} is {base.get(key)!r} in the baseline and "
                          f"{cand.get(key)!r} in the candidate; {why}")


def compare(base, cand, threshold):
    """Rows (name, base Ir, cand Ir, change, verdict) sorted by change, largest growth first."""
    parts = [p for p in cand.get("filter", "").split(",") if p]  # as bench_counts --filter
    selected = [n for n in base["benchmarks"] if not parts or any(p in n for p in parts)]
    rows = []
    for name in selected:
        b = base["benchmarks"][name]["Ir"]
        if name not in cand["benchmarks"]:
            rows.append((name, b, None, None, "MISSING"))
            continue
        c = cand["benchmarks"][name]["Ir"]
        change = c / b - 1
        # On the integers (c / b - 1 rounds: 1.01 times a count would read as above 1%).
        verdict = "MORE" if c - b > threshold * b else ("less" if b - c > threshold * b else "ok")
        rows.append((name, b, c, change, verdict))
    rows.sort(key=lambda r: (-(r[3] if r[3] is not None else float("inf")), r[0]))
    extra = sorted(set(cand["benchmarks"]) - set(base["benchmarks"]))
    return rows, extra


def cells(row):
    name, b, c, change, verdict = row
    return (name, f"{b:,}", "-" if c is None else f"{c:,}",
            "-" if change is None else f"{change:+.3%}", verdict)


def summary_markdown(rows, extra, failed, base, cand, threshold, base_path):
    verdict = "FAIL" if failed else "PASS"
    regressions = [r for r in rows if r[4] in ("MORE", "MISSING")]
    out = [f"### Instruction counts: {verdict}", "",
           f"{len(rows)} benchmarks, flavour `{cand['flavour']}`, {cand['compiler']}, "
           f"{cand['valgrind']}; threshold {threshold:.2%} against `{base_path}` "
           f"(commit `{base.get('commit', '?')}`), candidate commit `{cand.get('commit', '?')}`.",
           ""]
    if regressions:
        out += [f"**{len(regressions)} benchmark(s) beyond the threshold or missing.**", ""]
    table = ["| benchmark | baseline Ir | candidate Ir | change | verdict |",
             "|---|---:|---:|---:|---|"]

    def md_rows(selected):
        return ["| " + " | ".join(f"`{v}`" if k == 0 else v for k, v in enumerate(cells(r)))
                + " |" for r in selected]

    # Changed counts in view; the unchanged ones folded, so that the comment stays short.
    changed = [r for r in rows if r[3] is None or r[2] != r[1]]
    if changed:
        out += table + md_rows(changed)
    else:
        out += ["No count changed."]
    unchanged = [r for r in rows if r not in changed]
    if unchanged:
        out += ["", f"<details><summary>{len(unchanged)} unchanged</summary>", ""]
        out += table + md_rows(unchanged) + ["", "</details>"]
    if extra:
        out += ["", f"Only in the candidate (not compared): {', '.join(extra)}"]
    return "\n".join(out) + "\n"


def bmf(cand):
    return {name: {"instructions": {"value": c["Ir"]}} for name, c in cand["benchmarks"].items()}


def run_compare(a):
    base, cand = load(a.baseline), load(a.candidate)
    check_comparable(base, cand)
    rows, extra = compare(base, cand, a.threshold)
    if not rows:
        raise Refusal(f"no baseline benchmark matches the candidate's filter "
                      f"'{cand.get('filter', '')}'")
    print(f"counts: flavour {cand['flavour']}, {cand['compiler']}, {cand['valgrind']}, "
          f"calls {cand['calls']}, steps {cand['steps']}")
    print(f"  baseline  {a.baseline}: commit {base.get('commit', '?')}")
    print(f"  candidate {a.candidate}: commit {cand.get('commit', '?')}")
    header = ("benchmark", "baseline Ir", "candidate Ir", "change", "verdict")
    table = [header] + [cells(r) for r in rows]
    widths = [max(len(t[k]) for t in table) for k in range(len(header))]
    for t in table:
        print("  ".join(v.rjust(w) if 0 < k < 4 else v.ljust(w)
                        for k, (v, w) in enumerate(zip(t, widths))).rstrip())
    if extra:
        print(f"counts: {len(extra)} benchmark(s) only in the candidate (not compared): "
              + ", ".join(extra))
    bad = [r for r in rows if r[4] in ("MORE", "MISSING")]
    failed = bool(bad)
    if a.summary:
        with open(a.summary, "w", encoding="utf-8") as f:
            f.write(summary_markdown(rows, extra, failed, base, cand, a.threshold, a.baseline))
    if a.bmf:
        with open(a.bmf, "w", encoding="utf-8") as f:
            json.dump(bmf(cand), f, indent=2)
            f.write("\n")
    grown = max((r[3] for r in rows if r[3] is not None), default=0.0)
    print(f"counts: {'FAIL' if failed else 'PASS'} ({len(rows)} benchmarks, {len(bad)} beyond "
          f"+{a.threshold:.2%} or missing; largest change {grown:+.3%})")
    return 1 if failed else 0


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="count under callgrind, write a counts JSON")
    r.add_argument("--bench", required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--filter")
    r.add_argument("--calls", type=int)
    r.add_argument("--steps", type=int)
    r.add_argument("--valgrind", default="valgrind")
    r.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                   help="benchmarks counted at once (default: the CPU count)")
    c = sub.add_parser("compare", help="gate a candidate on a baseline")
    c.add_argument("baseline")
    c.add_argument("candidate")
    c.add_argument("--threshold", type=float, default=0.01,
                   help="relative growth of Ir that fails (default 0.01 = 1%%)")
    c.add_argument("--summary", help="write a markdown summary (for a pull-request comment)")
    c.add_argument("--bmf", help="write the candidate's counts as Bencher Metric Format JSON")
    a = p.parse_args(argv)
    try:
        if a.command == "run":
            result = count(a)
            with open(a.out, "w", encoding="utf-8") as f:
                f.write(dumps(result))
            total = sum(c["Ir"] for c in result["benchmarks"].values())
            print(f"counts: {len(result['benchmarks'])} benchmarks, {total:,} Ir -> {a.out}")
            return 0
        if not (a.threshold >= 0):
            raise Refusal(f"--threshold must be >= 0, got {a.threshold}")
        return run_compare(a)
    except Refusal as e:
        print(f"counts: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
