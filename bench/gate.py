#!/usr/bin/python3
"""Regression gate: compares a candidate Google Benchmark JSON with a baseline.

    gate.py BASELINE.json CANDIDATE.json [--threshold 0.10] [--alpha 0.05] [--timing gate|report]

1. Both files must come from the same build flavour (context "flavour") and the same largestep
   suite; otherwise the gate refuses (exit 2): FMA contraction and vectorized reductions change
   rounding, and so legitimately change edge-of-stability trajectories and step counts.
2. Deterministic counters (context "deterministic_counters", e.g. steps-to-eps) must match the
   baseline exactly in every repetition, and so must skip errors (e.g. "diverged at step 12").
3. Times: per benchmark, the median real time of the repetitions, and a two-sided Mann-Whitney U
   test over the repetitions (gbench.report.calc_utest from Debian's libbenchmark-tools, the
   code behind compare.py; needs python3-scipy). A regression is a median slowdown beyond
   --threshold that is significant at --alpha; with fewer than 2 repetitions per side (4 are
   needed for p < 0.05) nothing can be significant. --timing report prints it but never fails.

Exit status: 0 pass, 1 regression, 2 refused or bad input. Only /usr/bin/python3's standard
library is needed, plus numpy and scipy for the timing test.
"""

import argparse
import os
import statistics
import sys

from bench_files import TIME_UNIT_SECONDS, Refusal, read_json

GBENCH_DIRS = [os.environ.get("LARGESTEP_GBENCH_DIR", ""), "/usr/share/benchmark"]
def load(path):
    data = read_json(path)
    if "context" not in data or "benchmarks" not in data:
        raise Refusal(f"{path} is not a Google Benchmark JSON file (no context or benchmarks)")
    return data


def runs_by_name(data):
    """Iteration runs (not aggregates) by benchmark name, in file order."""
    out = {}
    for b in data["benchmarks"]:
        if b.get("run_type", "iteration") != "iteration":
            continue
        out.setdefault(b.get("run_name", b["name"]), []).append(b)
    return out


def load_utest():
    """gbench.report.calc_utest, or None with the reason."""
    for d in GBENCH_DIRS:
        if d and os.path.isdir(os.path.join(d, "gbench")):
            sys.path.insert(0, d)
            break
    try:
        from gbench import report  # noqa: E402
    except ImportError as e:
        return None, (f"gbench (libbenchmark-tools) or scipy missing: {e}; "
                      "apt-get install libbenchmark-tools python3-scipy")
    return report, ""


def describe(ctx):
    return (f"commit {ctx.get('commit', '?')}, {ctx.get('compiler', '?')}, "
            f"cpu {ctx.get('cpu', '?')}")


def check_comparable(base, cand, base_path, cand_path):
    bctx, cctx = base["context"], cand["context"]
    for key in ("flavour", "largestep_suite"):
        if key not in bctx or key not in cctx:
            raise Refusal(f"'{key}' missing from the context of "
                          f"{base_path if key not in bctx else cand_path}: not a largestep run")
        if bctx[key] != cctx[key]:
            what = "build flavours" if key == "flavour" else "suites"
            raise Refusal(
                f"refusing to compare across {what}: baseline is '{bctx[key]}', candidate is "
                f"'{cctx[key]}'. Step counts and times legitimately differ between flavours; "
                f"compare a candidate with a baseline of its own flavour.")


def deterministic_failures(base_runs, cand_runs, counters):
    failures, rows = [], {}
    for name, runs in base_runs.items():
        if name not in cand_runs:
            failures.append(f"{name}: missing from the candidate")
            continue
        want = runs[0]
        for k, run in enumerate(cand_runs[name]):
            for field in ("error_occurred", "error_message"):
                if run.get(field) != want.get(field):
                    failures.append(f"{name} repetition {k}: {field} {want.get(field)!r} -> "
                                    f"{run.get(field)!r}")
            for c in counters:
                if c in want and run.get(c) != want[c]:
                    failures.append(f"{name} repetition {k}: {c} {want[c]:g} -> {run.get(c)}")
        if "steps" in want:
            rows[name] = f"{want['steps']:g} -> {cand_runs[name][0].get('steps', float('nan')):g}"
    return failures, rows


def seconds(run):
    return run["real_time"] * TIME_UNIT_SECONDS[run.get("time_unit", "ns")]


def fmt_time(s):
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if s >= scale:
            return f"{s / scale:.3f} {unit}"
    return f"{s / 1e-9:.1f} ns"


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("baseline")
    p.add_argument("candidate")
    p.add_argument("--threshold", type=float, default=0.10,
                   help="relative slowdown of the median that counts (default 0.10 = 10%%)")
    p.add_argument("--alpha", type=float, default=0.05, help="U test significance level")
    p.add_argument("--timing", choices=["gate", "report"], default="gate",
                   help="gate: a significant slowdown fails; report: times never fail")
    a = p.parse_args(argv)

    try:
        base, cand = load(a.baseline), load(a.candidate)
        check_comparable(base, cand, a.baseline, a.candidate)
    except Refusal as e:
        print(f"gate: {e}", file=sys.stderr)
        return 2

    bctx, cctx = base["context"], cand["context"]
    print(f"gate: flavour {bctx['flavour']}, suite {bctx['largestep_suite']}")
    print(f"  baseline  {a.baseline}: {describe(bctx)}")
    print(f"  candidate {a.candidate}: {describe(cctx)}")
    counters = [c for c in bctx.get("deterministic_counters", "").split(",") if c]
    base_runs, cand_runs = runs_by_name(base), runs_by_name(cand)
    failures, step_rows = deterministic_failures(base_runs, cand_runs, counters)

    report, why_not = load_utest()
    regressions = []
    rows = []
    for name, runs in base_runs.items():
        if name not in cand_runs:
            continue
        display = name.removesuffix("/real_time")
        b = [seconds(r) for r in runs if not r.get("error_occurred")]
        c = [seconds(r) for r in cand_runs[name] if not r.get("error_occurred")]
        if not b or not c:
            rows.append((display, "-", "-", "-", "-", step_rows.get(name, ""), "skipped (error)"))
            continue
        change = statistics.median(c) / statistics.median(b) - 1
        pvalue = None
        if report is not None:
            _, _, pvalue = report.calc_utest([b, c], [b, c])
        significant = pvalue is not None and pvalue < a.alpha
        if change > a.threshold and significant:
            verdict = "SLOWER"
            regressions.append(display)
        elif pvalue is None:
            verdict = "too few repetitions" if report is not None else "no U test"
        else:
            verdict = "ok"
        rows.append((display, fmt_time(statistics.median(b)), fmt_time(statistics.median(c)),
                     f"{change:+.1%}", "-" if pvalue is None else f"{pvalue:.4f}",
                     step_rows.get(name, ""), verdict))

    header = ("benchmark", "base median", "cand median", "change", "U p", "steps", "verdict")
    widths = [max(len(str(r[k])) for r in rows + [header]) for k in range(len(header))]
    for r in [header] + rows:
        print("  ".join(str(v).ljust(w) for v, w in zip(r, widths)).rstrip())
    if report is None:
        print(f"gate: timing not tested: {why_not}")

    extra = sorted(set(cand_runs) - set(base_runs))
    if extra:
        print(f"gate: {len(extra)} benchmark(s) only in the candidate (not compared): "
              + ", ".join(extra[:5]) + (" ..." if len(extra) > 5 else ""))
    for f in failures:
        print(f"gate: DETERMINISTIC MISMATCH {f}")
    if failures and bctx.get("cpu") != cctx.get("cpu"):
        print("gate: note: the CPUs differ; libm picks its code at run time by CPU, which can "
              "move an edge-of-stability trajectory. Regenerate the baseline on this machine if "
              "the change is expected.")
    if regressions:
        print(f"gate: {len(regressions)} significant slowdown(s) beyond {a.threshold:.0%} "
              f"(alpha {a.alpha}): " + ", ".join(regressions)
              + ("" if a.timing == "gate" else "  [--timing report: not failing]"))
    if report is None and a.timing == "gate":
        print("gate: cannot gate times without the U test", file=sys.stderr)
        return 2
    failed = bool(failures) or (a.timing == "gate" and bool(regressions))
    print(f"gate: {'FAIL' if failed else 'PASS'} ({len(base_runs)} benchmarks, "
          f"{len(failures)} deterministic mismatches, {len(regressions)} slowdowns)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
