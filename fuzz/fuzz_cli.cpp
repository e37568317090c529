// Fuzz target for the command line's option parsing: the input is an argument vector, one argument
// per line, parsed by a CLI11 command with the program's number options (src/cli/numbers.h: a
// positive number, an integer within bounds, a list of positive numbers) and a flag. The accepted
// outcomes are a CLI11 parse error, a UsageError naming the option, or values that an independent
// oracle confirms: the text follows the documented grammar (decimal, optional sign and exponent;
// no hexadecimal, inf, nan or spaces) and the value is strtod's correctly rounded one, positive
// and finite, and an integer is whole and within its bounds. A grammatical value that was refused
// is a finding too, unless it is out of range.
#include <cctype>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "largestep/data/text.h"
#include "src/cli/cli_common.h"

namespace {

using largestep::fuzz::fail;

constexpr std::int64_t kMinCount = 1, kMaxCount = 10'000'000;

// The documented decimal grammar, checked character by character.
bool grammatical(const std::string& text) {
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  std::size_t digits = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++digits;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    std::size_t exponent = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++exponent;
    if (exponent == 0) return false;
  }
  return i == text.size();
}

// strtod's value of a grammatical text; nullopt when it is not a positive finite double (zero,
// negative, overflow, or underflow to zero).
std::optional<double> oracle_positive(const std::string& text) {
  if (!grammatical(text)) return std::nullopt;
  const double value = std::strtod(text.c_str(), nullptr);
  if (!(value > 0) || !std::isfinite(value)) return std::nullopt;
  return value;
}

void check_number(const char* option, const std::string& text, double parsed) {
  const std::optional<double> expected = oracle_positive(text);
  if (!expected) fail(option, "accepted a value outside the grammar or not positive: " + text);
  if (*expected != parsed) fail(option, "value differs from strtod's for " + text);
}

void check_count(const std::string& text, std::int64_t parsed) {
  if (!grammatical(text)) fail("--count", "accepted a value outside the grammar: " + text);
  if (parsed < kMinCount || parsed > kMaxCount) fail("--count", "out of its bounds: " + text);
  // Whole values up to 1e7 are exact in double whatever their spelling (2e6, 2000000.0).
  if (std::strtod(text.c_str(), nullptr) != static_cast<double>(parsed))
    fail("--count", "value differs from the text's: " + text);
}

// A refusal of a grammatical, in-range value is a finding.
void check_refusal(const std::string& message, CLI::App& app) {
  for (const char* name : {"--eta", "--count", "--lambdas"}) {
    const CLI::Option* option = app.get_option(name);
    // The program's messages start with the option's name.
    if (option->count() == 0 || message.rfind(name, 0) != 0) continue;
    const std::string text = option->results().back();
    if (std::string(name) == "--eta" && oracle_positive(text))
      fail("--eta", "refused a valid positive number: " + text + ": " + message);
    if (std::string(name) == "--lambdas") {
      bool all_valid = true;
      for (const std::string& item : largestep::split_commas(text))
        all_valid = all_valid && oracle_positive(item).has_value();
      if (all_valid) fail("--lambdas", "refused a valid list: " + text + ": " + message);
    }
    if (std::string(name) == "--count" && grammatical(text)) {
      const double x = std::strtod(text.c_str(), nullptr);
      if (x == std::floor(x) && x >= kMinCount && x <= kMaxCount)
        fail("--count", "refused a valid count: " + text + ": " + message);
    }
    return;
  }
  fail("usage error without the option's name", message);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace largestep::cli;
  std::vector<std::string> args{"largestep"};
  std::string current;
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == '\n') {
      args.push_back(current);
      current.clear();
    } else {
      current.push_back(static_cast<char>(data[i]));
    }
  }
  if (!current.empty()) args.push_back(current);
  if (args.size() > 16) return 0;
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());

  CLI::App app{"fuzz"};
  double eta = 0;
  std::int64_t count = 0;
  std::string lambdas;
  bool json = false;
  add_positive_option(app, "--eta", eta, "a positive number");
  add_integer_option(app, "--count", count, kMinCount, kMaxCount, "an integer");
  app.add_option("--lambdas", lambdas, "positive numbers, comma-separated");
  app.add_flag("--json", json, "a flag");
  std::vector<double> lambda_values;
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
    if (app.get_option("--lambdas")->count() > 0)
      lambda_values = parse_positive_list("--lambdas", lambdas);
  } catch (const CLI::ParseError&) {
    return 0;  // the program prints CLI11's message with its prefix, exit 2
  } catch (const UsageError& e) {
    check_refusal(e.what(), app);
    return 0;
  }
  if (app.get_option("--eta")->count() > 0)
    check_number("--eta", app.get_option("--eta")->results().back(), eta);
  if (app.get_option("--count")->count() > 0)
    check_count(app.get_option("--count")->results().back(), count);
  if (app.get_option("--lambdas")->count() == 0) return 0;
  const std::vector<std::string> items = largestep::split_commas(lambdas);
  if (items.size() != lambda_values.size()) fail("--lambdas", "an item lost or added: " + lambdas);
  for (std::size_t k = 0; k < items.size(); ++k)
    check_number("--lambdas", items[k], lambda_values[k]);
  return 0;
}
