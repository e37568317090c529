// The experiment registry: named suites of experiments and the named studies the claims measure
// on. bench/, theory/, the CLI, the figures and the main job all read it, so a name means the
// same configuration everywhere. Rows are typed and validated when the registry is built.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "largestep/core/experiment.h"

namespace largestep {

// The sizes of everything that comes in sizes: quick (seconds to a minute, CI) and paper (the
// paper's lambda range; minutes). Scripts, the CLI and the registry use these two words.
inline constexpr std::string_view kSuiteSizes[] = {"quick", "paper"};
bool is_paper(std::string_view size);  // throws std::invalid_argument naming an unknown size

struct Suite {
  std::string name;
  std::string description;
  std::vector<Experiment> experiments;
  // Also run GD at the fixed stepsizes 4^j * 2/L_s (j >= 1) up to eta_loc/2 at each (dataset,
  // lambda): edge-of-stability runs at the start that converge locally (S4, S9). They depend
  // on the problem, so the runner adds them (method "fixed").
  bool eos_stepsizes = false;
};

const std::vector<Suite>& suites();

// Throws std::invalid_argument naming the unknown suite and the known ones.
const Suite& find_suite(std::string_view name);

// The datasets and lambdas one claim measures on, at one size (quick or paper): "E1-E4" (exact
// claims at w_lambda), "E6", "E7", "E5", "S6", "S7", "S5" (the hard datasets of Theorem 3 and
// their stepsize grids), "S10" (one distribution; sizes n, lambda = 1/n).
struct Study {
  std::string name;
  std::vector<std::string> datasets;  // canonical specs
  std::vector<double> lambdas;        // empty where the claim has none (E7: lambda = 0)
  std::vector<std::int64_t> sizes;    // S10: the n's
};

// Throws std::invalid_argument naming the unknown study or size.
const Study& find_study(std::string_view name, std::string_view size);
std::vector<std::string> study_names();

// lambda values 10^(-a), 10^(-a - 1/per_decade), ..., 10^(-b): a log-spaced sweep.
std::vector<double> log_spaced_lambdas(double from_exponent, double to_exponent, int per_decade);

}  // namespace largestep
