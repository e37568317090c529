#include "largestep/data/dataset_spec.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <system_error>
#include <cstdint>
#include <vector>

#include "largestep/data/generators.h"
#include "largestep/data/readers.h"
#include "largestep/data/real_datasets.h"
#include "largestep/data/text.h"

namespace largestep {
namespace {

enum class Type { number, integer, choice };

struct Param {
  std::string_view key;
  Type type;
  std::string_view fallback;              // filled in when absent; empty: optional, no default
  std::vector<std::string_view> choices;  // Type::choice only; the first is the default
};

struct Kind {
  std::string_view name;
  bool takes_path;
  std::vector<Param> params;
  std::string_view help;
};

const std::vector<Kind>& kinds() {
  static const std::vector<Kind> table = {
      {"oned", false, {{"x", Type::number, "1", {}}},
       "oned[:x=1]                 one 1-D point x with label +1"},
      {"hard", false, {{"gamma", Type::number, "0.1", {}}},
       "hard[:gamma=0.1]           the 2-D hard dataset (COLT 2024)"},
      {"toy4", false, {}, "toy4                       the COLT 2024 toy set, n = 4, d = 2"},
      {"planted",
       false,
       {{"n", Type::integer, "1000", {}},
        {"d", Type::integer, "10", {}},
        {"gamma", Type::number, "0.05", {}},
        {"seed", Type::integer, "1", {}},
        {"nnz", Type::integer, "", {}}},
       "planted[:n=1000,d=10,gamma=0.05,seed=1,nnz=K]  uniform in the unit ball, margin >= "
       "gamma;\n"
       "                           with nnz=K, sparse (CSR): K random nonzero columns a row"},
      {"libsvm",
       true,
       {{"neg", Type::number, "", {}},
        {"pos", Type::number, "", {}},
        {"scale", Type::choice, "max", {"max", "none"}},
        {"format", Type::choice, "", {"csr", "dense"}}},
       "libsvm:PATH[,neg=0,pos=1,scale=max|none,format=csr|dense]  LIBSVM text file; by "
       "default\n"
       "                           CSR when sparse (<= 10% nonzeros of > 4M entries) or too "
       "large for dense"},
      {"csv",
       true,
       {{"label", Type::choice, "last", {"last", "first"}},
        {"header", Type::choice, "no", {"no", "yes"}},
        {"neg", Type::number, "", {}},
        {"pos", Type::number, "", {}},
        {"scale", Type::choice, "max", {"max", "none"}}},
       "csv:PATH[,label=last|first,header=no|yes,neg=..,pos=..,scale=max|none]  CSV file"},
      {"digits", true, {},
       "digits:AvB                 scikit-learn's digits, class A -> -1, B -> +1 (e.g. 0v8)"},
      {"fashion", true, {{"split", Type::choice, "train", {"train", "test"}}},
       "fashion:AvB[,split=train|test]  Fashion-MNIST, 784 pixels, classes A -> -1, B -> +1 "
       "(7v9; groups: 0+2+4+6v1+3+5+7)"},
      {"breast_cancer", false, {},
       "breast_cancer              scikit-learn's, 569 x 30, malignant -1, benign +1"},
      {"heart_scale", false, {},
       "heart_scale                LIBLINEAR's example, 270 x 13, labels +1/-1"},
  };
  return table;
}

const Kind& find_kind(std::string_view name) {
  std::vector<std::string_view> names;
  for (const Kind& k : kinds()) {
    if (k.name == name) return k;
    names.push_back(k.name);
  }
  throw DataError(fmt::format("unknown dataset '{}' (known: {})", name, fmt::join(names, ", ")));
}

const Param& find_param(const Kind& kind, std::string_view key) {
  std::vector<std::string_view> keys;
  for (const Param& p : kind.params) {
    if (p.key == key) return p;
    keys.push_back(p.key);
  }
  throw DataError(fmt::format("dataset '{}' has no parameter '{}' (known: {})", kind.name, key,
                              keys.empty() ? "none" : fmt::format("{}", fmt::join(keys, ", "))));
}

// Checks a value against its type and writes it in one normal form ("0.10" -> "0.1", "01" -> "1"),
// so that equal datasets get equal canonical specs.
std::string normalize(const Kind& kind, const Param& p, std::string_view text) {
  if (p.type == Type::number) {
    const ParsedNumber value = parse_number(text);
    if (!value)
      throw DataError(fmt::format("dataset '{}': {}={} {}", kind.name, p.key, text,
                                  number_problem(value.problem)));
    return fmt::format("{}", value.value);
  }
  if (p.type == Type::integer) {
    const ParsedInteger value = parse_integer(text);
    if (!value)
      throw DataError(
          fmt::format("dataset '{}': {}={} {}", kind.name, p.key, text, integer_problem(value)));
    return fmt::format("{}", value.value);
  }
  for (std::string_view c : p.choices)
    if (c == text) return std::string(text);
  throw DataError(fmt::format("dataset '{}': {}={} is not one of {}", kind.name, p.key, text,
                              fmt::join(p.choices, ", ")));
}

// A value of a checked spec. A DatasetSpec can also be put together by hand, hence the errors.
[[noreturn]] void malformed_value(const DatasetSpec& spec, const std::string& key) {
  throw DataError(fmt::format("dataset '{}': missing or malformed {}= in '{}'", spec.kind, key,
                              spec.canonical()));
}
double number(const DatasetSpec& spec, const std::string& key) {
  const auto it = spec.params.find(key);
  if (it == spec.params.end()) malformed_value(spec, key);
  const ParsedNumber value = parse_number(it->second);
  if (!value) malformed_value(spec, key);
  return value.value;
}
std::int64_t integer(const DatasetSpec& spec, const std::string& key) {
  const auto it = spec.params.find(key);
  if (it == spec.params.end()) malformed_value(spec, key);
  const ParsedInteger value = parse_integer(it->second);
  if (!value) malformed_value(spec, key);
  return value.value;
}


// Removes and returns the text up to the next comma; a comma with nothing after it is an error.
std::string_view pop_item(std::string_view& rest, const Kind& kind, std::string_view text) {
  const std::size_t comma = rest.find(',');
  const std::string_view item = rest.substr(0, comma);
  rest = comma == std::string_view::npos ? "" : rest.substr(comma + 1);
  if (comma != std::string_view::npos && rest.empty())
    throw DataError(fmt::format("dataset '{}': trailing comma in '{}'", kind.name, text));
  return item;
}

bool looks_like_option(const Kind& kind, std::string_view item) {
  const std::size_t eq = item.find('=');
  if (eq == std::string_view::npos) return false;
  const std::string_view key = item.substr(0, eq);
  const bool known = std::any_of(kind.params.begin(), kind.params.end(),
                                 [key](const Param& p) { return p.key == key; });
  std::error_code error;
  return known && !std::filesystem::exists(std::filesystem::path(item), error);
}

}  // namespace

std::string DatasetSpec::canonical() const {
  std::vector<std::string> parts;
  if (!path.empty()) parts.push_back(path);
  for (const auto& [key, value] : params) parts.push_back(key + "=" + value);
  if (parts.empty()) return kind;
  return fmt::format("{}:{}", kind, fmt::join(parts, ","));
}

DatasetSpec parse_dataset_spec(std::string_view text) {
  DatasetSpec spec;
  const std::size_t colon = text.find(':');
  spec.kind = std::string(text.substr(0, colon));
  if (spec.kind.empty()) throw DataError(fmt::format("empty dataset spec '{}'", text));
  const Kind& kind = find_kind(spec.kind);
  const bool has_args = colon != std::string_view::npos;
  std::string_view rest = has_args ? text.substr(colon + 1) : "";
  if (has_args && rest.empty() && !kind.takes_path)
    throw DataError(fmt::format("dataset '{}': nothing after ':' in '{}'", kind.name, text));
  if (kind.takes_path) {
    // The path is the first item, verbatim up to the first comma: it may contain '='. An item
    // that reads as one of the kind's KEY=VALUE options and names no file means the path is
    // missing.
    const std::string_view path = pop_item(rest, kind, text);
    // digits and fashion take their classes, AvB, where the file kinds take a path.
    if (kind.name == "digits") {
      spec.path = DigitClasses::parse(path).str();
    } else if (kind.name == "fashion") {
      spec.path = FashionClasses::parse(path).str();
    } else {
      if (path.empty() || looks_like_option(kind, path))
        throw DataError(fmt::format("dataset '{}' needs a path first: {}:PATH (got '{}')",
                                    kind.name, kind.name, path));
      spec.path = std::string(path);
    }
  }
  while (!rest.empty()) {
    const std::string_view item = pop_item(rest, kind, text);
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == item.size())
      throw DataError(fmt::format("dataset '{}': expected KEY=VALUE, got '{}'", kind.name, item));
    const Param& p = find_param(kind, item.substr(0, eq));
    if (!spec.params.emplace(std::string(p.key), normalize(kind, p, item.substr(eq + 1))).second)
      throw DataError(fmt::format("dataset '{}': parameter '{}' given twice", kind.name, p.key));
  }
  for (const Param& p : kind.params)
    if (!p.fallback.empty()) spec.params.emplace(std::string(p.key), std::string(p.fallback));
  return spec;
}

namespace {

// Each kind's dataset, returned as made: Eigen 3.4's SparseMatrix has no move assignment, so
// assigning a made CSR dataset to a variable would copy its matrix (388 MB for the real-size
// sparse set) while the original is still alive. Returned values are constructed in place.
Dataset<double> build(const DatasetSpec& spec, const ProgressSink& progress, RowRange rows) {
  if (!rows.everything() && spec.kind != "planted")
    throw DataError(fmt::format("dataset '{}': only planted data can be made in row ranges",
                                spec.canonical()));
  if (spec.kind == "oned") {
    return make_oned(number(spec, "x"));
  } else if (spec.kind == "hard") {
    return make_hard(number(spec, "gamma"));
  } else if (spec.kind == "toy4") {
    return make_toy4();
  } else if (spec.kind == "planted") {
    const std::int64_t seed = integer(spec, "seed");
    if (seed < 0) throw DataError(fmt::format("dataset 'planted': seed must be >= 0, got {}", seed));
    if (spec.params.contains("nnz"))
      return make_sparse_planted({integer(spec, "n"), integer(spec, "d"), integer(spec, "nnz"),
                                  number(spec, "gamma"), static_cast<std::uint64_t>(seed), rows},
                                 progress);
    else
      return make_planted({integer(spec, "n"), integer(spec, "d"), number(spec, "gamma"),
                           static_cast<std::uint64_t>(seed), rows},
                          progress);
  } else if (spec.kind == "libsvm") {
    ReadOptions options = read_options(spec);
    options.progress = progress;
    return read_libsvm(spec.path, options);
  } else if (spec.kind == "csv") {
    CsvOptions options;
    options.read = read_options(spec);
    options.read.progress = progress;
    options.label_column = spec.params.at("label") == "first" ? CsvOptions::LabelColumn::first
                                                              : CsvOptions::LabelColumn::last;
    options.header = spec.params.at("header") == "yes";
    return read_csv(spec.path, options);
  } else if (spec.kind == "digits") {
    return load_digits(DigitClasses::parse(spec.path));
  } else if (spec.kind == "fashion") {
    const auto split = spec.params.find("split");
    if (split == spec.params.end() || (split->second != "train" && split->second != "test"))
      malformed_value(spec, "split");
    return load_fashion(FashionClasses::parse(spec.path),
                        split->second == "test" ? FashionSplit::test : FashionSplit::train,
                        std::string(kFashionDir), progress);
  } else if (spec.kind == "breast_cancer") {
    return load_breast_cancer();
  } else if (spec.kind == "heart_scale") {
    return load_heart_scale();
  }
  find_kind(spec.kind);  // throws for an unknown kind
  throw DataError(fmt::format("dataset kind '{}' has no builder", spec.kind));
}

}  // namespace

ReadOptions read_options(const DatasetSpec& spec) {
  ReadOptions options;
  const bool has_neg = spec.params.contains("neg"), has_pos = spec.params.contains("pos");
  if (has_neg != has_pos)
    throw DataError(fmt::format("dataset '{}': give both neg= and pos=, or neither", spec.kind));
  if (has_neg) {
    options.labels.negative = number(spec, "neg");
    options.labels.positive = number(spec, "pos");
    if (*options.labels.negative == *options.labels.positive)
      throw DataError(fmt::format("dataset '{}': neg and pos must differ", spec.kind));
  }
  options.scale_rows = spec.params.at("scale") == "max";
  if (const auto format = spec.params.find("format"); format != spec.params.end())
    options.storage =
        format->second == "csr" ? ReadOptions::Storage::csr : ReadOptions::Storage::dense;
  return options;
}

Dataset<double> make_dataset(const DatasetSpec& spec, const ProgressSink& progress) {
  return make_dataset_rows(spec, RowRange{}, progress);
}

Dataset<double> make_dataset_rows(const DatasetSpec& spec, RowRange rows,
                                  const ProgressSink& progress) {
  Dataset<double> data = build(spec, progress, rows);
  data.spec = spec.canonical();
  if (!rows.everything()) {
    data.first_row = static_cast<std::ptrdiff_t>(rows.begin);
    data.all_rows = static_cast<std::ptrdiff_t>(integer(spec, "n"));
  }
  validate(data);
  return data;
}

std::optional<std::pair<std::int64_t, std::int64_t>> spec_shape(const DatasetSpec& spec) {
  if (spec.kind != "planted") return std::nullopt;
  return std::pair{integer(spec, "n"), integer(spec, "d")};
}

std::optional<std::int64_t> spec_stored(const DatasetSpec& spec) {
  if (spec.kind != "planted" || !spec.params.contains("nnz")) return std::nullopt;
  return integer(spec, "n") * integer(spec, "nnz");
}

Dataset<double> make_dataset(std::string_view text, const ProgressSink& progress) {
  return make_dataset(parse_dataset_spec(text), progress);
}

std::string dataset_spec_help() {
  std::string out;
  for (const Kind& k : kinds()) out += fmt::format("  {}\n", k.help);
  return out;
}

}  // namespace largestep
