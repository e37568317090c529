// The Polyak step (oracle: f*): eta_t = (f(w_t) - f*) / ||grad f(w_t)||^2. On lambda-strongly
// convex f, ||grad f||^2 >= 2 lambda (f - f*), so eta_t <= 1/(2 lambda).
#pragma once

#include <cstdint>

#include "largestep/core/descent.h"

namespace largestep {

// When f(w_t) - f* is not positive in the gap's precision (w_t is at f*'s rounding), the formula
// would freeze the iterate: the step is then the run's eta (the rule `classical`: 1/L_s), a step
// that cannot increase f.
template <class Scalar>
class PolyakStep {
 public:
  PolyakStep(const GapScalar<Scalar>& f_star, const SolverOptions& options)
      : f_star_(f_star), fallback_(options.eta) {}

  bool unstable() const { return false; }
  bool diverging(std::int64_t t, double, double gap) { return divergence_(t, gap); }
  Scalar step(const LogisticObjective<Scalar>& f, std::int64_t, Scalar value, Vector<Scalar>& w,
              Vector<Scalar>& grad, Evaluations& evaluations) {
    const double gap = static_cast<double>(GapScalar<Scalar>(value) - f_star_);
    const double g2 = static_cast<double>(grad.squaredNorm());
    const double eta = gap > 0 && g2 > 0 ? gap / g2 : fallback_;
    return step_along(f, Scalar(eta), w, grad, evaluations);
  }

 private:
  GapScalar<Scalar> f_star_;
  double fallback_;
  GapDivergence divergence_;
};

}  // namespace largestep
