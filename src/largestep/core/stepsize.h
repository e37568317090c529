// Stepsize rules as named values: "classical", "s2[:c=C]", "s3[:c=C]", "loc[:frac=F]",
// "fixed:eta=E", "best". The rules themselves (names, parameters, formulas) are rows of the
// method table (methods.h); this is how a run names, parses and applies one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace largestep {

// A rule's row in the method table: rules()[kind]. The rules the code refers to by name have an
// enumerator; a rule added to the table needs none (parse_rule gives it its row's index).
enum class RuleKind {
  classical,  // eta = 1/L_s (E6, S1)
  s2,         // eta = c * gamma / sqrt(lambda) (Theorem 1 / Corollary 2, S2)
  s3,         // eta = c * (gamma^2 / lambda)^(1/3) (Theorem 4 / Corollary 5, S3)
  loc,        // eta = frac * eta_loc, eta_loc = 2 / lambda_max(hess f(w_lambda)) (E5)
  fixed,      // eta = the given value
  best,       // the eta of the grid 2^(k/4) in [1/L_s, eta_loc) with the fewest settled steps
};

struct StepsizeRule {
  RuleKind kind = RuleKind::classical;
  double parameter = 1;  // c, frac or eta; unused by classical and best

  std::string str() const;  // the rule written back, e.g. "s2:c=1"
  // The rule's name alone when its parameter is the default ("s2", "loc"), else str().
  std::string short_str() const;
};

// Throws std::invalid_argument naming the rule and what is wrong with it.
StepsizeRule parse_rule(std::string_view text);

// What the rules depend on, for one dataset and lambda.
struct RuleContext {
  double lambda = 0;
  double smoothness = 0;  // L_s
  double gamma = 0;       // certified margin; <= 0 when the data is not known to be separable
  double eta_loc = 0;
};

// Whether the rule's stepsize depends on the margin gamma (s2, s3): only then does a run need the
// separability certificate.
bool rule_needs_gamma(const StepsizeRule& rule);

// The stepsize of every rule but `best` (which needs runs: see best_grid). Throws
// std::invalid_argument when the rule needs a margin and the data is not separable.
double rule_eta(const StepsizeRule& rule, const RuleContext& context);

// The candidate stepsizes of `best`: 2^(k/4) for integer k, from the first at or above 1/L_s to
// the last below eta_loc; always non-empty (1/L_s alone when eta_loc <= 1/L_s).
std::vector<double> best_grid(const RuleContext& context);

std::string rules_help();

}  // namespace largestep
