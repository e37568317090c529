// The processes of an mpirun job. Every process runs the same command on the same input; how
// they share the work depends on the command:
//  - `run` shares the rows: each process evaluates its row blocks of the gradient, and the
//    partial sums are combined in block order (deterministic, the default: bitwise the single
//    process's result for any number of processes) or by MPI_Allreduce (`--reduce fast`);
//  - `sweep`, `arena`, `tune-safe` and `verify` share their suites' runs: dealt to the processes
//    on demand and gathered on rank 0, which writes them as one process would;
//  - `reference` shares the rows of the scaled reference's sums (reference/ordered_sum.h: the
//    same bits for any number of processes), as does a shared `run` that computes one;
//  - every other command runs whole on each process.
// Rank 0 alone writes files and prints; the other processes' outputs are muted. Built without
// MPI (LARGESTEP_MPI=OFF), the program refuses to run as several processes.
#pragma once

#include <exception>
#include <functional>
#include <string>

#include "largestep/kernel/block_reducer.h"

namespace largestep {

// Joins the job when started by mpirun (MPI_Init), else one process of one. Throws
// std::runtime_error if started as several processes by a build without MPI.
void start_processes(int& argc, char**& argv);

int process_rank();
int process_count();
// Whether this process was started by mpirun (of any number of processes).
bool under_mpirun();

// How this command shares the work among the processes (a no-op without mpirun).
void share_rows(ReduceMode mode);
void share_runs();

// The wall seconds this process has spent combining gradient sums with the others (waiting for
// them included): the communication of the data-parallel evaluations.
double reduction_seconds();

// Leaves the job (MPI_Finalize) and returns `code`.
int finish_processes(int code);

// After a failure on this process while the others may still be working: prints `message`
// (naming this rank when there are several), then ends the whole job with `code`.
[[noreturn]] void abort_processes(int code, const std::string& message);

// After work each process did on input of its own (its shard of the rows), which may have failed
// on some processes only: `failure` is this process's (null if none). If no process failed,
// returns; else the lowest failing rank reports its failure, naming itself, and ends the whole
// job (exit 2 for a DataError, 1 for anything else), the others waiting for that end. One
// process rethrows its failure.
void agree_on_failure(const std::exception_ptr& failure);

// Runs `check`, whose failure every process meets alike (a check of numbers they share, such as
// an eps below the rounding floor of a shared problem): a failure then ends each process by
// itself, reported once by rank 0, as before the processes work together (no job abort, which
// every process would report).
void check_alike(const std::function<void()>& check);

// Whether processes have started working together: a failure before that is the same on every
// process (they all read the same input), so each can end alone; after it, one that ends alone
// would leave the others waiting, so the job is aborted.
bool processes_working_together();

}  // namespace largestep
