#!/usr/bin/env bash
# Builds the native+OpenMP flavour of the kernel tests only (build/native-openmp; seconds, no
# multiprecision code) and runs them: the fused kernel's result must be bitwise identical for 1
# to 7 threads, dense and CSR, on sizes on both sides of the crossover where a call starts
# using more than one thread (kernel_threads, kMinEntriesPerThread), and the team size must
# follow the work. The default release build has no OpenMP, where these tests are skipped; here
# a skip, or one of the required tests missing, is a failure. Needs what
# scripts/install-deps.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
cmake --preset native-openmp >/dev/null
cmake --build build/native-openmp -j "$jobs" --target test_bench_kernels
log=$(mktemp)
trap 'rm -f "$log"' EXIT
build/native-openmp/bench/test_bench_kernels --gtest_brief=0 | tee "$log"
if grep -q '^\[  SKIPPED \]' "$log"; then
  echo "test_openmp: a thread-determinism test was skipped in the OpenMP build" >&2
  exit 1
fi
for test in KernelThreads.FollowTheWorkSize \
    FusedKernel.ResultsAreBitwiseIdenticalAcrossTheThreadCrossoverInDouble \
    FusedKernel.ResultsAreBitwiseIdenticalAcrossTheThreadCrossoverInFloat \
    FusedCsrKernel.ResultsAreBitwiseIdenticalAcrossTheThreadCrossover; do
  if ! grep -q "^\[       OK \] $test " "$log"; then
    echo "test_openmp: $test did not run and pass" >&2
    exit 1
  fi
done
