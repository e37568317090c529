#include "largestep/reference/gordan_certificate.h"

#include <Eigen/LU>
#include <boost/multiprecision/gmp.hpp>
#include <vector>

namespace largestep {
namespace {

using Rational = boost::multiprecision::mpq_rational;

// [Z_S^T; 1 ... 1]: the affine dependencies of the rows S are its kernel.
Matrix<double> affine_matrix(const RowMatrix<double>& Z, const std::vector<std::ptrdiff_t>& S) {
  Matrix<double> A(Z.cols() + 1, static_cast<std::ptrdiff_t>(S.size()));
  for (std::size_t c = 0; c < S.size(); ++c) {
    A.col(static_cast<std::ptrdiff_t>(c)).head(Z.cols()) = Z.row(S[c]).transpose();
    A(Z.cols(), static_cast<std::ptrdiff_t>(c)) = 1;
  }
  return A;
}

// Caratheodory: while the rows of S are affinely dependent, moves the weights w along a
// dependency until one reaches 0, and drops it. The weights stay >= 0 and keep Z_S^T w and
// sum w (to rounding); each step takes the dependency among d + 2 rows, so it costs O(d^3).
void reduce_support(const RowMatrix<double>& Z, std::vector<std::ptrdiff_t>& S,
                    std::vector<double>& w) {
  const std::ptrdiff_t d = Z.cols();
  while (!S.empty()) {
    const std::size_t m = S.size();
    const std::size_t k = std::min<std::size_t>(m, static_cast<std::size_t>(d) + 2);
    const std::vector<std::ptrdiff_t> head(S.begin(), S.begin() + static_cast<std::ptrdiff_t>(k));
    const Eigen::FullPivLU<Matrix<double>> lu(affine_matrix(Z, head));
    if (lu.dimensionOfKernel() == 0) {
      if (k == m) return;  // affinely independent
      // The first d + 2 rows always depend; reached only through the rank threshold.
      return;
    }
    Vector<double> v = lu.kernel().col(0);
    if (v.maxCoeff() <= 0) v = -v;
    std::size_t drop = 0;
    double t = INFINITY;
    for (std::size_t c = 0; c < k; ++c) {
      const double vc = v(static_cast<std::ptrdiff_t>(c));
      if (vc > 0 && w[c] / vc < t) {
        t = w[c] / vc;
        drop = c;
      }
    }
    for (std::size_t c = 0; c < k; ++c) w[c] -= t * v(static_cast<std::ptrdiff_t>(c));
    w[drop] = 0;
    std::vector<std::ptrdiff_t> kept;
    std::vector<double> kept_w;
    for (std::size_t c = 0; c < m; ++c) {
      if (w[c] > 0) {
        kept.push_back(S[c]);
        kept_w.push_back(w[c]);
      }
    }
    S.swap(kept);
    w.swap(kept_w);
  }
}

// Solves [Z_T^T; 1] b = e_{d+1} exactly by Gauss-Jordan elimination over the rationals; true when
// the system has the unique solution b >= 0.
bool exact_convex_zero(const RowMatrix<double>& Z, const std::vector<std::ptrdiff_t>& T) {
  const std::size_t rows = static_cast<std::size_t>(Z.cols()) + 1, m = T.size();
  std::vector<std::vector<Rational>> M(rows, std::vector<Rational>(m + 1));
  for (std::size_t c = 0; c < m; ++c) {
    for (std::size_t r = 0; r + 1 < rows; ++r)
      M[r][c] = Rational(Z(T[c], static_cast<std::ptrdiff_t>(r)));  // a double, exactly
    M[rows - 1][c] = 1;
  }
  M[rows - 1][m] = 1;
  for (std::size_t c = 0; c < m; ++c) {
    std::size_t pivot = c;
    while (pivot < rows && M[pivot][c] == 0) ++pivot;
    if (pivot == rows) return false;  // dependent columns: not unique
    std::swap(M[c], M[pivot]);
    const Rational inverse = 1 / M[c][c];
    for (std::size_t j = c; j <= m; ++j) M[c][j] *= inverse;
    for (std::size_t r = 0; r < rows; ++r) {
      if (r == c || M[r][c] == 0) continue;
      const Rational factor = M[r][c];
      for (std::size_t j = c; j <= m; ++j) M[r][j] -= factor * M[c][j];
    }
  }
  for (std::size_t r = m; r < rows; ++r)
    if (M[r][m] != 0) return false;  // 0 is not in the affine hull of T
  for (std::size_t c = 0; c < m; ++c)
    if (M[c][m] < 0) return false;
  return true;
}

}  // namespace

std::ptrdiff_t prove_zero_in_hull(const RowMatrix<double>& Z, const Vector<double>& a,
                                  double max_work) {
  std::vector<std::ptrdiff_t> S;
  std::vector<double> w;
  for (std::ptrdiff_t i = 0; i < a.size(); ++i) {
    if (a(i) > 0) {
      S.push_back(i);
      w.push_back(a(i));
    }
  }
  if (!proof_affordable(Z.cols(), S.size(), max_work)) return 0;
  reduce_support(Z, S, w);
  if (S.empty() || !exact_convex_zero(Z, S)) return 0;
  return static_cast<std::ptrdiff_t>(S.size());
}

}  // namespace largestep
