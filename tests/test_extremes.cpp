// Numerical extremes: eta up to 1e12, lambda down to 1e-12, margins y <x, w> of +-1e6 and beyond.
// Every run must end with finite numbers or with termination diverged / non_finite, and no NaN or
// Inf may reach a result record (JSON or CSV), in float and in double, for GD and Nesterov.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "largestep/core/experiment.h"
#include "largestep/data/generators.h"
#include "largestep/kernel/objective.h"
#include "largestep/core/result_io.h"

namespace largestep {
namespace {

// Two points of norm 1e6 on a line: margins of +-1e6 at w = +-e_1 already, far more once GD moves.
Dataset<double> huge_rows() {
  Dataset<double> d;
  d.X.resize(2, 1);
  d.X << 1e6, -1e6;
  d.y.resize(2);
  d.y << 1, -1;
  d.spec = "two rows of norm 1e6";
  return d;
}

bool has_non_finite_text(const std::string& text) {
  for (const char* bad : {"nan", "NaN", "inf", "Inf"})
    if (text.find(bad) != std::string::npos) return true;
  return false;
}

Termination expect_honest_end(const Problem& problem, const RunSpec& spec,
                              const std::string& what) {
  const RunOutcome o = run(problem, spec);
  const SolverResult& r = o.result;
  const bool failed =
      r.termination == Termination::diverged || r.termination == Termination::non_finite;
  EXPECT_TRUE(std::isfinite(r.final_value)) << what;
  EXPECT_TRUE(std::isfinite(r.final_gap)) << what;
  if (!failed) {
    EXPECT_TRUE(r.final_w_norm.has_value() && std::isfinite(*r.final_w_norm)) << what;
  }
  const nlohmann::json record = run_record(problem, spec, o);
  const std::string json = record.dump();
  EXPECT_FALSE(has_non_finite_text(json)) << what << "\n" << json;
  const std::string csv = csv_row(record, kRunColumns);
  EXPECT_FALSE(has_non_finite_text(csv)) << what << "\n" << csv;
  return r.termination;
}

TEST(Extremes, EveryRunEndsFiniteOrReportsDivergenceAndRecordsHoldNoNan) {
  const std::vector<Dataset<double>> datasets = {make_hard(0.1), make_oned(1.0), huge_rows()};
  std::map<Termination, int> seen;
  for (const Dataset<double>& data : datasets) {
    for (const double lambda : {1e-12, 1e-6, 1e-2, 1.0}) {
      const Problem problem = make_problem(data, lambda, compute_reference_double);
      for (const double eta : {1e-3, 1.0, 1e3, 1e6, 1e9, 1e12}) {
        for (const SolverKind solver : {SolverKind::gd, SolverKind::nesterov}) {
          for (const Precision precision : {Precision::single, Precision::dual}) {
            RunSpec spec;
            spec.solver = solver;
            spec.eta = eta;
            spec.precision = precision;
            spec.options.max_steps = 300;
            ++seen[expect_honest_end(problem, spec,
                                     data.spec + " lambda " + std::to_string(lambda) + " eta " +
                                         std::to_string(eta) + " " + to_string(solver) + " " +
                                         to_string(precision))];
          }
        }
      }
    }
  }
  // The grid reaches every ending: otherwise it would not be testing the extremes.
  for (const Termination t :
       {Termination::converged, Termination::max_steps, Termination::diverged})
    EXPECT_GT(seen[t], 0) << to_string(t);
}

// The loss at margins far beyond exp's range: ln(1 + e^-m) is 0 for m = 1e6 and m itself for
// m = -1e6, never Inf or NaN; the gradient stays bounded by max ||x_i||.
TEST(Extremes, ObjectiveIsFiniteAtMarginsOfPlusMinusOneMillionAndBeyond) {
  const Dataset<double> data = huge_rows();
  const LogisticObjective<double> f(data, 0.0);
  for (const double w : {1.0, -1.0, 1e6, -1e6, 1e150, -1e150}) {
    Vector<double> v(1), g(1);
    v << w;
    const double value = f.value_and_gradient(v, g);
    const double margin = w * 1e6;  // both rows have the same margin y x w
    EXPECT_TRUE(std::isfinite(value)) << w;
    EXPECT_TRUE(g.allFinite()) << w;
    EXPECT_LE(std::abs(g[0]), 1e6 * (1 + 1e-12)) << w;
    if (margin >= 1e6) {
      EXPECT_EQ(value, 0.0) << w;
    }
    if (margin <= -1e6 && std::isfinite(margin)) {
      EXPECT_DOUBLE_EQ(value, -margin) << w;
    }
  }
}

}  // namespace
}  // namespace largestep
