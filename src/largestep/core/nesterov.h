// Nesterov's accelerated gradient for strongly convex f (constant momentum):
//   y_t = w_t + beta (w_t - w_{t-1}),  w_{t+1} = y_t - eta grad f(y_t),
//   eta = 1/L_s, beta = (sqrt(kappa) - 1) / (sqrt(kappa) + 1), kappa = L_s / lambda.
#pragma once

#include <cmath>
#include <optional>

#include "largestep/core/descent.h"
#include "largestep/core/solver.h"
#include "largestep/kernel/objective.h"
#include "largestep/core/solver_progress.h"

namespace largestep {

inline double nesterov_momentum(double kappa) {
  const double r = std::sqrt(kappa);
  return (r - 1) / (r + 1);
}

// Runs Nesterov's method from w (in: w_0; out: the last iterate). Each step costs two passes over
// the data: f(w_t) for the gap and grad f(y_t) for the step. `meter` hears the progress
// (solver_progress.h); the default costs nothing.
template <class Scalar, TraceObserver Observer = NoObserver, class Meter = NoProgress>
SolverResult nesterov(const LogisticObjective<Scalar>& f, const GapScalar<Scalar>& f_star,
                      const SolverOptions& options, double momentum, Vector<Scalar>& w,
                      Observer&& observe = {}, Meter meter = {}) {
  using std::isfinite;
  options.validate();
  if (!(momentum >= 0 && momentum < 1))
    throw std::invalid_argument("nesterov: momentum must be in [0, 1), got " + std::to_string(momentum));
  // eta_loc is GD's threshold: Nesterov's momentum changes the linearization at w_lambda.
  RunTracker<Scalar> tracker(options, f_star);
  const ValueErrorBound<Scalar> value_error(f);
  const Scalar eta(options.eta), beta(momentum);
  Vector<Scalar> previous = w, y(f.dim()), grad(f.dim());
  // With eta <= 1/L_s the gap never exceeds twice its start.
  GapDivergence diverging;
  for (std::int64_t t = 0;; ++t) {
    const Scalar value = f.value(w);
    ++tracker.evaluations().values;
    const double w_norm = static_cast<double>(w.norm());
    y = w + beta * (w - previous);
    evaluate(f, y, grad, tracker.evaluations());
    if (!isfinite(value) || !grad.allFinite())
      return tracker.finish(Termination::non_finite, t, NAN, w_norm);
    const double error = value_error(static_cast<double>(value), w_norm);
    const std::optional<Termination> stop = tracker.next(
        t, value, error, options.max_steps, [&] { return diverging(t, tracker.so_far().final_gap); });
    observe_step(observe, options, t, stop.has_value(), tracker.so_far(), grad, w);
    if (stop) {
      meter.last(t, tracker.so_far());
      return tracker.finish(*stop, t, static_cast<double>(grad.norm()), w_norm);
    }
    meter.step(t, tracker.so_far());
    previous = w;
    w = y - eta * grad;
  }
}

template <class Scalar, TraceObserver Observer = NoObserver>
SolverResult nesterov(const LogisticObjective<Scalar>& f, const GapScalar<Scalar>& f_star,
                      const SolverOptions& options, double momentum, Observer&& observe = {}) {
  Vector<Scalar> w = Vector<Scalar>::Zero(f.dim());
  return nesterov(f, f_star, options, momentum, w, std::forward<Observer>(observe));
}

}  // namespace largestep
