#include "largestep/core/silver.h"

#include <fmt/format.h>

#include <algorithm>

namespace largestep {

SilverSchedule silver_schedule(double kappa) {
  if (!(kappa >= 1) || !std::isfinite(kappa))
    throw std::invalid_argument(fmt::format(
        "silver schedule: kappa = L/mu must be a finite number >= 1, got {} (silver's eta is 1/L "
        "and needs eta * lambda <= 1)",
        kappa));
  const double rho = 1 + std::sqrt(2.0);
  const auto psi = [kappa](double t) { return (1 + kappa * t) / (1 + t); };
  const int k = std::max(0, static_cast<int>(std::floor(std::log(kappa / 3) / std::log(rho))));
  if (k > 30)
    throw std::invalid_argument(
        fmt::format("silver schedule: kappa = {:.3g} needs a block of 2^{} steps", kappa, k));
  SilverSchedule s;
  s.z = 1 / kappa;
  s.steps = {psi(s.z)};
  for (int j = 0; j < k; ++j) {
    const double xi = 1 - s.z;
    const double r = xi + std::sqrt(1 + xi * xi);
    const double y = s.z / r;
    s.z *= r;
    std::vector<double> next(s.steps.begin(), s.steps.end() - 1);
    next.push_back(psi(y));
    next.insert(next.end(), s.steps.begin(), s.steps.end() - 1);
    next.push_back(psi(s.z));
    s.steps = std::move(next);
  }
  return s;
}

}  // namespace largestep
