// bench_reduce: what a data-parallel GD step costs in communication under MPI, measured here.
//   mpirun --allow-run-as-root -np P bench_reduce [--out FILE.json] [--reps R]
//
// - Ping-pong between ranks 0 and 1 (messages of 8 B .. 8 MB): alpha (half the round trip of the
//   smallest message) and beta (bytes per second, least squares of time against bytes over the
//   messages of 64 KB and more): the alpha-beta model's two numbers (plots/mpi_model.py).
// - The gradient's reduction, d + 1 numbers (grad f and f), for d = 10^2 .. 10^6, over the
//   blocks of --rows rows (512 a block, as the kernel's) but at most 2^24 partial numbers in all
//   (wide data has fewer partials: the kernel's sparse path sums at most 16 chunks), two ways:
//     fast           MPI_Allreduce of each rank's in-order sum of its blocks' partials: the
//                    library's summation order, which may depend on P;
//     deterministic  the canonical block order: rank r folds its blocks' partials, in order, into
//                    the running sum it receives from rank r - 1 and passes it on; the last rank
//                    broadcasts it. The additions are those of one process adding the blocks in
//                    order ((p_0 + p_1) + p_2) + ..., so the result is bitwise that of the serial
//                    build for any P.
//   Every block partial is seeded by its global block index, so every rank knows the serial fold
//   and each result is checked against it bit for bit (`matches_serial`).
// - The compute of one step per row and column (the fused value and gradient, double, dense), so
//   that the model can set compute against communication.
// Rank 0 writes the JSON (atomically, as every output of largestep) and prints a summary.
#include <mpi.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "largestep/kernel/environment.h"
#include "largestep/kernel/objective.h"
#include "largestep/kernel/output.h"
#include "options.h"

namespace {

using largestep::Vector;

int rank_ = 0, size_ = 1;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// The median over `reps` of the slowest rank's time of `op`, each rep after a barrier.
template <class Op>
double timed(int reps, Op&& op) {
  std::vector<double> times;
  for (int k = 0; k < reps; ++k) {
    MPI_Barrier(MPI_COMM_WORLD);
    const double start = MPI_Wtime();
    op();
    double local = MPI_Wtime() - start, slowest = 0;
    MPI_Allreduce(&local, &slowest, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    times.push_back(slowest);
  }
  return median(times);
}

struct PingPong {
  double alpha = 0, beta = 0;
  nlohmann::json points = nlohmann::json::array();
};

PingPong ping_pong(int reps) {
  PingPong out;
  if (size_ < 2) return out;
  std::vector<double> xs, ys;
  for (std::size_t bytes = 8; bytes <= (std::size_t{8} << 20); bytes *= 8) {
    std::vector<char> buffer(bytes);
    const double round_trip = timed(reps, [&] {
      if (rank_ == 0) {
        MPI_Send(buffer.data(), static_cast<int>(bytes), MPI_BYTE, 1, 0, MPI_COMM_WORLD);
        MPI_Recv(buffer.data(), static_cast<int>(bytes), MPI_BYTE, 1, 0, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
      } else if (rank_ == 1) {
        MPI_Recv(buffer.data(), static_cast<int>(bytes), MPI_BYTE, 0, 0, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
        MPI_Send(buffer.data(), static_cast<int>(bytes), MPI_BYTE, 0, 0, MPI_COMM_WORLD);
      }
    });
    const double one_way = round_trip / 2;
    if (bytes == 8) out.alpha = one_way;
    if (bytes >= 65536) {
      xs.push_back(static_cast<double>(bytes));
      ys.push_back(one_way);
    }
    out.points.push_back({{"bytes", bytes}, {"seconds", one_way}});
  }
  // time = a + bytes / beta: the least-squares slope is 1 / beta.
  const double n = static_cast<double>(xs.size());
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t k = 0; k < xs.size(); ++k) {
    sx += xs[k], sy += ys[k], sxx += xs[k] * xs[k], sxy += xs[k] * ys[k];
  }
  const double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  out.beta = slope > 0 ? 1 / slope : 0;
  return out;
}

// Block b's partial sums: d + 1 numbers seeded by b, of mixed signs and magnitudes so that the
// order of the additions shows in the bits.
Vector<double> block_partial(std::int64_t b, std::int64_t d) {
  std::mt19937_64 random(0x9E3779B97F4A7C15ULL ^ static_cast<std::uint64_t>(b));
  std::uniform_real_distribution<double> uniform(-1, 1);
  Vector<double> p(d + 1);
  for (std::int64_t j = 0; j <= d; ++j) p(j) = uniform(random) * std::ldexp(1.0, static_cast<int>(b % 7) * 8);
  return p;
}

// The blocks [first, last) of rank r when `blocks` are dealt in contiguous, nearly equal runs.
std::pair<std::int64_t, std::int64_t> my_blocks(std::int64_t blocks, int r) {
  const std::int64_t first = blocks * r / size_, last = blocks * (r + 1) / size_;
  return {first, last};
}

bool same_bits(const Vector<double>& a, const Vector<double>& b) {
  return a.size() == b.size() &&
         std::memcmp(a.data(), b.data(), sizeof(double) * static_cast<std::size_t>(a.size())) == 0;
}

nlohmann::json reduction(std::int64_t d, std::int64_t blocks, int reps) {
  const auto [first, last] = my_blocks(blocks, rank_);
  std::vector<Vector<double>> mine;
  for (std::int64_t b = first; b < last; ++b) mine.push_back(block_partial(b, d));
  Vector<double> serial = Vector<double>::Zero(d + 1);
  for (std::int64_t b = 0; b < blocks; ++b) serial += block_partial(b, d);
  const int count = static_cast<int>(d + 1);

  Vector<double> fast(d + 1);
  const double t_fast = timed(reps, [&] {
    Vector<double> local = Vector<double>::Zero(d + 1);
    for (const Vector<double>& p : mine) local += p;
    MPI_Allreduce(local.data(), fast.data(), count, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  });
  Vector<double> chain(d + 1);
  const double t_chain = timed(reps, [&] {
    chain.setZero();
    if (rank_ > 0)
      MPI_Recv(chain.data(), count, MPI_DOUBLE, rank_ - 1, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    for (const Vector<double>& p : mine) chain += p;
    if (rank_ + 1 < size_) MPI_Send(chain.data(), count, MPI_DOUBLE, rank_ + 1, 1, MPI_COMM_WORLD);
    MPI_Bcast(chain.data(), count, MPI_DOUBLE, size_ - 1, MPI_COMM_WORLD);
  });
  // The serial fold's own time: the floor the deterministic reduction cannot go below on one rank.
  Vector<double> again = Vector<double>::Zero(d + 1);
  const double t_fold = timed(reps, [&] {
    again.setZero();
    for (const Vector<double>& p : mine) again += p;
  });
  int ok_fast = same_bits(fast, serial), ok_chain = same_bits(chain, serial);
  int all_fast = 0, all_chain = 0;
  MPI_Allreduce(&ok_fast, &all_fast, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  MPI_Allreduce(&ok_chain, &all_chain, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  return {{"d", d},
          {"blocks", blocks},
          {"fast_seconds", t_fast},
          {"deterministic_seconds", t_chain},
          {"local_fold_seconds", t_fold},
          {"fast_matches_serial", all_fast == 1},
          {"deterministic_matches_serial", all_chain == 1}};
}

// Seconds per row and column of the fused value and gradient (double, dense, n x d random rows).
double compute_per_entry(int reps) {
  const std::int64_t n = 16384, d = 256;
  largestep::Dataset<double> data;
  std::mt19937_64 random(7);
  std::normal_distribution<double> normal;
  data.X.resize(n, d);
  data.y.resize(n);
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t j = 0; j < d; ++j) data.X(i, j) = normal(random) / 16;
    data.y(i) = (i % 2) ? 1 : -1;
  }
  const largestep::LogisticObjective<double> f(data, 1e-4);
  Vector<double> w = Vector<double>::Constant(d, 0.01), grad;
  double sink = 0;
  const double t = timed(reps, [&] { sink += f.value_and_gradient(w, grad); });
  if (sink == 42) fmt::print(" ");  // keeps the evaluations
  return t / static_cast<double>(n * d);
}

struct Args {
  std::string out;
  int reps = 21;
  std::int64_t rows = 1'000'000;  // the blocks dealt: rows / 512, as the kernel blocks them
};

Args parse(int argc, char** argv) {
  Args a;
  largestep::bench::Options options(argc, argv);
  while (options.next()) {
    const std::string& arg = options.name();
    if (arg == "--out") a.out = options.value();
    else if (arg == "--reps") a.reps = static_cast<int>(options.integer(1, 100000));
    else if (arg == "--rows") a.rows = options.integer(512, std::int64_t{1} << 40);
    else if (arg == "--help") {
      if (rank_ == 0)
        fmt::print("mpirun --allow-run-as-root -np P bench_reduce [--out FILE.json] [--reps R] "
                   "[--rows N]\n  alpha, beta by ping-pong; the reduction of d + 1 numbers over "
                   "N/512 blocks, fast and deterministic, d = 1e2 .. 1e6; compute per entry\n");
      MPI_Finalize();
      std::exit(0);
    } else {
      options.unknown();
    }
  }
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  try {
    const Args a = parse(argc, argv);
    if (rank_ == 0 && !a.out.empty()) largestep::check_output_path(a.out);
    const PingPong pp = ping_pong(a.reps);
    const std::int64_t blocks = (a.rows + 511) / 512;
    nlohmann::json reductions = nlohmann::json::array();
    for (const std::int64_t d : {100, 1000, 10000, 100000, 1000000}) {
      // At most 2^24 partial numbers in all (128 MB): wide data has few blocks' partials (the
      // kernel's sparse path sums at most 16 chunks).
      const std::int64_t used = std::max<std::int64_t>(std::min(blocks, (std::int64_t{1} << 24) / (d + 1)), size_);
      reductions.push_back(reduction(d, used, d >= 100000 ? std::max(3, a.reps / 4) : a.reps));
      if (rank_ == 0) {
        const nlohmann::json& r = reductions.back();
        fmt::print(stderr, "bench_reduce: P = {}, d = {}: fast {:.3g} s, deterministic {:.3g} s "
                   "(serial bits: fast {}, deterministic {})\n", size_, d,
                   r["fast_seconds"].get<double>(), r["deterministic_seconds"].get<double>(),
                   r["fast_matches_serial"].get<bool>(), r["deterministic_matches_serial"].get<bool>());
      }
    }
    const double per_entry = compute_per_entry(std::max(5, a.reps / 2));
    if (rank_ == 0) {
      const nlohmann::json doc = {
          {"ranks", size_},
          {"rows", a.rows},
          {"blocks", blocks},
          {"alpha_seconds", size_ >= 2 ? nlohmann::json(pp.alpha) : nlohmann::json(nullptr)},
          {"beta_bytes_per_second", size_ >= 2 ? nlohmann::json(pp.beta) : nlohmann::json(nullptr)},
          {"ping_pong", pp.points},
          {"reductions", reductions},
          {"compute_seconds_per_entry", per_entry},
          {"environment", {{"commit", largestep::current_environment().commit},
                           {"flavour", largestep::current_environment().flavour},
                           {"cpu", largestep::current_environment().cpu}}}};
      const std::string text = doc.dump(1) + "\n";
      if (a.out.empty()) fmt::print("{}", text);
      else largestep::write_output(a.out, text);
    }
  } catch (const std::exception& e) {
    if (rank_ == 0) fmt::print(stderr, "bench_reduce: error: {}\n", e.what());
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  MPI_Finalize();
  return 0;
}
