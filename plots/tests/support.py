"""Shared by the plots tests: paths, the data directory made by the real writers, a scratch copy
of it, the PNG check."""

import json
import os
import shutil
import sys

TESTS = os.path.dirname(os.path.abspath(__file__))
PLOTS = os.path.dirname(TESTS)
FIXTURES = os.path.join(TESTS, "fixtures")
PYTHON = "/usr/bin/python3"  # Debian's, with matplotlib; the first python3 on PATH may lack it
DATA_VARIABLE = "LARGESTEP_PLOTS_DATA"
sys.path.insert(0, PLOTS)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def generated_data():
    """The data directory that tests/make_data.cmake wrote with the built largestep (CTest's
    plots_data fixture runs it first and names it in LARGESTEP_PLOTS_DATA). Read only: a test
    that breaks a file works on copy_data's copy."""
    path = os.environ.get(DATA_VARIABLE)
    if not path:
        raise RuntimeError(f"{DATA_VARIABLE} is not set: run the plots tests through CTest "
                           "(ctest -R plots_ makes the data directory with the built largestep "
                           "first), or set it to a directory written by tests/make_data.cmake")
    for name in ("runs.json", os.path.join("figures", "runs.json"), "bifurcation.csv"):
        if not os.path.isfile(os.path.join(path, name)):
            raise RuntimeError(f"{DATA_VARIABLE}={path}: no {name}; not a directory written by "
                               "tests/make_data.cmake")
    return path


def largestep():
    """The built program (LARGESTEP_BINARY, set by CTest), for the tests that judge an edited
    copy of the data the way the checker does."""
    path = os.environ.get("LARGESTEP_BINARY")
    if not path or not os.path.isfile(path):
        raise RuntimeError(f"LARGESTEP_BINARY={path!r} is not the built largestep: run the plots "
                           "tests through CTest, or set it")
    return path


def copy_data(dst, peers=False, time_to_eps=False, arena=False):
    """The generated data directory copied to dst (so a test may break it), its verdicts.json
    replaced by the committed fixture (edited to hold a failing and an inconclusive verdict,
    HTML in a reason, and S10 points censored and failed), with or without the optional peer
    comparison (a synthetic fixture) and the time-to-eps files of the paper profile (trimmed
    from real bench_time_to_eps output) and the arena's table (a real `largestep arena --suite
    arena-quick` run)."""
    shutil.copytree(generated_data(), dst)
    shutil.copy(os.path.join(FIXTURES, "verdicts.json"), dst)
    if peers:
        for name in os.listdir(os.path.join(FIXTURES, "peers")):
            shutil.copy(os.path.join(FIXTURES, "peers", name), dst)
    if time_to_eps:
        for name in os.listdir(os.path.join(FIXTURES, "time_to_eps")):
            shutil.copy(os.path.join(FIXTURES, "time_to_eps", name), dst)
    if arena:
        shutil.copytree(os.path.join(FIXTURES, "arena"), os.path.join(dst, "arena"))
    return dst


def assert_png(test, path):
    with open(path, "rb") as f:
        head = f.read(8)
    test.assertEqual(head, PNG_SIGNATURE, path)
    test.assertGreater(os.path.getsize(path), 5000, path)


# A method the arena's fixture does not have, added by the tests to show that the figure and the
# report read the method list from the file: no oracle, one cell each of fewest passes, skipped,
# cut off by the horizon and diverged (made-up counts, by cell in the fixture's order).
SAFE = "safe"
SAFE_RUNS = ({"passes": 30}, {"skipped": "the rule needs a margin the data does not have"},
             {"passes_at_least": 5000, "termination": "max_steps"},
             {"passes": 12, "termination": "diverged"}, {"passes": 70}, {"passes": 100})


def add_safe(data_dir):
    """Adds the method SAFE (no oracle) and its SAFE_RUNS to DATA_DIR/arena/arena.json; returns
    the edited document."""
    path = os.path.join(data_dir, "arena", "arena.json")
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    doc["methods"].append({"name": SAFE, "oracles": ""})
    for cell, edit in zip(doc["cells"], SAFE_RUNS, strict=True):
        run = {"method": SAFE, **edit}
        if "skipped" not in run:
            run.setdefault("termination", "converged")
            run.setdefault("passes", None)
            run.setdefault("passes_at_least", None)
            run.update(settled=None, settled_at_least=None, seconds=1e-5)
        cell["runs"].append(run)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
    return doc
