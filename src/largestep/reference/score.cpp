#include "largestep/reference/score.h"

#include <fmt/format.h>

#include <stdexcept>

#include "largestep/kernel/objective.h"
#include "largestep/kernel/logistic.h"
#include "largestep/reference/objective_mp.h"

namespace largestep {
namespace {

constexpr std::streamsize kExactDigits = 20;

std::string decimal(const Mp& x) { return x.str(kExactDigits, std::ios_base::scientific); }

// f(w) and grad f(w) at the current MPFR precision, each row's entries converted as it is read
// (exactly: a double is an MPFR number), so the memory is O(d) multiprecision numbers and not a
// multiprecision copy of X (tens of gigabytes at 10^6 x 100). Summed in row order.
Mp value_and_gradient(const Dataset<double>& data, const Mp& lambda, const Vector<Mp>& w,
                      Vector<Mp>& grad) {
  grad = Vector<Mp>::Zero(data.d());
  // In-place operations on preallocated numbers: an expression such as z += x * w(j) makes a
  // temporary, and its allocation cost more than the arithmetic.
  Mp loss(0), z, c, product;
  const auto each_row = [&](std::ptrdiff_t i, const auto& for_entries) {
    z = 0;
    for_entries([&](std::ptrdiff_t j, double x) {
      product = w(j);
      product *= x;
      z += product;
    });
    z *= data.y(i);
    loss += logistic_loss(z);
    c = logistic_derivative(z);
    c *= data.y(i);
    for_entries([&](std::ptrdiff_t j, double x) {
      product = c;
      product *= x;
      grad(j) += product;
    });
  };
  for (std::ptrdiff_t i = 0; i < data.n(); ++i) {
    if (data.sparse) {
      const int* outer = data.Xs.outerIndexPtr();
      each_row(i, [&](const auto& visit) {
        for (int k = outer[i]; k < outer[i + 1]; ++k)
          visit(data.Xs.innerIndexPtr()[k], data.Xs.valuePtr()[k]);
      });
    } else {
      each_row(i, [&](const auto& visit) {
        for (std::ptrdiff_t j = 0; j < data.d(); ++j) visit(j, data.X(i, j));
      });
    }
  }
  const Mp n(static_cast<double>(data.n()));
  grad /= n;
  grad += lambda * w;
  return loss / n + lambda / 2 * w.squaredNorm();
}

}  // namespace

std::vector<WeightScore> score_weights(const Dataset<double>& data, const MpReference& reference,
                                       const std::vector<Vector<double>>& weights) {
  const LogisticObjective<double> f(data, reference.lambda);
  const double f_star = reference.to_double().f_star;
  const MpDigits precision(reference.digits);
  const Mp lambda_mp(reference.lambda);
  const Mp f_star_mp = Mp(reference.f_star);
  std::vector<WeightScore> scores;
  for (const Vector<double>& w : weights) {
    if (w.size() != data.d())
      throw std::invalid_argument(
          fmt::format("weight vector of dimension {}, the dataset has d = {}", w.size(), data.d()));
    WeightScore s;
    Vector<double> grad;
    s.value = f.value_and_gradient(w, grad);
    s.gap = s.value - f_star;
    s.grad_norm = grad.norm();
    s.gap_bound = s.grad_norm * s.grad_norm / (2 * reference.lambda);
    Vector<Mp> grad_mp;
    const Mp value_mp = value_and_gradient(data, lambda_mp, w.cast<Mp>(), grad_mp);
    const Mp gap_mp = value_mp - f_star_mp;
    const Mp grad_norm_mp = grad_mp.norm();
    const Mp gap_bound_mp = grad_norm_mp * grad_norm_mp / (2 * Mp(reference.lambda));
    s.gap_exact = gap_mp.convert_to<double>();  // inf beyond double's range
    s.exact = {decimal(value_mp), decimal(gap_mp), decimal(grad_norm_mp), decimal(gap_bound_mp)};
    scores.push_back(s);
  }
  return scores;
}

}  // namespace largestep
