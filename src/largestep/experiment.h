// One run of one solver on one problem: what `largestep run`, sweeps, bench/ and theory/ share.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "largestep/dataset.h"
#include "largestep/reference.h"
#include "largestep/separability.h"
#include "largestep/solver.h"
#include "largestep/stepsize.h"

namespace largestep {

// A dataset and a lambda with everything the rules and the gaps need, computed once.
struct Problem {
  Dataset<double> data;
  double lambda = 0;
  Separability separability;
  Reference reference;

  RuleContext rule_context() const;
};

// How a problem gets its reference: compute_reference_double here; the CLI, bench/ and theory/
// pass the cached multiprecision one (theory::certified_reference).
using ReferenceSolver = std::function<Reference(const Dataset<double>&, double)>;

// Throws std::invalid_argument for lambda <= 0 or not finite, DataError for a bad dataset.
Problem make_problem(Dataset<double> data, double lambda,
                     const ReferenceSolver& solve_reference = compute_reference_double);

enum class SolverKind { gd, nesterov };
enum class Precision { single, dual };  // float, double

std::string to_string(SolverKind s);
std::string to_string(Precision p);
SolverKind parse_solver(std::string_view text);   // "gd" | "nesterov"
Precision parse_precision(std::string_view text);  // "float" | "double"

struct RunSpec {
  SolverKind solver = SolverKind::gd;
  // Exactly one of rule and eta: the stepsize by rule, or a fixed value.
  std::optional<StepsizeRule> rule;
  std::optional<double> eta;
  Precision precision = Precision::dual;
  SolverOptions options;  // eta is filled in from the rule
};

struct RunOutcome {
  std::string rule;  // the rule's name, or "fixed:eta=..." for an explicit eta
  double eta = 0;
  double momentum = 0;  // Nesterov only
  SolverResult result;
  // For rule `best`: every grid point tried (eta, settled steps); the chosen one is in `result`.
  std::vector<std::pair<double, StepCount>> grid;
};

using TraceCallback = std::function<void(const TracePoint&)>;

// Runs one solver from w_0 = 0 with the stepsize of the spec's rule or eta (Nesterov: usually
// the classical rule) and, for Nesterov, momentum (sqrt(kappa) - 1)/(sqrt(kappa) + 1).
RunOutcome run(const Problem& problem, const RunSpec& spec, const TraceCallback& trace = {});

}  // namespace largestep
