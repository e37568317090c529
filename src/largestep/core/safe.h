// Safe large-stepsize GD, needing no oracle (no f*, eta_loc or gamma): take the largest locally
// stable stepsize, ramp up to it, watch the loss and roll back, stop at the accuracy asked for.
//   warm-up     from the run's eta (1/L_s by the rule `classical`), eta grows by `warmup` a step;
//   stability   every `every` steps, `lanczos` steps of plain Lanczos on Hessian-vector products
//               estimate h = lambda_max(hess f(w_t)); eta is capped at scale * cap * 2 / h, the
//               largest locally stable stepsize times cap < 1;
//   guard       a step to f > f(w_0), to a value that is not finite, or `patience` steps without
//               a new best f rolls back to the best iterate seen (its w and gradient, kept as a
//               checkpoint), halves `scale` and estimates h again there;
//   stop        on ||grad f(w_t)||^2 / (2 lambda) <= eps, which bounds f(w_t) - f* on the
//               lambda-strongly convex f without knowing f* (RunTracker::certify).
// Each estimate costs `lanczos` passes over the data (Evaluations::hessian_products).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "largestep/core/descent.h"
#include "largestep/core/safe_settings.h"

namespace largestep {

template <class Scalar>
class SafeStep {
 public:
  SafeStep(const LogisticObjective<Scalar>& f, const SolverOptions& options)
      : settings_(options.safe),
        eta_(options.eta),
        eps_(options.eps),
        lambda_(static_cast<double>(f.lambda())),
        best_w_(f.dim()),
        best_grad_(f.dim()) {}

  bool unstable() const { return false; }
  bool diverging(std::int64_t t, double, double gap) { return divergence_(t, gap); }
  // f(w) - f* <= ||grad f(w)||^2 / (2 lambda) on lambda-strongly convex f.
  bool certified(const Vector<Scalar>& grad) const {
    return static_cast<double>(grad.squaredNorm()) / (2 * lambda_) <= eps_;
  }
  std::int64_t rollbacks() const { return rollbacks_; }
  double eta() const { return eta_; }

  Scalar step(const LogisticObjective<Scalar>& f, std::int64_t t, Scalar value, Vector<Scalar>& w,
              Vector<Scalar>& grad, Evaluations& evaluations) {
    using std::isfinite;
    if (t == 0) {
      start_value_ = value;
      checkpoint(0, value, w, grad);
    }
    if (t >= next_estimate_) estimate(f, w, evaluations, t);
    eta_ = std::min(t == 0 ? eta_ : eta_ * settings_.warmup, scale_ * cap_);
    w.noalias() -= Scalar(eta_) * grad;
    Scalar next = evaluate(f, w, grad, evaluations);
    if (isfinite(next) && next < best_value_) {
      checkpoint(t + 1, next, w, grad);
    } else if (!isfinite(next) || next > start_value_ || t + 1 - best_t_ >= settings_.patience) {
      w = best_w_;
      grad = best_grad_;
      next = best_value_;
      scale_ /= 2;
      best_t_ = t + 1;
      next_estimate_ = t + 1;
      ++rollbacks_;
    }
    return next;
  }

 private:
  void checkpoint(std::int64_t t, Scalar value, const Vector<Scalar>& w,
                  const Vector<Scalar>& grad) {
    best_value_ = value;
    best_w_ = w;
    best_grad_ = grad;
    best_t_ = t;
  }

  // cap * 2 / h for the Ritz estimate h <= lambda_max(hess f(w)) (at least lambda: hess f >=
  // lambda I), and the stepsize at most that times scale.
  void estimate(const LogisticObjective<Scalar>& f, const Vector<Scalar>& w,
                Evaluations& evaluations, std::int64_t t) {
    const auto apply = [&](const Vector<double>& v) -> Vector<double> {
      ++evaluations.hessian_products;
      return f.hessian_times(w, v.template cast<Scalar>()).template cast<double>();
    };
    const double h =
        std::max(lanczos_largest_eigenvalue(apply, f.dim(), settings_.lanczos_steps), lambda_);
    cap_ = settings_.cap * 2 / h;
    next_estimate_ = t + settings_.every;
  }

  SafeSettings settings_;
  double eta_;
  double eps_;
  double lambda_;
  double cap_ = 0;
  double scale_ = 1;
  std::int64_t next_estimate_ = 0;
  std::int64_t rollbacks_ = 0;
  Scalar start_value_ = Scalar(0), best_value_ = Scalar(0);
  std::int64_t best_t_ = 0;
  Vector<Scalar> best_w_, best_grad_;
  GapDivergence divergence_;
};

}  // namespace largestep
