#include "largestep/core/experiment.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "largestep/core/methods.h"
#include "largestep/core/nesterov.h"
#include "largestep/data/dataset_spec.h"

namespace largestep {
namespace {

// What the reference adds to every gap's error bound beyond f*'s rounding to double: its bracket,
// and for a reference computed in double (compute_reference_double) the rounding of f* itself.
double reference_error(const Problem& problem) {
  const Reference& ref = problem.reference;
  double error = std::max(0.0, ref.bracket_width());
  if (ref.digits <= std::numeric_limits<double>::max_digits10) {
    LogisticObjective<double> f(problem.data, problem.lambda);
    f.set_reducer(data_parallel_reducer<double>());  // a shard's bound needs every row's norm
    error += ValueErrorBound<double>(f)(ref.f_star, ref.w.norm());
  }
  return error;
}

template <class Scalar>
double gap_floor(const Problem& problem, const Dataset<Scalar>& data) {
  LogisticObjective<Scalar> f(data, Scalar(problem.lambda));
  f.set_reducer(data_parallel_reducer<Scalar>());
  const ValueErrorBound<Scalar> bound(f);
  const double f_star = problem.reference.f_star;
  return bound(f_star, problem.reference.w.norm()) + reference_error(problem) +
         std::abs(f_star) * std::numeric_limits<double>::epsilon();
}

// Every run goes through here: the gaps' error bounds and GD's stability threshold (which decides
// whether a count can settle, solver.h) come from the problem.
template <class Scalar>
SolverResult solve(const Problem& problem, const Dataset<Scalar>& data, const SolverFactory& solver,
                   SolverOptions options, double momentum, const TraceCallback& trace,
                   const RunStatusSink& progress) {
  LogisticObjective<Scalar> f(data, Scalar(problem.lambda));
  f.set_reducer(data_parallel_reducer<Scalar>());
  Vector<Scalar> w = Vector<Scalar>::Zero(data.d());
  options.reference_bracket = reference_error(problem);
  if (solver.unstable_from_eta_loc) options.eta_loc = problem.reference.eta_loc;
  SolverResult result =
      solver.runner<Scalar>()(f, problem.reference.f_star, options, momentum, w, trace, progress);
  result.gap_floor = gap_floor(problem, data);
  return result;
}

SolverResult solve(const Problem& problem, Precision precision, SolverKind kind,
                   SolverOptions options, double momentum, const TraceCallback& trace,
                   const RunStatusSink& progress) {
  const SolverFactory& solver = solver_method(kind).solver();
  if (precision == Precision::single)
    return solve(problem, problem.data.cast<float>(), solver, options, momentum, trace, progress);
  return solve(problem, problem.data, solver, options, momentum, trace, progress);
}

// Fewer settled steps is better; a count cut off by the horizon loses to any measured one.
bool better(const StepCount& a, const StepCount& b) {
  if (a.lower_bound != b.lower_bound) return !a.lower_bound;
  return !a.lower_bound && a.value < b.value;
}

}  // namespace

double gap_floor(const Problem& problem, Precision precision) {
  if (precision == Precision::single) return gap_floor(problem, problem.data.cast<float>());
  return gap_floor(problem, problem.data);
}

void check_eps_above_floor(const Problem& problem, const RunSpec& spec) {
  const double floor = gap_floor(problem, spec.precision);
  if (spec.options.eps > floor) return;
  throw std::invalid_argument(fmt::format(
      "eps = {:.3g} is at or below the rounding floor {:.3g} of {} on {} at lambda = {:.3g} (the "
      "error bound of f(w_lambda) in {} plus the reference's bracket): no gap can be shown "
      "within it; use an eps above {:.3g}{}",
      spec.options.eps, floor, to_string(spec.precision), problem.data.spec, problem.lambda,
      to_string(spec.precision), floor, spec.precision == Precision::single ? " or double" : ""));
}

Separability plain_certificate(const Problem& problem) { return check_separability(problem.data); }

const Separability& Problem::separability() const {
  std::call_once(certificate_->once, [this] { certificate_->value = certifier(*this); });
  return *certificate_->value;
}

const Separability* Problem::separability_if_computed() const {
  // value is set inside call_once, which synchronizes with every call that returns from it; a
  // report calls this from the thread that ran the problem.
  return certificate_->value ? &*certificate_->value : nullptr;
}

RuleContext Problem::rule_context() const {
  const Separability& s = separability();
  return {lambda, reference.smoothness, s.separable ? s.margin : 0.0, reference.eta_loc};
}

RuleContext Problem::rule_context(const StepsizeRule& rule) const {
  if (rule_needs_gamma(rule)) return rule_context();
  return {lambda, reference.smoothness, 0.0, reference.eta_loc};
}

Problem make_problem(Dataset<double> data, double lambda, const ReferenceSolver& solve_reference,
                     Certifier certifier) {
  if (!(lambda > 0) || !std::isfinite(lambda))
    throw std::invalid_argument(fmt::format("lambda must be a positive finite number, got {}", lambda));
  Problem p;
  p.data = std::move(data);
  p.lambda = lambda;
  p.reference = solve_reference(p.data, lambda);
  p.certifier = std::move(certifier);
  return p;
}

std::string to_string(SolverKind s) { return std::string(solver_method(s).name); }
std::string to_string(Precision p) { return p == Precision::single ? "float" : "double"; }

SolverKind parse_solver(std::string_view text) {
  if (const Method* m = find_method(MethodKind::solver, text))
    return static_cast<SolverKind>(m - solvers().data());
  throw std::invalid_argument(
      fmt::format("unknown solver '{}' (known: {})", text, known_methods(MethodKind::solver)));
}

Precision parse_precision(std::string_view text) {
  if (text == "float") return Precision::single;
  if (text == "double") return Precision::dual;
  throw std::invalid_argument(fmt::format("unknown scalar '{}' (known: float, double)", text));
}

RunOutcome run(const Problem& problem, const RunSpec& spec, const TraceCallback& trace,
               const RunStatusSink& progress) {
  if (spec.rule.has_value() == spec.eta.has_value())
    throw std::invalid_argument("give exactly one of a stepsize rule and a fixed eta");
  // The certificate only for a rule that needs gamma: it is the costliest part of a problem.
  const RuleContext context =
      problem.rule_context(spec.rule.value_or(StepsizeRule{RuleKind::fixed, spec.eta.value_or(1)}));
  RunOutcome out;
  if (spec.solver == SolverKind::nesterov)
    out.momentum = nesterov_momentum(context.smoothness / context.lambda);
  SolverOptions options = spec.options;

  if (spec.rule && spec.rule->kind == RuleKind::best) {
    out.rule = spec.rule->str();
    for (const double eta : best_grid(context)) {
      options.eta = eta;
      const SolverResult r =
          solve(problem, spec.precision, spec.solver, options, out.momentum, {}, progress);
      out.grid.emplace_back(eta, r.settled);
      if (out.grid.size() == 1 || better(r.settled, out.result.settled)) {
        out.eta = eta;
        out.result = r;
      }
    }
    if (trace) {  // rerun the winner with the trace; the run is deterministic, so it is the same
      options.eta = out.eta;
      out.result =
          solve(problem, spec.precision, spec.solver, options, out.momentum, trace, progress);
    }
    return out;
  }

  if (spec.eta) {
    out.eta = *spec.eta;
    out.rule = fmt::format("fixed:eta={}", out.eta);
  } else {
    out.eta = rule_eta(*spec.rule, context);
    out.rule = spec.rule->str();
  }
  options.eta = out.eta;
  out.result = solve(problem, spec.precision, spec.solver, options, out.momentum, trace, progress);
  return out;
}

std::string Experiment::method() const {
  if (spec.solver != SolverKind::gd) return to_string(spec.solver);
  if (spec.eta) return "fixed";
  return spec.rule->short_str();
}

Experiment make_experiment(std::string name, std::string_view dataset, double lambda,
                           RunSpec spec, bool keep_trace) {
  if (!(lambda > 0) || !std::isfinite(lambda))
    throw std::invalid_argument(
        fmt::format("experiment '{}': lambda must be a positive finite number, got {}", name, lambda));
  if (spec.rule.has_value() == spec.eta.has_value())
    throw std::invalid_argument(
        fmt::format("experiment '{}': give exactly one of a stepsize rule and a fixed eta", name));
  SolverOptions options = spec.options;
  options.eta = spec.eta.value_or(1);  // a rule's eta is known only with the problem
  options.validate();
  return Experiment{std::move(name), parse_dataset_spec(dataset).canonical(), lambda,
                    std::move(spec), keep_trace};
}

const Problem& ProblemCache::get(const std::string& dataset, double lambda) {
  const auto key = std::make_pair(dataset, lambda);
  auto it = problems_.find(key);
  if (it == problems_.end())
    it = problems_
             .emplace(key, make_problem(make_dataset(dataset, data_progress_), lambda, reference_,
                                        certifier_))
             .first;
  return it->second;
}

RunOutcome run(const Experiment& experiment, ProblemCache& problems, const TraceCallback& trace,
               const RunStatusSink& progress) {
  return run(problems.get(experiment.dataset, experiment.lambda), experiment.spec, trace, progress);
}

}  // namespace largestep
