// Fuzz target for the result files `largestep verify --results FILE.json` reads: the input is the
// file's text, given to theory's parse_benchmark_json and check_benchmark_results (against double
// references, so that an input costs milliseconds). The accepted outcomes are those the program
// turns into "largestep: error: ..." with exit 2: a JSON error while parsing (verify names the
// file), a std::invalid_argument naming the file; or verdicts, each with a claim, an outcome and
// details that serialize. Anything else (a JSON type error such as {"name": 3} used to end in,
// std::out_of_range, a crash) is a finding: check_benchmark_results validates every field's shape
// first (seed corpus/fuzz_results/wrong_types).
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "fuzz_check.h"
#include "largestep/reference/reference.h"
#include "theory/bench_results.h"

namespace {
const std::string kName = "fuzz-results.json";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace largestep;
  const std::string text(reinterpret_cast<const char*>(data), size);
  nlohmann::json results;
  try {
    results = theory::parse_benchmark_json(text);
  } catch (const nlohmann::json::exception&) {
    return 0;  // verify: "--results file '...' is not valid JSON: ..." (also 1e4949's overflow)
  } catch (const std::exception& e) {
    fuzz::fail("parse_benchmark_json: exception other than a parse error", e.what());
  }
  theory::CheckContext ctx;
  ctx.reference = compute_reference_double;
  try {
    const std::vector<theory::Verdict> verdicts =
        theory::check_benchmark_results(results, kName, ctx);
    for (const theory::Verdict& v : verdicts) {
      if (v.claim.empty()) fuzz::fail("verdict without a claim", v.dataset);
      (void)theory::to_json(v).dump();  // throws on invalid UTF-8 in a quoted name
    }
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    if (message.find(kName) == std::string::npos)
      fuzz::fail("std::invalid_argument without the file name", message);
  } catch (const nlohmann::json::type_error& e) {
    fuzz::fail("check_benchmark_results: a JSON type error instead of a named field", e.what());
  } catch (const std::exception& e) {
    fuzz::fail("check_benchmark_results: exception other than std::invalid_argument", e.what());
  }
  return 0;
}
