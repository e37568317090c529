// Fuzz target for parse_dataset_spec and DatasetSpec::canonical: the input is the spec text. A
// spec either is a DataError or has a canonical form that parses back to the same spec and the
// same string. Only the constant-size generated kinds (oned, hard, toy4) are also built, which
// checks the parsed values reach the generators intact; file kinds are never read and planted
// data never generated (its size and its rejection sampling's time are the spec's to choose).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "largestep/data/dataset_spec.h"

namespace {

std::string describe(const largestep::DatasetSpec& spec) {
  std::string s = "kind '" + spec.kind + "' path '" + spec.path + "'";
  for (const auto& [key, value] : spec.params) s += " " + key + "='" + value + "'";
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace largestep;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  DatasetSpec spec;
  try {
    spec = parse_dataset_spec(text);
  } catch (const DataError& e) {
    fuzz::check_error(e, std::nullopt);
    return 0;
  } catch (const std::exception& e) {
    fuzz::fail("exception other than DataError", e.what());
  }

  const std::string canonical = spec.canonical();
  DatasetSpec again;
  try {
    again = parse_dataset_spec(canonical);
  } catch (const std::exception& e) {
    fuzz::fail("canonical form does not parse", canonical + ": " + e.what());
  }
  if (again.kind != spec.kind || again.path != spec.path || again.params != spec.params) {
    fuzz::fail("canonical form parses to another spec", describe(spec) + " vs " + describe(again));
  }
  if (again.canonical() != canonical) {
    fuzz::fail("canonical form not a fixed point", canonical + " vs " + again.canonical());
  }

  if (spec.kind == "oned" || spec.kind == "hard" || spec.kind == "toy4") {
    fuzz::check_outcome(
        [&] {
          Dataset<double> made = make_dataset(spec);
          if (made.spec != canonical) fuzz::fail("dataset spec not canonical", made.spec);
          return made;
        },
        fuzz::RowNorms::at_most_one, std::nullopt);
  }
  return 0;
}
