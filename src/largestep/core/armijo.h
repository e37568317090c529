// Armijo backtracking: each step tries eta = 2 eta_{t-1} (the first: the run's eta, 1/L_s by the
// rule `classical`) and halves it until
//   f(w - eta g) <= f(w) - eta ||g||^2 / 2,
// the sufficient decrease checked up to the rounding of f (the tolerance of an increase,
// SolverOptions::increase_tolerance_ulps): below it the two values are not told apart. Each trial
// evaluates f and grad f together, one pass, so the accepted trial's gradient is the next step's.
#pragma once

#include <cmath>
#include <cstdint>
#include <utility>

#include "largestep/core/descent.h"

namespace largestep {

// A step that cannot decrease f however small (the sufficient decrease below rounding) is
// accepted after this many halvings: eta_0 2^-60 moves w by less than its rounding.
inline constexpr int kArmijoMaxHalvings = 60;

// f decreases at every accepted step, so the run never diverges (GapDivergence stays as a guard).
template <class Scalar>
class ArmijoStep {
 public:
  ArmijoStep(const LogisticObjective<Scalar>& f, const SolverOptions& options)
      : eta_(options.eta / 2),
        tolerance_ulps_(options.increase_tolerance_ulps),
        trial_(f.dim()),
        trial_grad_(f.dim()) {}

  bool unstable() const { return false; }
  bool diverging(std::int64_t t, double, double gap) { return divergence_(t, gap); }
  Scalar step(const LogisticObjective<Scalar>& f, std::int64_t, Scalar value, Vector<Scalar>& w,
              Vector<Scalar>& grad, Evaluations& evaluations) {
    const double g2 = static_cast<double>(grad.squaredNorm());
    const double v = static_cast<double>(value);
    const double rounding = increase_tolerance<Scalar>(v, tolerance_ulps_);
    double eta = 2 * eta_;
    Scalar trial_value(0);
    for (int halvings = 0;; ++halvings, eta /= 2) {
      trial_ = w - Scalar(eta) * grad;
      trial_value = evaluate(f, trial_, trial_grad_, evaluations);
      const double t_v = static_cast<double>(trial_value);
      if (t_v <= v - eta * g2 / 2 + rounding || halvings == kArmijoMaxHalvings) break;
    }
    eta_ = eta;
    w.swap(trial_);
    grad.swap(trial_grad_);
    return trial_value;
  }

 private:
  double eta_;
  double tolerance_ulps_;
  Vector<Scalar> trial_, trial_grad_;
  GapDivergence divergence_;
};

}  // namespace largestep
