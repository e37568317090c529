// The extreme eigenpairs of a symmetric operator given only by its products v -> A v: Lanczos with
// full reorthogonalization, then an a-posteriori bound from the residual of each Ritz pair.
#pragma once

#include <Eigen/Dense>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <random>

#include "largestep/kernel/dataset.h"

namespace largestep {

struct RitzPair {
  double value = 0;       // the Rayleigh quotient y^T A y of the unit vector y
  Vector<double> vector;  // y, ||y|| = 1
};

struct ExtremeRitzPairs {
  RitzPair min, max;
  int steps = 0;
};

// `steps` Lanczos steps (at most the dimension) from a seeded random start; every new vector is
// orthogonalized twice against all earlier ones ("twice is enough"), so the Krylov basis stays
// orthonormal to rounding and no spurious copies of converged Ritz values appear. The Ritz values
// interlace: lambda_min(A) <= theta_min and theta_max <= lambda_max(A) (Courant-Fischer); how close
// they are is measured by residual_bound. With steps = dimension the Krylov space is everything
// (unless the start vector misses an eigenvector exactly, an event of probability 0), so the Ritz
// values are the eigenvalues. An invariant subspace found early ends the iteration.
inline ExtremeRitzPairs lanczos_extremes(
    const std::function<Vector<double>(const Vector<double>&)>& apply, std::ptrdiff_t dim,
    int steps, std::uint64_t seed = 1) {
  const int k_max = static_cast<int>(std::min<std::ptrdiff_t>(steps, dim));
  Matrix<double> basis(dim, k_max);
  Vector<double> alpha(k_max), beta(k_max);
  std::mt19937_64 random(seed);
  std::normal_distribution<double> normal;
  Vector<double> v(dim);
  for (std::ptrdiff_t j = 0; j < dim; ++j) v(j) = normal(random);
  v.normalize();
  int k = 0;
  // The breakdown test is relative to ||A|| (estimated by the largest |alpha| + beta so far), not
  // to the current alpha: in a null space alpha ~ 0, and continuing from a w that is only rounding
  // noise builds a T that no longer represents A (Ritz values outside the spectrum).
  double norm_estimate = 0;
  for (; k < k_max; ++k) {
    basis.col(k) = v;
    Vector<double> w = apply(v);
    alpha(k) = v.dot(w);
    for (int pass = 0; pass < 2; ++pass)
      w -= basis.leftCols(k + 1) * (basis.leftCols(k + 1).transpose() * w).eval();
    beta(k) = w.norm();
    norm_estimate = std::max(norm_estimate, std::abs(alpha(k)) + beta(k));
    if (k + 1 == k_max || beta(k) <= 1e-10 * norm_estimate) {
      ++k;
      break;
    }
    v = w / beta(k);
  }
  Matrix<double> t = Matrix<double>::Zero(k, k);
  for (int i = 0; i < k; ++i) {
    t(i, i) = alpha(i);
    if (i + 1 < k) t(i, i + 1) = t(i + 1, i) = beta(i);
  }
  const Eigen::SelfAdjointEigenSolver<Matrix<double>> eig(t);
  ExtremeRitzPairs r;
  r.steps = k;
  const auto pair = [&](int index) {
    RitzPair p;
    p.vector = (basis.leftCols(k) * eig.eigenvectors().col(index)).normalized();
    p.value = eig.eigenvalues()(index);
    return p;
  };
  r.min = pair(0);
  r.max = pair(k - 1);
  return r;
}

// For a unit vector y with theta = y^T A y: some eigenvalue of A lies within ||A y - theta y|| of
// theta (A symmetric; Krylov and Weinberger). `ay` is A y as computed, `ay_error` a bound on its
// error, so the returned bound holds for A itself. For theta_max (or theta_min) of
// lanczos_extremes that eigenvalue is the extreme one when the Krylov space holds the extreme
// eigenvector, which the interlacing bounds from the other side.
inline double residual_bound(const Vector<double>& y, const Vector<double>& ay, double theta,
                             double ay_error) {
  const double u = std::numeric_limits<double>::epsilon() / 2;
  const double d = static_cast<double>(y.size());
  const double residual = (ay - theta * y).norm();
  // The residual's own rounding: d subtractions, d products and the norm, relative to ||A y||.
  return (residual + 2 * ay_error + (d + 8) * u * (ay.norm() + std::abs(theta))) * (1 + 1e-10);
}

}  // namespace largestep
