#include "largestep/data/generators.h"

#include <cmath>
#include <fmt/format.h>
#include <numbers>
#include <random>

namespace largestep {
namespace {

// Draws from the engine directly, so the sequence is the same on every standard library.
class PortableRandom {
 public:
  explicit PortableRandom(std::uint64_t seed) : engine_(seed) {}

  // Uniform on (0, 1): 53 random bits, never exactly 0.
  double uniform() { return (static_cast<double>(engine_() >> 11) + 0.5) * 0x1.0p-53; }

  double gaussian() {  // Box-Muller; the second variate is discarded for simplicity.
    const double r = std::sqrt(-2.0 * std::log(uniform()));
    return r * std::cos(2.0 * std::numbers::pi * uniform());
  }

  Vector<double> unit_vector(std::int64_t d) {
    Vector<double> v(d);
    double norm = 0;
    while (norm == 0) {
      for (std::int64_t j = 0; j < d; ++j) v(j) = gaussian();
      norm = v.norm();
    }
    return v / norm;
  }

 private:
  std::mt19937_64 engine_;
};

// The planted direction uses its own stream so that it does not depend on n.
constexpr std::uint64_t kDirectionStream = 0x9E3779B97F4A7C15ULL;

}  // namespace

Dataset<double> make_oned(double x) {
  if (!(x > 0 && x <= 1)) throw DataError(fmt::format("oned: x must be in (0, 1], got {}", x));
  Dataset<double> data;
  data.X = RowMatrix<double>::Constant(1, 1, x);
  data.y = Vector<double>::Ones(1);
  return data;
}

Dataset<double> make_hard(double gamma) {
  if (!(gamma > 0 && gamma < 1))
    throw DataError(fmt::format("hard: gamma must be in (0, 1), got {}", gamma));
  const double c = std::sqrt(1 - gamma * gamma);
  Dataset<double> data;
  data.X.resize(2, 2);
  data.X << gamma, c, gamma, -c / 2;
  data.y = Vector<double>::Ones(2);
  return data;
}

Dataset<double> make_toy4() {
  Dataset<double> data;
  data.X.resize(4, 2);
  data.X << 1, 0.2, -2, 0.2, -1, -0.2, 2, -0.2;
  data.y.resize(4);
  data.y << 1, 1, -1, -1;
  scale_rows_by_max_norm(data);
  return data;
}

Vector<double> planted_direction(std::int64_t d, std::uint64_t seed) {
  if (d < 1) throw DataError(fmt::format("planted: d must be >= 1, got {}", d));
  PortableRandom random(seed ^ kDirectionStream);
  return random.unit_vector(d);
}

Dataset<double> make_planted(const PlantedOptions& options) {
  const auto [n, d, gamma, seed] = options;
  if (n < 1) throw DataError(fmt::format("planted: n must be >= 1, got {}", n));
  if (!(gamma > 0 && gamma < 1))
    throw DataError(fmt::format("planted: gamma must be in (0, 1), got {}", gamma));
  const Vector<double> w_star = planted_direction(d, seed);
  PortableRandom random(seed);
  Dataset<double> data;
  data.X.resize(n, d);
  data.y.resize(n);
  // The acceptance rate is the ball's mass outside the slab |<x, w*>| < gamma, tiny for gamma near
  // 1 in high dimension: give up with a clear error rather than loop for hours.
  constexpr std::int64_t kMaxDrawsPerRow = 1'000'000;
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t draws = 0;; ++draws) {
      if (draws == kMaxDrawsPerRow)
        throw DataError(fmt::format(
            "planted: gamma = {} leaves almost no mass of the unit ball in R^{} (row {} not drawn "
            "after {} tries); use a smaller gamma",
            gamma, d, i, kMaxDrawsPerRow));
      const Vector<double> x =
          random.unit_vector(d) * std::pow(random.uniform(), 1.0 / static_cast<double>(d));
      const double m = x.dot(w_star);
      if (std::abs(m) >= gamma && x.norm() <= 1) {
        data.X.row(i) = x.transpose();
        data.y(i) = m > 0 ? 1.0 : -1.0;
        break;
      }
    }
  }
  return data;
}

}  // namespace largestep
