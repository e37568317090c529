// bench_kernels: one GD iteration's f and grad f (LogisticObjective::value_and_gradient, the fused
// one-pass kernel) against two Eigen passes (X w, then X^T r), in float and double, on dense data
// sized to fit L1, L2 and the LLC, and out of cache (4x the LLC). Counters: bytes_per_second (the
// data X and y counted once per evaluation, the least any kernel must read), items_per_second
// (entries of X), GFLOPS (4 n d flops per evaluation), and probe_ratio: bytes_per_second over
// the read bandwidth of a streaming sum in the same process with the same threads (probe_GBps:
// measured at start-up, and again right before each out-of-cache run, which it is meant for).
// That probe runs this build's loop at one moment; the context's read_GBps_best is the best
// streaming read over several loops and thread counts (ReadProbe::survey), the machine's limit
// that scripts/flavours.sh reduces over the flavours to machine_read_GBps, which the reports
// compare every flavour's kernel with.
//
// Own flags (besides Google Benchmark's): --kernel_d=64,256 the column counts (d = 64 leaves
// the per-row exp and log1p a large share of the work; at d = 256 the row stream dominates);
// --llc_bytes=N replaces the detected LLC size (virtual machines may report the host's whole
// L3); --probe_bytes=N the probe's buffer (default: the out-of-cache size); --sparse=n,d,nnz[,...]
// the CSR shapes (default 1000000,1048576,32: the real-size sparse set), where the fused CSR
// kernel runs against Eigen's two sparse products, X w then X^T r.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#if defined(LARGESTEP_HAVE_OPENMP)
#include <omp.h>
#endif

#include "bench_common.h"
#include "kernel_data.h"
#include "largestep/data/text.h"
#include "largestep/kernel/objective.h"
#include "two_pass.h"

namespace largestep::bench {
namespace {

constexpr std::uint64_t kSeed = 42;
constexpr double kLambda = 1e-4;

enum class Kernel { fused, two_pass };

struct SizeClass {
  std::string label;
  std::int64_t bytes;  // target size of X
};

// One dataset alive at a time: the out-of-cache ones take gigabytes, and the benchmarks that use
// the same dataset are registered (and so run) one after another.
struct DataSlot {
  std::string key;
  std::shared_ptr<const void> data;
};
DataSlot& data_slot() {
  static DataSlot slot;
  return slot;
}

template <class Scalar>
const Dataset<Scalar>& dense_data(std::int64_t n, std::int64_t d) {
  DataSlot& slot = data_slot();
  const std::string key = fmt::format("{}x{}x{}", n, d, sizeof(Scalar));
  if (slot.key != key) {
    slot.data.reset();  // free the previous dataset before building the next
    slot.data = std::make_shared<const Dataset<Scalar>>(make_dense_data<Scalar>(n, d, kSeed));
    slot.key = key;
  }
  return *static_cast<const Dataset<Scalar>*>(slot.data.get());
}

int max_threads() {
#if defined(LARGESTEP_HAVE_OPENMP)
  return omp_get_num_procs();
#else
  return 1;
#endif
}

// Sets the OpenMP team size for the lifetime of a benchmark run.
class ThreadScope {
 public:
  explicit ThreadScope([[maybe_unused]] int threads) {
#if defined(LARGESTEP_HAVE_OPENMP)
    previous_ = omp_get_max_threads();
    omp_set_num_threads(threads);
#endif
  }
  ~ThreadScope() {
#if defined(LARGESTEP_HAVE_OPENMP)
    omp_set_num_threads(previous_);
#endif
  }

 private:
  [[maybe_unused]] int previous_ = 1;
};

struct ProbeResult {
  const ReadProbe* probe;
  std::vector<double> at_startup;  // bytes/s by thread count - 1
};

template <class Scalar>
void run_kernel(benchmark::State& state, Kernel kernel, std::int64_t n, std::int64_t d, int threads,
                bool out_of_cache, const ProbeResult& probe) {
  const Dataset<Scalar>& data = dense_data<Scalar>(n, d);
  const Vector<Scalar> w = make_dense_point<Scalar>(d, kSeed);
  const LogisticObjective<Scalar> f(data, Scalar(kLambda));
  Vector<Scalar> grad(d), scratch(n);
  const ThreadScope scope(threads);
  const double probe_bytes_per_second =
      out_of_cache ? probe.probe->bandwidth(threads, 3) : probe.at_startup[threads - 1];
  for (auto _ : state) {
    Scalar value = kernel == Kernel::fused
                       ? f.value_and_gradient(w, grad)
                       : two_pass_value_and_gradient(data, Scalar(kLambda), w, scratch, grad);
    benchmark::DoNotOptimize(value);
    benchmark::DoNotOptimize(grad.data());
    benchmark::ClobberMemory();
  }
  const double evaluations = static_cast<double>(state.iterations());
  const double bytes = static_cast<double>((data.X.size() + data.y.size()) * sizeof(Scalar));
  state.SetBytesProcessed(static_cast<std::int64_t>(evaluations * bytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(evaluations * static_cast<double>(n * d)));
  state.counters["GFLOPS"] = benchmark::Counter(
      evaluations * 4.0 * static_cast<double>(n * d) * 1e-9, benchmark::Counter::kIsRate);
  state.counters["probe_ratio"] =
      benchmark::Counter(evaluations * bytes / probe_bytes_per_second, benchmark::Counter::kIsRate);
  state.counters["probe_GBps"] = probe_bytes_per_second * 1e-9;
}

const Dataset<double>& sparse_data(std::int64_t n, std::int64_t d, std::int64_t nonzeros) {
  DataSlot& slot = data_slot();
  const std::string key = fmt::format("csr{}x{}x{}", n, d, nonzeros);
  if (slot.key != key) {
    slot.data.reset();
    slot.data = std::make_shared<const Dataset<double>>(make_sparse_data(n, d, nonzeros, kSeed));
    slot.key = key;
  }
  return *static_cast<const Dataset<double>*>(slot.data.get());
}

// CSR data: the fused kernel (one pass over the nonzeros) against Eigen's two sparse products.
// Bytes are the nonzeros' values and column indices, the row starts and y, read once.
void run_sparse_kernel(benchmark::State& state, Kernel kernel, std::int64_t n, std::int64_t d,
                       std::int64_t nonzeros, int threads) {
  const Dataset<double>& data = sparse_data(n, d, nonzeros);
  const Vector<double> w = make_dense_point<double>(d, kSeed);
  const LogisticObjective<double> f(data, kLambda);
  Vector<double> grad(d), scratch(n);
  const ThreadScope scope(threads);
  for (auto _ : state) {
    double value = kernel == Kernel::fused
                       ? f.value_and_gradient(w, grad)
                       : two_pass_value_and_gradient(data, kLambda, w, scratch, grad);
    benchmark::DoNotOptimize(value);
    benchmark::DoNotOptimize(grad.data());
    benchmark::ClobberMemory();
  }
  const double evaluations = static_cast<double>(state.iterations());
  const double bytes =
      12.0 * static_cast<double>(data.Xs.nonZeros()) + 12.0 * static_cast<double>(n);
  state.SetBytesProcessed(static_cast<std::int64_t>(evaluations * bytes));
  state.SetItemsProcessed(
      static_cast<std::int64_t>(evaluations * static_cast<double>(data.Xs.nonZeros())));
}

// The CSR benchmarks of one shape: the fused kernel on 1..max threads, the two products on one.
void register_sparse(std::int64_t n, std::int64_t d, std::int64_t nonzeros) {
  auto add = [&](Kernel kernel, int threads) {
    const std::string name =
        fmt::format("{}/csr/n={}/d={}/nnz={}/threads={}",
                    kernel == Kernel::fused ? "fused" : "two_pass", n, d, nonzeros, threads);
    benchmark::RegisterBenchmark(
        name.c_str(),
        [=](benchmark::State& state) { run_sparse_kernel(state, kernel, n, d, nonzeros, threads); })
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  };
  for (int threads = 1; threads <= max_threads(); ++threads) add(Kernel::fused, threads);
  add(Kernel::two_pass, 1);
}

template <class Scalar>
void register_size(const SizeClass& size, std::int64_t d, const ProbeResult& probe,
                   const char* scalar_name) {
  const std::int64_t n =
      std::max<std::int64_t>(1, size.bytes / (d * static_cast<std::int64_t>(sizeof(Scalar))));
  auto add = [&](Kernel kernel, int threads) {
    const std::string name =
        fmt::format("{}/{}/{}/n={}/d={}/threads={}", kernel == Kernel::fused ? "fused" : "two_pass",
                    scalar_name, size.label, n, d, threads);
    const bool out_of_cache = size.label == "DRAM";
    benchmark::RegisterBenchmark(name.c_str(),
                                 [=, &probe](benchmark::State& state) {
                                   run_kernel<Scalar>(state, kernel, n, d, threads, out_of_cache,
                                                      probe);
                                 })
        ->Unit(benchmark::kMicrosecond)
        ->UseRealTime();
  };
  for (int threads = 1; threads <= max_threads(); ++threads) add(Kernel::fused, threads);
  add(Kernel::two_pass, 1);  // Eigen's matrix-vector products run on one thread
}

// "64,256" -> {64, 256}; throws std::invalid_argument naming the flag for anything but a list of
// positive integers.
std::vector<std::int64_t> parse_positive_list(std::string_view flag, const std::string& text) {
  std::vector<std::int64_t> out;
  for (const std::string& item : split_commas(text)) {
    char* end = nullptr;
    const long long value = std::strtoll(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || value < 1)
      throw std::invalid_argument(
          fmt::format("--{}: expected positive integers, got '{}'", flag, item));
    out.push_back(value);
  }
  return out;
}

std::int64_t parse_positive(std::string_view flag, const std::optional<std::string>& text,
                            std::int64_t fallback) {
  if (!text) return fallback;
  const std::vector<std::int64_t> values = parse_positive_list(flag, *text);
  if (values.size() != 1)
    throw std::invalid_argument(fmt::format("--{}: expected one integer, got '{}'", flag, *text));
  return values.front();
}

}  // namespace
}  // namespace largestep::bench

int main(int argc, char** argv) {
  using namespace largestep::bench;
  benchmark::Initialize(&argc, argv);
  std::vector<std::int64_t> columns;
  std::vector<std::array<std::int64_t, 3>> sparse_shapes;
  std::int64_t llc_override = 0;
  std::optional<std::int64_t> probe_bytes;
  try {
    columns = parse_positive_list("kernel_d", take_flag(argc, argv, "kernel_d").value_or("64,256"));
    const std::vector<std::int64_t> sparse = parse_positive_list(
        "sparse", take_flag(argc, argv, "sparse").value_or("1000000,1048576,32"));
    if (sparse.size() % 3 != 0) throw std::invalid_argument("--sparse: expected n,d,nnz triples");
    for (std::size_t k = 0; k < sparse.size(); k += 3) {
      if (sparse[k + 2] > sparse[k + 1] || sparse[k + 1] > 2147483647)
        throw std::invalid_argument("--sparse: need nnz <= d <= 2147483647");
      sparse_shapes.push_back({sparse[k], sparse[k + 1], sparse[k + 2]});
    }
    llc_override = parse_positive("llc_bytes", take_flag(argc, argv, "llc_bytes"), 0);
    if (auto flag = take_flag(argc, argv, "probe_bytes"))
      probe_bytes = parse_positive("probe_bytes", flag, 0);
  } catch (const std::invalid_argument& error) {
    fmt::print(stderr, "bench_kernels: {}\n", error.what());
    return 2;
  }
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  const CacheSizes caches = detect_cache_sizes(llc_override);
  const std::vector<SizeClass> sizes = {{"L1", caches.l1d / 2},
                                        {"L2", caches.l2 / 2},
                                        {"LLC", caches.llc / 2},
                                        {"DRAM", 4 * caches.llc}};
  const ReadProbe read_probe(probe_bytes.value_or(sizes.back().bytes));
  ProbeResult probe{&read_probe, {}};
  for (int threads = 1; threads <= max_threads(); ++threads)
    probe.at_startup.push_back(read_probe.bandwidth(threads));

  add_environment_context("kernels");
  benchmark::AddCustomContext("cache_sizes", fmt::format("L1d={} L2={} LLC={} ({})", caches.l1d,
                                                         caches.l2, caches.llc, caches.source));
  benchmark::AddCustomContext("probe_bytes", std::to_string(read_probe.bytes()));
  for (std::size_t k = 0; k < probe.at_startup.size(); ++k)
    benchmark::AddCustomContext(fmt::format("probe_GBps_threads={}", k + 1),
                                fmt::format("{:.3f}", probe.at_startup[k] * 1e-9));
  // The machine's read limit as this process reaches it: the best pass over every read loop and
  // thread count. scripts/flavours.sh takes the best over the flavours (machine_read_GBps).
  const std::vector<ReadRate> survey = read_probe.survey(max_threads());
  const ReadRate& best =
      *std::max_element(survey.begin(), survey.end(),
                        [](const ReadRate& a, const ReadRate& b) { return a.best < b.best; });
  std::string rates;
  for (const ReadRate& r : survey)
    rates += fmt::format("{}{}/threads={}: {:.2f} (median {:.2f})", rates.empty() ? "" : ", ",
                         r.loop, r.threads, r.best * 1e-9, r.median * 1e-9);
  benchmark::AddCustomContext("read_GBps_best", fmt::format("{:.3f}", best.best * 1e-9));
  benchmark::AddCustomContext("read_best_at",
                              fmt::format("{}/threads={}", best.loop, best.threads));
  benchmark::AddCustomContext("read_survey_GBps", rates);

  for (const std::int64_t d : columns) {
    for (const SizeClass& size : sizes) {
      register_size<double>(size, d, probe, "double");
      register_size<float>(size, d, probe, "float");
    }
  }
  for (const auto& [n, d, nonzeros] : sparse_shapes) register_sparse(n, d, nonzeros);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
