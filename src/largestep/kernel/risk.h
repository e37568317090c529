// The empirical logistic risk of a weight vector on a dataset, (1/n) sum_i l(y_i <x_i, w>): f
// without the lambda term, what held-out data (fashion:AvB,split=test) measures for a vector
// learnt elsewhere, with the share of points it misclassifies.
#pragma once

#include <cstddef>

#include "largestep/kernel/dataset.h"
#include "largestep/kernel/logistic.h"

namespace largestep {

struct Risk {
  double loss = 0;            // (1/n) sum_i l(y_i <x_i, w>); inf when beyond double's range
  std::ptrdiff_t errors = 0;  // points with y_i <x_i, w> <= 0 (a point on the boundary is not
                              // classified correctly)
  double error_rate = 0;      // errors / n
};

// w must have data.d() entries.
inline Risk empirical_risk(const Dataset<double>& data, const Vector<double>& w) {
  const Vector<double> margins = data.y.cwiseProduct(data.X * w);
  Risk risk;
  // Summed in long double: 10^5 terms in double would lose up to ~1e-11 relative.
  long double sum = 0;
  for (std::ptrdiff_t i = 0; i < margins.size(); ++i) {
    sum += logistic_loss(margins(i));
    if (!(margins(i) > 0)) ++risk.errors;
  }
  const auto n = static_cast<double>(data.n());
  risk.loss = static_cast<double>(sum / n);
  risk.error_rate = static_cast<double>(risk.errors) / n;
  return risk;
}

}  // namespace largestep
