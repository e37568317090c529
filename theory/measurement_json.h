// Measurement documents: what a claim family's measure_* writes and its judge_* reads back
// (claims_exact.h, claims_local.h, claims_population.h; README.md, "Output formats").
//
// A document is one JSON object {"family": F, "suite": "quick"|"paper", "format": N, ...} whose
// other fields are the family's measurement structs, field by field. N is the family's format
// version (1 unless the family's fields changed: population is at 2), checked on reading. Doubles
// round-trip exactly (nlohmann writes the shortest form that reads back to the same double), but
// JSON has no NaN or infinity and nlohmann would write them as null: non-finite numbers are the
// strings "inf",
// "-inf" and "nan". Optional values are null when unset; step counts use the project's one
// encoding, {NAME: N, NAME_at_least: null} or {NAME: null, NAME_at_least: N} (result_io.h).
//
// A struct is made readable and writable by listing its members once:
//   LARGESTEP_MEASUREMENT_FIELDS(OptimumPoint, lambda, w_norm, loss, sharpness, g, residual)
// in namespace largestep::theory (the encoders find it by argument-dependent lookup).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "check_context.h"
#include "largestep/core/solver.h"

namespace largestep::theory {

inline constexpr int kMeasurementFormat = 1;  // the format of a family that never changed

// A field of a measurement document that is missing or has the wrong shape. `path` locates it
// from the document's root ("e6[0].runs[1].eta"); what() says both.
class FieldError : public std::invalid_argument {
 public:
  FieldError(std::string path, std::string problem);
  const std::string& path() const { return path_; }
  const std::string& problem() const { return problem_; }
  // The same error seen from the enclosing object: `outer` is the field or "[i]" holding it.
  FieldError within(const std::string& outer) const;

 private:
  std::string path_, problem_;
};

// ---- values -------------------------------------------------------------------------------------

nlohmann::json to_value(double x);  // a number, or "inf", "-inf", "nan"
inline nlohmann::json to_value(std::int64_t x) { return x; }
inline nlohmann::json to_value(int x) { return x; }
inline nlohmann::json to_value(bool x) { return x; }
inline nlohmann::json to_value(const std::string& x) { return x; }

// Each throws FieldError (with an empty path) when `v` is not of the expected kind.
void from_value(const nlohmann::json& v, double& x);
void from_value(const nlohmann::json& v, std::int64_t& x);
void from_value(const nlohmann::json& v, int& x);
void from_value(const nlohmann::json& v, bool& x);
void from_value(const nlohmann::json& v, std::string& x);

// Any struct with LARGESTEP_MEASUREMENT_FIELDS: an object of its fields.
template <class T>
nlohmann::json to_value(const T& t) {
  nlohmann::json j = nlohmann::json::object();
  encode_fields(j, t);
  return j;
}

template <class T>
nlohmann::json to_value(const std::optional<T>& x) {
  return x ? to_value(*x) : nlohmann::json(nullptr);
}

template <class T>
nlohmann::json to_value(const std::vector<T>& xs) {
  nlohmann::json j = nlohmann::json::array();
  for (const T& x : xs) j.push_back(to_value(x));
  return j;
}

template <class T>
void from_value(const nlohmann::json& v, T& t) {
  if (!v.is_object()) throw FieldError("", "expected an object, got " + v.dump());
  decode_fields(v, t);
}

template <class T>
void from_value(const nlohmann::json& v, std::optional<T>& x) {
  if (v.is_null()) {
    x.reset();
    return;
  }
  T value{};
  from_value(v, value);
  x = std::move(value);
}

template <class T>
void from_value(const nlohmann::json& v, std::vector<T>& xs) {
  if (!v.is_array()) throw FieldError("", "expected an array, got " + v.dump());
  xs.assign(v.size(), T{});
  for (std::size_t i = 0; i < v.size(); ++i) {
    try {
      from_value(v[i], xs[i]);
    } catch (const FieldError& e) {
      throw e.within("[" + std::to_string(i) + "]");
    }
  }
}

// ---- fields of an object ------------------------------------------------------------------------

template <class T>
void put(nlohmann::json& j, const std::string& name, const T& value) {
  j[name] = to_value(value);
}
void put(nlohmann::json& j, const std::string& name, const StepCount& count);  // two fields

// Reads j[name] into `value`; a missing field is an error (an unset optional is an explicit null).
template <class T>
void get(const nlohmann::json& j, const std::string& name, T& value) {
  const auto it = j.find(name);
  if (it == j.end()) throw FieldError(name, "missing");
  try {
    from_value(*it, value);
  } catch (const FieldError& e) {
    throw e.within(name);
  }
}
void get(const nlohmann::json& j, const std::string& name, StepCount& count);

#define LARGESTEP_MEASUREMENT_PUT(member) ::largestep::theory::put(j, #member, t.member);
#define LARGESTEP_MEASUREMENT_GET(member) ::largestep::theory::get(j, #member, t.member);
// Defines encode_fields and decode_fields for Type from the list of its members.
#define LARGESTEP_MEASUREMENT_FIELDS(Type, ...)                                       \
  inline void encode_fields(nlohmann::json& j, const Type& t) {                       \
    NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(LARGESTEP_MEASUREMENT_PUT, __VA_ARGS__)) \
  }                                                                                   \
  inline void decode_fields(const nlohmann::json& j, Type& t) {                       \
    NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(LARGESTEP_MEASUREMENT_GET, __VA_ARGS__)) \
  }

// ---- documents ----------------------------------------------------------------------------------

// {"family": family, "suite": "quick"|"paper", "format": format} with the fields of `m` added.
template <class T>
nlohmann::json measurement_document(const std::string& family, Profile profile, const T& m,
                                    int format = kMeasurementFormat) {
  nlohmann::json doc = to_value(m);
  doc["family"] = family;
  doc["suite"] = profile == Profile::paper ? "paper" : "quick";
  doc["format"] = format;
  return doc;
}

// Checks family, suite and format (must be `format`), then reads the fields of T. Every problem
// is one std::invalid_argument: "<family> measurements: field '<path>': <problem>".
void check_measurement_header(const nlohmann::json& doc, const std::string& family,
                              int format = kMeasurementFormat);
[[noreturn]] void throw_measurement_error(const std::string& family, const FieldError& e);

template <class T>
T read_measurements(const nlohmann::json& doc, const std::string& family,
                    int format = kMeasurementFormat) {
  check_measurement_header(doc, family, format);
  T m{};
  try {
    from_value(doc, m);
  } catch (const FieldError& e) {
    throw_measurement_error(family, e);
  }
  return m;
}

}  // namespace largestep::theory
