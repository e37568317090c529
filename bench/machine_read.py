#!/usr/bin/python3
"""The machine's read bandwidth, one number per run: the best streaming read that bench_kernels
measured in any build flavour (each file's context read_GBps_best: the best pass over several
read loops and thread counts, ReadProbe::survey). Writes it to OUT.json and stamps it into every
file's context (machine_read_GBps, machine_read_at), so that the reports compare each flavour's
kernel with one limit, not with its own process's probe. Standard library only.

    machine_read.py OUT.json kernels_scalar.json kernels_release.json ...

OUT.json: {"machine_read_GBps": 38.1, "at": "native-openmp: avx512/threads=2",
           "flavours": {"<preset>": {"read_GBps_best": ..., "read_best_at": ...,
                                      "read_survey_GBps": ..., "load_avg": ...}, ...}}
"""

import json
import math
import os
import sys

STAMPED = ("machine_read_GBps", "machine_read_at")


def preset_of(path):
    name = os.path.basename(path)
    return name[len("kernels_"):-len(".json")] if name.startswith("kernels_") else name


def best_read(context):
    """The context's read_GBps_best as a positive finite float, else None."""
    try:
        value = float(context.get("read_GBps_best"))
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) and value > 0 else None


def reduce(paths):
    """(summary dict, {path: document}) over the files; a file without a survey is kept (it is
    stamped too) but cannot be the best. Raises ValueError when no file has one."""
    docs, flavours, best = {}, {}, None
    for path in paths:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        context = doc.get("context") if isinstance(doc, dict) else None
        if not isinstance(context, dict):
            raise ValueError(f"{path}: not Google Benchmark JSON (no context object)")
        docs[path] = doc
        read = best_read(context)
        flavours[preset_of(path)] = {k: context.get(k) for k in (
            "read_GBps_best", "read_best_at", "read_survey_GBps", "load_avg", "flavour")}
        if read is not None and (best is None or read > best[0]):
            best = (read, f"{preset_of(path)}: {context.get('read_best_at', '?')}")
    if best is None:
        raise ValueError("no file has a read_GBps_best (bench_kernels older than the survey?)")
    return {"machine_read_GBps": best[0], "at": best[1], "flavours": flavours}, docs


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    out, paths = argv[0], argv[1:]
    try:
        summary, docs = reduce(paths)
    except (OSError, ValueError) as e:
        print(f"machine_read: {e}", file=sys.stderr)
        return 1
    for path, doc in docs.items():
        doc["context"]["machine_read_GBps"] = f"{summary['machine_read_GBps']:.3f}"
        doc["context"]["machine_read_at"] = summary["at"]
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
    with open(out, "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")
    print(f"machine_read: {summary['machine_read_GBps']:.2f} GB/s ({summary['at']}), stamped "
          f"into {len(docs)} file(s); {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
