// The experiment registry: named experiments grouped in named suites. bench/, theory/ and the
// CLI all read it, so a name means the same configuration everywhere.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace largestep {

struct Experiment {
  std::string name;     // unique within its suite, e.g. "hard0.1/lambda=1e-4/s2"
  std::string dataset;  // a dataset spec
  double lambda = 0;
  std::string rule;     // a stepsize rule (see stepsize.h)
  std::string solver = "gd";
  double eps = 1e-8;
  std::int64_t horizon = 0;  // max_steps
};

struct Suite {
  std::string name;
  std::string description;
  std::vector<Experiment> experiments;
};

const std::vector<Suite>& suites();

// Throws std::invalid_argument naming the unknown suite and the known ones.
const Suite& find_suite(std::string_view name);

// lambda values 10^(-a), 10^(-a - 1/per_decade), ..., 10^(-b): a log-spaced sweep.
std::vector<double> log_spaced_lambdas(double from_exponent, double to_exponent, int per_decade);

}  // namespace largestep
