// A build without MPI (LARGESTEP_MPI=OFF): always one process (ranks.h).
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

#include "largestep/processes/processes.h"

namespace largestep {

void start_processes(int&, char**&) {
  const char* size = std::getenv("OMPI_COMM_WORLD_SIZE");
  if (size != nullptr && std::atoi(size) > 1)
    throw std::runtime_error(
        "this largestep was built without MPI (LARGESTEP_MPI=OFF): under mpirun its processes "
        "would each run the whole command and write the same files; build with MPI or run it "
        "without mpirun");
}

int process_rank() { return 0; }
int process_count() { return 1; }
bool under_mpirun() { return false; }
void agree_on_failure(const std::exception_ptr& failure) {
  if (failure) std::rethrow_exception(failure);
}

void check_alike(const std::function<void()>& check) { check(); }

void share_rows(ReduceMode) {}
void share_runs() {}
int finish_processes(int code) { return code; }

void abort_processes(int code, const std::string& message) {
  const std::string line = fmt::format("largestep: {}\n", message);
  [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, line.data(), line.size());
  std::_Exit(code);
}

double reduction_seconds() { return 0; }
bool processes_working_together() { return false; }

}  // namespace largestep
