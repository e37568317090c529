// Fuzz target for read_libsvm: the input is the file's text followed by one options byte
// (options_byte.h; only scale= and the label map apply).
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "fuzz_check.h"
#include "largestep/data/readers.h"
#include "options_byte.h"

namespace {
const std::string kName = "fuzz.libsvm";
// Far below the default, so that the many inputs near the limit cost little memory each (8 MiB)
// and libFuzzer's 2 GB memory limit still flags an allocation the limit should have stopped.
constexpr std::int64_t kMaxEntries = std::int64_t{1} << 20;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace largestep;
  if (size == 0) return 0;
  ReadOptions options = fuzz::options_from_byte(data[size - 1]).read;
  options.max_entries = kMaxEntries;
  // The invariant checks (fuzz_check.h) read a dense X; CSR storage is tested in test_sparse.
  options.storage = ReadOptions::Storage::dense;
  const std::string text(reinterpret_cast<const char*>(data), size - 1);
  fuzz::check_reader(kName, options.scale_rows, [&](bool scale_rows) {
    ReadOptions these = options;
    these.scale_rows = scale_rows;
    std::istringstream in(text);
    return read_libsvm(in, kName, these);
  });
  return 0;
}
