#!/usr/bin/env bash
# Builds the sanitize preset (g++, ASan + UBSan at -O1 with line tables, build/sanitize) and runs
# the CTest suite under it; any sanitizer report (memory error, leak, undefined behaviour) fails
# its test.
#
#   scripts/sanitize.sh [--jobs N] [--core | --data] [CTEST ARGUMENTS ...]
#
#   --jobs N   build and test jobs (default: nproc)
#   --core     build and run only the tests labelled `core` (readers, spec and rule parsers,
#              generators, objective, solvers, CLI; tests/CMakeLists.txt)
#   --data     build and run only the tests labelled `data` (readers, spec parser, generators,
#              real datasets), which need no multiprecision code: the subset the test command runs
#   CTEST ARGUMENTS, e.g. -R 'Readers|Solvers', narrow the tests run further.
#
# Builds and runs at nice 10 (CI machines are shared). Installs nothing: needs what
# scripts/install-deps.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc)
build_args=()
ctest_args=()
while [ $# -gt 0 ]; do
  case $1 in
    --jobs) jobs=$2; shift 2 ;;
    --core) build_args=(--target core_tests); ctest_args=(-L 'core|data'); shift ;;
    --data) build_args=(--target data_tests); ctest_args=(-L data); shift ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) break ;;
  esac
done

# halt_on_error: the first report ends the process with a failure (abort_on_error: by SIGABRT, which
# a test that expects a given exit code from the CLI cannot mistake for one). The preset builds with
# -fno-sanitize-recover=all, so UBSan stops at its first report too. Exported before the build,
# which runs the test binaries to list their tests.
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=report_objects=1

nice -n 10 cmake --preset sanitize >/dev/null
nice -n 10 cmake --build --preset sanitize -j "$jobs" "${build_args[@]}"
# --no-tests=error: a label or filter that selects nothing is a failure, not a pass.
nice -n 10 ctest --preset sanitize -j "$jobs" --no-tests=error "${ctest_args[@]}" "$@"
