"""Loader for verdicts.json (`largestep verify`): the verdict table, the counts, the environment,
and the population experiment's points (S10 details)."""

import os

from results import VERDICTS, NotInData, ResultError, as_count, get_count, is_number, read_json

VERDICT_VALUES = ("pass", "fail", "inconclusive")
TEXT_FIELDS = ("claim", "dataset", "measured", "predicted", "verdict", "reason")


def load_verdicts(data_dir):
    """The parsed verdicts.json, checked: every verdict has the table's fields, its verdict is
    pass/fail/inconclusive, and the counts agree with the list (a summary that contradicts the
    table would mislead the reader of the report)."""
    path = os.path.join(data_dir, VERDICTS)
    doc = read_json(path)
    if not isinstance(doc, dict):
        raise ResultError(path, "expected a JSON object with counts, environment, verdicts")
    for key, kind in (("counts", dict), ("environment", dict), ("verdicts", list),
                      ("suite", str)):
        if not isinstance(doc.get(key), kind):
            raise ResultError(path, f"field {key}: missing or not a {kind.__name__}")
    tally = dict.fromkeys(VERDICT_VALUES, 0)
    for i, v in enumerate(doc["verdicts"]):
        where = f"verdicts[{i}]"
        if not isinstance(v, dict):
            raise ResultError(path, f"{where}: not an object")
        for field in TEXT_FIELDS:
            value = v.get(field)
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                raise ResultError(path, f"{where}.{field}: missing or not text")
            v[field] = str(value)
        if v["verdict"] not in VERDICT_VALUES:
            raise ResultError(path, f"{where}.verdict: {v['verdict']!r} is not one of "
                              f"{', '.join(VERDICT_VALUES)}")
        tally[v["verdict"]] += 1
    for key in VERDICT_VALUES:
        if doc["counts"].get(key) != tally[key]:
            raise ResultError(path, f"counts.{key} = {doc['counts'].get(key)!r} but the "
                              f"verdicts list has {tally[key]}")
    seconds = doc.get("seconds")
    if seconds is not None and not is_number(seconds):
        raise ResultError(path, f"field seconds: {seconds!r} is not a finite number")
    return doc


def failing(verdicts):
    """The failed verdicts of a list (the checker's or the arena's), as 'CLAIM (DATASET)'."""
    return [f"{v['claim']} ({v['dataset']})" for v in verdicts if v["verdict"] == "fail"]


# S10's counts (steps until the held-out risk stays at its target), each with its NAME_at_least
# (README.md, "Output formats").
SERIES = (("settled_eta1", "eta = 1"), ("settled_large", "eta = n^(1/3)"),
          ("settled_nesterov", "Nesterov"))


def population_points(doc, data_dir):
    """S10's points as (n, {series: (steps, censored)}), plus how many points failed and the
    verdict. Raises NotInData when the suite has no S10 verdict."""
    path = os.path.join(data_dir, VERDICTS)
    found = [(i, v) for i, v in enumerate(doc["verdicts"]) if v["claim"] == "S10"]
    if not found:
        raise NotInData(path, "no S10 verdict (the population experiment was not in this suite)")
    i, verdict = found[0]
    points = (verdict.get("details") or {}).get("points")
    if not isinstance(points, list):
        raise ResultError(path, f"verdicts[{i}].details.points: missing or not a list")
    measured, failed = [], 0
    for j, p in enumerate(points):
        where = f"verdicts[{i}].details.points[{j}]"
        if not isinstance(p, dict):
            raise ResultError(path, f"{where}: not an object")
        if "failure" in p:
            failed += 1
            continue
        n = p.get("n")
        try:
            n = as_count(n)  # a sample size
        except ValueError as e:
            raise ResultError(path, f"{where}.n: {e}") from None
        if n == 0:
            raise ResultError(path, f"{where}.n: 0 is not a sample size (n >= 1)")
        steps = {}
        for key, _ in SERIES:
            try:
                steps[key] = get_count(p, key)
            except ValueError as e:
                raise ResultError(path, f"{where}.{key}: {e}") from None
        measured.append((float(n), steps))
    return measured, failed, verdict["verdict"]
