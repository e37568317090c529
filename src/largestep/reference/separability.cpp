#include "largestep/reference/separability.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace largestep {

// Minimizes (1/2) ||Z^T a||^2 over the simplex, Z = diag(y) X, tracking p = Z^T a. With away steps
// Frank-Wolfe converges linearly on this problem, where plain Frank-Wolfe zig-zags.
Separability check_separability(const Dataset<double>& data, const SeparabilityOptions& options) {
  if (data.n() < 1 || data.d() < 1) throw DataError("check_separability: empty dataset");
  const RowMatrix<double> Z = data.y.asDiagonal() * data.X;
  const std::ptrdiff_t n = Z.rows();
  Vector<double> a = Vector<double>::Zero(n);
  std::ptrdiff_t start = 0;
  Z.rowwise().squaredNorm().minCoeff(&start);
  a(start) = 1;
  Vector<double> p = Z.row(start).transpose();
  const double scale = std::max(Z.rowwise().norm().maxCoeff(), std::numeric_limits<double>::min());

  Separability result;
  result.method = "minimum-norm point of conv{y_i x_i} by away-step Frank-Wolfe";
  for (result.iterations = 0; result.iterations < options.max_iterations; ++result.iterations) {
    const Vector<double> s = Z * p;
    const double pp = p.squaredNorm();
    std::ptrdiff_t fw = 0;
    s.minCoeff(&fw);
    const double norm = std::sqrt(pp);
    if (norm <= 1e-15 * scale) {  // p = 0 to rounding: not separable
      result.converged = true;
      break;
    }
    if (s(fw) > 0 && s(fw) / norm >= (1 - options.relative_tolerance) * norm) {
      result.converged = true;
      break;
    }

    std::ptrdiff_t away = -1;
    for (std::ptrdiff_t i = 0; i < n; ++i)
      if (a(i) > 0 && (away < 0 || s(i) > s(away))) away = i;
    const double fw_gap = pp - s(fw);
    const double away_gap = s(away) - pp;

    Vector<double> dir;
    double max_step;
    const bool forward = fw_gap >= away_gap;
    if (forward) {
      dir = Z.row(fw).transpose() - p;
      max_step = 1;
    } else {
      dir = p - Z.row(away).transpose();
      max_step = a(away) / (1 - a(away));
    }
    const double dd = dir.squaredNorm();
    if (dd == 0) break;
    const double step = std::clamp(-p.dot(dir) / dd, 0.0, max_step);
    if (step == 0) break;  // no descent possible to rounding
    if (forward) {
      a *= 1 - step;
      a(fw) += step;
    } else {
      a *= 1 + step;
      a(away) = step == max_step ? 0 : a(away) - step;
    }
    p += step * dir;
  }

  // Certify on the data itself: the margin of the direction found, not of the iteration's p. The
  // upper bound is recomputed from the weights (p drifts by rounding over many updates) and
  // widened by a relative 1e-12 so that rounding cannot put it below the true best margin.
  p = Z.transpose() * a;
  const double norm = p.norm();
  result.margin_upper_bound = norm * (1 + 1e-12);
  if (norm > 0) {
    result.direction = p / norm;
    result.margin = (Z * result.direction).minCoeff();
  } else {
    result.direction = Vector<double>::Zero(data.d());
    result.margin = 0;
  }
  result.separable = result.margin > 0;
  return result;
}

}  // namespace largestep
