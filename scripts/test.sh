#!/usr/bin/env bash
# Installs what is missing, builds the release preset and runs the whole test suite: the CTest
# suite (GoogleTest units, benchmark smoke tests, the gate's, the plots' and the peers' tests),
# the OpenMP thread-determinism tests in their own small build, then in one clang ASan + UBSan
# build the data units (readers, spec parser, generators) and each libFuzzer target for
# FUZZ_SECONDS (default 5).
# The whole suite under the sanitizers: scripts/sanitize.sh (README, "Tests").
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# New build trees use Ninja, which keeps every core busy across the libraries' boundaries (make
# waits for a library's last file before its dependents start); existing trees keep theirs.
export CMAKE_GENERATOR="${CMAKE_GENERATOR:-Ninja}"
jobs=$(nproc)
cmake --preset release
cmake --build --preset release -j "$jobs"
ctest --preset release -j "$jobs" --no-tests=error
bash scripts/test_openmp.sh
bash scripts/fuzz.sh --data-tests --seconds "${FUZZ_SECONDS:-5}" --jobs "$jobs"
