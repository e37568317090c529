// Log-log fits for the scaling claims: y = C x^p, fitted by least squares on (ln x, ln y).
#pragma once

#include <vector>

namespace largestep::theory {

struct PowerFit {
  double slope = 0;      // p
  double intercept = 0;  // ln C
  double r2 = 0;         // coefficient of determination of the log-log fit
};

// Needs at least two points with distinct x, all x, y > 0; throws std::invalid_argument otherwise.
PowerFit fit_power_law(const std::vector<double>& x, const std::vector<double>& y);

// The implied constants y_i / x_i^p for a predicted exponent p, and max/min of them: bounded
// (near 1) when y = Theta(x^p) across the sweep.
std::vector<double> implied_constants(const std::vector<double>& x, const std::vector<double>& y,
                                      double exponent);
double spread(const std::vector<double>& values);  // max / min, values > 0

}  // namespace largestep::theory
