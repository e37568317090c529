// Measurement documents (theory/measurement_json.h): every value survives dump and parse exactly,
// non-finite numbers included, and a malformed document is rejected naming its family and field.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "theory/measurement_json.h"

namespace largestep::theory {

// A measurement with one member of every kind the encoders know. In largestep::theory, where the
// family structs live, so that the encoders find its field list by argument-dependent lookup.
struct Probe {
  double x = 0;
  std::int64_t steps = 0;
  int points = 0;
  bool converged = false;
  std::string where;
  std::optional<std::int64_t> event;
  StepCount settled;
  std::vector<double> values;
};
struct Family {
  std::vector<Probe> runs;
};
LARGESTEP_MEASUREMENT_FIELDS(Probe, x, steps, points, converged, where, event, settled, values)
LARGESTEP_MEASUREMENT_FIELDS(Family, runs)

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

Probe probe() {
  return {.x = 0.1,
          .steps = std::int64_t{1} << 40,
          .points = -3,
          .converged = true,
          .where = "random |w|=100 #3",
          .event = std::nullopt,
          .settled = {20001, true},
          .values = {1.0 / 3, 5e-324, -1.7976931348623157e308, kInf, -kInf, -0.0}};
}

// Written, dumped to text, parsed and read back, as a judge reading a file.
Family round_trip(const Family& f, Profile profile = Profile::quick) {
  const nlohmann::json doc = measurement_document("test", profile, f);
  return read_measurements<Family>(nlohmann::json::parse(doc.dump()), "test");
}

// The message of the std::invalid_argument that reading `doc` throws ("" if none).
std::string rejection(const nlohmann::json& doc) {
  try {
    read_measurements<Family>(doc, "test");
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(MeasurementJson, EveryValueRoundTripsExactly) {
  Probe second = probe();
  second.event = 42;
  second.settled = {17, false};
  second.values = {};
  const Family back = round_trip({{probe(), second}});
  ASSERT_EQ(back.runs.size(), 2u);
  const Probe& a = back.runs[0];
  EXPECT_EQ(a.x, 0.1);
  EXPECT_EQ(a.steps, std::int64_t{1} << 40);
  EXPECT_EQ(a.points, -3);
  EXPECT_TRUE(a.converged);
  EXPECT_EQ(a.where, "random |w|=100 #3");
  EXPECT_FALSE(a.event.has_value());
  EXPECT_EQ(a.settled.value, 20001);
  EXPECT_TRUE(a.settled.lower_bound);
  const std::vector<double> expected = probe().values;
  ASSERT_EQ(a.values.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(a.values[i], expected[i]) << i;
  EXPECT_TRUE(std::signbit(a.values.back()));  // -0.0 keeps its sign
  EXPECT_EQ(back.runs[1].event, 42);
  EXPECT_EQ(back.runs[1].settled.value, 17);
  EXPECT_FALSE(back.runs[1].settled.lower_bound);
  EXPECT_TRUE(back.runs[1].values.empty());
}

TEST(MeasurementJson, NonFiniteNumbersAreNamedStringsNotNull) {
  Probe p = probe();
  p.x = std::numeric_limits<double>::quiet_NaN();
  const nlohmann::json doc = measurement_document("test", Profile::paper, Family{{p}});
  EXPECT_EQ(doc["runs"][0]["x"], "nan");
  EXPECT_EQ(doc["runs"][0]["values"][3], "inf");
  EXPECT_EQ(doc["runs"][0]["values"][4], "-inf");
  EXPECT_TRUE(std::isnan(round_trip({{p}}).runs[0].x));
}

TEST(MeasurementJson, TheHeaderNamesFamilySuiteAndFormatAndCountsUseTheOneEncoding) {
  const nlohmann::json doc = measurement_document("test", Profile::paper, Family{{probe()}});
  EXPECT_EQ(doc["family"], "test");
  EXPECT_EQ(doc["suite"], "paper");
  EXPECT_EQ(doc["format"], kMeasurementFormat);
  EXPECT_TRUE(doc["runs"][0]["settled"].is_null());
  EXPECT_EQ(doc["runs"][0]["settled_at_least"], 20001);
  EXPECT_TRUE(doc["runs"][0]["event"].is_null());
}

TEST(MeasurementJson, AMalformedDocumentIsRejectedNamingFamilyAndField) {
  const nlohmann::json good =
      measurement_document("test", Profile::quick, Family{{probe(), probe()}});
  EXPECT_EQ(rejection(good), "");
  const auto edited = [&good](auto edit) {
    nlohmann::json doc = good;
    edit(doc);
    return rejection(doc);
  };
  EXPECT_EQ(edited([](nlohmann::json& d) { d["runs"][1].erase("x"); }),
            "test measurements: field 'runs[1].x': missing");
  EXPECT_EQ(edited([](nlohmann::json& d) { d["runs"][0]["x"] = "big"; }),
            "test measurements: field 'runs[0].x': expected a number (or \"inf\", \"-inf\", "
            "\"nan\"), got \"big\"");
  EXPECT_NE(edited([](nlohmann::json& d) {
              d["runs"][0]["steps"] = 1.5;
            }).find("field 'runs[0].steps': expected an integer"),
            std::string::npos);
  EXPECT_NE(edited([](nlohmann::json& d) {
              d["runs"][1]["values"][2] = nullptr;
            }).find("field 'runs[1].values[2]'"),
            std::string::npos);
  EXPECT_NE(edited([](nlohmann::json& d) {
              d["runs"][0]["settled"] = 5;
            }).find("field 'runs[0].settled': 'settled' and 'settled_at_least'"),
            std::string::npos);
  EXPECT_NE(edited([](nlohmann::json& d) {
              d["runs"][0]["points"] = 1e12;
            }).find("field 'runs[0].points'"),
            std::string::npos);
  EXPECT_NE(edited([](nlohmann::json& d) {
              d["runs"] = nlohmann::json::object();
            }).find("field 'runs': expected an array"),
            std::string::npos);
  EXPECT_EQ(edited([](nlohmann::json& d) { d["family"] = "exact"; }),
            "test measurements: field 'family': 'exact', expected 'test'");
  EXPECT_NE(edited([](nlohmann::json& d) { d["format"] = 2; }).find("field 'format'"),
            std::string::npos);
  EXPECT_NE(edited([](nlohmann::json& d) { d["suite"] = "huge"; }).find("field 'suite'"),
            std::string::npos);
  EXPECT_NE(edited([](nlohmann::json& d) { d.erase("suite"); }).find("field 'suite': missing"),
            std::string::npos);
  EXPECT_NE(rejection(nlohmann::json::array()).find("test measurements: expected a JSON object"),
            std::string::npos);
}

}  // namespace
}  // namespace largestep::theory
