// The two-pass alternative the fused kernel is measured against: X w in one pass over X, then
// X^T r in a second, both Eigen matrix-vector products (sparse ones for CSR data). The loss and
// its derivative come from logistic.h, so this is the same math as
// LogisticObjective::value_and_gradient, only ordered differently (and so reading X twice).
#pragma once

#include "largestep/kernel/dataset.h"
#include "largestep/kernel/logistic.h"

namespace largestep::bench {

// Returns f(w) and writes grad f(w); `r` is n-sized scratch (margins, then l'(z_i) y_i),
// allocated by the caller so that the timed loop does not allocate.
template <class Scalar>
Scalar two_pass_value_and_gradient(const Dataset<Scalar>& data, Scalar lambda,
                                   const Vector<Scalar>& w, Vector<Scalar>& r,
                                   Vector<Scalar>& grad) {
  const auto n = data.n();
  data.with_matrix([&](const auto& X) { r.noalias() = X * w; });
  Scalar loss_sum(0);
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    const Scalar z = data.y(i) * r(i);
    loss_sum += logistic_loss(z);
    r(i) = logistic_derivative(z) * data.y(i);
  }
  data.with_matrix([&](const auto& X) { grad.noalias() = X.transpose() * r; });
  grad /= Scalar(n);
  grad += lambda * w;
  return loss_sum / Scalar(n) + lambda / Scalar(2) * w.squaredNorm();
}

}  // namespace largestep::bench
