// The method table: every row parses and names itself back, needs the oracles its formula uses,
// appears in the JSON export and in README's rules table; unknown names list the known ones.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "largestep/core/experiment.h"
#include "largestep/core/methods.h"
#include "largestep/core/stepsize.h"

namespace largestep {
namespace {

std::set<std::string> names(const std::vector<Oracle>& oracles) {
  std::set<std::string> out;
  for (const Oracle o : oracles) out.insert(to_string(o));
  return out;
}

TEST(Methods, RulesPrecedeSolversAndNamesAreUnique) {
  ASSERT_EQ(rules().size() + solvers().size(), methods().size());
  for (const Method& m : rules()) EXPECT_EQ(m.kind(), MethodKind::rule) << m.name;
  for (const Method& m : solvers()) EXPECT_EQ(m.kind(), MethodKind::solver) << m.name;
  std::set<std::string_view> seen;
  for (const Method& m : methods()) {
    EXPECT_TRUE(seen.insert(m.name).second) << m.name;
    EXPECT_FALSE(m.description.empty()) << m.name;
    EXPECT_FALSE(m.label.empty()) << m.name;
  }
}

// The enumerators the code uses by name sit on the rows of that name.
TEST(Methods, NamedKindsAreTheirRows) {
  const std::map<RuleKind, std::string_view> rules_by_kind = {{RuleKind::classical, "classical"},
                                                              {RuleKind::s2, "s2"},
                                                              {RuleKind::s3, "s3"},
                                                              {RuleKind::loc, "loc"},
                                                              {RuleKind::fixed, "fixed"},
                                                              {RuleKind::best, "best"}};
  for (const auto& [kind, name] : rules_by_kind) {
    EXPECT_EQ(rule_method(kind).name, name);
    EXPECT_EQ(find_method(MethodKind::rule, name), &rule_method(kind));
    EXPECT_EQ(parse_rule(name == "fixed" ? "fixed:eta=1" : name).kind, kind) << name;
  }
  EXPECT_EQ(solver_method(SolverKind::gd).name, "gd");
  EXPECT_EQ(solver_method(SolverKind::nesterov).name, "nesterov");
}

TEST(Methods, EveryRuleParsesAndRoundTripsThroughStr) {
  for (const Method& m : rules()) {
    SCOPED_TRACE(std::string(m.name));
    if (m.parameter && !m.parameter->fallback) {
      EXPECT_THROW(parse_rule(m.name), std::invalid_argument);  // a required value
      const std::string text = fmt::format("{}:{}=3.5", m.name, m.parameter->name);
      const StepsizeRule rule = parse_rule(text);
      EXPECT_EQ(rule.parameter, 3.5);
      EXPECT_EQ(rule.str(), text);
      EXPECT_EQ(parse_rule(rule.str()).str(), text);
      continue;
    }
    const StepsizeRule plain = parse_rule(m.name);
    EXPECT_EQ(&rule_method(plain.kind), &m);
    EXPECT_EQ(plain.short_str(), m.name);
    EXPECT_EQ(parse_rule(plain.str()).str(), plain.str());
    if (m.parameter) {
      EXPECT_EQ(plain.parameter, *m.parameter->fallback);
      EXPECT_EQ(plain.str(), fmt::format("{}:{}={}", m.name, m.parameter->name, plain.parameter));
      const std::string text = fmt::format("{}:{}=0.25", m.name, m.parameter->name);
      EXPECT_EQ(parse_rule(text).str(), text);
      EXPECT_EQ(parse_rule(text).short_str(), text);  // not the default: spelled out
      EXPECT_EQ(parse_rule(fmt::format("{}:0.25", m.name)).str(), text);
    } else {
      EXPECT_EQ(plain.str(), m.name);
      EXPECT_THROW(parse_rule(fmt::format("{}:1", m.name)), std::invalid_argument);
    }
  }
  for (const Method& m : solvers()) EXPECT_EQ(to_string(parse_solver(m.name)), m.name);
}

TEST(Methods, OracleSetsAreWhatTheFormulasUse) {
  const std::map<std::string_view, std::set<std::string>> expected = {
      {"classical", {}},     {"s2", {"gamma"}}, {"s3", {"gamma"}}, {"loc", {"eta_loc"}},
      {"best", {"eta_loc"}}, {"fixed", {}},     {"gd", {}},        {"nesterov", {}},
      {"silver", {}},        {"adgd", {}},      {"armijo", {}},    {"polyak", {"f_star"}},
      {"safe", {}}};
  ASSERT_EQ(expected.size(), methods().size());
  for (const Method& m : methods()) {
    ASSERT_TRUE(expected.contains(m.name)) << m.name;
    EXPECT_EQ(names(m.oracles.list()), expected.at(m.name)) << m.name;
  }
}

// A rule without an oracle must give the same stepsize whatever the oracles' values; one with an
// oracle must depend on it. Checked on the constant rules by moving each oracle in turn.
TEST(Methods, ConstantRulesDependOnExactlyTheirOracles) {
  const RuleContext base{1e-4, 0.25, 0.1, 120.0};
  for (const Method& m : rules()) {
    if (!std::holds_alternative<ConstantStepsize>(m.factory)) continue;
    SCOPED_TRACE(std::string(m.name));
    const StepsizeRule rule =
        parse_rule(m.parameter ? fmt::format("{}:2", m.name) : std::string(m.name));
    const double eta = rule_eta(rule, base);
    RuleContext other = base;
    other.gamma = 0.3;
    EXPECT_EQ(rule_eta(rule, other) != eta, m.oracles.contains(Oracle::gamma));
    other = base;
    other.eta_loc = 300;
    EXPECT_EQ(rule_eta(rule, other) != eta, m.oracles.contains(Oracle::eta_loc));
  }
}

TEST(Methods, JsonListsEveryRowWithItsParametersAndOracles) {
  const nlohmann::json table = methods_json();
  ASSERT_TRUE(table.is_array());
  ASSERT_EQ(table.size(), methods().size());
  for (std::size_t k = 0; k < table.size(); ++k) {
    const Method& m = methods()[k];
    const nlohmann::json& row = table[k];
    SCOPED_TRACE(row.dump());
    EXPECT_EQ(row.at("name"), m.name);
    EXPECT_EQ(row.at("kind"), k < rules().size() ? "rule" : "solver");
    EXPECT_EQ(row.at("description"), m.description);
    EXPECT_EQ(row.at("label"), m.label);
    std::set<std::string> oracles;
    for (const auto& o : row.at("oracles")) oracles.insert(o.get<std::string>());
    EXPECT_EQ(oracles, names(m.oracles.list()));
    const nlohmann::json& parameters = row.at("parameters");
    ASSERT_EQ(parameters.size(), m.parameter ? 1u : 0u);
    if (m.parameter) {
      EXPECT_EQ(parameters[0].at("name"), m.parameter->name);
      if (m.parameter->fallback)
        EXPECT_EQ(parameters[0].at("default").get<double>(), *m.parameter->fallback);
      else
        EXPECT_TRUE(parameters[0].at("default").is_null());
    }
  }
  EXPECT_EQ(table[static_cast<std::size_t>(RuleKind::best)].at("stepsize"), "grid");
  EXPECT_EQ(table[static_cast<std::size_t>(RuleKind::s2)].at("stepsize"), "constant");
  EXPECT_EQ(
      table[rules().size() + static_cast<std::size_t>(SolverKind::nesterov)].at("default_rule"),
      "classical");
  EXPECT_TRUE(table[rules().size()].at("default_rule").is_null());  // gd needs a stepsize
}

TEST(Methods, UnknownNamesAreRejectedWithTheKnownList) {
  try {
    parse_rule("fast:c=1");
    FAIL();
  } catch (const std::invalid_argument& e) {
    // The message as before the table, rules added later appended to its list.
    const std::string known = known_methods(MethodKind::rule);
    EXPECT_EQ(e.what(), "unknown stepsize rule 'fast:c=1' (known: " + known + ")");
    EXPECT_TRUE(known.starts_with("classical, s2[:c=C], s3[:c=C], loc[:frac=F], fixed:eta=E, best"))
        << known;
    for (const Method& m : rules()) EXPECT_NE(known.find(m.syntax(false)), std::string::npos);
  }
  try {
    parse_solver("sgd");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "unknown solver 'sgd' (known: gd, nesterov, silver, adgd, armijo, polyak, safe)");
  }
  EXPECT_EQ(find_method(MethodKind::rule, "gd"), nullptr);  // a solver is not a rule
  EXPECT_EQ(find_method(MethodKind::solver, "classical"), nullptr);
  EXPECT_THROW(parse_rule("nesterov"), std::invalid_argument);
}

TEST(Methods, HelpHasOneLinePerRule) {
  const std::string help = rules_help();
  std::size_t lines = 0;
  for (const char c : help) lines += c == '\n';
  EXPECT_EQ(lines, rules().size());
  for (const Method& m : rules())
    EXPECT_NE(help.find(fmt::format("  {:<15}{}\n", m.syntax(), m.description)), std::string::npos)
        << m.name;
}

// README's table under `heading`: syntax (the first column, in backquotes) -> the last column.
std::map<std::string, std::string> readme_table(const std::string& heading) {
  std::ifstream in(LARGESTEP_README);
  EXPECT_TRUE(in) << LARGESTEP_README;
  std::map<std::string, std::string> readme;  // syntax -> oracles column
  bool in_section = false;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("#")) in_section = line == heading;
    if (!in_section || !line.starts_with("| `")) continue;
    const std::size_t close = line.find('`', 3);
    const std::size_t last_bar = line.rfind('|', line.size() - 2);
    EXPECT_NE(close, std::string::npos) << line;
    std::string oracles = line.substr(last_bar + 1, line.size() - last_bar - 2);
    oracles.erase(0, oracles.find_first_not_of(' '));
    oracles.erase(oracles.find_last_not_of(' ') + 1);
    readme[line.substr(3, close - 3)] = oracles;
  }
  return readme;
}

std::string oracle_column(const Method& m) {
  std::string oracles;
  for (const Oracle o : m.oracles.list()) oracles += (oracles.empty() ? "" : ", ") + to_string(o);
  return oracles.empty() ? "none" : oracles;
}

// README's "Stepsize rules" table: one row `| `syntax` | eta | oracles |` per rule of the table,
// and no other.
TEST(Methods, ReadmeRulesTableHasEveryRuleAndNoOther) {
  std::map<std::string, std::string> table;
  for (const Method& m : rules()) table[m.syntax()] = oracle_column(m);
  EXPECT_EQ(readme_table("### Stepsize rules"), table);
}

// README's table of the other solvers: one row per solver but GD and Nesterov (described in prose
// above it), with its oracles.
TEST(Methods, ReadmeSolversTableHasEveryOtherSolver) {
  std::map<std::string, std::string> table;
  for (const Method& m : solvers())
    if (m.name != "gd" && m.name != "nesterov") table[m.syntax()] = oracle_column(m);
  EXPECT_EQ(readme_table("### Solvers beside GD and Nesterov"), table);
}

}  // namespace
}  // namespace largestep
