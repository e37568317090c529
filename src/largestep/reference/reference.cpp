#include "largestep/reference/reference.h"

#include <Eigen/Eigenvalues>
#include <cmath>
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
  const Matrix<double> hessian = f.hessian(r.w);
  const Eigen::SelfAdjointEigenSolver<Matrix<double>> eig(hessian, Eigen::EigenvaluesOnly);
  r.h_min = eig.eigenvalues().minCoeff();
  r.h_max = eig.eigenvalues().maxCoeff();
  r.eta_loc = 2 / r.h_max;
  // Generous bounds: f's rounding over n + d terms; the Hessian's rounding over n rows plus the
  // eigensolver's backward error, and its move from w to w_lambda (max |l'''| = 1 / (6 sqrt 3),
  // ||w - w_lambda|| <= ||grad f(w)|| / lambda).
  const double eps = std::numeric_limits<double>::epsilon();
  const double n_terms = static_cast<double>(data.n() + data.d());
  r.f_star_upper = r.f_star + 4 * n_terms * eps * std::abs(r.f_star);
  const double row_norm = data.max_row_norm();
  const double dh = 10 * n_terms * eps * hessian.norm() +
                    0.0963 * row_norm * row_norm * row_norm * r.grad_norm / lambda;
  r.h_min_uncertainty = r.h_max_uncertainty = dh;
  r.eta_loc_uncertainty = 2 * dh / (r.h_max * (r.h_max - dh));
  r.smoothness = f.smoothness();
  r.digits = std::numeric_limits<double>::digits10;
  r.newton_iterations = newton.iterations;
  return r;
}

}  // namespace largestep
