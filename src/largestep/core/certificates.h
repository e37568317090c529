// The separability certificate as the commands get it: cached, budgeted, and improved by the
// cheap candidate directions a dataset and a problem offer (certificate.h).
#pragma once

#include <vector>

#include "largestep/core/experiment.h"
#include "largestep/reference/certificate.h"

namespace largestep {

// The cheap candidate directions for a dataset: the planted direction w* of `planted:` data (from
// its spec) and the w_lambda of each reference of this dataset in the cache directory
// (disk_cache.h), which tends to the max-margin direction as lambda -> 0. Their margins are
// measured on the data, so a stale or foreign file costs nothing but the measurement.
std::vector<CandidateDirection> cheap_candidates(const Dataset<double>& data);

// A problem's certifier: certify_separability with `options`, and as candidates the problem's own
// w_lambda and cheap_candidates(data).
Certifier cached_certifier(CertificateOptions options);

}  // namespace largestep
