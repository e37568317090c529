// One run of one solver on one problem: what `largestep run`, sweeps, bench/ and theory/ share.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "largestep/kernel/dataset.h"
#include "largestep/kernel/progress.h"
#include "largestep/reference/certified.h"
#include "largestep/reference/reference.h"
#include "largestep/reference/separability.h"
#include "largestep/core/solver.h"
#include "largestep/core/solver_progress.h"
#include "largestep/core/stepsize.h"

namespace largestep {

struct Problem;

// How a problem gets its reference: compute_reference_double here; the CLI, bench/ and theory/
// pass the cached multiprecision one (certified_reference).
using ReferenceSolver = std::function<Reference(const Dataset<double>&, double)>;

// How a problem gets its separability certificate, when something first needs it:
// check_separability here; the CLI passes one that is cached, budgeted and uses the problem's
// w_lambda as a candidate direction (certificate.h).
using Certifier = std::function<Separability(const Problem&)>;
Separability plain_certificate(const Problem& problem);  // check_separability(problem.data)

// A dataset and a lambda with everything the rules and the gaps need, each computed once: the
// reference at once, the separability certificate (costly on large data, and needed only by the
// rules that use gamma) on first use.
struct Problem {
  Dataset<double> data;
  double lambda = 0;
  Reference reference;

  // The certificate, computed by the problem's certifier on the first call (thread-safe).
  const Separability& separability() const;
  // The certificate if some call already computed it, else nullptr: for reports that state the
  // margin when it is known, without computing it.
  const Separability* separability_if_computed() const;

  // Every oracle of the rules, the margin included (which computes the certificate).
  RuleContext rule_context() const;
  // What `rule` needs: gamma (and so the certificate) only for a rule that uses it; 0 otherwise.
  RuleContext rule_context(const StepsizeRule& rule) const;

  Certifier certifier = plain_certificate;

 private:
  // Shared by copies of the problem, which hold the same data.
  struct Lazy {
    std::once_flag once;
    std::optional<Separability> value;
  };
  std::shared_ptr<Lazy> certificate_ = std::make_shared<Lazy>();
};

// Throws std::invalid_argument for lambda <= 0 or not finite, DataError for a bad dataset.
Problem make_problem(Dataset<double> data, double lambda,
                     const ReferenceSolver& solve_reference = compute_reference_double,
                     Certifier certifier = plain_certificate);

enum class SolverKind { gd, nesterov, silver, adgd, armijo, polyak, safe };  // the table's order
enum class Precision { single, dual };  // float, double

std::string to_string(SolverKind s);
std::string to_string(Precision p);
SolverKind parse_solver(std::string_view text);   // "gd" | "nesterov"
Precision parse_precision(std::string_view text);  // "float" | "double"

// The least error bound a gap can have on this problem in this precision: the bound on f's
// rounding at w_lambda (ValueErrorBound; every solver's evaluations sum alike) plus the reference's
// bracket and f*'s rounding. No run can show a gap within an eps at or below it.
double gap_floor(const Problem& problem, Precision precision);

struct RunSpec {
  SolverKind solver = SolverKind::gd;
  // Exactly one of rule and eta: the stepsize by rule, or a fixed value.
  std::optional<StepsizeRule> rule;
  std::optional<double> eta;
  Precision precision = Precision::dual;
  SolverOptions options;  // eta is filled in from the rule
};

// Throws std::invalid_argument when the spec's eps is at or below gap_floor for its precision
// and solver, naming eps, the floor, the precision, the dataset and lambda: no step of such a
// run could count (run() itself would report it floor_reached at the horizon).
void check_eps_above_floor(const Problem& problem, const RunSpec& spec);

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
// `progress` hears each solve's status now and then (solver_progress.h; `best` solves once per
// grid point, its status names the eta); it changes no result.
RunOutcome run(const Problem& problem, const RunSpec& spec, const TraceCallback& trace = {},
               const RunStatusSink& progress = {});

// One experiment: a dataset, a lambda and what to run on it (solver, rule or eta, scalar, eps,
// horizon). Built only through make_experiment, so every Experiment is valid.
struct Experiment {
  std::string name;     // unique within its suite, e.g. "hard0.1/lambda=0.0001/s2"; may be empty
  std::string dataset;  // canonical dataset spec
  double lambda = 0;
  RunSpec spec;
  bool keep_trace = false;  // the runner writes its trace, every step (figures, S4, S9)

  // What ran, as the claims and figures name it: the rule of a GD run ("classical", "s2", ...),
  // "fixed" for an explicit eta, or the solver ("nesterov").
  std::string method() const;
};

// Parses the dataset spec (canonical form), checks lambda, the stepsize (exactly one of rule and
// eta) and the solver options; throws DataError or std::invalid_argument naming the problem.
Experiment make_experiment(std::string name, std::string_view dataset, double lambda,
                           RunSpec spec, bool keep_trace = false);

// Every (dataset, lambda) problem a process needs, made once: data, certificate and reference.
// References stay valid for the cache's lifetime.
class ProblemCache {
 public:
  // `data_progress` hears how far generating or reading each dataset is (make_dataset).
  explicit ProblemCache(ReferenceSolver reference = certified_reference,
                        Certifier certifier = plain_certificate, ProgressSink data_progress = {})
      : reference_(std::move(reference)),
        certifier_(std::move(certifier)),
        data_progress_(std::move(data_progress)) {}
  const Problem& get(const std::string& dataset, double lambda);
  std::size_t size() const { return problems_.size(); }

 private:
  ReferenceSolver reference_;
  Certifier certifier_;
  ProgressSink data_progress_;
  std::map<std::pair<std::string, double>, Problem> problems_;
};

// Runs an experiment on its problem from the cache.
RunOutcome run(const Experiment& experiment, ProblemCache& problems,
               const TraceCallback& trace = {}, const RunStatusSink& progress = {});

}  // namespace largestep
