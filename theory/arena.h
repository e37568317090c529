// The stepsize arena's table: from the run records of an arena suite (runs.json of `largestep
// arena` or `sweep --suite arena-quick|arena`), the passes over the data each method spent to reach
// eps on each (dataset, lambda) cell, its settled steps and wall time, and per method and dataset
// the slope of passes against kappa = L_s / lambda.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "fit.h"
#include "verdict.h"
#include "largestep/core/solver.h"

namespace largestep::theory {

struct ArenaEntry {
  std::string method;  // the record's method: a GD rule ("classical", "s2") or a solver name
  // Unset when the run was skipped (`skipped` says why).
  std::optional<StepCount> passes, settled;
  std::string termination;  // converged, max_steps, diverged, ...
  double seconds = 0;
  std::int64_t rollbacks = 0;  // returns to an earlier iterate (safe)
  std::string skipped;

  // The run diverged or went non-finite: it has no count, whatever its fields say.
  bool ran_off() const { return termination == "diverged" || termination == "non_finite"; }
};

struct ArenaCell {
  std::string label;    // the experiment names' first part ("hard0.1")
  std::string dataset;  // canonical spec
  double lambda = 0, kappa = 0;
  std::vector<ArenaEntry> entries;  // in the order of ArenaTable::methods; missing: method ""

  std::string heading() const;  // "hard0.1 1e-04": how tables and findings name the cell
};

struct ArenaSlope {
  std::string method, label;
  std::size_t points = 0;          // cells with a measured count
  std::optional<PowerFit> fit;     // with two or more distinct kappas
};

struct ArenaTable {
  std::string suite;
  std::vector<std::string> methods;  // in the order they first appear
  std::vector<std::string> oracles;  // per method: "" or what it needs ("gamma", "f_star", ...)
  std::vector<ArenaCell> cells;      // in the order they first appear
  std::vector<ArenaSlope> slopes;    // per method, per dataset label
  std::vector<Verdict> verdicts;     // what the arena shows (arena_verdicts.h)
};

// Throws std::invalid_argument naming `source` and the record when a record lacks what the table
// needs (experiment, method, dataset, lambda; passes, settled and smoothness unless skipped).
// The verdicts are judged too (judge_arena).
ArenaTable tabulate_arena(const nlohmann::json& runs_document, const std::string& source);
// The same table without the verdicts (what `tune-safe` ranks settings on, once per setting).
ArenaTable arena_table(const nlohmann::json& runs_document, const std::string& source);

// Markdown: passes per method (rows; oracle methods marked and listed last) and cell (columns),
// ">N" for a lower bound and the termination for a run that diverged or went non-finite; then
// the settled steps, the wall times, the rollbacks, the slopes and the verdicts.
std::string arena_markdown(const ArenaTable& table);
nlohmann::json arena_json(const ArenaTable& table);

}  // namespace largestep::theory
