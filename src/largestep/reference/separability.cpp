#include "largestep/reference/separability.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "largestep/kernel/agreement.h"
#include "largestep/reference/gordan_certificate.h"
#include "largestep/reference/multiprecision.h"
#include "largestep/reference/shared_rows.h"

namespace largestep {
namespace {

// Where Frank-Wolfe stands: the weights a on the simplex and how it stopped.
template <class Scalar>
struct Iterate {
  Vector<Scalar> a;
  long iterations = 0;
  bool converged = false;
  bool timed_out = false;
};

template <class Scalar>
double as_double(const Scalar& x) {
  if constexpr (std::is_same_v<Scalar, double>)
    return x;
  else
    return x.template convert_to<double>();
}

// The time budget and progress display of one check_separability, across its double and MPFR
// rounds. Processes that compute the certificate together (`together`: on their shards, or each
// on the whole data alike) stop when rank 0 finds the budget spent, all at the same iteration:
// its clock is read every kAgreeEvery iterations (each costs a pass through the processes).
class Budget {
 public:
  Budget(const SeparabilityOptions& options, const BlockReducer<double>* together)
      : options_(options), together_(together), start_(std::chrono::steady_clock::now()) {}
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  bool expired() const {
    if (!std::isfinite(options_.max_seconds)) return false;  // no budget: every process agrees
    if (together_ == nullptr) return seconds() > options_.max_seconds;
    if (calls_++ % kAgreeEvery != 0) return false;  // every process counts the same calls
    const bool mine = seconds() > options_.max_seconds;
    struct Decision {
      bool made = false, expired = false;
    };
    return fold_value_in_order(Decision{}, *together_, [mine](Decision so_far) {
             return so_far.made ? so_far : Decision{true, mine};
           }).expired;
  }
  void report(long iterations, double margin_estimate, double upper_bound) const {
    if (options_.progress)
      options_.progress({used + iterations, options_.max_iterations, seconds(),
                         options_.max_seconds, margin_estimate, upper_bound});
  }
  long used = 0;  // iterations of the rounds before this one

 private:
  static constexpr long kAgreeEvery = 16;
  const SeparabilityOptions& options_;
  const BlockReducer<double>* together_;
  mutable long calls_ = 0;
  std::chrono::steady_clock::time_point start_;
};

// The largest entry of `values`, 0 when there is none (a process holding no row).
template <class Scalar, class Values>
Scalar largest_of(const Values& values) {
  return values.size() == 0 ? Scalar(0) : Scalar(values.maxCoeff());
}

// One Frank-Wolfe iteration's vertices over every row: the forward one, argmin_i s_i, and the away
// one, argmax s_i over the rows with weight, each the first in row order.
template <class Scalar>
struct Pick {
  Scalar fw_value = 0, away_value = 0, away_weight = 0;
  std::int64_t fw = -1, away = -1;
};

// Minimizes (1/2) ||Z^T a||^2 over the simplex, Z = diag(y) X, tracking p = Z^T a, from `a` (the
// weights of the rows this process holds). With away steps Frank-Wolfe converges linearly on this
// problem, where plain Frank-Wolfe zig-zags. `zero` is the norm below which p counts as 0
// (rounding) relative to the largest row norm.
template <class Scalar>
Iterate<Scalar> frank_wolfe(const SharedRows<Scalar>& Z, Vector<Scalar> a, long max_iterations,
                            double relative_tolerance, const Scalar& zero, const Budget& budget) {
  using std::sqrt;
  Vector<Scalar> p = Z.weighted_sum(a);
  const Scalar largest = Z.max(largest_of<Scalar>(Z.norms()));
  const Scalar scale = largest > std::numeric_limits<double>::min()
                           ? largest
                           : Scalar(std::numeric_limits<double>::min());
  Iterate<Scalar> out;
  for (out.iterations = 0; out.iterations < max_iterations; ++out.iterations) {
    const Vector<Scalar> s = Z.times(p);
    const Scalar pp = p.squaredNorm();
    // One pass over the processes finds both vertices and brings both rows (slots 0 and 1).
    const auto scan = [&](Pick<Scalar> k, auto take) {
      for (std::ptrdiff_t i = 0; i < Z.held_rows(); ++i) {
        if (k.fw < 0 || s(i) < k.fw_value) {
          k.fw_value = s(i);
          k.fw = Z.first() + i;
          take(0, i);
        }
        if (a(i) > 0 && (k.away < 0 || s(i) > k.away_value)) {
          k.away_value = s(i);
          k.away = Z.first() + i;
          k.away_weight = a(i);
          take(1, i);
        }
      }
      return k;
    };
    const auto [pick, vertices] = Z.fold_with_rows(Pick<Scalar>{}, 2, scan);
    const Scalar norm = sqrt(pp);
    if (norm <= zero * scale) {  // p = 0 to rounding
      out.converged = true;
      break;
    }
    if (pick.fw_value > 0 && pick.fw_value / norm >= (1 - relative_tolerance) * norm) {
      out.converged = true;
      break;
    }
    budget.report(out.iterations, as_double(Scalar(pick.fw_value / norm)), as_double(norm));
    if (budget.expired()) {
      out.timed_out = true;
      break;
    }

    const Scalar fw_gap = pp - pick.fw_value;
    const Scalar away_gap = pick.away_value - pp;
    Vector<Scalar> dir;
    Scalar max_step;
    const bool forward = fw_gap >= away_gap;
    if (forward) {
      dir = vertices.row(0).transpose() - p;
      max_step = 1;
    } else {
      dir = p - vertices.row(1).transpose();
      max_step = pick.away_weight / (1 - pick.away_weight);
    }
    const Scalar dd = dir.squaredNorm();
    if (dd == 0) break;
    const Scalar step = std::clamp(Scalar(-p.dot(dir) / dd), Scalar(0), max_step);
    if (step == 0) break;  // no descent possible to rounding
    if (forward) {
      a *= 1 - step;
      if (Z.holds(pick.fw)) a(pick.fw - Z.first()) += step;
    } else {
      a *= 1 + step;
      if (Z.holds(pick.away)) {
        Scalar& weight = a(pick.away - Z.first());
        weight = step == max_step ? Scalar(0) : Scalar(weight - step);
      }
    }
    p += step * dir;
  }
  out.a = std::move(a);
  return out;
}

// The margin of the direction of p = Z^T a, measured on Z, and whether it is certified: every
// y_i <x_i, u> computed exceeds its rounding error, gamma_d sum_j |z_ij u_j| with gamma_d = d u /
// (1 - d u) for the unit roundoff u of Scalar (Higham, Accuracy and Stability, 3.1).
template <class Scalar>
struct Measured {
  Vector<Scalar> direction;
  Scalar margin = 0, upper_bound = 0;
  bool certified = false;
};

// The smallest of some values over every row (and the first row where it is), and whether a test
// held on every row.
template <class Scalar>
struct SmallestAndAll {
  Scalar smallest = 0;
  std::int64_t where = -1;
  bool any = false, all = true;
  SmallestAndAll then(const Scalar& value, bool holds, std::int64_t row = -1) const {
    SmallestAndAll next = *this;
    if (!any || value < smallest) {
      next.smallest = value;
      next.where = row;
    }
    next.any = true;
    next.all = all && holds;
    return next;
  }
};

// min_i (Z u)_i as computed in Scalar, and whether every (Z u)_i exceeds its rounding error.
template <class Scalar>
std::pair<Scalar, bool> certified_min(const SharedRows<Scalar>& Z, const Vector<Scalar>& u) {
  const Vector<Scalar> margins = Z.times(u);
  const Scalar unit_roundoff = std::numeric_limits<Scalar>::epsilon() / 2;
  const Scalar d_u = Scalar(static_cast<double>(Z.cols())) * unit_roundoff;
  const Scalar gamma_d = d_u / (1 - d_u);
  const Vector<Scalar> error = gamma_d * Z.abs_times(u.cwiseAbs());
  const SmallestAndAll<Scalar> m = Z.fold(SmallestAndAll<Scalar>{}, [&](SmallestAndAll<Scalar> k) {
    for (std::ptrdiff_t i = 0; i < margins.size(); ++i)
      k = k.then(margins(i), margins(i) - error(i) > Scalar(0));
    return k;
  });
  return {m.smallest, m.all};
}

template <class Scalar>
Measured<Scalar> measure(const SharedRows<Scalar>& Z, const Vector<Scalar>& a) {
  // Certify on the data itself: the margin of the direction found, not of the iteration's p. The
  // upper bound is recomputed from the weights (p drifts by rounding over many updates) and
  // widened by a relative 1e-12 so that rounding cannot put it below the true best margin.
  Measured<Scalar> m;
  const Vector<Scalar> p = Z.weighted_sum(a);
  const Scalar norm = p.norm();
  m.upper_bound = norm * Scalar(1 + 1e-12);
  if (!(norm > 0)) {
    m.direction = Vector<Scalar>::Zero(Z.cols());
    return m;
  }
  m.direction = p / norm;
  std::tie(m.margin, m.certified) = certified_min(Z, m.direction);
  return m;
}

// Weights to start from near a direction u believed close to the max-margin one: the minimum-norm
// point of the rows with the smallest margins under u (the likely support vectors, in row order),
// found by Frank-Wolfe on those rows alone, which costs k d per iteration instead of n d. The full
// iteration then only has to add the support vectors u missed.
Vector<double> warm_start(const SharedRows<double>& Z, const Vector<double>& u,
                          const SeparabilityOptions& options, const Budget& budget) {
  const std::ptrdiff_t d = Z.cols();
  const std::ptrdiff_t k = std::min<std::ptrdiff_t>(Z.n(), std::max<std::ptrdiff_t>(8 * d, 256));
  const std::vector<std::ptrdiff_t> rows = Z.smallest(Z.times(u), k);
  const SharedRows<double> Zk(Z.gather_rows(rows));
  Vector<double> ak = Vector<double>::Zero(k);
  std::ptrdiff_t start = 0;
  Zk.squared_norms().minCoeff(&start);
  ak(start) = 1;
  const Iterate<double> it = frank_wolfe<double>(Zk, ak, options.max_iterations,
                                                 options.relative_tolerance / 10, 1e-15, budget);
  Vector<double> a = Vector<double>::Zero(Z.held_rows());
  for (std::ptrdiff_t r = 0; r < k; ++r)
    if (const std::ptrdiff_t i = rows[static_cast<std::size_t>(r)]; Z.holds(i))
      a(i - Z.first()) = it.a(r);
  return a;
}

// 2^k with max |z_ij| 2^k in [0.5, 1), when the largest entry of every row (of every process's)
// is far from 1 (oned:x=1e-300): p and its squares then stay in range. Data near 1 keeps its bits
// (scale 1).
double power_of_two_scale(const Dataset<double>& data, const BlockReducer<double>* reducer) {
  const double mine = largest_of<double>(data.entries().cwiseAbs());
  const double largest = reducer == nullptr ? mine : max_over_processes(mine, reducer);
  if (!(largest > 0) || (largest >= 0x1p-60 && largest <= 0x1p60)) return 1;
  int exponent = 0;
  std::frexp(largest, &exponent);
  return std::ldexp(1.0, -exponent);
}

// prove_zero_in_hull on the rows with weight (the only ones it looks at), gathered on every
// process when it can afford them.
std::ptrdiff_t prove_on_support(const SharedRows<double>& Z, const Vector<double>& a) {
  const std::vector<std::ptrdiff_t> support =
      Z.indices_where([&a](std::ptrdiff_t i) { return a(i) > 0; });
  if (!proof_affordable(Z.cols(), support.size())) return 0;
  return prove_zero_in_hull(Z.gather_rows(support), Z.gather_values(a, support));
}

std::string proof_note(std::ptrdiff_t support) {
  return fmt::format(
      "; not separable by an exact certificate: 0 is a convex combination of {} "
      "of the y_i x_i (rational arithmetic)",
      support);
}

}  // namespace

std::string to_string(SeparabilityVerdict verdict) {
  switch (verdict) {
    case SeparabilityVerdict::separable:
      return "yes";
    case SeparabilityVerdict::not_separable:
      return "no";
    case SeparabilityVerdict::undetermined:
      return "undetermined";
  }
  return "undetermined";
}

Separability check_separability(const Dataset<double>& data, const SeparabilityOptions& options) {
  if (data.total_n() < 1 || data.d() < 1) throw DataError("check_separability: empty dataset");
  if (data.sparse) {
    // Frank-Wolfe, the exact proof and the MPFR fallback work on dense rows: CSR data up to
    // kMaxSparseCertificateEntries entries is certified as a dense copy.
    const double entries = static_cast<double>(data.total_n()) * static_cast<double>(data.d());
    if (entries > kMaxSparseCertificateEntries)
      throw DataError(fmt::format(
          "the margin certificate of CSR data is computed on a dense copy, and {} has n * d = "
          "{:.3g} entries, more than {:.3g}: no certified margin, so the rules that need one (s2, "
          "s3) cannot run on it; classical, loc, best and nesterov do not need it",
          data.spec.empty() ? "this dataset" : data.spec, entries, kMaxSparseCertificateEntries));
    Dataset<double> dense{RowMatrix<double>(data.Xs), data.y, data.spec};
    dense.first_row = data.first_row;
    dense.all_rows = data.all_rows;
    return check_separability(dense, options);
  }
  const BlockReducer<double>* reducer = shard_reducer(data);
  const double scale = power_of_two_scale(data, reducer);
  // Z = diag(y) X, never formed: its rows as y_i x_i (shared_rows.h). Only data far from 1 is
  // copied, scaled (exact: a power of two, and the largest entry lands near 1).
  RowMatrix<double> scaled;
  if (scale != 1) scaled = data.X * scale;
  const SharedRows<double> Z(scale != 1 ? scaled : data.X, data.y, data.first_row, data.total_n(),
                             reducer);
  Budget budget(options, processes_sharing_rows());

  Vector<double> a0 = Vector<double>::Zero(Z.held_rows());
  if (options.start_direction.size() == Z.cols() && options.start_direction.allFinite() &&
      options.start_direction.norm() > 0) {
    a0 = warm_start(Z, options.start_direction, options, budget);
  } else {  // the shortest row, the first of them
    const Vector<double> norms = Z.squared_norms();
    const SmallestAndAll<double> shortest =
        Z.fold(SmallestAndAll<double>{}, [&](SmallestAndAll<double> k) {
          for (std::ptrdiff_t i = 0; i < norms.size(); ++i)
            k = k.then(norms(i), true, Z.first() + i);
          return k;
        });
    if (Z.holds(shortest.where)) a0(shortest.where - Z.first()) = 1;
  }
  const Iterate<double> fw =
      frank_wolfe<double>(Z, a0, options.max_iterations, options.relative_tolerance, 1e-15, budget);
  const Measured<double> m = measure(Z, fw.a);

  Separability result;
  result.method = "minimum-norm point of conv{y_i x_i} by away-step Frank-Wolfe";
  result.iterations = fw.iterations;
  result.converged = fw.converged;
  result.direction = m.direction;
  result.margin_upper_bound = m.upper_bound / scale;
  result.margin = m.margin / scale;
  result.time_budget_hit = fw.timed_out;
  result.iteration_cap_hit = !fw.converged && fw.iterations >= options.max_iterations;
  const auto done = [&budget](Separability& r) {
    r.seconds = budget.seconds();
    return r;
  };
  if (m.certified) {
    result.verdict = SeparabilityVerdict::separable;
    result.separable = true;
    return done(result);
  }
  result.margin = std::min(result.margin, 0.0);  // a positive margin below rounding is not one
  // Only a minimum-norm point at 0 to double's rounding (with the iteration stopped by precision,
  // not by its limit) leaves the question to exact or higher-precision arithmetic.
  const double largest = Z.max(largest_of<double>(Z.norms()));
  const bool at_rounding = m.upper_bound <= 1e-9 * largest;
  if (!at_rounding || fw.iterations >= options.max_iterations || fw.timed_out) return done(result);
  if (const std::ptrdiff_t support = prove_on_support(Z, fw.a)) {
    result.verdict = SeparabilityVerdict::not_separable;
    result.method += proof_note(support);
    return done(result);
  }
  // A margin too small for double (hard:gamma=1e-16): Frank-Wolfe again in MPFR from where double
  // stopped, in more digits each time, while the data is small enough for MPFR's cost. Processes
  // sharing the rows each take every row then (a few at most): MPFR arithmetic is not shared.
  const double entries = static_cast<double>(Z.n()) * static_cast<double>(Z.cols());
  if (entries > static_cast<double>(options.max_entries_for_multiprecision)) return done(result);
  std::vector<std::ptrdiff_t> every_row(static_cast<std::size_t>(Z.n()));
  std::iota(every_row.begin(), every_row.end(), std::ptrdiff_t{0});
  const RowMatrix<double> whole_rows = Z.gather_rows(every_row);
  const SharedRows<double> whole(whole_rows);
  Vector<double> a = Z.gather_values(fw.a, every_row);
  const std::ptrdiff_t n = whole.n();
  long used = fw.iterations;
  for (int digits = 40; digits <= options.max_digits; digits *= 2) {
    const long rounds = std::min<long>(options.max_iterations - used,
                                       static_cast<long>(std::max(1.0, 2e7 / entries)));
    if (rounds <= 0) break;
    const MpDigits precision(static_cast<unsigned>(digits));
    const SharedRows<Mp> Z_mp(whole_rows.cast<Mp>());
    const Mp zero = pow(Mp(10), -(digits - 5));
    budget.used = used;
    const Iterate<Mp> it =
        frank_wolfe<Mp>(Z_mp, a.cast<Mp>(), rounds, options.relative_tolerance, zero, budget);
    used += it.iterations;
    result.time_budget_hit = it.timed_out;
    result.iteration_cap_hit = !it.converged && used >= options.max_iterations;
    const Measured<Mp> mm = measure(Z_mp, it.a);
    for (std::ptrdiff_t i = 0; i < n; ++i) a(i) = it.a(i).convert_to<double>();
    result.iterations = used;
    result.converged = it.converged;
    result.digits = digits;
    result.margin_upper_bound = (mm.upper_bound / scale).convert_to<double>();
    result.direction = mm.direction.unaryExpr([](const Mp& x) { return x.convert_to<double>(); });
    result.margin = std::min((mm.margin / scale).convert_to<double>(), 0.0);
    if (mm.certified) {
      // The direction reported is the MPFR one rounded to double: its own margin, measured in
      // MPFR (products of doubles are exact there), is the one reported when it is certified.
      const auto [rounded, rounded_certified] =
          certified_min(Z_mp, Vector<Mp>(result.direction.cast<Mp>()));
      const bool use_rounded = rounded_certified && rounded > 0;
      result.verdict = SeparabilityVerdict::separable;
      result.separable = true;
      // Rounded towards 0, so that the double stays a lower bound on the margin measured.
      result.margin =
          std::nextafter(((use_rounded ? rounded : mm.margin) / scale).convert_to<double>(), 0.0);
      result.method += fmt::format(", in MPFR arithmetic at {} digits{}", digits,
                                   use_rounded ? ""
                                               : " (the margin of the MPFR direction; "
                                                 "its rounding to double does not separate)");
      return done(result);
    }
    if (const std::ptrdiff_t support = prove_on_support(whole, a)) {
      result.verdict = SeparabilityVerdict::not_separable;
      result.method += proof_note(support);
      return done(result);
    }
    if (it.timed_out || !(mm.upper_bound <= pow(Mp(10), -(digits - 10)) * Mp(largest))) break;
  }
  return done(result);
}

double certified_margin(const Dataset<double>& data, const Vector<double>& direction) {
  if (direction.size() != data.d())
    throw std::invalid_argument(fmt::format("certified_margin: a direction of size {} for d = {}",
                                            direction.size(), data.d()));
  const double norm = direction.norm();
  if (!(norm > 0) || !std::isfinite(norm)) return 0;
  const Vector<double> u = direction / norm;
  // As check_separability measures its own direction, on the same power-of-two scaled rows,
  // without forming diag(y) X: y_i = +-1 only flips signs, exactly.
  const BlockReducer<double>* reducer = shard_reducer(data);
  const double scale = power_of_two_scale(data, reducer);
  const double d_u = static_cast<double>(data.d()) * std::numeric_limits<double>::epsilon() / 2;
  const double gamma_d = d_u / (1 - d_u);
  const auto scan = [&](SmallestAndAll<double> k) {
    for (std::ptrdiff_t i = 0; i < data.n() && k.all; ++i) {
      double margin = 0, error = 0;
      const auto add = [&](double x, std::ptrdiff_t j) {
        const double z = data.y(i) * x * scale;
        margin += z * u(j);
        error += std::abs(z * u(j));
      };
      if (data.sparse) {  // the nonzeros only: the zeros add nothing, exactly
        for (int p = data.Xs.outerIndexPtr()[i]; p < data.Xs.outerIndexPtr()[i + 1]; ++p)
          add(data.Xs.valuePtr()[p], data.Xs.innerIndexPtr()[p]);
      } else {
        for (std::ptrdiff_t j = 0; j < data.d(); ++j) add(data.X(i, j), j);
      }
      k = k.then(margin, margin - gamma_d * error > 0);
    }
    return k;
  };
  const SmallestAndAll<double> all =
      reducer == nullptr ? scan({}) : fold_value_in_order(SmallestAndAll<double>{}, *reducer, scan);
  return all.any && all.all ? all.smallest / scale : 0.0;
}

}  // namespace largestep
