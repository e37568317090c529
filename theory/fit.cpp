#include "fit.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace largestep::theory {

PowerFit fit_power_law(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size() || x.size() < 2)
    throw std::invalid_argument("fit_power_law: need at least two (x, y) pairs");
  const auto n = static_cast<double>(x.size());
  double sx = 0, sy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!(x[i] > 0) || !(y[i] > 0)) throw std::invalid_argument("fit_power_law: x and y must be > 0");
    sx += std::log(x[i]);
    sy += std::log(y[i]);
  }
  const double mx = sx / n, my = sy / n;
  double sxx = 0, sxy = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double dx = std::log(x[i]) - mx, dy = std::log(y[i]) - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (sxx == 0) throw std::invalid_argument("fit_power_law: all x are equal");
  PowerFit fit;
  fit.slope = sxy / sxx;
  fit.intercept = my - fit.slope * mx;
  fit.r2 = syy == 0 ? 1 : sxy * sxy / (sxx * syy);
  return fit;
}

std::vector<double> implied_constants(const std::vector<double>& x, const std::vector<double>& y,
                                      double exponent) {
  std::vector<double> c;
  for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) c.push_back(y[i] / std::pow(x[i], exponent));
  return c;
}

double spread(const std::vector<double>& values) {
  if (values.empty()) return 1;
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  return *hi / *lo;
}

}  // namespace largestep::theory
