// Damped Newton's method for w_lambda = argmin f: f is lambda-strongly convex and smooth, so
// Newton with backtracking converges globally and then quadratically.
#pragma once

#include <Eigen/Cholesky>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "largestep/kernel/objective.h"

namespace largestep {

template <class Scalar>
struct NewtonResult {
  Vector<Scalar> w;
  Scalar value;
  Vector<Scalar> gradient;
  int iterations = 0;
};

// Stops once half the squared Newton decrement, an estimate of f(w) - f*, falls below
// `gap_tolerance`, after one last full Newton step (quadratic convergence makes that step land at
// the rounding floor), or when no step decreases f any more (already at the rounding floor).
// Starts from w_start (w = 0 when empty).
template <class Scalar>
NewtonResult<Scalar> newton_minimize(const LogisticObjective<Scalar>& f, const Scalar& gap_tolerance,
                                     const Vector<Scalar>& w_start = {}, int max_iterations = 200) {
  NewtonResult<Scalar> r;
  r.w = w_start.size() == 0 ? Vector<Scalar>::Zero(f.dim()) : w_start;
  for (r.iterations = 0; r.iterations < max_iterations; ++r.iterations) {
    r.value = f.value_and_gradient(r.w, r.gradient);
    const Eigen::LLT<Matrix<Scalar>> llt(f.hessian(r.w));
    if (llt.info() != Eigen::Success) throw std::runtime_error("newton: Hessian not positive definite");
    const Vector<Scalar> step = -llt.solve(r.gradient);
    const Scalar decrement2 = -r.gradient.dot(step);
    if (decrement2 / Scalar(2) <= gap_tolerance) {
      r.w += step;
      r.value = f.value_and_gradient(r.w, r.gradient);
      return r;
    }
    // Armijo backtracking: far from w_lambda the full step can overshoot (margins of size 1/gamma).
    // The slack of a few ulps of f lets full steps through once the expected decrease is below
    // the rounding of f itself, where comparing f values says nothing and would stall Newton.
    using std::abs;
    const Scalar slack = Scalar(16) * std::numeric_limits<Scalar>::epsilon() * abs(r.value);
    Scalar t(1);
    Vector<Scalar> trial = r.w + step;
    while (f.value(trial) > r.value - Scalar(0.25) * t * decrement2 + slack) {
      t /= Scalar(2);
      if (t < Scalar(1e-12)) return r;
      trial = r.w + t * step;
    }
    r.w = trial;
  }
  throw std::runtime_error("newton: no convergence within the iteration limit");
}

}  // namespace largestep
