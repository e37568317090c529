// A claim check's result: pass, fail or inconclusive, with the numbers and the reason.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace largestep::theory {

enum class Outcome { pass, fail, inconclusive };

std::string to_string(Outcome o);

struct Verdict {
  std::string claim;      // the paper.md tag: "E1", ..., "S10"
  std::string dataset;    // the dataset spec (or a description of the sweep)
  std::string measured;   // what we measured, human-readable, with numbers
  std::string predicted;  // the bound or prediction, with the tolerance used
  Outcome outcome = Outcome::inconclusive;
  std::string reason;     // why this verdict, in one sentence
  nlohmann::json details = nlohmann::json::object();  // raw numbers, for plots and reports
};

// pass when `holds`, else fail; reason says which.
Verdict verdict_from(bool holds, std::string claim, std::string dataset, std::string measured,
                     std::string predicted, std::string reason_if_pass, std::string reason_if_fail);

Verdict inconclusive(std::string claim, std::string dataset, std::string measured,
                     std::string predicted, std::string reason);

// Every claim states the least evidence a verdict needs: `predicted` ends with
// "; minimum evidence: MINIMUM", and below it the verdict is inconclusive, never pass or fail,
// with the reason "below the minimum evidence: WHAT IS MISSING".
std::string with_minimum(const std::string& predicted, const std::string& minimum);
Verdict below_minimum(std::string claim, std::string dataset, std::string measured,
                      std::string predicted, const std::string& missing);
// `v` made inconclusive for want of evidence, its numbers and details kept.
Verdict below_minimum(Verdict v, const std::string& missing);

nlohmann::json to_json(const Verdict& v);

}  // namespace largestep::theory
