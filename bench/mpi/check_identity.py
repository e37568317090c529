"""Fails unless bench_reduce's deterministic reduction matched the serial fold bit for bit at every
d (reduce_pP.json: reductions[].deterministic_matches_serial)."""
import json
import sys

doc = json.load(open(sys.argv[1]))
bad = [r["d"] for r in doc["reductions"] if not r["deterministic_matches_serial"]]
if not doc["reductions"] or bad:
    sys.exit(f"{sys.argv[1]}: P = {doc['ranks']}: the deterministic reduction differs from the "
             f"serial fold at d = {bad}")
print(f"P = {doc['ranks']}: deterministic reduction bitwise equal to the serial fold at d = "
      + ", ".join(str(r["d"]) for r in doc["reductions"]))
