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
#include <type_traits>

#include "largestep/kernel/dataset.h"

namespace largestep {

enum class Termination {
  converged,   // the gap reached eps and stayed there for the confirmation window
  max_steps,   // the horizon was reached first
  diverged,    // the iterates provably (GD) or evidently (Nesterov) run off to infinity
  non_finite,  // f or grad f became NaN or Inf in the working precision
};

std::string to_string(Termination t);

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

  // Throws std::invalid_argument naming the field, its value and the violated constraint.
  void validate() const;
};

// A step count that may have been cut off by the horizon: then it is only a lower bound.
struct StepCount {
  std::int64_t value = 0;
  bool lower_bound = true;  // true: not reached within the horizon; the count is > value - 1

  std::string str() const;  // "1234" or ">100000": text only; files use put_count (result_io.h)
};

struct SolverResult {
  Termination termination = Termination::max_steps;
  std::int64_t steps = 0;  // the last t evaluated
  StepCount first_hit;     // first t with gap <= eps
  StepCount settled;       // first t after which gap <= eps up to the last step evaluated
  // f and gap at the last finite evaluation; the norms at the last step, unset if not finite.
  double final_value = 0, final_gap = 0;
  std::optional<double> final_grad_norm, final_w_norm;
  std::int64_t increases = 0;                  // count of f(w_{t+1}) > f(w_t) above tolerance
  std::optional<std::int64_t> last_increase;  // the t of the last such w_t
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

// The precision gaps are measured in: double for float and double runs (a float f* would hide
// gaps below 1e-7 f*), the run's own type for multiprecision runs.
template <class Scalar>
using GapScalar = std::conditional_t<std::is_floating_point_v<Scalar>, double, Scalar>;

// Shared step bookkeeping of the solvers. Call record() once per evaluated iterate, in order.
template <class Scalar>
class RunTracker {
 public:
  using Wide = GapScalar<Scalar>;

  RunTracker(const SolverOptions& options, const Wide& f_star)
      : options_(options), f_star_(f_star), eps_(options.eps) {}

  // Records f(w_t); returns true when the run may stop as settled.
  bool record(std::int64_t t, const Scalar& f_t) {
    const Wide value(f_t);
    const Wide gap = value - f_star_;
    if (t > 0 && value - previous_ > increase_tolerance(previous_)) {
      ++result_.increases;
      result_.last_increase = t;
    }
    previous_ = value;
    if (gap <= eps_) {
      if (result_.first_hit.lower_bound) result_.first_hit = {t, false};
      if (streak_start_ < 0) streak_start_ = t;
    } else {
      streak_start_ = -1;
    }
    result_.steps = t;
    result_.final_value = static_cast<double>(value);
    result_.final_gap = static_cast<double>(gap);
    if (!options_.stop_when_settled || streak_start_ < 0) return false;
    const double window = std::max<double>(static_cast<double>(options_.settle_min_steps),
                                           options_.settle_fraction * static_cast<double>(streak_start_));
    return static_cast<double>(t - streak_start_) >= window;
  }

  // Records f(w_t) and says whether the run stops at t, and why: settled, the horizon, or
  // `diverging()` (checked last, only when neither of the others applies).
  template <class Diverging>
  std::optional<Termination> next(std::int64_t t, const Scalar& f_t, std::int64_t max_steps,
                                  Diverging&& diverging) {
    if (record(t, f_t)) return Termination::converged;
    if (t == max_steps) return Termination::max_steps;
    if (diverging()) return Termination::diverged;
    return std::nullopt;
  }

  SolverResult finish(Termination termination, std::int64_t last_t, double grad_norm,
                      double w_norm) {
    result_.termination = termination;
    result_.steps = last_t;
    if (std::isfinite(grad_norm)) result_.final_grad_norm = grad_norm;
    if (std::isfinite(w_norm)) result_.final_w_norm = w_norm;
    const bool trustworthy = termination == Termination::converged || termination == Termination::max_steps;
    if (trustworthy && streak_start_ >= 0) {
      result_.settled = {streak_start_, false};
    } else {
      result_.settled = {result_.steps + 1, true};
    }
    if (result_.first_hit.lower_bound) result_.first_hit = {result_.steps + 1, true};
    result_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    return result_;
  }

  const SolverResult& so_far() const { return result_; }

 private:
  Wide increase_tolerance(const Wide& value) const {
    using std::abs;
    return Wide(options_.increase_tolerance_ulps) * Wide(std::numeric_limits<Scalar>::epsilon()) *
           abs(value);
  }

  const SolverOptions& options_;
  const Wide f_star_;
  const Wide eps_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  SolverResult result_;
  Wide previous_ = Wide(0);
  std::int64_t streak_start_ = -1;  // first t of the current run of gaps <= eps; -1: none
};

}  // namespace largestep
