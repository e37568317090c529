#include "largestep/data/generators.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "largestep/data/portable_random.h"
#include "largestep/data/resource_limits.h"

namespace largestep {
namespace {

// The planted direction uses its own stream so that it does not depend on n, and the sparse
// generator's feasibility pilot likewise: one mt19937_64 each, as when the rows shared one stream,
// so that w* and the pilot's verdicts stayed the same when the rows got streams of their own.
using StreamRandom = PortableRandom<std::mt19937_64>;
constexpr std::uint64_t kDirectionStream = 0x9E3779B97F4A7C15ULL;
constexpr std::uint64_t kPilotStream = 0xD1B54A32D192ED03ULL;

// Row i (numbered in the whole dataset) draws from a stream seeded from (seed, i) alone, so a row
// does not depend on the rows before it (rejection sampling draws a varying number of values a
// row): a range of rows is generated without the others, the same bits for any split into ranges
// and any n > i. Distinct rows of one seed get distinct engine seeds, mixed so that neighbouring
// rows' streams are unrelated.
using RowRandom = PortableRandom<Xoshiro256>;
constexpr std::uint64_t kRowStream = 0x2545F4914F6CDD1DULL;
RowRandom row_random(std::uint64_t seed, std::int64_t i) {
  return RowRandom(mix64(seed ^ kRowStream) ^ static_cast<std::uint64_t>(i));
}

// The rows a generator makes: [begin, end) of a dataset of n rows.
struct Rows {
  std::int64_t n = 0, begin = 0, end = 0;

  std::int64_t count() const { return end - begin; }
  bool all() const { return begin == 0 && end == n; }
  // How messages name them: "n = 1000" for every row, "rows [250, 500) of n = 1000" for a range.
  std::string named() const {
    return all() ? fmt::format("n = {}", n) : fmt::format("rows [{}, {}) of n = {}", begin, end, n);
  }
  // How a count of rows appears in a formula: "n" for every row, else the count.
  std::string counted() const { return all() ? std::string("n") : std::to_string(count()); }
};

Rows rows_of(const RowRange& range, std::int64_t n) {
  const Rows rows{n, range.begin, range.end_for(n)};
  if (range.end < -1 || rows.begin < 0 || rows.begin > rows.end || rows.end > n)
    throw DataError(fmt::format(
        "planted: rows [{}, {}) are not a range of the n = {} rows (need 0 <= begin <= end <= n, "
        "or end = -1 for n)",
        range.begin, range.end, n));
  return rows;
}

// `k` distinct columns of [0, d), sorted: Floyd's algorithm (k draws, whatever d) on the portable
// stream.
template <class Random>
void distinct_columns(Random& random, std::int64_t d, std::int64_t k, std::vector<int>& out) {
  out.clear();
  for (std::int64_t j = d - k; j < d; ++j) {
    const auto t = static_cast<int>(std::min<double>(random.uniform() * static_cast<double>(j + 1),
                                                     static_cast<double>(j)));
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
    else out.push_back(static_cast<int>(j));
  }
  std::sort(out.begin(), out.end());
}

// A row that needs more draws than this is an error (the guard that ends the loop whatever
// happens). The limit on the expected draws below keeps its probability under e^-50 per row.
constexpr std::int64_t kMaxDrawsPerRow = 1'000'000;

// log I_x(a, b), the regularized incomplete beta function, for x < (a + 1) / (a + b + 2), where
// its continued fraction (modified Lentz) converges: the front factor in logarithms so that
// results far below double's range, 1e-400 and less, still compare with the limits.
double log_incomplete_beta_cf(double a, double b, double log_x, double log_1mx) {
  const double x = std::exp(log_x);
  constexpr double kTiny = 1e-300, kEpsilon = 1e-15;
  double c = 1, dd = 1 - (a + b) * x / (a + 1);
  if (std::abs(dd) < kTiny) dd = kTiny;
  dd = 1 / dd;
  double h = dd;
  for (int m = 1; m <= 10'000'000; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    dd = 1 + aa * dd;
    if (std::abs(dd) < kTiny) dd = kTiny;
    c = 1 + aa / c;
    if (std::abs(c) < kTiny) c = kTiny;
    dd = 1 / dd;
    h *= dd * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    dd = 1 + aa * dd;
    if (std::abs(dd) < kTiny) dd = kTiny;
    c = 1 + aa / c;
    if (std::abs(c) < kTiny) c = kTiny;
    dd = 1 / dd;
    const double delta = dd * c;
    h *= delta;
    if (std::abs(delta - 1) < kEpsilon) break;
  }
  const double log_beta = std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b);
  return a * log_x + b * log_1mx - log_beta - std::log(a) + std::log(h);
}

}  // namespace

double planted_log_acceptance(std::int64_t d, double gamma) {
  if (!(gamma > 0)) return 0;
  if (!(gamma < 1)) return -std::numeric_limits<double>::infinity();
  // For x uniform in the unit ball of R^d, t = <x, w*> has t^2 ~ Beta(1/2, (d + 1)/2), so the
  // acceptance P(|t| >= gamma) = I_{1 - gamma^2}((d + 1)/2, 1/2) = 1 - I_{gamma^2}(1/2, (d + 1)/2).
  const double a = (static_cast<double>(d) + 1) / 2, b = 0.5;
  const double g2 = gamma * gamma;
  const double log_x = std::log1p(-g2), log_1mx = 2 * std::log(gamma);
  if (1 - g2 < (a + 1) / (a + b + 2)) return log_incomplete_beta_cf(a, b, log_x, log_1mx);
  return std::log1p(-std::exp(log_incomplete_beta_cf(b, a, log_1mx, log_x)));
}

namespace {

// The largest gamma whose expected draws per row stay within the limit in R^d, and the largest d
// for this gamma: what an error message suggests.
double largest_feasible_gamma(std::int64_t d, double log_limit) {
  double lo = 0, hi = 1;
  for (int k = 0; k < 100; ++k) {
    const double mid = (lo + hi) / 2;
    (planted_log_acceptance(d, mid) >= -log_limit ? lo : hi) = mid;
  }
  // Rounded down to the 3 digits printed, so that the value shown is feasible too.
  const double unit = std::pow(10.0, std::floor(std::log10(lo)) - 2);
  return std::floor(lo / unit) * unit;
}
std::int64_t largest_feasible_d(double gamma, double log_limit, std::int64_t d) {
  std::int64_t lo = 0, hi = d;  // feasible at lo (d = 0 stands for none), infeasible at hi
  while (hi - lo > 1) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    (planted_log_acceptance(mid, gamma) >= -log_limit ? lo : hi) = mid;
  }
  return lo;
}

// What make_planted refuses before drawing anything: memory beyond what is available, a margin
// that rejection sampling cannot reach in R^d, and more work than kPlantedMaxGaussians. Memory and
// work count the rows made; the margin is the whole dataset's.
void check_planted_feasible(const Rows& rows, std::int64_t d, double gamma) {
  const double nd = static_cast<double>(rows.count()), dd = static_cast<double>(d);
  // X and y, and the d-vectors of the direction and one draw.
  require_memory(8 * (nd * dd + nd + 3 * dd),
                 fmt::format("planted: {}, d = {} (X is {} x d doubles)", rows.named(), d,
                             rows.counted()),
                 "use a smaller n or d");
  const double log_acceptance = planted_log_acceptance(d, gamma);
  const double log_limit = std::log(kPlantedMaxExpectedDrawsPerRow);
  if (-log_acceptance > log_limit) {
    const std::int64_t d_max = largest_feasible_d(gamma, log_limit, d);
    throw DataError(fmt::format(
        "planted: gamma = {} in d = {} dimensions leaves a fraction {:.3g} of the unit ball "
        "outside the slab |<x, w*>| < gamma, so rejection sampling would need about {:.3g} draws "
        "per row (limit {:.0f}); use gamma <= {:.3g} for d = {}{}",
        gamma, d, std::exp(log_acceptance), std::exp(-log_acceptance),
        kPlantedMaxExpectedDrawsPerRow, largest_feasible_gamma(d, log_limit), d,
        d_max > 0 ? fmt::format(", or d <= {} for gamma = {}", d_max, gamma) : std::string()));
  }
  const double gaussians = nd * dd * std::exp(-log_acceptance);
  if (gaussians > kPlantedMaxGaussians)
    throw DataError(fmt::format(
        "planted: {}, d = {}, gamma = {} needs about {:.3g} Gaussian draws ({} * d / the "
        "acceptance rate {:.3g}), more than the limit {:.0e} (about 12 minutes of work); use a "
        "smaller n or d",
        rows.named(), d, gamma, gaussians, rows.counted(), std::exp(log_acceptance),
        kPlantedMaxGaussians));
}

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
  require_memory(16.0 * static_cast<double>(d), fmt::format("planted: a direction in d = {}", d),
                 "use a smaller d");
  StreamRandom random(seed ^ kDirectionStream);
  return random.unit_vector(d);
}

Dataset<double> make_planted(const PlantedOptions& options, const ProgressSink& progress) {
  const auto [n, d, gamma, seed, range] = options;
  if (n < 1) throw DataError(fmt::format("planted: n must be >= 1, got {}", n));
  if (!(gamma > 0 && gamma < 1))
    throw DataError(fmt::format("planted: gamma must be in (0, 1), got {}", gamma));
  if (d < 1) throw DataError(fmt::format("planted: d must be >= 1, got {}", d));
  const Rows rows = rows_of(range, n);
  check_planted_feasible(rows, d, gamma);
  const Vector<double> w_star = planted_direction(d, seed);
  Dataset<double> data;
  data.X.resize(rows.count(), d);
  data.y.resize(rows.count());
  ProgressCounter rows_done(progress, rows.count(), "rows of planted data generated");
  // The acceptance rate is the ball's mass outside the slab |<x, w*>| < gamma, checked above; the
  // cap on draws only guarantees the loop ends.
  for (std::int64_t i = rows.begin; i < rows.end; rows_done(++i - rows.begin)) {
    RowRandom random = row_random(seed, i);
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
        data.X.row(i - rows.begin) = x.transpose();
        data.y(i - rows.begin) = m > 0 ? 1.0 : -1.0;
        break;
      }
    }
  }
  return data;
}

namespace {

// One draw of make_sparse_planted: columns and values of a point uniform in the unit ball of a
// random `k`-dimensional coordinate subspace, and its margin <x, w*>.
struct SparseDraw {
  std::vector<int> columns;
  Vector<double> values;
  double margin = 0;
};

template <class Random>
void draw_sparse(Random& random, const Vector<double>& w_star, std::int64_t k, SparseDraw& x) {
  distinct_columns(random, w_star.size(), k, x.columns);
  x.values = random.unit_vector(k) * std::pow(random.uniform(), 1.0 / static_cast<double>(k));
  x.margin = 0;
  for (std::int64_t p = 0; p < k; ++p) x.margin += x.values(p) * w_star(x.columns[p]);
}

}  // namespace

Dataset<double> make_sparse_planted(const SparsePlantedOptions& options,
                                    const ProgressSink& progress) {
  const auto [n, d, k, gamma, seed, range] = options;
  if (n < 1) throw DataError(fmt::format("planted: n must be >= 1, got {}", n));
  if (d < 1) throw DataError(fmt::format("planted: d must be >= 1, got {}", d));
  if (k < 1 || k > d)
    throw DataError(fmt::format("planted: nnz must be in [1, d = {}], got {}", d, k));
  if (!(gamma > 0 && gamma < 1))
    throw DataError(fmt::format("planted: gamma must be in (0, 1), got {}", gamma));
  const Rows rows = rows_of(range, n);
  // The matrix held is the range's: its nonzeros are what must fit in memory and in 32-bit indices.
  constexpr double kMaxIndex = std::numeric_limits<int>::max();
  const double stored = static_cast<double>(rows.count()) * static_cast<double>(k);
  if (static_cast<double>(d) > kMaxIndex || stored > kMaxIndex)
    throw DataError(fmt::format(
        "planted: d = {} columns and {} * nnz = {:.0f} nonzeros{}; CSR holds at most {:.0f} of "
        "each",
        d, rows.counted(), stored, rows.all() ? "" : " (" + rows.named() + ")", kMaxIndex));
  require_memory(12 * stored + 4 * static_cast<double>(rows.count()) + 16 * static_cast<double>(d),
                 fmt::format("planted: {}, nnz = {} a row (CSR, 12 bytes a nonzero)", rows.named(),
                             k),
                 "use a smaller n or nnz");
  const Vector<double> w_star = planted_direction(d, seed);

  // The pilot: the fraction of draws with |margin| >= gamma, on its own stream.
  StreamRandom pilot(seed ^ kPilotStream);
  SparseDraw x;
  std::vector<double> pilot_margins;
  for (std::int64_t t = 0; t < kSparsePilotRows; ++t) {
    draw_sparse(pilot, w_star, k, x);
    pilot_margins.push_back(std::abs(x.margin));
  }
  const double threshold = gamma;  // a lambda cannot capture a structured binding (clang)
  const auto accepted = std::count_if(pilot_margins.begin(), pilot_margins.end(),
                                      [threshold](double m) { return m >= threshold; });
  const double rate = static_cast<double>(accepted) / kSparsePilotRows;
  if (rate * kPlantedMaxExpectedDrawsPerRow < 1) {
    std::sort(pilot_margins.begin(), pilot_margins.end());
    throw DataError(fmt::format(
        "planted: gamma = {} is too large for sparse rows with nnz = {} in d = {} (margins are "
        "about ||x|| / sqrt(d)): {} of {} pilot draws reach it; half of them reach {:.3g}, use a "
        "gamma of that order",
        gamma, k, d, accepted, kSparsePilotRows, pilot_margins[pilot_margins.size() / 2]));
  }

  Dataset<double> data;
  data.sparse = true;
  data.Xs.resize(rows.count(), static_cast<int>(d));
  data.Xs.resizeNonZeros(static_cast<std::ptrdiff_t>(rows.count() * k));
  data.y.resize(rows.count());
  int* outer = data.Xs.outerIndexPtr();
  int* inner = data.Xs.innerIndexPtr();
  double* value = data.Xs.valuePtr();
  outer[0] = 0;
  ProgressCounter rows_done(progress, rows.count(), "rows of sparse planted data generated");
  for (std::int64_t i = rows.begin; i < rows.end; rows_done(++i - rows.begin)) {
    RowRandom random = row_random(seed, i);
    for (std::int64_t draws = 0;; ++draws) {
      if (draws == kMaxDrawsPerRow)
        throw DataError(fmt::format("planted: row {} not drawn after {} tries; use a smaller gamma",
                                    i, kMaxDrawsPerRow));
      draw_sparse(random, w_star, k, x);
      if (std::abs(x.margin) >= gamma && x.values.norm() <= 1) break;
    }
    const std::int64_t local = i - rows.begin;  // the row's place in the matrix held
    for (std::int64_t p = 0; p < k; ++p) {
      inner[local * k + p] = x.columns[p];
      value[local * k + p] = x.values(p);
    }
    outer[local + 1] = static_cast<int>((local + 1) * k);
    data.y(local) = x.margin > 0 ? 1.0 : -1.0;
  }
  return data;
}

}  // namespace largestep
