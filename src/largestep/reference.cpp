#include "largestep/reference.h"

#include <Eigen/Eigenvalues>
#include <limits>

#include "largestep/newton.h"

namespace largestep {

Reference compute_reference_double(const Dataset<double>& data, double lambda) {
  const LogisticObjective<double> f(data, lambda);
  const double eps = std::numeric_limits<double>::epsilon();
  const NewtonResult<double> newton = newton_minimize(f, eps * eps);
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
