// Scores weight vectors computed elsewhere (LIBLINEAR, scikit-learn, a user's code) against the
// certified optimum: the objective in double as every run here evaluates it, and the exact gap.
#pragma once

#include <string>
#include <vector>

#include "largestep/kernel/dataset.h"
#include "largestep/reference/certified.h"

namespace largestep {

// The score's quantities at the reference's precision, as decimal strings (20 significant
// digits): MPFR's exponent range holds what overflows a double, e.g. f(w) for w = (1e200, 0).
struct ExactScore {
  std::string value;      // f(w), w taken exactly as given
  std::string gap;        // f(w) - f*
  std::string grad_norm;  // ||grad f(w)||
  std::string gap_bound;  // ||grad f(w)||^2 / (2 lambda)
};

struct WeightScore {
  // Each double below is not finite (inf, or NaN) when its value is beyond double's range; the
  // exact strings then still hold it.
  double value = 0;  // f(w) in double (LogisticObjective<double>, as runs evaluate it)
  double gap = 0;    // value - f* rounded to double: what a run would report for w
  // f(w) - f* with f(w) evaluated at the reference's digits, w taken exactly as given: free of
  // the ~1e-16 f rounding of `gap`, so >= 0 up to the reference's bracket width.
  double gap_exact = 0;
  double grad_norm = 0;  // ||grad f(w)||, in double
  // grad_norm^2 / (2 lambda): f is lambda-strongly convex, so f(w) - f* <= this for every w; a
  // peer's gap above it (beyond rounding) would mean that f* is wrong.
  double gap_bound = 0;
  ExactScore exact;
};

// One score per weight vector, each of dimension data.d(); `reference` is that of the data and
// its lambda (cached_reference_mp). Throws std::invalid_argument for a wrong dimension.
std::vector<WeightScore> score_weights(const Dataset<double>& data, const MpReference& reference,
                                       const std::vector<Vector<double>>& weights);

}  // namespace largestep
