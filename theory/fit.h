// Log-log fits for the scaling claims: y = C x^p, fitted by least squares on (ln x, ln y); and the
// least sweep such a fit needs to say anything.
#pragma once

#include <cstddef>
#include <string>
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

// log10(max x / min x) over the x > 0; 0 with fewer than two.
double decades_spanned(const std::vector<double>& x);
// The number of distinct values (to a relative 1e-9) among the x.
std::size_t distinct_count(const std::vector<double>& x);

// The least sweep a fitted slope or trend needs: `points` distinct abscissae spanning `decades`.
// Two points fit any slope exactly and one decade lets a log factor pass for a power: the
// scaling claims ask for four points over two decades.
struct SweepMinimum {
  std::size_t points = 4;
  double decades = 2;
  std::string noun = "lambdas";  // what the abscissae are, for the reports
};

// "at least 4 lambdas over 2 decades"
std::string describe(const SweepMinimum& m);
// Empty when the x meet the minimum; otherwise what the sweep has, e.g. "3 lambdas over 2
// decades (needs at least 4 lambdas over 2 decades)".
std::string sweep_shortfall(const std::vector<double>& x, const SweepMinimum& m);

}  // namespace largestep::theory
