// What every solver takes (SolverOptions) and reports (SolverResult), and the bookkeeping they
// share (RunTracker): steps-to-eps, monotonicity above rounding, termination.
#pragma once

#include <chrono>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "largestep/core/safe_settings.h"
#include "largestep/kernel/dataset.h"

namespace largestep {

enum class Termination {
  converged,      // gap + its error bound reached eps and stayed there for the confirmation window
  max_steps,      // the horizon was reached first
  floor_reached,  // the horizon was reached with the gap's error bound above eps and the gap
                  // within that bound of eps: the working precision cannot tell (never converged)
  diverged,       // the iterates provably (GD) or evidently (Nesterov) run off to infinity
  non_finite,     // f or grad f became NaN or Inf in the working precision
};

std::string to_string(Termination t);
// The inverse of to_string; throws std::invalid_argument naming the text and the known names.
Termination parse_termination(std::string_view text);

struct SolverOptions {
  double eta = 0;             // stepsize, > 0 (Nesterov: the gradient step 1/L_s in theory)
  double eps = 1e-8;          // target gap f(w_t) - f*, > 0
  std::int64_t max_steps = 100000;  // horizon: w_0 .. w_max_steps are evaluated, >= 1
  // Stop once the gap has stayed <= eps for max(settle_min_steps, settle_fraction * t_hit)
  // consecutive steps after it last rose above eps at t_hit; false runs to the horizon.
  bool stop_when_settled = true;
  std::int64_t settle_min_steps = 20;
  double settle_fraction = 0.25;
  // An increase f(w_{t+1}) > f(w_t) counts only when it exceeds this many ulps of |f(w_t)| in the
  // working precision: below it is rounding jitter, not the dynamics (paper.md section 5).
  double increase_tolerance_ulps = 64;
  std::int64_t trace_every = 1;  // observer stride in steps (the last step is always reported)
  // How far the f* the gaps are measured against may be from the true minimum beyond its
  // rounding: the reference's bracket width f* - f*_lower (run() in experiment.h sets it). Part
  // of every gap's error bound.
  double reference_bracket = 0;
  // GD's local stability threshold 2 / h_max at w_lambda (E5), when known. At eta >= eta_loc
  // w_lambda is unstable: rounding-level deviations grow by |1 - eta h_max| >= 1 per step, so a
  // gap that sat below eps can still escape. Such a run never stops early and its settled count is
  // only a lower bound, however long it stayed below eps.
  double eta_loc = std::numeric_limits<double>::infinity();
  SafeSettings safe;  // the solver `safe` only (safe.h)

  // Throws std::invalid_argument naming the field, its value and the violated constraint.
  void validate() const;
};

// A step count that may be only a lower bound: not reached within the horizon, reached too close
// to it to be confirmed, or at a stepsize where w_lambda is unstable.
struct StepCount {
  std::int64_t value = 0;
  bool lower_bound = true;  // true: the count is >= value (> value - 1)

  std::string str() const;  // "1234" or ">100000": text only; files use put_count (result_io.h)
};

// What a run evaluated. Each is one pass over the data: the fused value and gradient reads each
// row once, as does a value alone or a Hessian-vector product.
struct Evaluations {
  std::int64_t gradients = 0;         // f and grad f together
  std::int64_t values = 0;            // f alone (Nesterov's f(w_t), a line search's trial)
  std::int64_t hessian_products = 0;  // hess f(w) v

  std::int64_t passes() const { return gradients + values + hessian_products; }
};

// A step t is within eps when gap_t + bound_t <= eps, bound_t bounding |gap_t - the true gap|.
struct SolverResult {
  Termination termination = Termination::max_steps;
  std::int64_t steps = 0;  // the last t evaluated
  StepCount first_hit;     // first t within eps
  // First t after which every step is within eps up to the last step evaluated, confirmed for the
  // settle window (see SolverOptions) and at a stable stepsize; otherwise a lower bound.
  StepCount settled;
  // The passes over the data spent up to and including the evaluation of the settled iterate:
  // what reaching eps cost, comparable across methods whose steps cost different passes.
  StepCount settled_passes;
  Evaluations evaluations;  // over the whole run, the confirmation window included
  // f and gap at the last finite evaluation; the norms at the last step, unset if not finite.
  double final_value = 0, final_gap = 0;
  // The error bound of final_gap (ValueErrorBound of the evaluation, the reference bracket and
  // f*'s rounding), and the floor: the same bound at w_lambda, the least a step near the optimum
  // can have (set by run() in experiment.h; 0 when not known).
  double gap_bound = 0, gap_floor = 0;
  bool unstable = false;  // GD at eta >= eta_loc: settled is a lower bound whatever the gaps did
  std::optional<double> final_grad_norm, final_w_norm;
  std::int64_t increases = 0;                  // count of f(w_{t+1}) > f(w_t) above tolerance
  std::optional<std::int64_t> last_increase;  // the t of the last such w_t
  // Returns to an earlier iterate (the solver `safe` rolls back to its best checkpoint).
  std::int64_t rollbacks = 0;
  // The run stopped on its own proof that the gap is within eps, ||grad f||^2 / (2 lambda) <= eps
  // (the solver `safe`), with the measured gap agreeing: no f* and no confirmation window.
  bool certified_stop = false;
  double seconds = 0;                          // wall time of the whole solve
};

// One point of a trace: what an observer receives.
struct TracePoint {
  std::int64_t t;
  double value, gap, grad_norm, w_norm;
};

// An observer is any callable taking a TracePoint. NoObserver compiles away entirely.
struct NoObserver {
  void operator()(const TracePoint&) const {}
};

// An observer that also takes the iterate (const Vector<Scalar>&) receives w_t with its point.
template <class F>
concept TraceObserver = std::invocable<F, const TracePoint&> ||
                        std::invocable<F, const TracePoint&, const Vector<double>&> ||
                        std::invocable<F, const TracePoint&, const Vector<float>&>;

// Hands the observer its point every `trace_every` steps and at the last step; with NoObserver
// nothing is computed (the norms cost O(d) each).
template <class Scalar, class Observer>
void observe_step(Observer& observe, const SolverOptions& options, std::int64_t t, bool last,
                  const SolverResult& so_far, const Vector<Scalar>& grad, const Vector<Scalar>& w) {
  if constexpr (!std::is_same_v<std::remove_cvref_t<Observer>, NoObserver>) {
    if (last || t % options.trace_every == 0) {
      const TracePoint point{t, so_far.final_value, so_far.final_gap,
                             static_cast<double>(grad.norm()), static_cast<double>(w.norm())};
      if constexpr (std::invocable<Observer&, const TracePoint&, const Vector<Scalar>&>)
        observe(point, w);
      else
        observe(point);
    }
  }
}

// An increase of f(w) in Scalar arithmetic counts only above this many ulps of |f(w)|: below it
// the two values are not told apart (SolverOptions::increase_tolerance_ulps).
template <class Scalar, class Wide>
Wide increase_tolerance(const Wide& value, double ulps) {
  using std::abs;
  return Wide(ulps) * Wide(std::numeric_limits<Scalar>::epsilon()) * abs(value);
}

// The precision gaps are measured in: double for float and double runs (a float f* would hide
// gaps below 1e-7 f*), the run's own type for multiprecision runs.
template <class Scalar>
using GapScalar = std::conditional_t<std::is_floating_point_v<Scalar>, double, Scalar>;

// Shared step bookkeeping of the solvers. Call record() once per evaluated iterate, in order,
// with the bound on the rounding error of f(w_t) (ValueErrorBound); the tracker adds the
// reference's part: the bracket and f*'s rounding to the gap precision.
template <class Scalar>
class RunTracker {
 public:
  using Wide = GapScalar<Scalar>;

  // `unstable`: the solver's fixed point is unstable at this stepsize (GD at eta >= eta_loc).
  RunTracker(const SolverOptions& options, const Wide& f_star, bool unstable = false)
      : options_(options),
        f_star_(f_star),
        eps_(options.eps),
        reference_error_(options.reference_bracket + f_star_rounding(f_star)),
        unstable_(unstable) {
    result_.unstable = unstable;
  }

  // Records f(w_t) and the bound on its rounding error; returns true when the run may stop as
  // settled.
  bool record(std::int64_t t, const Scalar& f_t, double value_error) {
    const Wide value(f_t);
    const Wide gap = value - f_star_;
    if (t > 0 && value - previous_ >
                     increase_tolerance<Scalar>(previous_, options_.increase_tolerance_ulps)) {
      ++result_.increases;
      result_.last_increase = t;
    }
    previous_ = value;
    const double bound = value_error + reference_error_;
    if (gap + Wide(bound) <= eps_) {
      if (result_.first_hit.lower_bound) result_.first_hit = {t, false};
      if (streak_start_ < 0) {
        streak_start_ = t;
        streak_passes_ = result_.evaluations.passes();
      }
    } else {
      streak_start_ = -1;
    }
    result_.steps = t;
    result_.final_value = static_cast<double>(value);
    result_.final_gap = static_cast<double>(gap);
    result_.gap_bound = bound;
    return options_.stop_when_settled && !unstable_ && confirmed(t);
  }

  // Records f(w_t) and says whether the run stops at t, and why: settled, the horizon, or
  // `diverging()` (checked last, only when neither of the others applies).
  template <class Diverging>
  std::optional<Termination> next(std::int64_t t, const Scalar& f_t, double value_error,
                                  std::int64_t max_steps, Diverging&& diverging) {
    if (record(t, f_t, value_error)) return Termination::converged;
    if (t == max_steps) return Termination::max_steps;
    if (diverging()) return Termination::diverged;
    return std::nullopt;
  }

  // The one place a run's counts are decided. The settled count is measured only when the run
  // stopped as settled, or reached the horizon having stayed within eps for the whole window, at
  // a stable stepsize; a streak at the horizon that is too short or unstable gives a lower bound
  // (its start: the count, if any, is no earlier), no streak gives steps + 1. A run at the horizon
  // whose gap bound exceeds eps while the gap is within that bound of eps is floor_reached.
  SolverResult finish(Termination termination, std::int64_t last_t, double grad_norm,
                      double w_norm) {
    result_.steps = last_t;
    if (std::isfinite(grad_norm)) result_.final_grad_norm = grad_norm;
    if (std::isfinite(w_norm)) result_.final_w_norm = w_norm;
    const double eps = static_cast<double>(eps_);
    if (termination == Termination::max_steps && result_.gap_bound > eps &&
        result_.final_gap - result_.gap_bound <= eps)
      termination = Termination::floor_reached;
    result_.termination = termination;
    const bool ran_out =
        termination == Termination::converged || termination == Termination::max_steps;
    if (ran_out && streak_start_ >= 0) {
      result_.settled = {streak_start_, unstable_ || !confirmed(result_.steps)};
      result_.settled_passes = {streak_passes_, result_.settled.lower_bound};
    } else {
      result_.settled = {result_.steps + 1, true};
      result_.settled_passes = {result_.evaluations.passes() + 1, true};
    }
    if (result_.first_hit.lower_bound) result_.first_hit = {result_.steps + 1, true};
    result_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    return result_;
  }

  // The solver proved w_t (the iterate just recorded) within eps without f*: the run stops there
  // as converged, its streak confirmed by the proof instead of the window, when the measured gap
  // agrees (a streak is open) and the run stops when settled at all. Returns whether it stops.
  bool certify() {
    if (!options_.stop_when_settled || unstable_ || streak_start_ < 0) return false;
    result_.certified_stop = true;
    return true;
  }

  const SolverResult& so_far() const { return result_; }
  // The solver counts each evaluation here as it makes it, before recording the iterate's value.
  Evaluations& evaluations() { return result_.evaluations; }

 private:
  // f* rounded to the gap precision, and so is f*_lower: an ulp of f* covers both ends.
  static double f_star_rounding(const Wide& f_star) {
    using std::abs;
    return static_cast<double>(abs(f_star) * std::numeric_limits<Wide>::epsilon());
  }

  // Whether the current streak, which started at streak_start_, has lasted the settle window at t.
  bool confirmed(std::int64_t t) const {
    if (streak_start_ < 0) return false;
    if (result_.certified_stop) return true;
    const double window =
        std::max<double>(static_cast<double>(options_.settle_min_steps),
                         options_.settle_fraction * static_cast<double>(streak_start_));
    return static_cast<double>(t - streak_start_) >= window;
  }

  const SolverOptions& options_;
  const Wide f_star_;
  const Wide eps_;
  const double reference_error_;
  const bool unstable_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  SolverResult result_;
  Wide previous_ = Wide(0);
  std::int64_t streak_start_ = -1;  // first t of the current run of steps within eps; -1: none
  std::int64_t streak_passes_ = 0;  // the passes spent when the streak started
};

}  // namespace largestep
