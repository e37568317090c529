#include "largestep/core/describe.h"

#include "largestep/core/certificates.h"
#include "largestep/kernel/objective.h"

namespace largestep {

DatasetSummary describe(const Dataset<double>& data, std::optional<double> lambda,
                        const std::optional<CertificateOptions>& certificate) {
  DatasetSummary s;
  s.n = data.n();
  s.d = data.d();
  s.max_row_norm = data.max_row_norm();
  if (certificate) {
    CertificateOptions options = *certificate;
    for (CandidateDirection& c : cheap_candidates(data)) options.candidates.push_back(std::move(c));
    s.separability = certify_separability(data, options);
  } else {
    s.separability = check_separability(data);
  }
  s.gram_max_eigenvalue =
      data.with_matrix([](const auto& X) { return largest_gram_eigenvalue(X); });
  if (lambda) {
    s.lambda = *lambda;
    s.smoothness = LogisticObjective<double>(data, *lambda).smoothness();
    s.kappa = *s.smoothness / *lambda;
  }
  return s;
}

}  // namespace largestep
