// The reference solution a run is measured against: w_lambda, f* and the Hessian spectrum there.
#pragma once

#include <string>

#include "largestep/kernel/dataset.h"

namespace largestep {

struct Reference {
  double lambda = 0;
  Vector<double> w;          // w_lambda
  double f_star = 0;         // f(w_lambda)
  double f_star_lower = 0;   // certified: f(w) - ||grad f(w)||^2 / (2 lambda) <= f*
  double grad_norm = 0;      // ||grad f(w)|| at the w returned
  double h_min = 0, h_max = 0;  // extreme eigenvalues of hess f(w_lambda)
  double eta_loc = 0;        // 2 / h_max (E5)
  double smoothness = 0;     // L_s
  int digits = 0;            // working precision, decimal digits
  int newton_iterations = 0;
  std::string method = "double-newton";  // which computation: mpfr-newton, double-double refinement
  double f_star_upper = 0;  // f* <= f_star_upper: f(w) plus the rounding of its evaluation
  // Bounds on the error of h_min, h_max and eta_loc as given.
  double h_min_uncertainty = 0, h_max_uncertainty = 0, eta_loc_uncertainty = 0;

  // |f_star - f*| <= bracket_width(): f_star_lower is below f_star by at least the rounding
  // allowance that f_star_upper is above it.
  double bracket_width() const { return f_star - f_star_lower; }
};

// Newton's method in double precision: gaps down to about 1e-13 * f* are meaningful.
Reference compute_reference_double(const Dataset<double>& data, double lambda);

}  // namespace largestep
