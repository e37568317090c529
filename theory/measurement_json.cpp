#include "measurement_json.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "largestep/core/result_io.h"

namespace largestep::theory {

FieldError::FieldError(std::string path, std::string problem)
    : std::invalid_argument(path.empty() ? problem : fmt::format("field '{}': {}", path, problem)),
      path_(std::move(path)),
      problem_(std::move(problem)) {}

FieldError FieldError::within(const std::string& outer) const {
  if (path_.empty()) return {outer, problem_};
  return {path_.front() == '[' ? outer + path_ : outer + "." + path_, problem_};
}

nlohmann::json to_value(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  return x;
}

void from_value(const nlohmann::json& v, double& x) {
  if (v.is_number()) {
    x = v.get<double>();
  } else if (v == "inf") {
    x = std::numeric_limits<double>::infinity();
  } else if (v == "-inf") {
    x = -std::numeric_limits<double>::infinity();
  } else if (v == "nan") {
    x = std::numeric_limits<double>::quiet_NaN();
  } else {
    throw FieldError("", "expected a number (or \"inf\", \"-inf\", \"nan\"), got " + v.dump());
  }
}

void from_value(const nlohmann::json& v, std::int64_t& x) {
  if (!v.is_number_integer()) throw FieldError("", "expected an integer, got " + v.dump());
  if (v.is_number_unsigned() &&
      v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    throw FieldError("", "integer out of range: " + v.dump());
  x = v.get<std::int64_t>();
}

void from_value(const nlohmann::json& v, int& x) {
  std::int64_t wide = 0;
  from_value(v, wide);
  if (wide < std::numeric_limits<int>::min() || wide > std::numeric_limits<int>::max())
    throw FieldError("", "integer out of range: " + v.dump());
  x = static_cast<int>(wide);
}

void from_value(const nlohmann::json& v, bool& x) {
  if (!v.is_boolean()) throw FieldError("", "expected true or false, got " + v.dump());
  x = v.get<bool>();
}

void from_value(const nlohmann::json& v, std::string& x) {
  if (!v.is_string()) throw FieldError("", "expected a string, got " + v.dump());
  x = v.get<std::string>();
}

void put(nlohmann::json& j, const std::string& name, const StepCount& count) {
  put_count(j, name, count);
}

void get(const nlohmann::json& j, const std::string& name, StepCount& count) {
  // get_count reads a missing field as null; a document written by put_count has both.
  for (const std::string& field : {name, name + "_at_least"})
    if (!j.contains(field)) throw FieldError(field, "missing");
  try {
    count = get_count(j, name);
  } catch (const std::invalid_argument& e) {
    throw FieldError(name, e.what());
  }
}

void check_measurement_header(const nlohmann::json& doc, const std::string& family,
                              int expected_format) {
  if (!doc.is_object())
    throw_measurement_error(family, FieldError("", "expected a JSON object, got " + doc.dump()));
  try {
    std::string found, suite;
    int format = 0;
    get(doc, "family", found);
    if (found != family)
      throw FieldError("family", fmt::format("'{}', expected '{}'", found, family));
    get(doc, "format", format);
    if (format != expected_format)
      throw FieldError(
          "format", fmt::format("{} is not a known format (known: {})", format, expected_format));
    get(doc, "suite", suite);
    if (suite != "quick" && suite != "paper")
      throw FieldError("suite", fmt::format("'{}' is not quick or paper", suite));
  } catch (const FieldError& e) {
    throw_measurement_error(family, e);
  }
}

void throw_measurement_error(const std::string& family, const FieldError& e) {
  throw std::invalid_argument(fmt::format("{} measurements: {}", family, e.what()));
}

}  // namespace largestep::theory
