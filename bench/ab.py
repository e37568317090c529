#!/usr/bin/python3
"""Paired A/B timing: the same bench_kernels benchmarks of a base and a head build, interleaved in
one run on one machine, judged on the paired ratios.

    ab.py BASE_BENCH HEAD_BENCH [--pairs 30] [--filter REGEX] [--min-time 0.02] [--repetitions 5]
          [--threshold 0.03] [--alpha 0.05] [--seed 1] [--json FILE]

Each pair runs both binaries once (a fresh process each; a side's time is the fastest of
--repetitions, since load only ever slows a run down), in a random order per pair (ABBA..., so
that a drift of the machine does not favour one side); the ratio of a pair is head time / base
time. Per benchmark: the median ratio, a distribution-free confidence
interval for it (order statistics of the ratios, coverage >= 1 - alpha) and a one-sided sign
test (p = P(Binomial(pairs, 1/2) >= the pairs where head was slower)). A benchmark is SLOWER when
its median ratio exceeds 1 + --threshold and the sign test is significant at --alpha. Timings
catch what counts miss (memory, threads), but a shared machine is noisy: CI may run this
report-only (--report).

Exit status: 0 no slowdown (or --report), 1 a significant slowdown, 2 bad input or a failed run.
Standard library only.
"""

import argparse
import json
import math
import random
import statistics
import subprocess
import sys
import tempfile

from bench_files import TIME_UNIT_SECONDS



def run_bench(path, filt, min_time, repetitions):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [path, f"--benchmark_filter={filt}", f"--benchmark_min_time={min_time}",
               f"--benchmark_repetitions={repetitions}", "--probe_bytes=1048576",
               f"--benchmark_out={out.name}", "--benchmark_out_format=json"]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited with {p.returncode}: {p.stderr[-1000:]}")
        data = json.load(open(out.name, encoding="utf-8"))
    times = {}
    for b in data["benchmarks"]:
        if b.get("run_type", "iteration") == "iteration" and not b.get("error_occurred"):
            # The fastest repetition: another process on the machine only ever slows one down.
            t = b["real_time"] * TIME_UNIT_SECONDS[b.get("time_unit", "ns")]
            name = b.get("run_name", b["name"])
            times[name] = min(t, times.get(name, t))
    if not times:
        raise RuntimeError(f"{path}: no benchmark matches --benchmark_filter={filt}")
    return times


def binom_tail(n, k):
    """P(X >= k) for X ~ Binomial(n, 1/2)."""
    return sum(math.comb(n, j) for j in range(k, n + 1)) / 2 ** n


def binom_cdf(n, k):
    """P(X <= k) for X ~ Binomial(n, 1/2)."""
    return sum(math.comb(n, j) for j in range(0, k + 1)) / 2 ** n


def median_ci(values, alpha):
    """[x_(j), x_(n+1-j)], the narrowest order-statistic interval whose coverage of the median,
    1 - 2 P(X <= j - 1), is at least 1 - alpha; the whole range when none is."""
    x = sorted(values)
    n = len(x)
    j = 1
    while j + 1 <= (n + 1) // 2 and 2 * binom_cdf(n, j) <= alpha:
        j += 1
    return x[j - 1], x[n - j]


def judge(ratios, threshold, alpha):
    n = len(ratios)
    slower = sum(1 for r in ratios if r > 1)
    p = binom_tail(n, slower)
    med = statistics.median(ratios)
    lo, hi = median_ci(ratios, alpha)
    verdict = "SLOWER" if med > 1 + threshold and p < alpha else "ok"
    return {"pairs": n, "median_ratio": med, "ci": [lo, hi], "head_slower_pairs": slower,
            "sign_p": p, "verdict": verdict}


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("base")
    ap.add_argument("head")
    ap.add_argument("--pairs", type=int, default=30)
    ap.add_argument("--filter", default="^fused/(double|float)/L2/.*/d=64/threads=1/")
    ap.add_argument("--min-time", type=float, default=0.02)
    ap.add_argument("--repetitions", type=int, default=5,
                    help="repetitions per process; a side's time is the fastest")
    ap.add_argument("--threshold", type=float, default=0.03)
    ap.add_argument("--alpha", type=float, default=0.05)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json")
    ap.add_argument("--report", action="store_true", help="print, never fail")
    a = ap.parse_args(argv)
    if a.pairs < 6:
        print("ab: --pairs must be >= 6 (fewer cannot reach p < 0.02)", file=sys.stderr)
        return 2
    rng = random.Random(a.seed)
    ratios = {}
    try:
        for _ in range(a.pairs):
            order = ["base", "head"]
            rng.shuffle(order)
            got = {side: run_bench(getattr(a, side), a.filter, a.min_time, a.repetitions)
                   for side in order}
            for name, t in got["base"].items():
                if name in got["head"]:
                    ratios.setdefault(name, []).append(got["head"][name] / t)
    except (RuntimeError, OSError, ValueError) as e:
        print(f"ab: {e}", file=sys.stderr)
        return 2
    results = {name: judge(r, a.threshold, a.alpha) for name, r in ratios.items()}
    width = max(len(n) for n in results)
    print(f"ab: {a.pairs} interleaved pairs, threshold {a.threshold:.1%}, alpha {a.alpha}")
    print(f"{'benchmark'.ljust(width)}  median  {int((1 - a.alpha) * 100)}% CI          "
          f"slower  sign p    verdict")
    for name, r in sorted(results.items(), key=lambda kv: -kv[1]["median_ratio"]):
        print(f"{name.ljust(width)}  {r['median_ratio']:.4f}  [{r['ci'][0]:.4f}, {r['ci'][1]:.4f}]"
              f"  {r['head_slower_pairs']:2d}/{r['pairs']:<2d}  {r['sign_p']:.2e}  {r['verdict']}")
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump({"ratios": ratios, "results": results}, f, indent=1)
    slow = [n for n, r in results.items() if r["verdict"] == "SLOWER"]
    print(f"ab: {'SLOWER' if slow else 'PASS'} ({len(slow)} of {len(results)} benchmarks slower)"
          + ("  [--report: not failing]" if slow and a.report else ""))
    return 1 if slow and not a.report else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
