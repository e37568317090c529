// bench_data_parallel: what sharing a GD step's rows among P processes gains, measured in one run.
//   mpirun --allow-run-as-root -np P bench_data_parallel [--data SPEC] [--scaling strong|weak]
//          [--evals K] [--reps R] [--out FILE.json]
//
// Each rank builds the dataset (--data, default planted 10^6 x 100) and times K evaluations of
// the fused value and gradient (double: one GD step's work) at a fixed w, R times, alternating:
//   alone   rank 0 by itself, unshared (the single-process kernel), the others waiting;
//   shared  every rank on its row blocks, combined by the deterministic reduction (block order),
//   fast    the same, combined by MPI_Allreduce.
// A time is the slowest rank's; each is a median over the R repetitions. Communication is the
// time spent in the combination (processes.h, reduction_seconds: waiting included). Strong
// scaling shares the same rows; weak gives `alone` the first n / P rows (whole blocks, dense or
// CSR), so the shared run has P times the rows. The deterministic result is checked against `alone`'s, bit for
// bit (strong scaling). Rank 0 writes the JSON (atomically) and prints a summary.
#include <mpi.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "largestep/data/dataset_spec.h"
#include "largestep/kernel/environment.h"
#include "largestep/kernel/objective.h"
#include "largestep/kernel/output.h"
#include "largestep/processes/processes.h"
#include "options.h"

namespace {

using largestep::Vector;

struct Args {
  std::string data = "planted:n=1000000,d=100,seed=1", scaling = "strong", out;
  int evals = 10, reps = 7;
};

Args parse(int argc, char** argv) {
  Args a;
  largestep::bench::Options options(argc, argv);
  while (options.next()) {
    const std::string& arg = options.name();
    if (arg == "--data") a.data = options.value();
    else if (arg == "--scaling") a.scaling = options.value();
    else if (arg == "--evals") a.evals = static_cast<int>(options.integer(1, 100000));
    else if (arg == "--reps") a.reps = static_cast<int>(options.integer(1, 100000));
    else if (arg == "--out") a.out = options.value();
    else if (arg == "--help") {
      fmt::print(
          "mpirun --allow-run-as-root -np P bench_data_parallel [--data SPEC] "
          "[--scaling strong|weak] [--evals K] [--reps R] [--out FILE.json]\n"
          "  times the fused value and gradient alone on rank 0, then shared by all ranks\n"
          "  (deterministic and fast reductions); speedup, communication per step, bit check\n");
      std::exit(largestep::finish_processes(0));
    } else {
      options.unknown();
    }
  }
  if (a.scaling != "strong" && a.scaling != "weak")
    throw std::invalid_argument("--scaling " + a.scaling + ": expected strong or weak");
  if (!a.out.empty()) largestep::check_output_path(a.out);
  return a;
}

double slowest(double local) {
  double out = 0;
  MPI_Allreduce(&local, &out, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  return out;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct Timing {
  std::vector<double> seconds, communication;  // per evaluation, one entry a repetition
};

// K evaluations after a barrier: the slowest rank's seconds and communication per evaluation.
void time_evaluations(const largestep::LogisticObjective<double>& f, const Vector<double>& w,
                      int evals, bool everyone, Timing& t, Vector<double>& grad, double& value) {
  MPI_Barrier(MPI_COMM_WORLD);
  const double start = MPI_Wtime(), comm_start = largestep::reduction_seconds();
  if (everyone || largestep::process_rank() == 0)
    for (int k = 0; k < evals; ++k) value = f.value_and_gradient(w, grad);
  const double seconds = MPI_Wtime() - start;
  const double comm = largestep::reduction_seconds() - comm_start;
  t.seconds.push_back(slowest(seconds) / evals);
  t.communication.push_back(slowest(comm) / evals);
}

bool same_bits(double a, const Vector<double>& ga, double b, const Vector<double>& gb) {
  return std::memcmp(&a, &b, sizeof a) == 0 && ga.size() == gb.size() &&
         std::memcmp(ga.data(), gb.data(), sizeof(double) * static_cast<std::size_t>(ga.size())) == 0;
}

nlohmann::json summary(const Timing& t) {
  return {{"seconds_per_step", median(t.seconds)},
          {"steps_per_second", 1 / median(t.seconds)},
          {"communication_seconds_per_step", median(t.communication)},
          {"samples", t.seconds}};
}

}  // namespace

int main(int argc, char** argv) {
  using namespace largestep;
  install_interrupt_cleanup();
  start_processes(argc, argv);
  if (!under_mpirun()) {
    fmt::print(stderr, "bench_data_parallel: run it under mpirun (see --help)\n");
    return 2;
  }
  try {
    const Args a = parse(argc, argv);
    const int P = process_count();
    const Dataset<double> shared_data = make_dataset(a.data);
    const LogisticObjective<double> whole(shared_data, 1.0);
    const std::int64_t blocks = whole.row_blocks();
    Dataset<double> alone_data;
    if (a.scaling == "weak") {
      const std::int64_t rows =
          std::min<std::int64_t>(shared_data.n(), (blocks / P) * whole.block_rows());
      if (rows == 0) throw std::invalid_argument("--scaling weak: fewer row blocks than processes");
      if (shared_data.sparse) {
        alone_data.sparse = true;
        alone_data.Xs = SparseRowMatrix<double>(shared_data.Xs.topRows(rows));
      } else {
        alone_data.X = shared_data.X.topRows(rows);
      }
      alone_data.y = shared_data.y.head(rows);
      alone_data.spec = shared_data.spec + " (first rows)";
    }
    const Dataset<double>& alone_rows = a.scaling == "weak" ? alone_data : shared_data;
    const double lambda = 1e-4;
    const LogisticObjective<double> alone(alone_rows, lambda);
    // w: a fixed point off the origin, the same on every rank.
    Vector<double> w(shared_data.d());
    for (std::int64_t j = 0; j < w.size(); ++j) w(j) = 0.5 * std::sin(static_cast<double>(j) + 1.0);

    share_rows(ReduceMode::deterministic);
    LogisticObjective<double> deterministic(shared_data, lambda);
    deterministic.set_reducer(data_parallel_reducer<double>());
    share_rows(ReduceMode::fast);
    LogisticObjective<double> fast(shared_data, lambda);
    fast.set_reducer(data_parallel_reducer<double>());

    Timing t_alone, t_det, t_fast;
    Vector<double> g_alone, g_det, g_fast;
    double v_alone = 0, v_det = 0, v_fast = 0;
    for (int r = 0; r < a.reps; ++r) {
      time_evaluations(alone, w, a.evals, false, t_alone, g_alone, v_alone);
      time_evaluations(deterministic, w, a.evals, true, t_det, g_det, v_det);
      time_evaluations(fast, w, a.evals, true, t_fast, g_fast, v_fast);
      if (process_rank() == 0)
        fmt::print(stderr, "bench_data_parallel: P = {}, repetition {} of {}: alone {:.4g} s, "
                   "deterministic {:.4g} s, fast {:.4g} s a step\n", P, r + 1, a.reps,
                   t_alone.seconds.back(), t_det.seconds.back(), t_fast.seconds.back());
    }
    const bool strong = a.scaling == "strong";
    int det_same = strong && same_bits(v_alone, g_alone, v_det, g_det);
    int fast_same = strong && same_bits(v_alone, g_alone, v_fast, g_fast);
    MPI_Bcast(&det_same, 1, MPI_INT, 0, MPI_COMM_WORLD);  // rank 0 holds `alone`'s result
    MPI_Bcast(&fast_same, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (process_rank() == 0) {
      const double ratio = median(t_alone.seconds) / median(t_det.seconds);
      const nlohmann::json doc = {
          {"processes", P},
          {"scaling", a.scaling},
          {"data", shared_data.spec},
          {"n", shared_data.n()},
          {"d", shared_data.d()},
          {"alone_rows", alone_rows.n()},
          {"evaluations_per_repetition", a.evals},
          {"repetitions", a.reps},
          {"alone", summary(t_alone)},
          {"deterministic", summary(t_det)},
          {"fast", summary(t_fast)},
          // strong: the speedup; weak: the efficiency (1 is perfect)
          {"ratio_deterministic", ratio},
          {"ratio_fast", median(t_alone.seconds) / median(t_fast.seconds)},
          {"deterministic_matches_alone", strong ? nlohmann::json(det_same == 1) : nlohmann::json(nullptr)},
          {"fast_matches_alone", strong ? nlohmann::json(fast_same == 1) : nlohmann::json(nullptr)},
          {"environment", {{"commit", current_environment().commit},
                           {"flavour", current_environment().flavour},
                           {"cpu", current_environment().cpu}}}};
      fmt::print(stderr, "bench_data_parallel: P = {}, {} scaling on {}: alone {:.4g} s, "
                 "shared {:.4g} s a step ({:.3g} s of it communication): {} {:.3f}; "
                 "deterministic bits = alone's: {}\n", P, a.scaling, shared_data.spec,
                 median(t_alone.seconds), median(t_det.seconds), median(t_det.communication),
                 strong ? "speedup" : "efficiency", ratio, strong ? (det_same ? "yes" : "NO") : "n/a");
      const std::string text = doc.dump(1) + "\n";
      if (a.out.empty()) fmt::print("{}", text);
      else write_output(a.out, text);
    }
  } catch (const std::exception& e) {
    if (process_rank() == 0) fmt::print(stderr, "bench_data_parallel: error: {}\n", e.what());
    return finish_processes(2);
  }
  return finish_processes(0);
}
