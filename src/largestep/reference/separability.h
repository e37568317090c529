// Linear separability through the origin, with a certified margin.
#pragma once

#include <string>

#include "largestep/kernel/dataset.h"

namespace largestep {

struct Separability {
  // True when `direction` separates the data: every y_i <x_i, u> > 0.
  bool separable = false;
  // min_i y_i <x_i, u> for the unit vector u below: a certified lower bound on the largest
  // margin, and a valid gamma for Assumption 1 when positive (given ||x_i|| <= 1).
  double margin = 0;
  // ||p|| for the point p of the convex hull of {y_i x_i} reached: for every unit u,
  // min_i y_i <x_i, u> <= <p, u> <= ||p||, so no direction does better. An upper bound of 0 (or
  // within rounding of it) proves that the data is not separable.
  double margin_upper_bound = 0;
  Vector<double> direction;  // the unit vector u
  long iterations = 0;
  // The iteration met its tolerance; when false the margin is still certified, but may be below
  // the best possible one by more than the tolerance.
  bool converged = false;
  std::string method;  // how the certificate was found, for reports
};

struct SeparabilityOptions {
  long max_iterations = 20000;
  double relative_tolerance = 1e-6;  // stop when margin >= (1 - tol) * upper bound
};

// Finds the hard-margin (maximum-margin) direction through the origin as the minimum-norm point
// of the convex hull of {y_i x_i} (Gordan / SVM duality), by Frank-Wolfe with away steps. The
// margin it reports is measured on the data for the direction found, so it is certified however
// early the iteration stops; the upper bound brackets the best possible margin.
Separability check_separability(const Dataset<double>& data, const SeparabilityOptions& options = {});

}  // namespace largestep
