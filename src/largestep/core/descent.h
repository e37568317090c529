// The loop of every gradient method that moves along -grad f(w_t) with a stepsize of its own
// choosing: constant (GD), scheduled (silver), adaptive (adgd, polyak) or searched (armijo). The
// loop evaluates, records and stops; a Stepper chooses eta_t, moves w and evaluates the new
// iterate. A Stepper has
//   bool unstable() const;  // at this stepsize w_lambda is unstable: no count settles (E5)
//   bool diverging(std::int64_t t, double w_norm, double gap);
//   Scalar step(const LogisticObjective<Scalar>& f, std::int64_t t, Scalar value,
//               Vector<Scalar>& w, Vector<Scalar>& grad, Evaluations& evaluations);
// where step() takes f(w_t) and grad f(w_t), leaves w_{t+1} in w and grad f(w_{t+1}) in grad,
// returns f(w_{t+1}) and counts every evaluation it made. A Stepper may also have
//   bool certified(const Vector<Scalar>& grad) const;  // its own proof that w_t is within eps
//   std::int64_t rollbacks() const;                    // returns to an earlier iterate
// the first stopping the run (RunTracker::certify), the second reported in the result.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>

#include "largestep/core/solver.h"
#include "largestep/core/solver_progress.h"
#include "largestep/kernel/objective.h"

namespace largestep {

// f(w) and grad f(w) in one pass, counted.
template <class Scalar>
Scalar evaluate(const LogisticObjective<Scalar>& f, const Vector<Scalar>& w, Vector<Scalar>& grad,
                Evaluations& evaluations) {
  ++evaluations.gradients;
  return f.value_and_gradient(w, grad);
}

// The step itself: w <- w - eta grad f(w), then f and grad f at the new w.
template <class Scalar>
Scalar step_along(const LogisticObjective<Scalar>& f, Scalar eta, Vector<Scalar>& w,
                  Vector<Scalar>& grad, Evaluations& evaluations) {
  w.noalias() -= eta * grad;
  return evaluate(f, w, grad, evaluations);
}

// Divergence for a method without a provable escape radius: the gap has grown this many times
// past its start (at least 1). A method that converges in theory never comes near it; one whose
// stepsize is outside its range passes it within a few dozen steps.
class GapDivergence {
 public:
  static constexpr double kFactor = 1e12;
  bool operator()(std::int64_t t, double gap) {
    if (t == 0) limit_ = kFactor * std::max(1.0, gap);
    return gap > limit_;
  }

 private:
  double limit_ = 0;
};

// The result with the stepper's rollbacks, when it makes any.
template <class Stepper>
SolverResult with_rollbacks(SolverResult result, const Stepper& stepper) {
  if constexpr (requires { stepper.rollbacks(); }) result.rollbacks = stepper.rollbacks();
  return result;
}

// Runs the method from w (in: w_0; out: the last iterate) and measures gaps against f_star, each
// with its error bound (solver.h). `meter` hears the progress (solver_progress.h); the default
// costs nothing.
template <class Scalar, class Stepper, TraceObserver Observer = NoObserver, class Meter = NoProgress>
SolverResult descend(const LogisticObjective<Scalar>& f, const GapScalar<Scalar>& f_star,
                     const SolverOptions& options, Vector<Scalar>& w, Stepper& stepper,
                     Observer&& observe = {}, Meter meter = {}) {
  using std::isfinite;
  options.validate();
  RunTracker<Scalar> tracker(options, f_star, stepper.unstable());
  const ValueErrorBound<Scalar> value_error(f);
  Vector<Scalar> grad(f.dim());
  Scalar value = evaluate(f, w, grad, tracker.evaluations());
  for (std::int64_t t = 0;; ++t) {
    const double w_norm = static_cast<double>(w.norm());
    if (!isfinite(value) || !grad.allFinite())
      return with_rollbacks(tracker.finish(Termination::non_finite, t, NAN, w_norm), stepper);
    std::optional<Termination> stop =
        tracker.next(t, value, value_error(static_cast<double>(value), w_norm), options.max_steps,
                     [&] { return stepper.diverging(t, w_norm, tracker.so_far().final_gap); });
    if constexpr (requires { stepper.certified(grad); })
      if (!stop && stepper.certified(grad) && tracker.certify()) stop = Termination::converged;
    observe_step(observe, options, t, stop.has_value(), tracker.so_far(), grad, w);
    if (stop) {
      meter.last(t, tracker.so_far());
      return with_rollbacks(tracker.finish(*stop, t, static_cast<double>(grad.norm()), w_norm),
                            stepper);
    }
    meter.step(t, tracker.so_far());
    value = stepper.step(f, t, value, w, grad, tracker.evaluations());
  }
}

}  // namespace largestep
