// Gradient descent with a constant stepsize: w_{t+1} = w_t - eta grad f(w_t).
#pragma once

#include <cmath>
#include <limits>
#include <optional>

#include "largestep/core/descent.h"
#include "largestep/core/solver.h"
#include "largestep/core/solver_progress.h"
#include "largestep/kernel/objective.h"

namespace largestep {

// Past this norm GD provably runs off to infinity. With ||grad L|| <= G = max_i ||x_i||,
// ||w_{t+1}|| >= (eta lambda - 1) ||w_t|| - eta G, which exceeds ||w_t|| and keeps growing
// geometrically once ||w_t|| > eta G / (eta lambda - 2). For eta lambda <= 2 no such radius
// exists (the iterates stay bounded when eta lambda < 2), so it is infinite.
inline double gd_divergence_radius(double eta, double lambda, double max_row_norm) {
  if (eta * lambda <= 2) return std::numeric_limits<double>::infinity();
  return eta * max_row_norm / (eta * lambda - 2);
}

// The constant step: w_{t+1} = w_t - eta grad f(w_t), and GD's divergence radius.
template <class Scalar>
class ConstantStep {
 public:
  ConstantStep(const LogisticObjective<Scalar>& f, const SolverOptions& options)
      : eta_(options.eta),
        unstable_(options.eta >= options.eta_loc),
        radius_(gd_divergence_radius(options.eta, static_cast<double>(f.lambda()),
                                     static_cast<double>(f.max_row_norm()))) {}

  bool unstable() const { return unstable_; }
  bool diverging(std::int64_t, double w_norm, double) const { return w_norm > radius_; }
  Scalar step(const LogisticObjective<Scalar>& f, std::int64_t, Scalar, Vector<Scalar>& w,
              Vector<Scalar>& grad, Evaluations& evaluations) const {
    // Spelled out rather than step_along(): g++ keeps that call out of line in this loop, 19
    // instructions a step more (the count gate, bench/baselines).
    w.noalias() -= eta_ * grad;
    return evaluate(f, w, grad, evaluations);
  }

 private:
  Scalar eta_;
  bool unstable_;
  double radius_;
};

// Runs GD from w (in: w_0; out: the last iterate) and measures gaps against f_star, each with its
// error bound (solver.h). At eta >= options.eta_loc no count settles (E5). `meter` hears the
// progress (solver_progress.h); the default costs nothing.
template <class Scalar, TraceObserver Observer = NoObserver, class Meter = NoProgress>
SolverResult gradient_descent(const LogisticObjective<Scalar>& f, const GapScalar<Scalar>& f_star,
                              const SolverOptions& options, Vector<Scalar>& w,
                              Observer&& observe = {}, Meter meter = {}) {
  ConstantStep<Scalar> step(f, options);
  return descend<Scalar, ConstantStep<Scalar>, Observer, Meter>(
      f, f_star, options, w, step, std::forward<Observer>(observe), meter);
}

// GD from w_0 = 0.
template <class Scalar, TraceObserver Observer = NoObserver>
SolverResult gradient_descent(const LogisticObjective<Scalar>& f, const GapScalar<Scalar>& f_star,
                              const SolverOptions& options, Observer&& observe = {}) {
  Vector<Scalar> w = Vector<Scalar>::Zero(f.dim());
  return gradient_descent(f, f_star, options, w, std::forward<Observer>(observe));
}

}  // namespace largestep
