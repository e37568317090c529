#include "largestep/result_io.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>
#include <stdexcept>
#include <unistd.h>

#include "largestep/environment.h"

namespace largestep {
namespace {

nlohmann::json count_value(const StepCount& c) {
  return c.lower_bound ? nlohmann::json(nullptr) : nlohmann::json(c.value);
}
nlohmann::json count_bound(const StepCount& c) {
  return c.lower_bound ? nlohmann::json(c.value) : nlohmann::json(nullptr);
}
template <class T>
nlohmann::json optional_value(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

const std::vector<std::string> kRunColumns = {
    "dataset",        "n",          "d",          "lambda",          "solver",
    "rule",           "eta",        "momentum",   "scalar",          "eps",
    "horizon",        "termination", "steps",     "first_hit",       "first_hit_at_least",
    "settled",        "settled_at_least", "final_gap", "final_value", "increases",
    "last_increase",  "seconds",    "f_star",     "eta_loc",         "smoothness",
    "margin",         "commit",     "flavour",    "compiler",        "cpu",
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
      {"n", problem.data.n()},
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
      {"first_hit", count_value(r.first_hit)},
      {"first_hit_at_least", count_bound(r.first_hit)},
      {"settled", count_value(r.settled)},
      {"settled_at_least", count_bound(r.settled)},
      {"final_gap", r.final_gap},
      {"final_value", r.final_value},
      {"increases", r.increases},
      {"last_increase", optional_value(r.last_increase)},
      {"seconds", r.seconds},
      {"f_star", problem.reference.f_star},
      {"eta_loc", problem.reference.eta_loc},
      {"smoothness", problem.reference.smoothness},
      {"margin", problem.separability.separable ? nlohmann::json(problem.separability.margin)
                                                : nlohmann::json(nullptr)},
  };
  if (!o.grid.empty()) {
    nlohmann::json grid = nlohmann::json::array();
    for (const auto& [eta, settled] : o.grid)
      grid.push_back({{"eta", eta}, {"settled", count_value(settled)},
                      {"settled_at_least", count_bound(settled)}});
    j["grid"] = grid;
  }
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

void write_file_atomically(const std::string& path, const std::string& content) {
  const std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  std::FILE* file = std::fopen(tmp.c_str(), "wb");
  if (!file) throw std::runtime_error(fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
  const bool written = std::fwrite(content.data(), 1, content.size(), file) == content.size();
  const bool flushed = std::fflush(file) == 0 && ::fsync(::fileno(file)) == 0;
  const bool closed = std::fclose(file) == 0;
  if (!written || !flushed || !closed || std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    std::remove(tmp.c_str());
    throw std::runtime_error(fmt::format("cannot write '{}': {}", path, reason));
  }
}

}  // namespace largestep
