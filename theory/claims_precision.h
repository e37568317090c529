// Double vs multiprecision: the S2 and S3 configurations of the suite rerun at 100 digits. In the
// EoS phase trajectories are rounding-sensitive (paper.md section 5), so a difference in the
// settled counts is information about the double runs, not a failure of the claims.
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

// Pass iff both runs of every point settle and |double - mp| <= rel_tol * mp; otherwise
// inconclusive with the numbers. `skipped` lists the configurations left out, with why.
Verdict judge_precision(const std::string& dataset, const std::vector<PrecisionPoint>& points,
                        const std::vector<std::string>& skipped, double rel_tol = 0.1);

}  // namespace largestep::theory
