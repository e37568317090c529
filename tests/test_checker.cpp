// The checker's rendering and exit semantics, on hand-made verdicts.
#include <gtest/gtest.h>

#include "theory/checker.h"

namespace largestep::theory {
namespace {

CheckReport sample_report() {
  CheckReport r;
  r.profile = "quick";
  r.verdicts.push_back(verdict_from(true, "E3", "hard:gamma=0.1", "0.27", "<= 1", "holds", "broken"));
  r.verdicts.push_back(verdict_from(false, "S2", "planted|x", "slope 1.0", "<= 0.65", "holds", "slope too large"));
  r.verdicts.push_back(inconclusive("S1", "hard:gamma=0.1", ">100", "<= 1.1", "censored"));
  return r;
}

TEST(Checker, CountsOutcomesAndFlagsFailures) {
  const CheckReport r = sample_report();
  EXPECT_EQ(r.count(Outcome::pass), 1);
  EXPECT_EQ(r.count(Outcome::fail), 1);
  EXPECT_EQ(r.count(Outcome::inconclusive), 1);
  EXPECT_TRUE(r.any_failed());
  EXPECT_EQ(r.verdicts[1].reason, "slope too large");
}

TEST(Checker, JsonCarriesEveryVerdictAndTheEnvironment) {
  const nlohmann::json j = verdict_json(sample_report());
  EXPECT_EQ(j.at("counts").at("fail"), 1);
  ASSERT_EQ(j.at("verdicts").size(), 3u);
  EXPECT_EQ(j.at("verdicts")[2].at("verdict"), "inconclusive");
  EXPECT_FALSE(j.at("environment").at("compiler").get<std::string>().empty());
  EXPECT_FALSE(j.at("environment").at("commit").get<std::string>().empty());
}

TEST(Checker, MarkdownEscapesPipesAndTableHasOneLinePerVerdict) {
  const std::string md = verdict_markdown(sample_report());
  EXPECT_NE(md.find("planted\\|x"), std::string::npos);
  EXPECT_NE(md.find("**fail**"), std::string::npos);
  const std::string table = verdict_table(sample_report().verdicts);
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 4);  // header + 3
}

TEST(Checker, ProfilesParseAndUnknownOnesAreRejected) {
  EXPECT_EQ(parse_profile("quick"), Profile::quick);
  EXPECT_EQ(parse_profile("paper"), Profile::paper);
  EXPECT_THROW(parse_profile("full"), std::invalid_argument);
}

}  // namespace
}  // namespace largestep::theory
