// The method table: every stepsize rule and every solver is one row (name, parameter, the oracles
// it needs, a one-line description, and what computes or runs it). The rule parser, the help
// texts, `largestep methods` and the readers in plots/ and peers/ (through its JSON) derive from
// it, so a new method is one row and one function in methods.cpp.
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "largestep/core/experiment.h"
#include "largestep/core/solver.h"
#include "largestep/core/solver_progress.h"
#include "largestep/core/stepsize.h"
#include "largestep/kernel/objective.h"

namespace largestep {

// What a method needs beyond the data and lambda, known only once the problem is solved or
// certified. L_s is not one: it is computed from the data.
enum class Oracle {
  f_star,   // the optimal value f(w_lambda)
  eta_loc,  // 2 / lambda_max(hess f(w_lambda)) (E5)
  gamma,    // the certified margin of separable data
};

std::string to_string(Oracle oracle);  // "f_star", "eta_loc", "gamma"

class Oracles {
 public:
  constexpr Oracles() = default;
  constexpr Oracles(std::initializer_list<Oracle> oracles) {
    for (const Oracle o : oracles) bits_ |= bit(o);
  }
  constexpr bool contains(Oracle o) const { return (bits_ & bit(o)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  std::vector<Oracle> list() const;  // in the order of the enum
  bool operator==(const Oracles&) const = default;

 private:
  static constexpr unsigned bit(Oracle o) { return 1u << static_cast<unsigned>(o); }
  unsigned bits_ = 0;
};

struct Parameter {
  std::string_view name;
  std::optional<double> fallback;  // the default; none: the parameter must be given
};

// How a rule yields its stepsize: a constant computed from the problem's rule context and the
// rule's parameter, or a grid of candidates that are each run, the fewest settled steps winning
// (`best`). A stepsize that changes along the run (a schedule such as silver; adaptive ones such
// as adgd, armijo, polyak) will be a further alternative with its own factory.
using ConstantStepsize = double (*)(const RuleContext& context, double parameter);
using GridSearch = std::vector<double> (*)(const RuleContext& context);

// What runs a solver from w (in: w_0, out: the last iterate) in each working precision; a null
// trace or progress sink costs nothing. `momentum` is the one the run computed for the problem
// (Nesterov's).
template <class Scalar>
using SolverRunner = SolverResult (*)(const LogisticObjective<Scalar>& f, double f_star,
                                      const SolverOptions& options, double momentum,
                                      Vector<Scalar>& w, const TraceCallback& trace,
                                      const RunStatusSink& progress);

struct SolverFactory {
  SolverRunner<float> single = nullptr;
  SolverRunner<double> dual = nullptr;
  // At eta >= eta_loc, w_lambda is unstable for this solver (E5): a gap that sat below eps can
  // still escape, so its runs there never stop early and their counts are lower bounds
  // (SolverOptions::eta_loc).
  bool unstable_from_eta_loc = false;

  template <class Scalar>
  SolverRunner<Scalar> runner() const {
    if constexpr (std::is_same_v<Scalar, float>) {
      return single;
    } else {
      return dual;
    }
  }
};

enum class MethodKind { rule, solver };
std::string to_string(MethodKind kind);  // "rule", "solver"

struct Method {
  std::string_view name;
  std::optional<Parameter> parameter = std::nullopt;  // at most one (StepsizeRule holds one)
  Oracles oracles = {};
  std::string_view description = "";  // one line: the formula and its source, for --help
  // What a figure's legend calls it ("S2", "Nesterov"); "{P}" stands for parameter P's value.
  std::string_view label = "";
  std::variant<ConstantStepsize, GridSearch, SolverFactory> factory;
  // Solvers: the rule a run takes when given no stepsize ("" when one must be given).
  std::string_view default_rule = "";

  MethodKind kind() const;
  // "s2[:c=1]" (with_default) or "s2[:c=C]", "fixed:eta=E", "classical".
  std::string syntax(bool with_default = true) const;
  const SolverFactory& solver() const;  // throws std::logic_error for a rule
};

// Every method: the rules in the order of RuleKind (the row of a StepsizeRule is
// rules()[kind]), then the solvers in the order of SolverKind.
std::span<const Method> methods();
std::span<const Method> rules();
std::span<const Method> solvers();

const Method& rule_method(RuleKind kind);
const Method& solver_method(SolverKind kind);
// The row of that kind and name, or null.
const Method* find_method(MethodKind kind, std::string_view name);
// "classical, s2[:c=C], ..." or "gd, nesterov": what an unknown name is told.
std::string known_methods(MethodKind kind);

// Every row as {name, kind, parameters: [{name, default|null}], oracles: [...], description,
// label} plus, for rules, stepsize ("constant" | "grid") and, for solvers, default_rule.
nlohmann::json methods_json();

}  // namespace largestep
