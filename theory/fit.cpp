#include "fit.h"

#include <fmt/format.h>

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

double decades_spanned(const std::vector<double>& x) {
  double lo = 0, hi = 0;
  for (const double v : x) {
    if (!(v > 0)) continue;
    lo = lo == 0 ? v : std::min(lo, v);
    hi = std::max(hi, v);
  }
  return lo > 0 ? std::log10(hi / lo) : 0;
}

std::size_t distinct_count(const std::vector<double>& x) {
  std::vector<double> sorted = x;
  std::sort(sorted.begin(), sorted.end());
  std::size_t count = 0;
  for (std::size_t i = 0; i < sorted.size(); ++i)
    if (i == 0 || std::abs(sorted[i] - sorted[i - 1]) > 1e-9 * std::abs(sorted[i])) ++count;
  return count;
}

std::string describe(const SweepMinimum& m) {
  return fmt::format("at least {} {} over {:g} decades", m.points, m.noun, m.decades);
}

std::string sweep_shortfall(const std::vector<double>& x, const SweepMinimum& m) {
  const std::size_t points = distinct_count(x);
  const double decades = decades_spanned(x);
  // A sweep of exactly two decades (1e-2 .. 1e-4) must count as two, whatever the rounding.
  if (points >= m.points && decades >= m.decades * (1 - 1e-9)) return {};
  return fmt::format("{} {} over {:.2g} decades (needs {})", points, m.noun, decades, describe(m));
}

}  // namespace largestep::theory
