// Independent tasks (a suite's runs) shared out among processes: the core knows only this
// interface; the Open MPI implementation lives with the program (src/largestep/processes/processes_mpi.cpp), so the
// libraries, the tests and the benchmarks never link MPI.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace largestep {

class TaskSharing {
 public:
  using Results = std::vector<std::pair<std::size_t, std::string>>;  // (task, its result)

  virtual ~TaskSharing() = default;
  // The next of `tasks` tasks for this process, dealt on demand (a process that finishes a task
  // takes the next one not yet taken), or nullopt when every task is taken.
  virtual std::optional<std::size_t> next(std::size_t tasks) = 0;
  // After the last next(): every process's results, gathered on the writing process (rank 0) in
  // no particular order. Elsewhere this does not return: the process's part of the work is done,
  // and it ends with status 0.
  virtual Results collect(const Results& mine) = 0;
};

// This process's sharing: null (the default) in a single process, and for data-parallel runs,
// which share rows instead (block_reducer.h).
inline TaskSharing*& task_sharing() {
  static TaskSharing* sharing = nullptr;
  return sharing;
}

}  // namespace largestep
