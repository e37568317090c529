#include "largestep/reference/score.h"

#include <fmt/format.h>

#include <stdexcept>

#include "largestep/kernel/objective.h"
#include "largestep/reference/objective_mp.h"

namespace largestep {
namespace {

constexpr std::streamsize kExactDigits = 20;

std::string decimal(const Mp& x) { return x.str(kExactDigits, std::ios_base::scientific); }

}  // namespace

std::vector<WeightScore> score_weights(const Dataset<double>& data, const MpReference& reference,
                                       const std::vector<Vector<double>>& weights) {
  const LogisticObjective<double> f(data, reference.lambda);
  const double f_star = reference.to_double().f_star;
  const MpDigits precision(reference.digits);
  const Dataset<Mp> data_mp = data.cast<Mp>();
  const LogisticObjective<Mp> f_mp(data_mp, Mp(reference.lambda));
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
    const Mp value_mp = f_mp.value_and_gradient(w.cast<Mp>(), grad_mp);
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
