#include "largestep/reference/score.h"

#include <fmt/format.h>

#include <stdexcept>

#include "largestep/kernel/objective.h"
#include "largestep/reference/objective_mp.h"

namespace largestep {

std::vector<WeightScore> score_weights(const Dataset<double>& data, const MpReference& reference,
                                       const std::vector<Vector<double>>& weights) {
  const LogisticObjective<double> f(data, reference.lambda);
  const double f_star = reference.to_double().f_star;
  const MpDigits precision(reference.digits);
  const Dataset<Mp> data_mp = data.cast<Mp>();
  const LogisticObjective<Mp> f_mp(data_mp, Mp(reference.lambda));
  const Mp f_star_mp = reference.mp(reference.f_star);
  std::vector<WeightScore> scores;
  for (const Vector<double>& w : weights) {
    if (w.size() != data.d())
      throw std::invalid_argument(
          fmt::format("weight vector of dimension {}, the dataset has d = {}", w.size(), data.d()));
    WeightScore s;
    Vector<double> grad;
    s.value = f.value_and_gradient(w, grad);
    s.gap = s.value - f_star;
    s.gap_exact = static_cast<double>(f_mp.value(w.cast<Mp>()) - f_star_mp);
    s.grad_norm = grad.norm();
    s.gap_bound = s.grad_norm * s.grad_norm / (2 * reference.lambda);
    scores.push_back(s);
  }
  return scores;
}

}  // namespace largestep
