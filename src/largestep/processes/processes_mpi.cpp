// The processes of an mpirun job, on Open MPI (ranks.h).
#include <fcntl.h>
#include <fmt/format.h>
#include <mpi.h>
#include <unistd.h>

#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "largestep/core/task_sharing.h"
#include "largestep/kernel/output.h"
#include "largestep/processes/processes.h"

namespace largestep {
namespace {

int g_rank = 0, g_size = 1;
bool g_joined = false;    // MPI_Init was called
bool g_together = false;  // the processes have started exchanging work
int g_stderr = STDERR_FILENO;  // rank > 0: its own standard error, kept for abort_processes
double g_reduction_seconds = 0;

template <class Scalar>
MPI_Datatype mpi_type() {
  return std::is_same_v<Scalar, float> ? MPI_FLOAT : MPI_DOUBLE;
}

void check(int status, const char* what) {
  if (status == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(status, text, &length);
  throw std::runtime_error(fmt::format("{} failed: {}", what, std::string(text, length)));
}

// Rank r computes the blocks [B r / P, B (r + 1) / P). Deterministic: rank 0 starts from zero,
// adds its blocks' partials in order and passes the running sum (loss, gradient: d + 1 numbers)
// to rank 1, which goes on from it, and so on; the last rank broadcasts the total. These are the
// additions of the single-process loop, in its order. Fast: each rank sums its own blocks, then
// MPI_Allreduce.
template <class Scalar>
class ChainReducer final : public BlockReducer<Scalar> {
 public:
  ChainReducer(ReduceMode mode, const ChainReducer* deterministic)
      : mode_(mode), deterministic_(deterministic != nullptr ? deterministic : this) {}

  ReduceMode mode() const override { return mode_; }
  const BlockReducer<Scalar>& deterministic() const override { return *deterministic_; }

  std::pair<std::ptrdiff_t, std::ptrdiff_t> my_blocks(std::ptrdiff_t blocks) const override {
    return {blocks * g_rank / g_size, blocks * (g_rank + 1) / g_size};
  }

  void combine(const Matrix<Scalar>& grads, const Vector<Scalar>& losses, Scalar& loss,
               Vector<Scalar>& grad) const override {
    buffer_.assign(static_cast<std::size_t>(grad.size() + 1), Scalar(0));
    const auto mine = [&](std::span<Scalar> sum) {
      Scalar& running_loss = sum[0];
      Eigen::Map<Vector<Scalar>> running_grad(sum.data() + 1, grad.size());
      for (std::ptrdiff_t k = 0; k < losses.size(); ++k) {
        running_loss += losses(k);
        running_grad += grads.col(k);
      }
    };
    if (mode_ == ReduceMode::deterministic) {
      fold_in_order(buffer_, mine);
    } else {
      g_together = true;
      mine(buffer_);
      const double start = MPI_Wtime();
      check(MPI_Allreduce(MPI_IN_PLACE, buffer_.data(), message_count(buffer_.size()),
                          mpi_type<Scalar>(), MPI_SUM, MPI_COMM_WORLD),
            "MPI_Allreduce of the gradient");
      g_reduction_seconds += MPI_Wtime() - start;
    }
    loss = buffer_[0];
    std::copy(buffer_.begin() + 1, buffer_.end(), grad.data());
  }

  void fold_in_order(std::span<Scalar> state,
                     const std::function<void(std::span<Scalar>)>& mine) const override {
    g_together = true;
    const double start = MPI_Wtime();
    const int count = message_count(state.size());
    if (g_rank > 0)
      check(MPI_Recv(state.data(), count, mpi_type<Scalar>(), g_rank - 1, 0, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE),
            "receiving the running sum");
    mine(state);
    if (g_rank + 1 < g_size)
      check(MPI_Send(state.data(), count, mpi_type<Scalar>(), g_rank + 1, 0, MPI_COMM_WORLD),
            "passing on the running sum");
    check(MPI_Bcast(state.data(), count, mpi_type<Scalar>(), g_size - 1, MPI_COMM_WORLD),
          "broadcasting the sum");
    g_reduction_seconds += MPI_Wtime() - start;
  }

 private:
  static int message_count(std::size_t size) {
    if (size > INT_MAX) throw std::runtime_error("a sum is too long for one MPI message");
    return static_cast<int>(size);
  }

  ReduceMode mode_;
  const ChainReducer* deterministic_;
  mutable std::vector<Scalar> buffer_;
};

// Tasks dealt on demand from a counter on rank 0, which every process increments with an atomic
// MPI_Fetch_and_op (passive target: rank 0 works on its own tasks meanwhile). The results are
// gathered on rank 0 at the end; the other processes then leave the job.
class RunDealer final : public TaskSharing {
 public:
  std::optional<std::size_t> next(std::size_t tasks) override {
    if (window_ == MPI_WIN_NULL) open();
    const std::int64_t one = 1;
    std::int64_t taken = 0;
    check(MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, window_), "MPI_Win_lock");
    check(MPI_Fetch_and_op(&one, &taken, MPI_INT64_T, 0, 0, MPI_SUM, window_), "MPI_Fetch_and_op");
    check(MPI_Win_unlock(0, window_), "MPI_Win_unlock");
    if (taken < static_cast<std::int64_t>(tasks)) return static_cast<std::size_t>(taken);
    return std::nullopt;
  }

  Results collect(const Results& mine) override {
    if (window_ != MPI_WIN_NULL) check(MPI_Win_free(&window_), "MPI_Win_free");
    std::string bytes;  // (task, length, text) of each result
    for (const auto& [task, text] : mine) {
      const std::uint64_t header[2] = {task, text.size()};
      bytes.append(reinterpret_cast<const char*>(header), sizeof header);
      bytes += text;
    }
    if (bytes.size() > INT_MAX)
      throw std::runtime_error("a process's results exceed 2 GiB, more than one MPI message");
    const int size = static_cast<int>(bytes.size());
    std::vector<int> sizes(g_rank == 0 ? g_size : 0), offsets(sizes.size());
    check(MPI_Gather(&size, 1, MPI_INT, sizes.data(), 1, MPI_INT, 0, MPI_COMM_WORLD),
          "gathering the results' sizes");
    long long total = 0;
    for (std::size_t r = 0; r < sizes.size(); ++r) {
      offsets[r] = static_cast<int>(total);
      total += sizes[r];
      if (total > INT_MAX) throw std::runtime_error("the results exceed 2 GiB on rank 0");
    }
    std::string all(static_cast<std::size_t>(total), '\0');
    check(MPI_Gatherv(bytes.data(), size, MPI_BYTE, all.data(), sizes.data(), offsets.data(),
                      MPI_BYTE, 0, MPI_COMM_WORLD),
          "gathering the results");
    task_sharing() = nullptr;  // whatever follows runs here alone
    g_together = false;
    if (g_rank != 0) std::exit(finish_processes(0));
    Results results;
    for (std::size_t at = 0; at < all.size();) {
      std::uint64_t header[2];
      std::memcpy(header, all.data() + at, sizeof header);
      at += sizeof header;
      results.emplace_back(header[0], all.substr(at, header[1]));
      at += header[1];
    }
    return results;
  }

 private:
  void open() {
    g_together = true;
    std::int64_t* counter = nullptr;
    check(MPI_Win_allocate(g_rank == 0 ? sizeof(std::int64_t) : 0, sizeof(std::int64_t),
                           MPI_INFO_NULL, MPI_COMM_WORLD, &counter, &window_),
          "MPI_Win_allocate");
    if (g_rank == 0) {
      check(MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, window_), "MPI_Win_lock");
      *counter = 0;
      check(MPI_Win_unlock(0, window_), "MPI_Win_unlock");
    }
    check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");
  }

  MPI_Win window_ = MPI_WIN_NULL;
};

}  // namespace

void start_processes(int& argc, char**& argv) {
  // Only under a launcher: a plain start stays a single process without touching MPI.
  if (std::getenv("OMPI_COMM_WORLD_SIZE") == nullptr && std::getenv("PMIX_RANK") == nullptr &&
      std::getenv("PMI_SIZE") == nullptr)
    return;
  check(MPI_Init(&argc, &argv), "MPI_Init");
  g_joined = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  // Errors come back as statuses (check() turns them into exceptions naming the call).
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  long writer = ::getpid();
  check(MPI_Bcast(&writer, 1, MPI_LONG, 0, MPI_COMM_WORLD), "MPI_Bcast of rank 0's process id");
  if (g_rank == 0) return;
  mute_outputs(writer);
  g_stderr = ::dup(STDERR_FILENO);
  const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (null >= 0) {
    ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
    ::close(null);
  }
}

int process_rank() { return g_rank; }
int process_count() { return g_size; }
bool under_mpirun() { return g_joined; }

void share_rows(ReduceMode mode) {
  if (!g_joined) return;
  static const ChainReducer<float> single(ReduceMode::deterministic, nullptr),
      single_fast(ReduceMode::fast, &single);
  static const ChainReducer<double> twice(ReduceMode::deterministic, nullptr),
      twice_fast(ReduceMode::fast, &twice);
  const bool fast = mode == ReduceMode::fast;
  data_parallel_reducer<float>() = fast ? &single_fast : &single;
  data_parallel_reducer<double>() = fast ? &twice_fast : &twice;
}

void share_runs() {
  if (!g_joined || g_size == 1) return;
  static RunDealer dealer;
  task_sharing() = &dealer;
}

int finish_processes(int code) {
  if (g_joined) MPI_Finalize();
  g_joined = false;
  return code;
}

void abort_processes(int code, const std::string& message) {
  const std::string line =
      g_size > 1 ? fmt::format("largestep: rank {} of {}: {}\n", g_rank, g_size, message)
                 : fmt::format("largestep: {}\n", message);
  [[maybe_unused]] const ssize_t written = ::write(g_stderr, line.data(), line.size());
  if (g_joined) MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);
}

void agree_on_failure(const std::exception_ptr& failure) {
  if (!g_joined || g_size == 1) {
    if (failure) std::rethrow_exception(failure);
    return;
  }
  int mine = failure ? g_rank : g_size, lowest = g_size;
  check(MPI_Allreduce(&mine, &lowest, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD),
        "agreeing on a failure");
  if (lowest == g_size) return;
  if (lowest == g_rank) {
    try {
      std::rethrow_exception(failure);
    } catch (const DataError& e) {
      abort_processes(2, e.what());
    } catch (const std::exception& e) {
      abort_processes(1, e.what());
    }
  }
  MPI_Barrier(MPI_COMM_WORLD);  // never completes: the reporter's MPI_Abort ends this process
  std::_Exit(1);
}

void check_alike(const std::function<void()>& check) {
  try {
    check();
  } catch (...) {
    g_together = false;
    throw;
  }
}

double reduction_seconds() { return g_reduction_seconds; }

bool processes_working_together() { return g_together && g_size > 1; }

}  // namespace largestep
