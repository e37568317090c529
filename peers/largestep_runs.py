"""largestep's own solvers as rows of the comparison, from the program's method table (`largestep
methods --json`): GD with every stepsize rule that needs no value (today classical 1/L_s, the
paper's large stepsizes s2 and s3, which need a certified margin, loc: half of eta_loc, and best:
the grid stepsize with the fewest settled steps), and every other solver at its default rule
(Nesterov at 1/L_s), each run through `largestep run --json`.

`seconds` is the run record's solve time (data loaded, reference known), median of repeats. A run
stops once its gap f(w_t) - f* has stayed <= eps for max(20, t/4) steps (README: What is
measured), so the table's time includes that confirmation window; the trace shows when eps was
first reached. Trace points come from one more run with --trace, placed in time at
t / steps * seconds: every step of a solver costs the same.
"""
import csv
import pathlib

from largestep_cli import LargestepError
from timing import median

kTracePoints = 300
# floor_reached: the horizon came with the gap within its rounding bound of eps, as a peer
# "stalls" at the rounding floor.
TERMINATION_STATUS = {"converged": "converged", "max_steps": "max_iter", "floor_reached": "stalled",
                      "diverged": "diverged", "non_finite": "non_finite"}


def methods(table):
    """{method name: (solver, rule row)} from the method table: a solver without a default rule
    (GD) with each rule that needs no value ("largestep-gd-s2"), a solver with one at that rule
    ("largestep-nesterov", "largestep-adgd"), in the table's order. A default rule that carries
    its value (adgd's fixed:eta=1e-10) comes as its row with that text for a name, which is what
    the run is given."""
    rules = {row["name"]: row for row in table if row["kind"] == "rule"}
    out = {}
    for solver in (row for row in table if row["kind"] == "solver"):
        default = solver.get("default_rule")
        if default:
            row = dict(rules[default.split(":")[0]], name=default)
            out[f"largestep-{solver['name']}"] = (solver["name"], row)
            continue
        for rule in rules.values():
            if all(p["default"] is not None for p in rule["parameters"]):
                out[f"largestep-{solver['name']}-{rule['name']}"] = (solver["name"], rule)
    return out


def run_method(program, method, solver, rule_row, spec, lam, separable, eps, max_steps, repeats,
               scratch):
    """One of `methods(...)`: returns (row, trace points [(seconds, gap)], note)."""
    rule = rule_row["name"]
    row = {"method": method, "dataset": spec, "lambda": lam}
    if "gamma" in rule_row["oracles"] and not separable:
        row["status"] = "not_applicable"
        return row, [], f"{rule} needs a certified margin; {spec} is not shown separable"
    note = ""
    if rule_row.get("stepsize") == "grid":
        # The grid search is tuning, not solving: pick eta once, then time that eta like any rule.
        chosen = program.run(spec, lam, rule, solver, eps, max_steps)
        rule = float(chosen["eta"])
        note = f"eta = {rule:.6g} chosen on a grid of {len(chosen.get('grid', []))} (search not timed)"
    try:
        records = [program.run(spec, lam, rule, solver, eps, max_steps) for _ in range(max(1, repeats))]
    except LargestepError as e:
        if not e.usage:
            raise
        row["status"] = "not_applicable"
        return row, [], str(e)
    seconds = median(r["seconds"] for r in records)
    record = records[0]
    row.update(final_gap=float(record["final_gap"]), seconds=seconds, iterations=int(record["steps"]),
               status=TERMINATION_STATUS[record["termination"]])
    note = note or f"eta = {record['eta']:.6g}"
    trace_path = pathlib.Path(scratch) / f"{method}.trace.csv"
    every = max(1, record["steps"] // kTracePoints)
    program.run(spec, lam, rule, solver, eps, max_steps, trace=trace_path, trace_every=every)
    points = []
    with open(trace_path) as f:
        for point in csv.DictReader(f):
            gap = float(point["gap"])
            if gap == gap and abs(gap) != float("inf"):
                points.append((int(point["t"]) / max(1, record["steps"]) * seconds, gap))
    return row, points, note
