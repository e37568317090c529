#include "largestep/dataset_spec.h"

#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <set>
#include <vector>

#include "largestep/generators.h"
#include "largestep/readers.h"

namespace largestep {
namespace {

struct Kind {
  std::string_view name;
  bool takes_path;
  std::vector<std::string_view> keys;
  std::string_view help;
};

const std::vector<Kind>& kinds() {
  static const std::vector<Kind> table = {
      {"oned", false, {"x"}, "oned[:x=1]                 one 1-D point x with label +1"},
      {"hard", false, {"gamma"}, "hard[:gamma=0.1]           the 2-D hard dataset (COLT 2024)"},
      {"toy4", false, {}, "toy4                       the COLT 2024 toy set, n = 4, d = 2"},
      {"planted",
       false,
       {"n", "d", "gamma", "seed"},
       "planted[:n=1000,d=10,gamma=0.05,seed=1]  uniform in the unit ball, margin >= gamma"},
      {"libsvm",
       true,
       {"neg", "pos", "scale"},
       "libsvm:PATH[,neg=0,pos=1,scale=max|none]  LIBSVM text file"},
      {"csv",
       true,
       {"label", "header", "neg", "pos", "scale"},
       "csv:PATH[,label=first|last,header=yes|no,neg=..,pos=..,scale=max|none]  CSV file"},
  };
  return table;
}

const Kind& find_kind(std::string_view name) {
  for (const Kind& k : kinds())
    if (k.name == name) return k;
  std::vector<std::string_view> names;
  for (const Kind& k : kinds()) names.push_back(k.name);
  throw DataError(fmt::format("unknown dataset '{}' (known: {})", name, fmt::join(names, ", ")));
}

double number_param(const DatasetSpec& spec, const std::string& key, double fallback) {
  const auto it = spec.params.find(key);
  if (it == spec.params.end()) return fallback;
  const std::string& text = it->second;
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
    throw DataError(fmt::format("dataset '{}': {}={} is not a finite number", spec.kind, key, text));
  return value;
}

std::int64_t integer_param(const DatasetSpec& spec, const std::string& key, std::int64_t fallback) {
  const auto it = spec.params.find(key);
  if (it == spec.params.end()) return fallback;
  const std::string& text = it->second;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size())
    throw DataError(fmt::format("dataset '{}': {}={} is not an integer", spec.kind, key, text));
  return value;
}

std::string choice_param(const DatasetSpec& spec, const std::string& key,
                         std::initializer_list<std::string_view> allowed) {
  const auto it = spec.params.find(key);
  if (it == spec.params.end()) return std::string(*allowed.begin());
  for (std::string_view a : allowed)
    if (it->second == a) return it->second;
  throw DataError(fmt::format("dataset '{}': {}={} is not one of {}", spec.kind, key, it->second,
                              fmt::join(allowed, ", ")));
}

ReadOptions read_options(const DatasetSpec& spec) {
  ReadOptions options;
  const bool has_neg = spec.params.contains("neg"), has_pos = spec.params.contains("pos");
  if (has_neg != has_pos)
    throw DataError(fmt::format("dataset '{}': give both neg= and pos=, or neither", spec.kind));
  if (has_neg) {
    options.labels.negative = number_param(spec, "neg", 0);
    options.labels.positive = number_param(spec, "pos", 0);
    if (*options.labels.negative == *options.labels.positive)
      throw DataError(fmt::format("dataset '{}': neg and pos must differ", spec.kind));
  }
  options.scale_rows = choice_param(spec, "scale", {"max", "none"}) == "max";
  return options;
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
  std::string_view rest = colon == std::string_view::npos ? "" : text.substr(colon + 1);
  bool first = true;
  while (!rest.empty() || (first && kind.takes_path)) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? "" : rest.substr(comma + 1);
    if (comma != std::string_view::npos && rest.empty())
      throw DataError(fmt::format("dataset '{}': trailing comma in '{}'", kind.name, text));
    if (first && kind.takes_path) {
      if (item.empty() || item.find('=') != std::string_view::npos)
        throw DataError(fmt::format("dataset '{}' needs a path first: {}:PATH", kind.name, kind.name));
      spec.path = std::string(item);
      first = false;
      continue;
    }
    first = false;
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == item.size())
      throw DataError(fmt::format("dataset '{}': expected KEY=VALUE, got '{}'", kind.name, item));
    const std::string key(item.substr(0, eq));
    bool known = false;
    for (std::string_view k : kind.keys) known = known || k == key;
    if (!known)
      throw DataError(fmt::format("dataset '{}' has no parameter '{}' (known: {})", kind.name, key,
                                  kind.keys.empty() ? "none" : fmt::format("{}", fmt::join(kind.keys, ", "))));
    if (!spec.params.emplace(key, std::string(item.substr(eq + 1))).second)
      throw DataError(fmt::format("dataset '{}': parameter '{}' given twice", kind.name, key));
  }
  return spec;
}

Dataset<double> make_dataset(const DatasetSpec& spec) {
  Dataset<double> data;
  if (spec.kind == "oned") {
    data = make_oned(number_param(spec, "x", 1.0));
  } else if (spec.kind == "hard") {
    data = make_hard(number_param(spec, "gamma", 0.1));
  } else if (spec.kind == "toy4") {
    data = make_toy4();
  } else if (spec.kind == "planted") {
    const std::int64_t seed = integer_param(spec, "seed", 1);
    if (seed < 0) throw DataError(fmt::format("dataset 'planted': seed must be >= 0, got {}", seed));
    data = make_planted({integer_param(spec, "n", 1000), integer_param(spec, "d", 10),
                         number_param(spec, "gamma", 0.05), static_cast<std::uint64_t>(seed)});
  } else if (spec.kind == "libsvm") {
    data = read_libsvm(spec.path, read_options(spec));
  } else if (spec.kind == "csv") {
    CsvOptions options;
    options.read = read_options(spec);
    options.label_column = choice_param(spec, "label", {"last", "first"}) == "first"
                               ? CsvOptions::LabelColumn::first
                               : CsvOptions::LabelColumn::last;
    options.header = choice_param(spec, "header", {"no", "yes"}) == "yes";
    data = read_csv(spec.path, options);
  } else {
    find_kind(spec.kind);  // throws for an unknown kind
  }
  data.spec = spec.canonical();
  validate(data);
  return data;
}

Dataset<double> make_dataset(std::string_view text) { return make_dataset(parse_dataset_spec(text)); }

std::string dataset_spec_help() {
  std::string out;
  for (const Kind& k : kinds()) out += fmt::format("  {}\n", k.help);
  return out;
}

}  // namespace largestep
