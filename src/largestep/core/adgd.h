// Adaptive gradient descent without line search (Malitsky & Mishchenko 2020, "Adaptive gradient
// descent without descent", Algorithm 1): no parameter, the stepsize estimated from the last two
// iterates and gradients,
//   eta_t = min(sqrt(1 + theta_{t-1}) eta_{t-1}, ||w_t - w_{t-1}|| / (2 ||g_t - g_{t-1}||)),
//   theta_t = eta_t / eta_{t-1}, starting from eta_0 (1e-10: the rule fixed:eta=1e-10) and
//   theta_0 = +inf, so that w_1 = w_0 - eta_0 g_0.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#include "largestep/core/descent.h"

namespace largestep {

// On lambda-strongly convex f, ||g_t - g_{t-1}|| >= lambda ||w_t - w_{t-1}||, so every eta_t after
// the first is at most 1/(2 lambda) and GD's escape radius is infinite. When the difference
// quotient is not a number (the gradients equal in the working precision) the first term alone
// applies; at t = 1, where that is infinite too, the step stays eta_0.
template <class Scalar>
class AdgdStep {
 public:
  AdgdStep(const LogisticObjective<Scalar>& f, const SolverOptions& options)
      : eta_(options.eta), w_previous_(f.dim()), g_previous_(f.dim()) {}

  bool unstable() const { return false; }
  bool diverging(std::int64_t t, double, double gap) { return divergence_(t, gap); }
  Scalar step(const LogisticObjective<Scalar>& f, std::int64_t t, Scalar, Vector<Scalar>& w,
              Vector<Scalar>& grad, Evaluations& evaluations) {
    if (t > 0) {
      const double dw = static_cast<double>((w - w_previous_).norm());
      const double dg = static_cast<double>((grad - g_previous_).norm());
      const double growth = std::sqrt(1 + theta_) * eta_;
      const double quotient = dw / (2 * dg);
      double eta = std::isfinite(quotient) ? std::min(growth, quotient) : growth;
      if (!std::isfinite(eta)) eta = eta_;
      theta_ = eta / eta_;
      eta_ = eta;
    }
    w_previous_ = w;
    g_previous_ = grad;
    return step_along(f, Scalar(eta_), w, grad, evaluations);
  }

 private:
  double eta_;
  double theta_ = std::numeric_limits<double>::infinity();
  Vector<Scalar> w_previous_, g_previous_;
  GapDivergence divergence_;
};

}  // namespace largestep
