// Fuzz target for read_weights: the input is the file's text followed by one byte whose low three
// bits give the dimension d = 1 + (byte & 7). The only accepted outcome for bad input is a
// DataError naming the file on one line; weights that come back are d-vectors of finite doubles,
// and written out again at 17 digits they read back to the same bits.
#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "largestep/data/weights_reader.h"

namespace {
const std::string kName = "fuzz.weights";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace largestep;
  if (size == 0) return 0;
  const std::ptrdiff_t d = 1 + (data[size - 1] & 7);
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size - 1));
  std::vector<Vector<double>> weights;
  try {
    weights = read_weights(in, kName, d);
  } catch (const DataError& e) {
    fuzz::check_error(e, kName);
    return 0;
  } catch (const std::exception& e) {
    fuzz::fail("exception other than DataError", e.what());
  }
  if (weights.empty()) fuzz::fail("no weights and no error", "");
  std::string text;
  for (const Vector<double>& w : weights) {
    if (w.size() != d) fuzz::fail("weight vector of another dimension", std::to_string(w.size()));
    if (!w.allFinite()) fuzz::fail("non-finite weight", "");
    for (std::ptrdiff_t j = 0; j < d; ++j) text += fmt::format("{}{:.17g}", j ? " " : "", w(j));
    text += '\n';
  }
  std::istringstream again(text);
  std::vector<Vector<double>> back;
  try {
    back = read_weights(again, kName, d);
  } catch (const std::exception& e) {
    fuzz::fail("weights written at %.17g do not read back", e.what());
  }
  if (back.size() != weights.size()) fuzz::fail("weights read back in another count", text);
  for (std::size_t k = 0; k < back.size(); ++k) {
    for (std::ptrdiff_t j = 0; j < d; ++j) {
      // Bit for bit, -0 included.
      if (std::signbit(back[k](j)) != std::signbit(weights[k](j)) || back[k](j) != weights[k](j))
        fuzz::fail("weight changed on a round trip", text);
    }
  }
  return 0;
}
