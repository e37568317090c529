#!/usr/bin/python3
"""Reads the per-flavour JSON files of bench_kernels (scripts/flavours.sh writes them) and prints
the median time per benchmark, the speedup of every flavour over scalar, and the issue's five
performance ratios with their targets. Standard library only.

    flavour_report.py kernels_scalar.json kernels_release.json ... [--markdown]
"""

import json
import statistics
import sys

# (what, target): see the "Performance targets".
TARGETS = {
    "fused_vs_two_pass": 1.7,
    "probe_ratio": 0.8,
    "native_vs_scalar": 3.0,
    "threads2_vs_1": 1.7,
    "float_vs_double": 1.8,
}


def parse_name(name):
    """fused/double/L2/n=1024/d=64/threads=1/real_time -> dict of its parts."""
    parts = name.split("/")
    fields = {"kernel": parts[0], "scalar": parts[1], "size": parts[2]}
    for p in parts[3:]:
        if "=" in p:
            k, v = p.split("=", 1)
            fields[k] = v
    return fields


def load(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    runs = {}
    for b in data["benchmarks"]:
        if b.get("run_type", "iteration") != "iteration" or b.get("error_occurred"):
            continue
        name = b["name"].removesuffix("/real_time")
        runs.setdefault(name, []).append(b)
    medians = {}
    for name, rs in runs.items():
        medians[name] = {
            "time": statistics.median(r["real_time"] for r in rs),
            "unit": rs[0]["time_unit"],
            "probe_ratio": statistics.median(r.get("probe_ratio", float("nan")) for r in rs),
            "bytes": statistics.median(r.get("bytes_per_second", float("nan")) for r in rs),
            "items": statistics.median(r.get("items_per_second", float("nan")) for r in rs),
            "reps": len(rs),
        }
    return data["context"], medians


def machine_read(contexts):
    """(GB/s, where) of the machine's read limit: the stamped machine_read_GBps
    (scripts/flavours.sh, bench/machine_read.py), else the best read_GBps_best of the files;
    (None, None) when no file has either."""
    best = (None, None)
    for ctx in contexts:
        for key, at in (("machine_read_GBps", "machine_read_at"), ("read_GBps_best", "read_best_at")):
            try:
                value = float(ctx.get(key))
            except (TypeError, ValueError):
                continue
            if value > 0 and (best[0] is None or value > best[0]):
                best = (value, f"{ctx.get(at, '?')} [{key}]")
            break
    return best


def find(medians, **want):
    for name, m in medians.items():
        f = parse_name(name)
        if all(f.get(k) == v for k, v in want.items()):
            return name, m
    return None, None


def main(argv):
    paths = [a for a in argv if not a.startswith("--")]
    flavours = []  # (flavour, context, medians)
    for p in paths:
        try:
            ctx, med = load(p)
        except (OSError, ValueError, KeyError) as e:
            print(f"flavour_report: skipping {p}: {e}", file=sys.stderr)
            continue
        flavours.append((ctx.get("flavour", p), ctx, med))
    if not flavours:
        print("flavour_report: no results", file=sys.stderr)
        return 1
    by_flavour = {f: med for f, _, med in flavours}
    scalar = by_flavour.get("scalar")

    print("== context")
    for f, ctx, _ in flavours:
        probes = ", ".join(f"{k.split('=')[1]} thr {v} GB/s" for k, v in ctx.items()
                           if k.startswith("probe_GBps"))
        print(f"  {f:15} {ctx.get('commit', '?')[:12]}  {ctx.get('compiler', '?')}  "
              f"cpu {ctx.get('cpu', '?')}  probe {probes}  best read "
              f"{ctx.get('read_GBps_best', '?')} GB/s ({ctx.get('read_best_at', '?')})  "
              f"load {ctx.get('load_avg', '?')}")
    machine, machine_at = machine_read([ctx for _, ctx, _ in flavours])
    if machine is not None:
        print(f"  machine read limit {machine:.2f} GB/s: {machine_at}")

    print("\n== median real time per call, and speedup over scalar (scalar threads=1 for "
          "threaded rows)")
    names = []
    for _, _, med in flavours:
        names += [n for n in med if n not in names]
    header = ["benchmark"] + [f for f, _, _ in flavours]
    rows = []
    for n in names:
        row = [n]
        ref = None
        if scalar:
            f = parse_name(n)
            ref_name = n.replace(f"threads={f.get('threads', '1')}", "threads=1")
            ref = scalar.get(ref_name)
        for f, _, med in flavours:
            m = med.get(n)
            if m is None:
                row.append("-")
            elif ref is None or f == "scalar":
                row.append(f"{m['time']:.4g} {m['unit']}")
            else:
                row.append(f"{m['time']:.4g} {m['unit']} ({ref['time'] / m['time']:.2f}x)")
        rows.append(row)
    widths = [max(len(r[k]) for r in rows + [header]) for k in range(len(header))]
    for r in [header] + rows:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip())

    print("\n== performance targets (medians of the repetitions of this run)")
    results = []

    def report(what, label, value, evidence):
        target = TARGETS[what]
        met = value >= target
        results.append(met)
        print(f"  {label:62} {value:6.2f}  target >= {target:<4}  {'met' if met else 'MISSED'}"
              f"   [{evidence}]")

    columns = sorted({parse_name(n).get("d") for _, _, med in flavours for n in med},
                     key=lambda d: int(d))
    for d in columns:
        print(f"  -- d = {d}")
        for f, _, med in flavours:
            _, fused = find(med, kernel="fused", scalar="double", size="DRAM", threads="1", d=d)
            _, two = find(med, kernel="two_pass", scalar="double", size="DRAM", threads="1", d=d)
            if fused and two:
                report("fused_vs_two_pass", f"fused over two-pass, DRAM double ({f})",
                       two["time"] / fused["time"],
                       f"{two['time']:.4g} / {fused['time']:.4g} {fused['unit']}")
        for f, _, med in flavours:
            _, fused = find(med, kernel="fused", scalar="double", size="DRAM", threads="1", d=d)
            if fused and machine is not None:
                report("probe_ratio", f"fused bytes/s over the machine's read, DRAM double ({f})",
                       fused["bytes"] / (machine * 1e9),
                       f"{fused['bytes'] * 1e-9:.3g} / {machine:.3g} GB/s; own probe "
                       f"{fused['probe_ratio']:.2f}")
            elif fused:
                report("probe_ratio", f"fused bytes/s over its own probe, DRAM double ({f})",
                       fused["probe_ratio"], "probe_ratio counter (no machine read measured)")
        for f, _, med in flavours:
            if not f.startswith("native") or not scalar:
                continue
            for size in ("L1", "L2"):
                for s in ("double", "float"):
                    n, m = find(med, kernel="fused", scalar=s, size=size, threads="1", d=d)
                    if m and n in scalar:
                        report("native_vs_scalar", f"{f} over scalar, fused {s} {size}",
                               scalar[n]["time"] / m["time"],
                               f"{scalar[n]['time']:.4g} / {m['time']:.4g} {m['unit']}")
        for f, _, med in flavours:
            for size in ("L2", "LLC"):
                for s in ("double", "float"):
                    n1, one = find(med, kernel="fused", scalar=s, size=size, threads="1", d=d)
                    _, two = find(med, kernel="fused", scalar=s, size=size, threads="2", d=d)
                    if one and two:
                        rows = int(parse_name(n1)["n"])
                        blocks = -(-rows // 512)
                        report("threads2_vs_1",
                               f"2 threads over 1, fused {s} {size}, {blocks} blocks ({f})",
                               one["time"] / two["time"],
                               f"{one['time']:.4g} / {two['time']:.4g} {one['unit']}")
        for f, _, med in flavours:
            _, dd = find(med, kernel="fused", scalar="double", size="DRAM", threads="1", d=d)
            _, ss = find(med, kernel="fused", scalar="float", size="DRAM", threads="1", d=d)
            if dd and ss:
                report("float_vs_double", f"float over double per entry, fused DRAM ({f})",
                       ss["items"] / dd["items"], "items_per_second ratio")
    print(f"\n{sum(results)} of {len(results)} ratio checks met")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
