#include "largestep/core/result_io.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

#include "largestep/kernel/block_reducer.h"
#include "largestep/kernel/environment.h"

namespace largestep {
namespace {

template <class T>
nlohmann::json optional_value(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

// An error bound is infinite when the working precision cannot bound the sum at all (gamma_n >= 1);
// files hold no Inf, so it is written as null.
nlohmann::json finite_or_null(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

nlohmann::json margin_or_null(const Separability* s) {
  return s && s->separable ? nlohmann::json(s->margin) : nlohmann::json(nullptr);
}

}  // namespace

void put_count(nlohmann::json& record, const std::string& name, const StepCount& count) {
  record[name] = count.lower_bound ? nlohmann::json(nullptr) : nlohmann::json(count.value);
  record[name + "_at_least"] = count.lower_bound ? nlohmann::json(count.value) : nlohmann::json(nullptr);
}

StepCount get_count(const nlohmann::json& record, const std::string& name) {
  const std::string bound = name + "_at_least";
  if (!record.contains(name) || !record.contains(bound))
    throw std::invalid_argument(fmt::format("'{}' and '{}' must both be present", name, bound));
  const nlohmann::json& value = record.at(name);
  const nlohmann::json& at_least = record.at(bound);
  const auto positive = [](const nlohmann::json& v) {
    return v.is_number_integer() && v.get<std::int64_t>() >= 0;
  };
  if (positive(value) && at_least.is_null()) return {value.get<std::int64_t>(), false};
  if (value.is_null() && positive(at_least)) return {at_least.get<std::int64_t>(), true};
  throw std::invalid_argument(fmt::format(
      "'{}' and '{}' must be one a non-negative integer and the other null, got {} and {}", name,
      bound, value.dump(), at_least.dump()));
}

nlohmann::json read_json_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument(fmt::format("cannot read '{}'", path));
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(fmt::format("{}: not valid JSON: {}", path, e.what()));
  }
}

std::string trace_csv_header() { return "t,value,gap,grad_norm,w_norm\n"; }

std::string trace_csv_row(const TracePoint& p) {
  return fmt::format("{},{},{},{},{}\n", p.t, p.value, p.gap, p.grad_norm, p.w_norm);
}

const std::vector<std::string> kRunColumns = {
    "dataset",        "n",          "d",          "lambda",          "solver",
    "rule",           "eta",        "momentum",   "scalar",          "eps",
    "horizon",        "termination", "steps",     "first_hit",       "first_hit_at_least",
    "settled",        "settled_at_least", "passes",  "passes_at_least",
    "gradient_evaluations", "value_evaluations", "hessian_products",
    "rollbacks",      "certified_stop", "safe_settings",
    "final_gap",      "gap_bound",   "gap_floor",
    "final_value",    "increases",
    "last_increase",  "seconds",    "f_star",     "eta_loc",         "smoothness",
    "margin",         "f_star_lower", "h_min",    "h_max",
    "commit",         "flavour",    "compiler",        "cpu",
};

const std::vector<std::string> kProvenanceColumns = {"commit", "flavour", "compiler", "cpu"};

void add_provenance(nlohmann::json& record) {
  const Environment& env = current_environment();
  record["commit"] = env.commit;
  record["flavour"] = env.flavour;
  record["compiler"] = env.compiler;
  record["cpu"] = env.cpu;
}

nlohmann::json run_record(const Problem& problem, const RunSpec& spec, const RunOutcome& o) {
  const SolverResult& r = o.result;
  nlohmann::json j = {
      {"dataset", problem.data.spec},
      {"n", problem.data.total_n()},
      {"d", problem.data.d()},
      {"lambda", problem.lambda},
      {"solver", to_string(spec.solver)},
      {"rule", o.rule},
      {"eta", o.eta},
      {"momentum", o.momentum},
      {"scalar", to_string(spec.precision)},
      {"eps", spec.options.eps},
      {"horizon", spec.options.max_steps},
      {"termination", to_string(r.termination)},
      {"steps", r.steps},
      {"final_gap", r.final_gap},
      {"gap_bound", finite_or_null(r.gap_bound)},
      {"gap_floor", finite_or_null(r.gap_floor)},
      {"final_value", r.final_value},
      {"gradient_evaluations", r.evaluations.gradients},
      {"value_evaluations", r.evaluations.values},
      {"hessian_products", r.evaluations.hessian_products},
      {"rollbacks", r.rollbacks},
      {"certified_stop", r.certified_stop},
      {"safe_settings", spec.solver == SolverKind::safe ? nlohmann::json(spec.options.safe.str())
                                                        : nlohmann::json(nullptr)},
      {"increases", r.increases},
      {"last_increase", optional_value(r.last_increase)},
      {"seconds", r.seconds},
      {"f_star", problem.reference.f_star},
      {"eta_loc", problem.reference.eta_loc},
      {"smoothness", problem.reference.smoothness},
      // The certified margin when this run's rule needs gamma and the data is separable; null
      // otherwise, also when an earlier run of the problem computed it: a record depends on its
      // own run only, whatever ran before it in the process.
      {"margin", spec.rule && rule_needs_gamma(*spec.rule)
                     ? margin_or_null(problem.separability_if_computed())
                     : nlohmann::json(nullptr)},
      {"f_star_lower", problem.reference.f_star_lower},
      {"h_min", problem.reference.h_min},
      {"h_max", problem.reference.h_max},
  };
  put_count(j, "first_hit", r.first_hit);
  put_count(j, "settled", r.settled);
  put_count(j, "passes", r.settled_passes);
  if (!o.grid.empty()) {
    nlohmann::json grid = nlohmann::json::array();
    for (const auto& [eta, settled] : o.grid) {
      nlohmann::json point = {{"eta", eta}};
      put_count(point, "settled", settled);
      grid.push_back(point);
    }
    j["grid"] = grid;
  }
  // A deterministic reduction leaves no trace: its records are those of one process, bit for bit.
  if (const BlockReducer<double>* r = data_parallel_reducer<double>();
      r && r->mode() == ReduceMode::fast)
    j["reduce"] = std::string(to_string(ReduceMode::fast));
  add_provenance(j);
  return j;
}

nlohmann::json reference_record(const Reference& ref) {
  return {{"lambda", ref.lambda},
          {"w", std::vector<double>(ref.w.data(), ref.w.data() + ref.w.size())},
          {"w_norm", ref.w.norm()},
          {"f_star", ref.f_star},
          {"f_star_lower", ref.f_star_lower},
          {"bracket_width", ref.bracket_width()},
          {"grad_norm", ref.grad_norm},
          {"h_min", ref.h_min},
          {"h_max", ref.h_max},
          {"eta_loc", ref.eta_loc},
          {"smoothness", ref.smoothness},
          {"digits", ref.digits},
          {"newton_iterations", ref.newton_iterations}};
}

nlohmann::json summary_record(const DatasetSummary& s) {
  const Separability& sep = s.separability;
  nlohmann::json j = {
      {"n", s.n},
      {"d", s.d},
      {"max_row_norm", s.max_row_norm},
      {"separable", sep.separable},
      {"margin", sep.separable ? nlohmann::json(sep.margin) : nlohmann::json(nullptr)},
      {"margin_upper_bound", sep.margin_upper_bound},
      {"margin_method", sep.method},
      {"margin_iterations", sep.iterations},
      {"margin_converged", sep.converged},
      {"margin_time_budget_hit", sep.time_budget_hit},
      {"margin_iteration_cap_hit", sep.iteration_cap_hit},
      {"margin_seconds", sep.seconds},
      {"gram_max_eigenvalue", s.gram_max_eigenvalue},
  };
  if (s.lambda) {
    j["lambda"] = *s.lambda;
    j["smoothness"] = *s.smoothness;
    j["kappa"] = *s.kappa;
  }
  return j;
}

std::string csv_header(const std::vector<std::string>& columns) {
  std::string out;
  for (const std::string& c : columns) out += (out.empty() ? "" : ",") + c;
  return out + "\n";
}

std::string csv_row(const nlohmann::json& record, const std::vector<std::string>& columns) {
  std::string out;
  for (std::size_t k = 0; k < columns.size(); ++k) {
    if (k > 0) out += ',';
    const auto it = record.find(columns[k]);
    if (it == record.end() || it->is_null()) continue;
    if (it->is_string()) {
      const std::string s = it->get<std::string>();
      if (s.find_first_of(",\"\n") == std::string::npos) {
        out += s;
      } else {  // RFC 4180 quoting: specs may contain commas
        out += '"';
        for (char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
        out += '"';
      }
    } else if (it->is_number_float()) {
      out += fmt::format("{}", it->get<double>());
    } else {
      out += it->dump();
    }
  }
  return out + "\n";
}


}  // namespace largestep
