#include "largestep/core/methods.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

#include "largestep/core/field_methods.h"
#include "largestep/core/gradient_descent.h"
#include "largestep/core/nesterov.h"
#include "largestep/core/solvers_with_progress.h"

namespace largestep {
namespace {

// The rules' stepsizes (RuleContext: lambda, L_s, the certified margin gamma, eta_loc).

double classical_eta(const RuleContext& c, double) { return 1 / c.smoothness; }

double s2_eta(const RuleContext& c, double factor) {
  return factor * c.gamma / std::sqrt(c.lambda);
}

double s3_eta(const RuleContext& c, double factor) {
  return factor * std::cbrt(c.gamma * c.gamma / c.lambda);
}

double loc_eta(const RuleContext& c, double fraction) { return fraction * c.eta_loc; }

double fixed_eta(const RuleContext&, double eta) { return eta; }

// The solvers, from w with the options' eta; the trace observer only when there is one, so that
// untraced runs compile it away. A run with a progress sink goes to the solvers with a meter,
// compiled apart (solvers_with_progress.h) so that this unit, and its inlining of the loop bench/
// counts, stays as it was.

template <class Scalar>
SolverResult run_gd(const LogisticObjective<Scalar>& f, double f_star, const SolverOptions& options,
                    double, Vector<Scalar>& w, const TraceCallback& trace,
                    const RunStatusSink& progress) {
  if (progress) return gradient_descent_with_progress(f, f_star, options, w, trace, progress);
  return trace ? gradient_descent(f, f_star, options, w, trace)
               : gradient_descent(f, f_star, options, w);
}

template <class Scalar>
SolverResult run_nesterov(const LogisticObjective<Scalar>& f, double f_star,
                          const SolverOptions& options, double momentum, Vector<Scalar>& w,
                          const TraceCallback& trace, const RunStatusSink& progress) {
  if (progress) return nesterov_with_progress(f, f_star, options, momentum, w, trace, progress);
  return trace ? nesterov(f, f_star, options, momentum, w, trace)
               : nesterov(f, f_star, options, momentum, w);
}

// The rules first, in the order of RuleKind; then the solvers, in the order of SolverKind.
constexpr Method kMethods[] = {
    {.name = "classical",
     .description = "eta = 1/L_s, L_s = lambda + lambda_max(X^T X)/(4n) (paper S1)",
     .label = "1/L_s",
     .factory = classical_eta},
    {.name = "s2",
     .parameter = Parameter{"c", 1},
     .oracles = {Oracle::gamma},
     .description = "eta = c * gamma / sqrt(lambda) (paper S2)",
     .label = "S2",
     .factory = s2_eta},
    {.name = "s3",
     .parameter = Parameter{"c", 1},
     .oracles = {Oracle::gamma},
     .description = "eta = c * (gamma^2 / lambda)^(1/3) (paper S3)",
     .label = "S3",
     .factory = s3_eta},
    {.name = "loc",
     .parameter = Parameter{"frac", 0.5},
     .oracles = {Oracle::eta_loc},
     .description = "eta = frac * eta_loc, eta_loc = 2/lambda_max(hess f(w_lambda)) (paper E5)",
     .label = "{frac} eta_loc",
     .factory = loc_eta},
    {.name = "fixed",
     .parameter = Parameter{"eta", std::nullopt},
     .description = "eta = E (same as --eta E)",
     .label = "fixed",
     .factory = fixed_eta},
    {.name = "best",
     .oracles = {Oracle::eta_loc},
     .description = "the fewest settled steps over eta = 2^(k/4) in [1/L_s, eta_loc)",
     .label = "best eta",
     .factory = best_grid},

    {.name = "gd",
     .description = "gradient descent w_{t+1} = w_t - eta grad f(w_t), eta by --rule or --eta",
     .label = "GD",
     .factory = SolverFactory{run_gd<float>, run_gd<double>, true}},
    {.name = "nesterov",
     .description = "Nesterov's accelerated gradient, momentum (sqrt(kappa)-1)/(sqrt(kappa)+1)",
     .label = "Nesterov",
     .factory = SolverFactory{run_nesterov<float>, run_nesterov<double>, false},
     .default_rule = "classical"},
    {.name = "silver",
     .description = "GD with the silver schedule eta_t = h_(t mod 2^k) eta for kappa = 1/(eta "
                    "lambda), eta = 1/L_s (Altschuler-Parrilo 2023)",
     .label = "silver",
     .factory = SolverFactory{run_field_method<FieldMethod::silver, float>,
                              run_field_method<FieldMethod::silver, double>},
     .default_rule = "classical"},
    {.name = "adgd",
     .description = "adaptive GD, eta_t = min(sqrt(1 + theta) eta_(t-1), |dw|/(2|dg|)) from "
                    "eta_0 = 1e-10 (Malitsky-Mishchenko 2020)",
     .label = "AdGD",
     .factory = SolverFactory{run_field_method<FieldMethod::adgd, float>,
                              run_field_method<FieldMethod::adgd, double>},
     .default_rule = "fixed:eta=1e-10"},
    {.name = "armijo",
     .description = "backtracking from 2 eta_(t-1) (first: eta = 1/L_s), halving until f(w - eta "
                    "g) <= f(w) - eta |g|^2/2",
     .label = "Armijo",
     .factory = SolverFactory{run_field_method<FieldMethod::armijo, float>,
                              run_field_method<FieldMethod::armijo, double>},
     .default_rule = "classical"},
    {.name = "polyak",
     .oracles = {Oracle::f_star},
     .description = "eta_t = (f(w_t) - f*)/|grad f(w_t)|^2 with the certified f* (eta = 1/L_s "
                    "where f - f* <= 0)",
     .label = "Polyak",
     .factory = SolverFactory{run_field_method<FieldMethod::polyak, float>,
                              run_field_method<FieldMethod::polyak, double>},
     .default_rule = "classical"},
    {.name = "safe",
     .description = "GD warming up from eta = 1/L_s to cap * 2/lambda_max(hess f(w_t)) (Lanczos), "
                    "rolling back on a rise above f(w_0) or a stall, stopping on |g|^2/(2 "
                    "lambda) <= eps; settings --safe",
     .label = "safe",
     .factory = SolverFactory{run_field_method<FieldMethod::safe, float>,
                              run_field_method<FieldMethod::safe, double>},
     .default_rule = "classical"},
};

// The rows of one kind are contiguous: rules, then solvers.
std::span<const Method> of_kind(MethodKind kind) {
  const std::span<const Method> all(kMethods);
  const auto first_solver = std::find_if(
      all.begin(), all.end(), [](const Method& m) { return m.kind() == MethodKind::solver; });
  const std::size_t split = static_cast<std::size_t>(first_solver - all.begin());
  return kind == MethodKind::rule ? all.first(split) : all.subspan(split);
}

}  // namespace

std::string to_string(Oracle oracle) {
  switch (oracle) {
    case Oracle::f_star:
      return "f_star";
    case Oracle::eta_loc:
      return "eta_loc";
    case Oracle::gamma:
      return "gamma";
  }
  throw std::logic_error("unnamed oracle");
}

std::vector<Oracle> Oracles::list() const {
  std::vector<Oracle> out;
  for (const Oracle o : {Oracle::f_star, Oracle::eta_loc, Oracle::gamma})
    if (contains(o)) out.push_back(o);
  return out;
}

std::string to_string(MethodKind kind) { return kind == MethodKind::rule ? "rule" : "solver"; }

MethodKind Method::kind() const {
  return std::holds_alternative<SolverFactory>(factory) ? MethodKind::solver : MethodKind::rule;
}

std::string Method::syntax(bool with_default) const {
  if (!parameter) return std::string(name);
  const Parameter& p = *parameter;
  if (!p.fallback) return fmt::format("{}:{}={}", name, p.name, char(std::toupper(p.name.front())));
  if (with_default) return fmt::format("{}[:{}={}]", name, p.name, *p.fallback);
  return fmt::format("{}[:{}={}]", name, p.name, char(std::toupper(p.name.front())));
}

const SolverFactory& Method::solver() const {
  if (const SolverFactory* s = std::get_if<SolverFactory>(&factory)) return *s;
  throw std::logic_error(fmt::format("'{}' is a stepsize rule, not a solver", name));
}

std::span<const Method> methods() { return kMethods; }
std::span<const Method> rules() { return of_kind(MethodKind::rule); }
std::span<const Method> solvers() { return of_kind(MethodKind::solver); }

const Method& rule_method(RuleKind kind) {
  const std::size_t k = static_cast<std::size_t>(kind);
  if (k >= rules().size()) throw std::logic_error("stepsize rule without a row in the table");
  return rules()[k];
}

const Method& solver_method(SolverKind kind) {
  const std::size_t k = static_cast<std::size_t>(kind);
  if (k >= solvers().size()) throw std::logic_error("solver without a row in the table");
  return solvers()[k];
}

const Method* find_method(MethodKind kind, std::string_view name) {
  for (const Method& m : of_kind(kind))
    if (m.name == name) return &m;
  return nullptr;
}

std::string known_methods(MethodKind kind) {
  std::string out;
  for (const Method& m : of_kind(kind)) out += (out.empty() ? "" : ", ") + m.syntax(false);
  return out;
}

nlohmann::json methods_json() {
  nlohmann::json out = nlohmann::json::array();
  for (const Method& m : kMethods) {
    nlohmann::json parameters = nlohmann::json::array();
    if (m.parameter) {
      const nlohmann::json fallback =
          m.parameter->fallback ? nlohmann::json(*m.parameter->fallback) : nlohmann::json(nullptr);
      parameters.push_back({{"name", m.parameter->name}, {"default", fallback}});
    }
    nlohmann::json oracles = nlohmann::json::array();
    for (const Oracle o : m.oracles.list()) oracles.push_back(to_string(o));
    nlohmann::json row = {
        {"name", m.name},     {"kind", to_string(m.kind())},  {"parameters", parameters},
        {"oracles", oracles}, {"description", m.description}, {"label", m.label}};
    if (m.kind() == MethodKind::rule) {
      row["stepsize"] = std::holds_alternative<GridSearch>(m.factory) ? "grid" : "constant";
    } else {
      row["default_rule"] =
          m.default_rule.empty() ? nlohmann::json(nullptr) : nlohmann::json(m.default_rule);
    }
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace largestep
