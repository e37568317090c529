#include "cli_common.h"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>

#include "largestep/data/dataset_spec.h"
#include "largestep/data/real_datasets.h"
#include "largestep/kernel/output.h"

namespace largestep::cli {

std::vector<Input> dataset_inputs(const std::string& option, const std::string& spec) {
  const DatasetSpec parsed = parse_dataset_spec(spec);
  const std::string given = fmt::format("{} {}", option, spec);
  if (parsed.kind == "libsvm" || parsed.kind == "csv") return {{given, parsed.path}};
  if (parsed.kind == "digits") return {{given, std::string(kDigitsPath)}};
  if (parsed.kind == "fashion") {
    // The test split also reads the training files: its rows are scaled by their factor.
    const FashionFiles train = fashion_files(FashionSplit::train);
    std::vector<Input> inputs = {{given, train.images}, {given, train.labels}};
    if (parsed.params.at("split") == "test") {
      const FashionFiles test = fashion_files(FashionSplit::test);
      inputs.insert(inputs.end(), {{given, test.images}, {given, test.labels}});
    }
    return inputs;
  }
  if (parsed.kind == "breast_cancer") return {{given, std::string(kBreastCancerPath)}};
  if (parsed.kind == "heart_scale") return {{given, std::string(kHeartScalePath)}};
  return {};
}

void check_output(const std::string& option, const std::string& path,
                  const std::vector<Input>& inputs) {
  if (path.empty())
    throw UsageError(fmt::format("{}: empty path (give a file, or - for standard output)", option));
  try {
    check_output_path(path);
  } catch (const OutputPathError& e) {
    throw UsageError(fmt::format("{}: {}", option, e.what()));
  }
  for (const Input& input : inputs)
    if (same_file(path, input.path))
      throw UsageError(fmt::format(
          "{} '{}' is the file that {} reads: refusing to write over an input of the command",
          option, path, input.option));
}

void prepare_output_dir(const std::string& option, const std::string& dir) {
  namespace fs = std::filesystem;
  if (dir.empty() || dir == "-")
    throw UsageError(fmt::format("{} needs a directory, got '{}'", option, dir));
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    throw UsageError(
        fmt::format("{}: cannot create directory '{}': {}", option, dir, ec.message()));
  if (!fs::is_directory(dir))
    throw UsageError(fmt::format("{}: '{}' is not a directory", option, dir));
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    throw UsageError(fmt::format("{}: directory '{}' is not writable", option, dir));
}

void emit(const std::string& path, const std::string& content) { write_output(path, content); }

}  // namespace largestep::cli
