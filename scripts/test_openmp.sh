#!/usr/bin/env bash
# Builds the native+OpenMP flavour of the kernel tests only (build/native-openmp; seconds, no
# multiprecision code) and runs them: the fused kernel's result must be bitwise identical for 1
# to 7 threads. The default release build has no OpenMP, where these tests are skipped; here a
# skip is a failure. Needs what scripts/install-deps.sh installs.
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
