// Double vs multiprecision: every S2 and S3 configuration of the suite rerun at 100 digits. In
// the EoS phase trajectories are rounding-sensitive (paper.md section 5), so the double runs'
// counts stand only if the 100-digit runs agree with them: a double count that differs from the
// 100-digit one beyond the stated tolerance fails (the counts the scaling verdicts fit would then
// be artefacts of rounding).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "largestep/core/solver.h"
#include "verdict.h"

namespace largestep::theory {

struct PrecisionPoint {
  double lambda = 0, eta = 0;
  std::string method;                // "s2" or "s3"
  StepCount double_steps, mp_steps;  // settled
  std::optional<std::int64_t> double_last_increase, mp_last_increase;
  double mp_seconds = 0;
};

// Fail iff at some point |double - mp| > rel_tol * mp for every value the counts can have (a
// count cut off by the horizon is a lower bound: it can still fail when even its bound is too
// far). Otherwise pass iff the minimum evidence holds: every configuration compared (`skipped`
// lists those left out, with why), both counts settled at every point; else inconclusive.
Verdict judge_precision(const std::string& dataset, const std::vector<PrecisionPoint>& points,
                        const std::vector<std::string>& skipped, double rel_tol = 0.1);

}  // namespace largestep::theory
