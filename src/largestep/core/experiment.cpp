#include "largestep/core/experiment.h"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "largestep/core/methods.h"
#include "largestep/core/nesterov.h"
#include "largestep/data/dataset_spec.h"

namespace largestep {
namespace {

template <class Scalar>
SolverResult solve(const Problem& problem, const Dataset<Scalar>& data, const SolverFactory& solver,
                   const SolverOptions& options, double momentum, const TraceCallback& trace) {
  const LogisticObjective<Scalar> f(data, Scalar(problem.lambda));
  Vector<Scalar> w = Vector<Scalar>::Zero(data.d());
  return solver.runner<Scalar>()(f, problem.reference.f_star, options, momentum, w, trace);
}

SolverResult solve(const Problem& problem, Precision precision, SolverKind kind,
                   SolverOptions options, double momentum, const TraceCallback& trace) {
  const SolverFactory& solver = solver_method(kind).solver();
  // At eta >= eta_loc, w_lambda is unstable (E5): rounding-level deviations grow by
  // |1 - eta h_max| >= 1 per step, so a gap that sat below eps for a while can still escape.
  // Only the horizon can tell, so such runs never stop early.
  if (solver.unstable_from_eta_loc && options.eta >= problem.reference.eta_loc)
    options.stop_when_settled = false;
  if (precision == Precision::single)
    return solve(problem, problem.data.cast<float>(), solver, options, momentum, trace);
  return solve(problem, problem.data, solver, options, momentum, trace);
}

// Fewer settled steps is better; a count cut off by the horizon loses to any measured one.
bool better(const StepCount& a, const StepCount& b) {
  if (a.lower_bound != b.lower_bound) return !a.lower_bound;
  return !a.lower_bound && a.value < b.value;
}

}  // namespace

RuleContext Problem::rule_context() const {
  return {lambda, reference.smoothness, separability.separable ? separability.margin : 0.0,
          reference.eta_loc};
}

Problem make_problem(Dataset<double> data, double lambda, const ReferenceSolver& solve_reference) {
  if (!(lambda > 0) || !std::isfinite(lambda))
    throw std::invalid_argument(fmt::format("lambda must be a positive finite number, got {}", lambda));
  Problem p;
  p.data = std::move(data);
  p.lambda = lambda;
  p.separability = check_separability(p.data);
  p.reference = solve_reference(p.data, lambda);
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

RunOutcome run(const Problem& problem, const RunSpec& spec, const TraceCallback& trace) {
  if (spec.rule.has_value() == spec.eta.has_value())
    throw std::invalid_argument("give exactly one of a stepsize rule and a fixed eta");
  const RuleContext context = problem.rule_context();
  RunOutcome out;
  if (spec.solver == SolverKind::nesterov)
    out.momentum = nesterov_momentum(context.smoothness / context.lambda);
  SolverOptions options = spec.options;

  if (spec.rule && spec.rule->kind == RuleKind::best) {
    out.rule = spec.rule->str();
    for (const double eta : best_grid(context)) {
      options.eta = eta;
      const SolverResult r = solve(problem, spec.precision, spec.solver, options, out.momentum, {});
      out.grid.emplace_back(eta, r.settled);
      if (out.grid.size() == 1 || better(r.settled, out.result.settled)) {
        out.eta = eta;
        out.result = r;
      }
    }
    if (trace) {  // rerun the winner with the trace; the run is deterministic, so it is the same
      options.eta = out.eta;
      out.result = solve(problem, spec.precision, spec.solver, options, out.momentum, trace);
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
  out.result = solve(problem, spec.precision, spec.solver, options, out.momentum, trace);
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
    it = problems_.emplace(key, make_problem(make_dataset(dataset), lambda, reference_)).first;
  return it->second;
}

RunOutcome run(const Experiment& experiment, ProblemCache& problems, const TraceCallback& trace) {
  return run(problems.get(experiment.dataset, experiment.lambda), experiment.spec, trace);
}

}  // namespace largestep
