#include "arena.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <stdexcept>

#include "arena_verdicts.h"
#include "largestep/core/methods.h"
#include "largestep/core/result_io.h"

namespace largestep::theory {
namespace {

// What the method's row in the method table needs, "" for none.
std::string oracles_of(const std::string& method) {
  const Method* m = find_method(MethodKind::rule, method);
  if (!m) m = find_method(MethodKind::solver, method);
  if (!m) return "";
  std::string out;
  for (const Oracle o : m->oracles.list()) out += (out.empty() ? "" : "+") + to_string(o);
  return out;
}

template <class T>
T field(const nlohmann::json& record, const char* name, const std::string& where) {
  if (!record.contains(name) || record[name].is_null())
    throw std::invalid_argument(fmt::format("{}: record lacks '{}'", where, name));
  try {
    return record[name].get<T>();
  } catch (const nlohmann::json::exception&) {
    throw std::invalid_argument(fmt::format("{}: field '{}' has the wrong type", where, name));
  }
}

// StepCount::str(): "N" measured, ">N-1" for a count of at least N.
std::string count_text(const std::optional<StepCount>& c) { return c ? c->str() : ""; }

// A cell's entry as the table shows it: passes, a lower bound, or why there is none.
std::string entry_text(const ArenaEntry& e, const std::optional<StepCount> ArenaEntry::*count) {
  if (e.method.empty()) return "";
  if (!e.skipped.empty()) return "skipped";
  if (e.ran_off()) return e.termination;
  return count_text(e.*count);
}

// Text for a markdown table cell: its own bars escaped.
std::string md_cell(const std::string& text) {
  std::string out;
  for (const char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

// Rows: methods needing no oracle first, then the oracle ones (marked *).
std::vector<std::size_t> row_order(const ArenaTable& t) {
  std::vector<std::size_t> order;
  for (std::size_t k = 0; k < t.methods.size(); ++k)
    if (t.oracles[k].empty()) order.push_back(k);
  for (std::size_t k = 0; k < t.methods.size(); ++k)
    if (!t.oracles[k].empty()) order.push_back(k);
  return order;
}

std::string grid(const ArenaTable& t, const std::string& title,
                 const std::function<std::string(const ArenaEntry&)>& text) {
  std::string out = fmt::format("### {}\n\n| method |", title);
  for (const ArenaCell& c : t.cells) out += fmt::format(" {} |", c.heading());
  out += "\n|---|";
  for (std::size_t k = 0; k < t.cells.size(); ++k) out += "---:|";
  out += "\n";
  for (const std::size_t m : row_order(t)) {
    out += fmt::format("| {}{} |", t.methods[m],
                       t.oracles[m].empty() ? "" : fmt::format(" * ({})", t.oracles[m]));
    for (const ArenaCell& c : t.cells) out += fmt::format(" {} |", text(c.entries[m]));
    out += "\n";
  }
  return out + "\n";
}

}  // namespace

std::string ArenaCell::heading() const { return fmt::format("{} {:.0e}", label, lambda); }

ArenaTable tabulate_arena(const nlohmann::json& doc, const std::string& source) {
  ArenaTable t = arena_table(doc, source);
  t.verdicts = judge_arena(t);
  return t;
}

ArenaTable arena_table(const nlohmann::json& doc, const std::string& source) {
  if (!doc.is_object() || !doc.contains("runs") || !doc["runs"].is_array())
    throw std::invalid_argument(fmt::format("{}: not a suite's runs.json (no \"runs\" array)", source));
  ArenaTable t;
  t.suite = doc.value("suite", "");
  std::map<std::pair<std::string, double>, std::size_t> cell_of;
  struct Row {
    std::size_t cell;
    ArenaEntry entry;
  };
  std::vector<Row> rows;
  for (std::size_t k = 0; k < doc["runs"].size(); ++k) {
    const nlohmann::json& r = doc["runs"][k];
    const std::string where = fmt::format("{}: runs[{}]", source, k);
    const std::string name = field<std::string>(r, "experiment", where);
    ArenaEntry e;
    e.method = field<std::string>(r, "method", where);
    const std::string dataset = field<std::string>(r, "dataset", where);
    const double lambda = field<double>(r, "lambda", where);
    const auto [it, added] = cell_of.emplace(std::make_pair(dataset, lambda), t.cells.size());
    if (added) t.cells.push_back({name.substr(0, name.find('/')), dataset, lambda, 0, {}});
    ArenaCell& cell = t.cells[it->second];
    if (r.contains("skipped") && r["skipped"].is_string() && !r["skipped"].get<std::string>().empty()) {
      e.skipped = r["skipped"].get<std::string>();
    } else {
      try {
        e.passes = get_count(r, "passes");
        e.settled = get_count(r, "settled");
      } catch (const std::invalid_argument& error) {
        throw std::invalid_argument(fmt::format("{}: {}", where, error.what()));
      }
      e.termination = field<std::string>(r, "termination", where);
      e.seconds = field<double>(r, "seconds", where);
      e.rollbacks = r.value("rollbacks", std::int64_t{0});  // absent in records before safe
      cell.kappa = field<double>(r, "smoothness", where) / lambda;
    }
    if (std::find(t.methods.begin(), t.methods.end(), e.method) == t.methods.end()) {
      t.methods.push_back(e.method);
      t.oracles.push_back(oracles_of(e.method));
    }
    rows.push_back({it->second, std::move(e)});
  }
  for (ArenaCell& c : t.cells) c.entries.assign(t.methods.size(), ArenaEntry{});
  for (Row& row : rows) {
    const std::size_t m = static_cast<std::size_t>(
        std::find(t.methods.begin(), t.methods.end(), row.entry.method) - t.methods.begin());
    if (!t.cells[row.cell].entries[m].method.empty())
      throw std::invalid_argument(fmt::format("{}: two runs of '{}' on {} at lambda = {}", source,
                                              row.entry.method, t.cells[row.cell].dataset,
                                              t.cells[row.cell].lambda));
    t.cells[row.cell].entries[m] = std::move(row.entry);
  }
  // Slopes: per method and dataset label, over the cells with a measured count.
  std::vector<std::string> labels;
  for (const ArenaCell& c : t.cells)
    if (std::find(labels.begin(), labels.end(), c.label) == labels.end()) labels.push_back(c.label);
  for (std::size_t m = 0; m < t.methods.size(); ++m) {
    for (const std::string& label : labels) {
      ArenaSlope s{t.methods[m], label, 0, std::nullopt};
      std::vector<double> kappa, passes;
      for (const ArenaCell& c : t.cells) {
        const ArenaEntry& e = c.entries[m];
        if (c.label != label || !e.passes || e.passes->lower_bound || c.kappa <= 0) continue;
        kappa.push_back(c.kappa);
        passes.push_back(static_cast<double>(std::max<std::int64_t>(e.passes->value, 1)));
      }
      s.points = kappa.size();
      if (distinct_count(kappa) >= 2) s.fit = fit_power_law(kappa, passes);
      t.slopes.push_back(s);
    }
  }
  return t;
}

std::string arena_markdown(const ArenaTable& t) {
  std::string out = fmt::format(
      "## Stepsize arena{}\n\nPasses over the data to eps (gradient, value and Hessian-vector "
      "evaluations, one pass each) per method and cell (dataset, lambda). `>N`: cut off by the "
      "horizon, the count is more than N. * marks a method that needs an oracle (what it needs in "
      "brackets).\n\n",
      t.suite.empty() ? "" : fmt::format(" (suite {})", t.suite));
  out += "| cell | kappa |\n|---|---:|\n";
  for (const ArenaCell& c : t.cells) out += fmt::format("| {} | {:.4g} |\n", c.heading(), c.kappa);
  out += "\n";
  out += grid(t, "Passes to eps", [](const ArenaEntry& e) { return entry_text(e, &ArenaEntry::passes); });
  out += grid(t, "Settled steps", [](const ArenaEntry& e) { return entry_text(e, &ArenaEntry::settled); });
  out += grid(t, "Wall time (s)", [](const ArenaEntry& e) {
    return e.method.empty() || !e.skipped.empty() ? std::string(e.skipped.empty() ? "" : "skipped")
                                                  : fmt::format("{:.3g}", e.seconds);
  });
  std::string rollbacks;
  for (const ArenaCell& c : t.cells)
    for (const ArenaEntry& e : c.entries)
      if (e.rollbacks > 0)
        rollbacks += fmt::format("{}{} on {}: {}", rollbacks.empty() ? "" : ", ", e.method,
                                 c.heading(), e.rollbacks);
  out += fmt::format("Rollbacks: {}.\n\n", rollbacks.empty() ? "none" : rollbacks);
  out += "### Slope of passes against kappa (least squares in log-log, measured cells only)\n\n| method |";
  std::vector<std::string> labels;
  for (const ArenaSlope& s : t.slopes)
    if (std::find(labels.begin(), labels.end(), s.label) == labels.end()) labels.push_back(s.label);
  for (const std::string& l : labels) out += fmt::format(" {} |", l);
  out += "\n|---|";
  for (std::size_t k = 0; k < labels.size(); ++k) out += "---:|";
  out += "\n";
  for (const std::size_t m : row_order(t)) {
    out += fmt::format("| {} |", t.methods[m]);
    for (const ArenaSlope& s : t.slopes)
      if (s.method == t.methods[m])
        out += s.fit ? fmt::format(" {:.2f} ({} pts) |", s.fit->slope, s.points)
                     : fmt::format(" - ({} pts) |", s.points);
    out += "\n";
  }
  out += "\n### Findings\n\n| claim | subject | measured | predicted | verdict | reason |\n"
         "|---|---|---|---|---|---|\n";
  for (const Verdict& v : t.verdicts)
    out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", v.claim, md_cell(v.dataset),
                       md_cell(v.measured), md_cell(v.predicted), to_string(v.outcome),
                       md_cell(v.reason));
  return out;
}

nlohmann::json arena_json(const ArenaTable& t) {
  nlohmann::json methods = nlohmann::json::array();
  for (std::size_t m = 0; m < t.methods.size(); ++m)
    methods.push_back({{"name", t.methods[m]}, {"oracles", t.oracles[m]}});
  nlohmann::json cells = nlohmann::json::array();
  for (const ArenaCell& c : t.cells) {
    nlohmann::json entries = nlohmann::json::array();
    for (const ArenaEntry& e : c.entries) {
      if (e.method.empty()) continue;
      nlohmann::json j = {{"method", e.method}};
      if (!e.skipped.empty()) {
        j["skipped"] = e.skipped;
      } else {
        put_count(j, "passes", *e.passes);
        put_count(j, "settled", *e.settled);
        j["termination"] = e.termination;
        j["seconds"] = e.seconds;
        j["rollbacks"] = e.rollbacks;
      }
      entries.push_back(std::move(j));
    }
    cells.push_back({{"label", c.label}, {"dataset", c.dataset}, {"lambda", c.lambda},
                     {"kappa", c.kappa}, {"runs", entries}});
  }
  nlohmann::json slopes = nlohmann::json::array();
  for (const ArenaSlope& s : t.slopes)
    slopes.push_back({{"method", s.method},
                      {"label", s.label},
                      {"points", s.points},
                      {"slope", s.fit ? nlohmann::json(s.fit->slope) : nlohmann::json(nullptr)},
                      {"r2", s.fit ? nlohmann::json(s.fit->r2) : nlohmann::json(nullptr)}});
  nlohmann::json verdicts = nlohmann::json::array();
  for (const Verdict& v : t.verdicts) verdicts.push_back(to_json(v));
  return {{"suite", t.suite}, {"methods", methods}, {"cells", cells}, {"slopes", slopes},
          {"verdicts", verdicts}};
}

}  // namespace largestep::theory
