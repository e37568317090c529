// An exact proof that data is not linearly separable through the origin: by Gordan's theorem, no
// u has every y_i <x_i, u> > 0 exactly when 0 is a convex combination of the y_i x_i.
#pragma once

#include <cstddef>

#include "largestep/kernel/dataset.h"

namespace largestep {

// Whether 0 is exactly a convex combination of rows of Z, proved in rational arithmetic (GMP):
// starting from approximate weights a >= 0 with Z^T a ~ 0, reduces their support to affinely
// independent rows (Caratheodory's theorem, in double) and solves Z_T^T b = 0, sum b = 1 exactly
// on that support T, checking b >= 0. Returns |T| when proved, 0 when not: a too rough, 0 on the
// boundary of a face the reduction missed, or (d + 1)^3 |support| beyond `max_work`.
inline constexpr double kMaxProofWork = 2e8;
// Whether a support of that many rows in d dimensions is within `max_work`: (d + 1)^3 |support|.
inline bool proof_affordable(std::ptrdiff_t d, std::size_t support,
                             double max_work = kMaxProofWork) {
  const double d1 = static_cast<double>(d) + 1;
  return support > 0 && d1 * d1 * d1 * static_cast<double>(support) <= max_work;
}
std::ptrdiff_t prove_zero_in_hull(const RowMatrix<double>& Z, const Vector<double>& a,
                                  double max_work = kMaxProofWork);

}  // namespace largestep
