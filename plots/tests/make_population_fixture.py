#!/usr/bin/python3
"""Replaces the S10 verdict of fixtures/verdicts.json by the one the checker's own writers produce
(theory::judge_s10 and theory::verdict_json), and recounts the verdicts: the figure tests then
read what `largestep verify` writes, not a hand edit. The verdict is the one of the C++ test
PopulationFigure.DrawsTheWrittenVerdictWithACensoredCount (tests/test_claims_population.cpp):
made-up points growing like the claims, n = 2^7 .. 2^13, with the eta = 1 count at n = 512 cut
off by the horizon and the last n failed.

    make_population_fixture.py BUILD_DIR/tests/test_claims_population [FIXTURE_JSON]
"""

import argparse
import json
import os
import subprocess
import tempfile

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "verdicts.json")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("test_binary", help="the built test_claims_population")
    parser.add_argument("fixture", nargs="?", default=FIXTURE)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as out:
        env = dict(os.environ, LARGESTEP_S10_FIXTURE_DIR=out)
        subprocess.run([args.test_binary, "--gtest_filter=PopulationFigure.*"], env=env,
                       check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(out, "verdicts.json"), encoding="utf-8") as f:
            (written,) = [v for v in json.load(f)["verdicts"] if v["claim"] == "S10"]
    with open(args.fixture, encoding="utf-8") as f:
        doc = json.load(f)
    doc["verdicts"] = [written if v["claim"] == "S10" else v for v in doc["verdicts"]]
    doc["counts"] = {k: sum(v["verdict"] == k for v in doc["verdicts"])
                     for k in ("fail", "inconclusive", "pass")}
    with open(args.fixture, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, sort_keys=True)  # the fixture's layout: one-space indent


if __name__ == "__main__":
    main()
