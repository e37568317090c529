// The claim checker: runs every claim group for a profile and renders the verdicts.
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

// Every claim of paper.md, in order: exact (E1-E4, E6, E7), local (E5, S6, S7), scaling (S1-S5,
// S8, S9, double vs multiprecision), population (S10).
CheckReport run_checks(const CheckContext& ctx);

Profile parse_profile(const std::string& name);  // "quick" | "paper"; std::invalid_argument else
std::string to_string(Profile p);

// Fixed-width table for terminals: claim, dataset, measured, predicted, verdict.
std::string verdict_table(const std::vector<Verdict>& verdicts);
// verdicts.md: the same table in Markdown, with the reasons.
std::string verdict_markdown(const CheckReport& report);
// verdicts.json: profile, environment, time, counts and every verdict.
nlohmann::json verdict_json(const CheckReport& report);

}  // namespace largestep::theory
