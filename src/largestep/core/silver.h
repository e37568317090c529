// The silver stepsize schedule for L-smooth, mu-strongly convex f (Altschuler & Parrilo 2023,
// "Acceleration by stepsize hedging"; the construction of PEPit's example
// gradient_descent_silver_stepsize_strongly_convex): a block of n* = 2^k steps, cycled, that
// contracts ||w - w*||^2 by ((1 - z_k)/(1 + z_k))^2 per block on every such f: about
// kappa^0.7864 log(1/eps) steps in all, against kappa log(1/eps) for eta = 1/L.
#pragma once

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "largestep/core/descent.h"

namespace largestep {

struct SilverSchedule {
  std::vector<double> steps;  // h_0 .. h_{n*-1}, in units of 1/L; step t uses h_{t mod n*} / L
  double z = 0;               // z_k of the recursion

  // The worst-case factor of ||w - w*||^2 over one block: ((1 - z_k)/(1 + z_k))^2. It is attained
  // on a quadratic whose spectrum holds the block polynomial's extremum in [mu, L].
  double block_rate() const { return std::pow((1 - z) / (1 + z), 2); }
};

// For kappa = L/mu >= 1: rho = 1 + sqrt(2), psi(t) = (1 + kappa t)/(1 + t), z_0 = 1/kappa,
// h = [psi(z_0)]; for j < k = max(0, floor(log_rho(kappa/3))): xi = 1 - z_j,
// r = xi + sqrt(1 + xi^2), y = z_j / r, z_{j+1} = z_j r, h <- h[:-1] ++ [psi(y)] ++ h[:-1] ++
// [psi(z_{j+1})]. Throws std::invalid_argument for kappa < 1 or not finite, or a block past 2^30
// steps.
SilverSchedule silver_schedule(double kappa);

// Step t of GD with eta_t = eta h_{t mod n*}, the schedule for kappa = 1 / (eta lambda): eta is
// 1/L (the rule `classical` gives 1/L_s). Every step is below 1/lambda, so GD's escape radius is
// infinite; a run is diverging only when its gap passes GapDivergence.
template <class Scalar>
class SilverStep {
 public:
  SilverStep(const LogisticObjective<Scalar>& f, const SolverOptions& options)
      : eta_(options.eta),
        schedule_(silver_schedule(1 / (options.eta * static_cast<double>(f.lambda())))) {}

  const SilverSchedule& schedule() const { return schedule_; }
  bool unstable() const { return false; }
  bool diverging(std::int64_t t, double, double gap) { return divergence_(t, gap); }
  Scalar step(const LogisticObjective<Scalar>& f, std::int64_t t, Scalar, Vector<Scalar>& w,
              Vector<Scalar>& grad, Evaluations& evaluations) const {
    const std::size_t n = schedule_.steps.size();
    return step_along(f, Scalar(eta_ * schedule_.steps[static_cast<std::size_t>(t) % n]), w, grad,
                      evaluations);
  }

 private:
  double eta_;
  SilverSchedule schedule_;
  GapDivergence divergence_;
};

}  // namespace largestep
