#include "largestep/reference/scaled_reference.h"

#include <fmt/format.h>
#include <quadmath.h>

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>
#include <vector>

#include "largestep/kernel/objective.h"
#include "largestep/reference/double_double.h"
#include "largestep/reference/lanczos.h"
#include "largestep/reference/ordered_sum.h"
#include "largestep/reference/row_blocks.h"

namespace largestep {
namespace {

constexpr double kU = std::numeric_limits<double>::epsilon() / 2;  // 2^-53
constexpr double kU2 = kU * kU;                                    // 2^-106
const double kQuadU = std::ldexp(1.0, -113);                       // __float128's unit roundoff
// max |l'''(z)| = 1 / (6 sqrt 3), rounded up: how fast the curvature moves with the margin.
constexpr double kMaxThirdDerivative = 0.0963;
constexpr int kStages = 5;

double gamma(double k) { return k * kU < 0.5 ? k * kU / (1 - k * kU) : 1.0; }

// Lanczos keeps its whole basis (d x steps doubles, for full reorthogonalization): at most 2^24
// doubles (128 MB), so that d = 2^20 gets 16 steps rather than 1.6 GB.
int lanczos_steps(const ScaledOptions& options, std::ptrdiff_t d) {
  constexpr double kMaxBasisDoubles = 1 << 24;
  return static_cast<int>(std::max(
      1.0, std::min<double>(options.lanczos_steps, kMaxBasisDoubles / static_cast<double>(d))));
}

// Whether the Hessian is formed (d x d, factored) rather than applied (Hessian-vector products).
bool forms_hessian(bool sparse, std::ptrdiff_t d, const ScaledOptions& options) {
  return !sparse && d <= options.dense_max_d;
}

// Visits [begin, end) in blocks of `rows`, in order.
template <class Body>
void for_blocks(std::ptrdiff_t begin, std::ptrdiff_t end, std::ptrdiff_t rows, Body&& body) {
  for (std::ptrdiff_t b = begin; b < end; b += rows) body(b, std::min(end, b + rows));
}

// total += partial, the fold of the plain sums.
void add_into(std::span<double> total, std::span<const double> partial) {
  for (std::size_t k = 0; k < total.size(); ++k) total[k] += partial[k];
}

// c_i = l''(z_i) = e / (1 + e)^2, e = exp(-|z_i|): the curvatures of every row held at w.
Vector<double> curvatures(const DataRows& rows, const Vector<double>& w, std::ptrdiff_t block) {
  Vector<double> c(rows.held());
  for_blocks(0, rows.held(), block, [&](std::ptrdiff_t b, std::ptrdiff_t e) {
    Eigen::Ref<Vector<double>> z = c.segment(b, e - b);
    rows.margins(b, e, w, z);
    const Eigen::ArrayXd ex = (-z.array().abs()).exp();
    z.array() = ex / (1 + ex).square();
  });
  return c;
}

// sum_i c_i over every row, c indexed by the rows held: in units, in order (ordered_sum.h).
double sum_of(const DataRows& rows, const Vector<double>& c, const BlockReducer<double>* reducer) {
  double total = 0;
  rows.ordered_sum(1, reducer)(
      std::span<double>(&total, 1),
      [&](std::ptrdiff_t begin, std::ptrdiff_t end, std::span<double> partial) {
        partial[0] = c.segment(begin, end - begin).sum();
      },
      add_into);
  return total;
}

// X^T diag(c) X (full, symmetric), the lower triangles of blocks of rows summed in order
// (ordered_sum.h: the same bits for any number of processes sharing the rows).
Matrix<double> weighted_gram(const DataRows& rows, const Vector<double>& c, std::ptrdiff_t block,
                             const BlockReducer<double>* reducer) {
  const std::ptrdiff_t d = rows.d();
  Matrix<double> h = Matrix<double>::Zero(d, d);
  RowMatrix<double> scratch;
  const OrderedSum sum = rows.ordered_sum(d * d, reducer);
  sum(std::span<double>(h.data(), static_cast<std::size_t>(h.size())),
      [&](std::ptrdiff_t begin, std::ptrdiff_t end, std::span<double> partial) {
        Eigen::Map<Matrix<double>> p(partial.data(), d, d);
        for_blocks(begin, end, block, [&](std::ptrdiff_t b, std::ptrdiff_t e) {
          rows.add_weighted_gram(b, e, c.segment(b, e - b), p, scratch);
        });
      },
      add_into);
  return h.selfadjointView<Eigen::Lower>();
}

// (1/n) X^T diag(c) X + lambda I.
Matrix<double> dense_hessian(const DataRows& rows, const Vector<double>& c, double lambda,
                             std::ptrdiff_t block, const BlockReducer<double>* reducer) {
  Matrix<double> h = weighted_gram(rows, c, block, reducer);
  h /= static_cast<double>(rows.n());
  h.diagonal().array() += lambda;
  return h;
}

// (1/n) X^T diag(c) (X v) + lambda v, with nothing larger than a block of margins; blocks of rows
// summed in order (ordered_sum.h).
Vector<double> hessian_times(const DataRows& rows, const Vector<double>& c, double lambda,
                             const Vector<double>& v, std::ptrdiff_t block,
                             const BlockReducer<double>* reducer) {
  const std::ptrdiff_t d = rows.d();
  Vector<double> out = Vector<double>::Zero(d);
  Vector<double> t(block);
  const OrderedSum sum = rows.ordered_sum(d, reducer);
  sum(std::span<double>(out.data(), static_cast<std::size_t>(d)),
      [&](std::ptrdiff_t begin, std::ptrdiff_t end, std::span<double> partial) {
        Eigen::Map<Vector<double>> p(partial.data(), d);
        if (rows.sparse()) {  // one pass over the nonzeros, row by row
          rows.add_weighted_normal_times(begin, end, c, v, p);
          return;
        }
        for_blocks(begin, end, block, [&](std::ptrdiff_t b, std::ptrdiff_t e) {
          Eigen::Ref<Vector<double>> tb = t.head(e - b);
          // margins() multiplies by y; the Hessian does not see the labels (y^2 = 1): undo it.
          rows.margins(b, e, v, tb);
          for (std::ptrdiff_t k = 0; k < e - b; ++k) tb(k) *= rows.label(b + k) * c(b + k);
          rows.add_transpose_times(b, e, tb, p);
        });
      },
      add_into);
  out /= static_cast<double>(rows.n());
  out += lambda * v;
  return out;
}

// Conjugate gradients for H x = rhs, H symmetric positive definite, to a relative residual.
Vector<double> conjugate_gradients(const std::function<Vector<double>(const Vector<double>&)>& h,
                                   const Vector<double>& rhs, double relative_tolerance,
                                   int max_iterations) {
  Vector<double> x = Vector<double>::Zero(rhs.size());
  Vector<double> r = rhs, p = rhs;
  double rr = r.squaredNorm();
  const double stop = relative_tolerance * relative_tolerance * rr;
  for (int k = 0; k < max_iterations && rr > stop; ++k) {
    const Vector<double> hp = h(p);
    const double alpha = rr / p.dot(hp);
    x += alpha * p;
    r -= alpha * hp;
    const double rr_next = r.squaredNorm();
    p = r + (rr_next / rr) * p;
    rr = rr_next;
  }
  return x;
}

// The Newton system of one point: the factored Hessian when d is small, else CG on H v.
class NewtonSystem {
 public:
  NewtonSystem(const DataRows& rows, const Vector<double>& w, double lambda,
               const ScaledOptions& options, const BlockReducer<double>* reducer)
      : rows_(rows),
        lambda_(lambda),
        block_(options.rows_per_block),
        reducer_(reducer),
        dense_(forms_hessian(rows.sparse(), rows.d(), options)),
        c_(curvatures(rows, w, block_)) {
    if (dense_) {
      hessian_ = dense_hessian(rows, c_, lambda, block_, reducer_);
      llt_.compute(hessian_);
      if (llt_.info() != Eigen::Success)
        throw std::runtime_error("scaled reference: Hessian not positive definite");
    }
  }

  Vector<double> times(const Vector<double>& v) const {
    return hessian_times(rows_, c_, lambda_, v, block_, reducer_);
  }

  Vector<double> solve(const Vector<double>& rhs, double relative_tolerance) const {
    if (dense_) return llt_.solve(rhs);
    return conjugate_gradients([this](const Vector<double>& v) { return times(v); }, rhs,
                               relative_tolerance, 1000);
  }

  bool dense() const { return dense_; }
  const Matrix<double>& hessian() const { return hessian_; }

 private:
  const DataRows& rows_;
  double lambda_;
  std::ptrdiff_t block_;
  const BlockReducer<double>* reducer_;
  bool dense_;
  Vector<double> c_;
  Matrix<double> hessian_;
  Eigen::LLT<Matrix<double>> llt_;
};

struct DoubleNewton {
  Vector<double> w;
  int iterations = 0;
  std::optional<NewtonSystem> system;  // the last one formed
};

// Damped Newton in double, as newton.h, with the Hessian formed in blocks (or Newton-CG). Stops
// at half a squared decrement of 1e-22 f after a last full step, or when no step decreases f:
// the refinement takes w below double's floor from there. Once a step moves the Hessian by at
// most 1e-3 lambda <= 1e-3 h_min (max|l'''| R^3 ||step||), the next steps keep the factored
// Hessian: each still contracts the error by ~1e-3, and a formation (n d^2 / 2 flops, the cost
// of a step at d = 100) is saved.
DoubleNewton newton_in_double(const DataRows& rows, const LogisticObjective<double>& f,
                              double max_row_norm, const ScaledOptions& options,
                              const BlockReducer<double>* reducer) {
  DoubleNewton r;
  r.w = Vector<double>::Zero(rows.d());
  Vector<double> grad, trial_grad;
  const double r3 = max_row_norm * max_row_norm * max_row_norm;
  bool stale_is_fine = false;
  // f by value_and_gradient throughout (the processes share it; f.value is one process's sum),
  // and the gradient of an accepted trial point is the next step's.
  double value = f.value_and_gradient(r.w, grad);
  for (r.iterations = 0; r.iterations < 200; ++r.iterations) {
    if (options.progress)
      options.progress(1, kStages,
                       fmt::format("Newton in double: step {}, f = {:.16g}, ||grad f|| = {:.3g}",
                                   r.iterations + 1, value, grad.norm()));
    if (!r.system || !stale_is_fine) r.system.emplace(rows, r.w, f.lambda(), options, reducer);
    // CG's forcing term: loose far away, tight near w_lambda (superlinear convergence).
    const double tolerance = std::min(0.1, std::sqrt(grad.norm()));
    const Vector<double> step = r.system->solve(-grad, tolerance);
    const double decrement2 = -grad.dot(step);
    if (!(decrement2 / 2 > 1e-22 * std::abs(value))) {
      r.w += step;
      ++r.iterations;
      return r;
    }
    const double slack = 16 * std::numeric_limits<double>::epsilon() * std::abs(value);
    double t = 1;
    Vector<double> trial = r.w + step;
    double trial_value = 0;
    while ((trial_value = f.value_and_gradient(trial, trial_grad)) >
           value - 0.25 * t * decrement2 + slack) {
      t /= 2;
      if (t < 1e-12) return r;
      trial = r.w + t * step;
    }
    stale_is_fine = kMaxThirdDerivative * r3 * t * step.norm() <= 1e-3 * f.lambda();
    r.w = trial;
    value = trial_value;
    grad.swap(trial_grad);
  }
  throw std::runtime_error("scaled reference: Newton did not converge within 200 steps");
}

// l(z) and l'(z) of a double-double margin in __float128: libquadmath's expq and log1pq are
// within about an ulp of 113 bits (1e-34), far below the 1e-22 the bracket needs, and need no
// hand-made double-double exp/log1p to get right; they cost about 1 and 2 us per row (measured),
// a second or two per pass at n = 10^6. z = hi + lo is exact in 113 bits.
struct QuadLoss {
  DoubleDouble loss, derivative;
};

DoubleDouble to_dd(__float128 q) {
  const double hi = static_cast<double>(q);
  return {hi, static_cast<double>(q - static_cast<__float128>(hi))};
}

QuadLoss logistic_quad(const DoubleDouble& z, bool want_loss) {
  const __float128 zq = static_cast<__float128>(z.hi) + static_cast<__float128>(z.lo);
  const __float128 e = expq(-fabsq(zq));  // in (0, 1]
  const __float128 one = 1;
  // l'(z) = -s(-z) = -1 / (1 + e^z): -e / (1 + e) for z >= 0, -1 / (1 + e) below.
  QuadLoss out;
  out.derivative = to_dd(-(zq >= 0 ? e : one) / (one + e));
  if (want_loss) out.loss = to_dd((zq >= 0 ? __float128(0) : -zq) + log1pq(e));
  return out;
}

// f(w) (optional) and grad f(w) in double-double, a compensated block of rows at a time.
struct ExtendedEvaluation {
  std::vector<DoubleDouble> gradient;
  DoubleDouble value, loss, regularizer;
};

// Double-double number k of a sum's state (hi, lo pairs), and its update.
DoubleDouble pair_at(std::span<const double> s, std::ptrdiff_t k) { return {s[2 * k], s[2 * k + 1]}; }
void set_pair(std::span<double> s, std::ptrdiff_t k, const DoubleDouble& x) {
  s[2 * k] = x.hi;
  s[2 * k + 1] = x.lo;
}

// The blocks of rows of each unit (ordered_sum.h) sum from zero and the units' sums add in order;
// every sum is in double-double (d gradient entries, then the loss).
ExtendedEvaluation evaluate_extended(const DataRows& rows, const std::vector<DoubleDouble>& w,
                                     double lambda, bool want_value, std::ptrdiff_t block,
                                     const BlockReducer<double>* reducer) {
  const std::ptrdiff_t n = rows.n(), d = rows.d();
  std::vector<double> w_hi(d), w_lo(d), acc_hi(d), acc_lo(d);
  for (std::ptrdiff_t j = 0; j < d; ++j) {
    w_hi[j] = w[j].hi;
    w_lo[j] = w[j].lo;
  }
  std::vector<DoubleDouble> z(block), r(block);
  // The columns a block touched: only their accumulators are folded and reset (a CSR block of
  // 1024 rows touches ~32K of d = 2^20 columns; folding all d per block cost more than the rows).
  std::vector<char> seen(rows.sparse() ? static_cast<std::size_t>(d) : 0);
  std::vector<int> columns;
  std::vector<double> sums(static_cast<std::size_t>(2 * d + 2));  // the gradient's, the loss's
  const auto add_block = [&](std::ptrdiff_t b, std::ptrdiff_t e, std::span<double> unit) {
    rows.margins_dd(b, e, w_hi, w_lo, z.data());
    double loss_hi = 0, loss_lo = 0;
    for (std::ptrdiff_t k = 0; k < e - b; ++k) {
      const QuadLoss q = logistic_quad(z[k], want_value);
      r[k] = rows.label(b + k) > 0 ? q.derivative : -q.derivative;
      if (want_value) {  // Sum2 over the block, as the gradient
        const DoubleDouble t = two_sum(loss_hi, q.loss.hi);
        loss_hi = t.hi;
        loss_lo += t.lo + q.loss.lo;
      }
    }
    rows.add_transpose_times_dd(b, e, r.data(), acc_hi, acc_lo);
    rows.touched_columns(b, e, seen, columns);
    for (const int j : columns) {
      set_pair(unit, j, pair_at(unit, j) + two_sum(acc_hi[j], acc_lo[j]));
      acc_hi[j] = acc_lo[j] = 0;
      if (rows.sparse()) seen[j] = 0;
    }
    set_pair(unit, d, pair_at(unit, d) + two_sum(loss_hi, loss_lo));
  };
  const OrderedSum sum = rows.ordered_sum(2 * d + 2, reducer);  // the gradient, the loss
  sum(
      sums,
      [&](std::ptrdiff_t begin, std::ptrdiff_t end, std::span<double> unit) {
        for_blocks(begin, end, block,
                   [&](std::ptrdiff_t b, std::ptrdiff_t e) { add_block(b, e, unit); });
      },
      [d](std::span<double> total, std::span<const double> unit) {
        for (std::ptrdiff_t k = 0; k <= d; ++k)
          set_pair(total, k, pair_at(total, k) + pair_at(unit, k));
      });
  ExtendedEvaluation out;
  out.gradient.resize(d);
  DoubleDouble norm2;
  for (std::ptrdiff_t j = 0; j < d; ++j) {
    out.gradient[j] = pair_at(sums, j) / static_cast<double>(n) + w[j] * lambda;
    norm2 = norm2 + w[j] * w[j];
  }
  if (want_value) {
    out.loss = pair_at(sums, d) / static_cast<double>(n);
    out.regularizer = norm2 * (lambda / 2);  // lambda / 2 is exact
    out.value = out.loss + out.regularizer;
  }
  return out;
}

// h_min of hess f(w_lambda) = (1/n) X^T diag(c) X + lambda I, given a Ritz value `value` within
// `uncertainty` of it: the Hessian is >= lambda I, so h_min lies in [max(lambda, value - dh),
// value + dh]; returns that interval's midpoint and sets `uncertainty` to its half width. When
// n < d, X has a null space, on which the Hessian is lambda I: h_min = lambda exactly (the
// 16-step Lanczos of d = 2^20 could not resolve the bottom of the spectrum to lambda's scale); the
// uncertainty left is the 18-digit decimal of lambda's, below 5e-18 lambda.
double h_min_within_bounds(double value, double& uncertainty, double lambda, bool rank_deficient) {
  if (rank_deficient) {
    uncertainty = 1e-17 * lambda;
    return lambda;
  }
  if (value - uncertainty >= lambda) return value;
  const double upper = std::max(lambda, value + uncertainty);
  const double mid = lambda + (upper - lambda) / 2;
  // The 18-digit decimal of mid is off by up to 5e-18 mid, and the ends may be h_min itself.
  uncertainty = std::max(mid - lambda, upper - mid) * (1 + 4 * kU) + 1e-17 * mid;
  return mid;
}

double norm(const std::vector<DoubleDouble>& v) {
  double s = 0;
  for (const DoubleDouble& x : v) s += (x.hi + x.lo) * (x.hi + x.lo);
  return std::sqrt(s);
}

Vector<double> rounded(const std::vector<DoubleDouble>& v) {
  Vector<double> out(static_cast<std::ptrdiff_t>(v.size()));
  for (std::size_t j = 0; j < v.size(); ++j)
    out(static_cast<std::ptrdiff_t>(j)) = v[j].hi + v[j].lo;
  return out;
}

// hi + lo printed exactly enough: 35 significant digits of the __float128 sum (which holds it
// exactly), more than double-double's ~32.
std::string decimal(const DoubleDouble& x) {
  char buffer[64];
  const __float128 q = static_cast<__float128>(x.hi) + static_cast<__float128>(x.lo);
  quadmath_snprintf(buffer, sizeof buffer, "%.34Qe", q);
  return buffer;
}

std::string decimal(double x) { return fmt::format("{:.17e}", x); }

}  // namespace

std::ptrdiff_t reference_unit_rows(std::ptrdiff_t n, std::ptrdiff_t d, bool sparse,
                                   const ScaledOptions& options) {
  for (const std::ptrdiff_t block : {options.rows_per_block, options.dd_rows_per_block})
    if (block <= 0 || OrderedSum::kMinUnitRows % block != 0)
      throw std::invalid_argument(fmt::format(
          "scaled reference: a block of {} rows does not divide a unit of {}", block,
          OrderedSum::kMinUnitRows));
  const std::ptrdiff_t extended = 2 * d + 2;  // the double-double gradient and loss
  return OrderedSum::unit_rows_for(
      n, forms_hessian(sparse, d, options) ? std::max(d * d, extended) : extended);
}

ScaledResult compute_reference_scaled(const Dataset<double>& data, double lambda,
                                      const ScaledOptions& options) {
  if (!(lambda > 0 && std::isfinite(lambda)))
    throw std::invalid_argument(fmt::format("scaled reference: lambda = {} must be > 0", lambda));
  const DataRows rows(data, reference_unit_rows(data.total_n(), data.d(), data.sparse, options));
  const std::ptrdiff_t n = rows.n(), d = rows.d();
  // Processes sharing the rows: every sum over them in order (ordered_sum.h), so that the
  // reference's bits do not depend on their number.
  const BlockReducer<double>* reducer = data_parallel_reducer<double>();
  if (reducer != nullptr) reducer = &reducer->deterministic();
  LogisticObjective<double> f(data, lambda);
  f.set_reducer(reducer);
  ScaledResult result;

  // 1. Newton in double, to double's rounding floor.
  const double r_max = static_cast<double>(f.max_row_norm());
  const DoubleNewton newton = newton_in_double(rows, f, r_max, options, reducer);
  result.newton_iterations = newton.iterations;

  // 2. Iterative refinement: corrections solved in double with the last Hessian of Newton,
  // applied to w in double-double, the gradient evaluated in double-double; until the gradient
  // stops shrinking (by a factor 2 per step at least) or its part of the bracket,
  // ||grad f||^2 / (2 lambda), is below 1e-40 f, far under the rounding allowance of f in
  // double-double (~u^2 f = 1e-32 f), where another pass could not narrow the bracket. Every pass
  // after the first evaluates f too (a log1p per row), so the last one needs no pass of its own.
  // The Hessian at Newton's last w, formed afresh: its eigenvectors are the Ritz vectors of step 4,
  // whose residual bounds are first order in how far the Hessian they came from is off.
  const NewtonSystem system(rows, newton.w, lambda, options, reducer);
  result.dense_hessian = system.dense();
  std::vector<DoubleDouble> w(static_cast<std::size_t>(d));
  for (std::ptrdiff_t j = 0; j < d; ++j) w[j] = newton.w(j);
  const std::ptrdiff_t dd_block = options.dd_rows_per_block;
  ExtendedEvaluation at_w = evaluate_extended(rows, w, lambda, false, dd_block, reducer);
  bool have_value = false;
  double grad_norm = norm(at_w.gradient);
  for (int k = 0; k < options.max_refinements; ++k) {
    if (options.progress)
      options.progress(2, kStages,
                       fmt::format("refinement in double-double: step {}, ||grad f|| = {:.3g}",
                                   k + 1, grad_norm));
    // A pass shrinks the gradient by about CG's relative residual: 1e-8 takes the 1e-19 of
    // Newton's floor below 1e-26, where grad^2 / (2 lambda) is negligible against f's rounding,
    // and costs about 2/3 of the CG steps of 1e-12 (on which the bracket does not depend: it is
    // evaluated at whatever w the passes reach); a gradient still large gets more passes.
    const Vector<double> delta = system.solve(-rounded(at_w.gradient), 1e-8);
    std::vector<DoubleDouble> trial = w;
    for (std::ptrdiff_t j = 0; j < d; ++j) trial[j] = trial[j] + delta(j);
    ExtendedEvaluation at_trial = evaluate_extended(rows, trial, lambda, true, dd_block, reducer);
    const double trial_norm = norm(at_trial.gradient);
    if (!(trial_norm < grad_norm)) break;
    const bool still_shrinking = trial_norm < 0.5 * grad_norm;
    w = std::move(trial);
    at_w = std::move(at_trial);
    have_value = true;
    grad_norm = trial_norm;
    ++result.refinements;
    const bool negligible =
        grad_norm * grad_norm / (2 * lambda) <= 1e-40 * std::abs(at_w.value.to_double());
    if (!still_shrinking || negligible) break;
  }

  // 3. f(w) in double-double, and the bracket widened by the evaluation's own rounding.
  if (options.progress) options.progress(3, kStages, "f(w) in double-double and its bracket");
  ExtendedEvaluation final_eval =
      have_value ? std::move(at_w) : evaluate_extended(rows, w, lambda, true, dd_block, reducer);
  const double w_norm = norm(w) * (1 + (d + 4) * kU);
  const double blocks = std::ceil(static_cast<double>(n) / static_cast<double>(dd_block));
  // The margins: Dot2's compensation error, sum_j |x_ij w_j| <= ||x_i|| ||w||.
  // A margin sums a row's stored entries: d of a dense row, its nonzeros in CSR.
  const std::ptrdiff_t row_terms = rows.max_row_terms(reducer);
  const double margin_error = DataRows::margin_error_factor(row_terms) * kU2 * r_max * w_norm;
  // Each row's l' and l: the margin's error (|l'| <= 1, |l''| <= 1/4), __float128's evaluation
  // (a few ulps of 113 bits through exp, log1p, the sum and the quotient) and the rounding to
  // double-double (u^2 relative), plus underflow below double's normal range.
  const double row_error = 16 * kQuadU + 2 * kU2;
  const double underflow = 4 * std::numeric_limits<double>::min();
  // The sums: Sum2 within a block of m rows, double-double adds across the blocks of a unit and
  // across the units (ordered_sum.h), the division.
  const double units = static_cast<double>(rows.units());
  const double sum_error =
      DataRows::gradient_error_factor(dd_block) * kU2 + 4 * (blocks + units + 2) * kU2;
  const double grad_error = (sum_error + margin_error / 4 + row_error) * r_max +
                            8 * kU2 * (lambda * w_norm + grad_norm) + underflow * std::sqrt(d);
  const double loss = std::max(0.0, final_eval.loss.to_double()) * (1 + 1e-10);
  const double reg = final_eval.regularizer.to_double() * (1 + 1e-10);
  const double value = final_eval.value.to_double();
  result.f_error = ((sum_error + row_error) * loss + margin_error + (4 * d + 16) * kU2 * reg +
                    12 * kU2 * std::abs(value) + underflow) *
                   (1 + 1e-6);
  const double grad_up = (grad_norm * (1 + (d + 4) * kU) + grad_error) * (1 + 1e-10);
  const double gap_term = grad_up * grad_up / (2 * lambda) * (1 + 8 * kU);
  // The ends are rounded once more: the double-double subtraction or addition and the printing
  // to 35 digits, each below 4 u^2 |f|.
  const double ends = result.f_error + 16 * kU2 * std::abs(value);
  const DoubleDouble lower = final_eval.value - DoubleDouble(ends + gap_term);
  const DoubleDouble upper = final_eval.value + DoubleDouble(ends);
  result.bracket_width = (2 * ends + gap_term) * (1 + 4 * kU);
  result.f_star = decimal(final_eval.value);
  // The d-sized gradients (16 MB each at d = 2^20) are done with: room for the Lanczos basis.
  std::vector<DoubleDouble>().swap(final_eval.gradient);
  std::vector<DoubleDouble>().swap(at_w.gradient);
  result.f_star_lower = decimal(lower);
  result.f_star_upper = decimal(upper);
  // An upper bound on the true ||grad f(w)||, the computed norm plus its error bound: what the
  // bracket and ||w - w_lambda|| <= ||grad f(w)|| / lambda need.
  result.grad_norm = decimal(grad_up);

  // 4. h_min, h_max of hess f at w (rounded to double): Ritz pairs from the factored Hessian
  // (small d: all its eigenpairs) or from Lanczos, each bounded by its residual against H v
  // computed afresh at w. The Hessian there differs from hess f(w_lambda) by at most
  // max|l'''| R^3 ||w - w_lambda||, with ||w - w_lambda|| <= ||grad f(w)|| / lambda.
  if (options.progress) options.progress(4, kStages, "Hessian spectrum at w_lambda");
  const Vector<double> w_double = rounded(w);
  const Vector<double> c = curvatures(rows, w_double, options.rows_per_block);
  const auto apply = [&](const Vector<double>& v) {
    return hessian_times(rows, c, lambda, v, options.rows_per_block, reducer);
  };
  ExtremeRitzPairs ritz;
  if (system.dense()) {
    const Eigen::SelfAdjointEigenSolver<Matrix<double>> eig(system.hessian());
    ritz.min.vector = eig.eigenvectors().col(0);
    ritz.max.vector = eig.eigenvectors().col(d - 1);
    ritz.steps = 0;
  } else {
    ritz = lanczos_extremes(apply, d, lanczos_steps(options, d));
  }
  result.lanczos_steps = ritz.steps;
  const double hv_blocks = std::ceil(static_cast<double>(n) / options.rows_per_block);
  // |fl(H v) - H v| <= gamma_k (1/n) sum_i c_i |x_i| (|x_i|^T |v|) + 2 u lambda |v| componentwise,
  // k = the row's terms (the margin) + the terms of a column's sum (dense: m in the block, then
  // the blocks; CSR, one pass: the column's nonzeros) + a few (c_i, the scalings); in norm at most
  // gamma_k R^2 mean(c) + 2 u lambda for a unit v.
  // Either way, the units' partial sums then add in order (ordered_sum.h): one term per unit.
  const double hv_units = static_cast<double>(rows.units());
  const double column_sum_terms =
      hv_units + (rows.sparse() ? static_cast<double>(rows.max_column_terms(reducer))
                                : static_cast<double>(options.rows_per_block) + hv_blocks);
  const double mean_c = sum_of(rows, c, reducer) / static_cast<double>(n) * (1 + 1e-10);
  const double hv_error =
      gamma(static_cast<double>(row_terms) + column_sum_terms + 16) * r_max * r_max * mean_c +
      4 * kU * lambda;
  // w rounded to double is within u ||w|| of w, which is within ||grad f(w)|| / lambda of
  // w_lambda (lambda-strong convexity); the double margins behind c are off by at most
  // gamma_{d+2} R ||w||, which moves c as much as a shift of w by gamma_{d+2} ||w|| would.
  const double w_distance =
      (2 * kU + gamma(static_cast<double>(row_terms) + 2)) * w_norm + grad_up / lambda;
  const double hessian_shift = kMaxThirdDerivative * r_max * r_max * r_max * w_distance;
  const auto bound = [&](RitzPair& p, double& uncertainty) {
    const Vector<double> ay = apply(p.vector);
    p.value = p.vector.dot(ay);
    uncertainty = residual_bound(p.vector, ay, p.value, hv_error) + hessian_shift;
  };
  bound(ritz.max, result.h_max_uncertainty);
  bound(ritz.min, result.h_min_uncertainty);
  const double h_max = ritz.max.value, dh = result.h_max_uncertainty;
  result.h_max = decimal(h_max);
  result.h_min =
      decimal(h_min_within_bounds(ritz.min.value, result.h_min_uncertainty, lambda, n < d));
  result.eta_loc = decimal(2 / h_max);
  // |2/h - 2/h'| <= 2 dh / (h (h - dh)) for |h - h'| <= dh < h.
  result.eta_loc_uncertainty = dh < h_max ? 2 * dh / (h_max * (h_max - dh)) * (1 + 4 * kU)
                                          : std::numeric_limits<double>::infinity();

  // 5. L_s = lambda + lambda_max(X^T X) / (4n): the Gram matrix in blocks when d is small, else
  // Lanczos on X^T X v.
  if (options.progress) options.progress(5, kStages, "L_s = lambda + lambda_max(X^T X) / (4n)");
  double gram_max = 0;
  const Vector<double> ones = Vector<double>::Ones(rows.held());
  if (system.dense()) {
    gram_max = Eigen::SelfAdjointEigenSolver<Matrix<double>>(
                   weighted_gram(rows, ones, options.rows_per_block, reducer),
                   Eigen::EigenvaluesOnly)
                   .eigenvalues()
                   .maxCoeff();
  } else {
    const auto gram_times = [&](const Vector<double>& v) {
      return Vector<double>(hessian_times(rows, ones, 0, v, options.rows_per_block, reducer) *
                            static_cast<double>(n));
    };
    const RitzPair top = lanczos_extremes(gram_times, d, lanczos_steps(options, d)).max;
    gram_max = top.vector.dot(gram_times(top.vector));  // the Rayleigh quotient
  }
  result.smoothness = decimal(lambda + gram_max / (4 * static_cast<double>(n)));
  // w as decimals last: at d = 2^20 they take 76 MB, which the Lanczos bases above need.
  result.w.reserve(w.size());
  for (const DoubleDouble& x : w) result.w.push_back(decimal(x));
  return result;
}

}  // namespace largestep
