// The claim checker in two steps that meet in files: measure_claims runs the claim suite once
// and makes every claim family's measurements, writing them under DIR; judge_claims reads DIR
// and returns the verdicts. `verify --suite` does both, `verify --data DIR` the second alone,
// and the figures draw the same files.
//
// DIR/runs.json, runs.csv, traces/    the claim suite's runs (src/largestep/core/suite_runner.h)
// DIR/measurements/exact.json          E1-E4, E6, E7        (claims_exact.h)
// DIR/measurements/local.json          E5, S6, S7           (claims_local.h)
// DIR/measurements/s5.json             S5's stepsize grids  (claims_sweep.h)
// DIR/measurements/precision.json      100-digit reruns     (claims_sweep.h)
// DIR/measurements/population.json     S10                  (claims_population.h)
// DIR/measurements/suite.json          {suite, runs, seconds, environment}
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "check_context.h"
#include "verdict.h"

namespace largestep::theory {

struct CheckReport {
  std::string profile;
  std::vector<Verdict> verdicts;
  double seconds = 0;

  int count(Outcome o) const;
  bool any_failed() const { return count(Outcome::fail) > 0; }
};

// Measures every claim family of ctx's suite size into DIR (created), as listed above.
void measure_claims(const CheckContext& ctx, const std::string& dir);

// Every claim of paper.md from DIR's files, in order: exact (E1-E4, E6, E7), local (E5, S6, S7),
// scaling (S1-S5, S8, S9, double vs multiprecision), population (S10). Runs nothing. Throws
// std::invalid_argument naming the file and the field when a file is missing or malformed.
CheckReport judge_claims(const std::string& dir);

Profile parse_profile(const std::string& name);  // "quick" | "paper"; std::invalid_argument else
std::string to_string(Profile p);

// Fixed-width table for terminals: claim, dataset, measured, predicted, verdict.
std::string verdict_table(const std::vector<Verdict>& verdicts);
// verdicts.md: the same table in Markdown, with the reasons.
std::string verdict_markdown(const CheckReport& report);
// verdicts.json: profile, environment, time, counts and every verdict.
nlohmann::json verdict_json(const CheckReport& report);

}  // namespace largestep::theory
