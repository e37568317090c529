// Gradient descent with a constant stepsize: w_{t+1} = w_t - eta grad f(w_t).
#pragma once

#include <cmath>
#include <limits>
#include <optional>

#include "largestep/kernel/objective.h"
#include "largestep/core/solver.h"
#include "largestep/core/solver_progress.h"

namespace largestep {

// Past this norm GD provably runs off to infinity. With ||grad L|| <= G = max_i ||x_i||,
// ||w_{t+1}|| >= (eta lambda - 1) ||w_t|| - eta G, which exceeds ||w_t|| and keeps growing
// geometrically once ||w_t|| > eta G / (eta lambda - 2). For eta lambda <= 2 no such radius
// exists (the iterates stay bounded when eta lambda < 2), so it is infinite.
inline double gd_divergence_radius(double eta, double lambda, double max_row_norm) {
  if (eta * lambda <= 2) return std::numeric_limits<double>::infinity();
  return eta * max_row_norm / (eta * lambda - 2);
}

// Runs GD from w (in: w_0; out: the last iterate) and measures gaps against f_star, each with its
// error bound (solver.h). At eta >= options.eta_loc no count settles (E5). `meter` hears the
// progress (solver_progress.h); the default costs nothing.
template <class Scalar, TraceObserver Observer = NoObserver, class Meter = NoProgress>
SolverResult gradient_descent(const LogisticObjective<Scalar>& f, const GapScalar<Scalar>& f_star,
                              const SolverOptions& options, Vector<Scalar>& w,
                              Observer&& observe = {}, Meter meter = {}) {
  using std::isfinite;
  options.validate();
  RunTracker<Scalar> tracker(options, f_star, options.eta >= options.eta_loc);
  const ValueErrorBound<Scalar> value_error(f, Evaluation::value_and_gradient);
  const Scalar eta(options.eta);
  const double radius = gd_divergence_radius(options.eta, static_cast<double>(f.lambda()),
                                             static_cast<double>(f.data().max_row_norm()));
  Vector<Scalar> grad(f.dim());
  for (std::int64_t t = 0;; ++t) {
    const Scalar value = f.value_and_gradient(w, grad);
    const double w_norm = static_cast<double>(w.norm());
    if (!isfinite(value) || !grad.allFinite())
      return tracker.finish(Termination::non_finite, t, NAN, w_norm);
    const std::optional<Termination> stop =
        tracker.next(t, value, value_error(static_cast<double>(value), w_norm), options.max_steps,
                     [&] { return w_norm > radius; });
    observe_step(observe, options, t, stop.has_value(), tracker.so_far(), grad, w);
    if (stop) {
      meter.last(t, tracker.so_far());
      return tracker.finish(*stop, t, static_cast<double>(grad.norm()), w_norm);
    }
    meter.step(t, tracker.so_far());
    w.noalias() -= eta * grad;
  }
}

// GD from w_0 = 0.
template <class Scalar, TraceObserver Observer = NoObserver>
SolverResult gradient_descent(const LogisticObjective<Scalar>& f, const GapScalar<Scalar>& f_star,
                              const SolverOptions& options, Observer&& observe = {}) {
  Vector<Scalar> w = Vector<Scalar>::Zero(f.dim());
  return gradient_descent(f, f_star, options, w, std::forward<Observer>(observe));
}

}  // namespace largestep
