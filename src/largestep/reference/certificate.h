// The separability certificate as runs and `data describe` get it: check_separability cached on
// disk (as references are), under a time budget, and improved by every cheap candidate direction
// (a w_lambda already computed, the planted direction of generated data), each measured and
// certified on the data itself.
#pragma once

#include <string>
#include <vector>

#include "largestep/kernel/dataset.h"
#include "largestep/reference/separability.h"

namespace largestep {

// A direction worth measuring: its margin, certified on the data, is a lower bound on the largest
// margin however the direction was found.
struct CandidateDirection {
  std::string name;  // for reports, e.g. "w_lambda at lambda = 1e-06"
  Vector<double> direction;
};

struct CertificateOptions {
  SeparabilityOptions separability;  // the iteration's limits, time budget and progress
  std::vector<CandidateDirection> candidates;
  bool use_cache = true;
};

// check_separability through the on-disk cache (disk_cache.h): keyed by the data's contents and
// the options' iteration limits. A record cut short by its time budget serves only a request with
// the same budget or a smaller one; a larger budget recomputes. A record that is malformed,
// edited or of another format is recomputed, never trusted.
Separability cached_separability(const Dataset<double>& data, const SeparabilityOptions& options);

// On data of more than 10^6 entries, Frank-Wolfe starts from the best candidate direction
// (SeparabilityOptions::start_direction); the cache record serves whatever the start, as any
// certificate is valid however it was found.
// The certificate with the best certified margin among check_separability's own (through the
// cache when options.use_cache) and the candidates', which are measured only when Frank-Wolfe
// did not converge (budget, cap, or a margin it could not certify). The upper bound is
// check_separability's.
Separability certify_separability(const Dataset<double>& data, const CertificateOptions& options);

// How many certificates this process has computed (not read from the cache): lets a test see that
// a run which does not need one computed none.
long certificates_computed();

}  // namespace largestep
