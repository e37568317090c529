#include "largestep/reference/reference.h"

#include <Eigen/Eigenvalues>
#include <limits>

#include "largestep/reference/newton.h"

namespace largestep {

Reference compute_reference_double(const Dataset<double>& data, double lambda) {
  const LogisticObjective<double> f(data, lambda);
  // 1e-24 is far above the rounding floor of the decrement (~ ulp(grad)^2 / lambda) and, with
  // the final full step, leaves w at the rounding floor.
  const NewtonResult<double> newton = newton_minimize(f, 1e-24);
  Reference r;
  r.lambda = lambda;
  r.w = newton.w;
  r.f_star = newton.value;
  r.grad_norm = newton.gradient.norm();
  r.f_star_lower = r.f_star - r.grad_norm * r.grad_norm / (2 * lambda);
  const Eigen::SelfAdjointEigenSolver<Matrix<double>> eig(f.hessian(r.w), Eigen::EigenvaluesOnly);
  r.h_min = eig.eigenvalues().minCoeff();
  r.h_max = eig.eigenvalues().maxCoeff();
  r.eta_loc = 2 / r.h_max;
  r.smoothness = f.smoothness();
  r.digits = std::numeric_limits<double>::digits10;
  r.newton_iterations = newton.iterations;
  return r;
}

}  // namespace largestep
