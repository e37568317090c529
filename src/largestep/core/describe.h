// What a user wants to know about a dataset before running GD on it.
#pragma once

#include <optional>

#include "largestep/kernel/dataset.h"
#include "largestep/reference/certificate.h"
#include "largestep/reference/separability.h"

namespace largestep {

struct DatasetSummary {
  std::ptrdiff_t n = 0, d = 0;
  double max_row_norm = 0;
  Separability separability;
  double gram_max_eigenvalue = 0;  // lambda_max(X^T X)
  // For a given lambda: L_s = lambda + lambda_max(X^T X)/(4n) and kappa = L_s / lambda.
  std::optional<double> lambda, smoothness, kappa;
};

// The certificate is check_separability's, or with `certificate` certify_separability's (cached,
// budgeted, with candidate directions; the planted direction of planted data and the w_lambda of
// every cached reference of this data are added to its candidates).
DatasetSummary describe(const Dataset<double>& data, std::optional<double> lambda = std::nullopt,
                        const std::optional<CertificateOptions>& certificate = std::nullopt);

}  // namespace largestep
