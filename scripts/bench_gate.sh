#!/usr/bin/env bash
# The benchmark regression gate.
#
#   scripts/bench_gate.sh compare BASELINE.json CANDIDATE.json [--threshold 0.10] [--alpha 0.05]
#                                 [--timing gate|report]
#       Compares two Google Benchmark JSON files of the same flavour (bench/gate.py): exit 1 when
#       a deterministic counter (steps-to-eps) differs or a median time is significantly slower
#       (Mann-Whitney U over the repetitions) beyond the threshold; 2 when it refuses.
#   scripts/bench_gate.sh ci [--build-dir build/release] [--update-baseline]
#       The CI profile: runs bench_time_to_eps on the registry's quick suite (5 repetitions) and
#       gates its step counts against bench/baselines/ci_quick.json; times are reported, never
#       failed on (CI machines are noisy). --update-baseline rewrites the baseline instead.
#   scripts/bench_gate.sh counts [--flavour baseline|avx2] [--threshold 0.01] [--update-baseline]
#                                [--summary FILE.md] [--bmf FILE.json] [--filter SUBSTR[,..]]
#                                [--build-dir DIR]
#       The instruction-count gate: builds bench_counts in the flavour's build directory (baseline:
#       build/release, avx2: build/avx2), counts its fixed work under callgrind (bench/counts.py)
#       and compares the Ir with bench/baselines/counts_<flavour>.json: exit 1 when a count grew
#       by more than the threshold (default 1%) or is missing, 2 when it refuses: valgrind
#       missing, a flavour valgrind cannot run (native: AVX-512; avx2 without avx2+fma on this
#       CPU), or a baseline of another flavour, compiler or valgrind version. --summary writes a
#       markdown verdict for a pull-request comment, --bmf the counts as Bencher Metric Format.
#       --update-baseline rewrites the flavour's baseline instead (commit it; the diff shows the
#       counts). --filter counts a subset (compared on that subset; never with --update-baseline).
#   scripts/bench_gate.sh ab BASE [--build-dir build/release] [bench/ab.py options: --pairs 30
#                            --filter REGEX --threshold 0.03 --alpha 0.05 --report ...]
#       Paired A/B timing against a base commit: builds bench_kernels at BASE in a git worktree
#       (out/ab/<commit>, kept for the next run) and at the head (the working tree's build
#       directory), then runs both interleaved, pair by pair in random order, and judges the
#       ratios head/base (bench/ab.py: median ratio, its confidence interval, a sign test): exit 1
#       on a significant slowdown beyond the threshold (--report: never), 2 on bad input.
set -euo pipefail
cd "$(dirname "$0")/.."
python=/usr/bin/python3
baseline=bench/baselines/ci_quick.json

mode=${1:-}
[ $# -gt 0 ] && shift
case $mode in
  compare)
    exec "$python" bench/gate.py "$@"
    ;;
  ci)
    build_dir=build/release
    update=0
    while [ $# -gt 0 ]; do
      case $1 in
        --build-dir) build_dir=$2; shift 2 ;;
        --update-baseline) update=1; shift ;;
        *) echo "bench_gate: unknown option $1" >&2; exit 2 ;;
      esac
    done
    bench="$build_dir/bench/bench_time_to_eps"
    if [ ! -x "$bench" ]; then
      echo "bench_gate: $bench not built (cmake --build $build_dir --target bench_time_to_eps)" >&2
      exit 2
    fi
    mkdir -p out/bench
    candidate=out/bench/ci_quick.json
    "$bench" --suite=quick --benchmark_repetitions=5 --benchmark_min_time=0.02 \
      --benchmark_out="$candidate" --benchmark_out_format=json >out/bench/ci_quick.txt 2>&1
    if [ $update -eq 1 ]; then
      cp "$candidate" "$baseline"
      echo "bench_gate: wrote $baseline ($(grep -o '"flavour": "[^"]*"' "$baseline"))"
      exit 0
    fi
    exec "$python" bench/gate.py "$baseline" "$candidate" --timing report
    ;;
  counts)
    flavour=baseline
    build_dir=
    update=0
    compare_args=()
    run_args=()
    while [ $# -gt 0 ]; do
      if [[ $1 != --update-baseline && $# -lt 2 ]]; then
        echo "bench_gate: $1 needs a value" >&2
        exit 2
      fi
      case $1 in
        --flavour) flavour=$2; shift 2 ;;
        --threshold|--summary|--bmf) compare_args+=("$1" "$2"); shift 2 ;;
        --filter) run_args+=(--filter "$2"); shift 2 ;;
        --build-dir) build_dir=$2; shift 2 ;;
        --update-baseline) update=1; shift ;;
        *) echo "bench_gate: unknown option $1" >&2; exit 2 ;;
      esac
    done
    cpu_flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
    case $flavour in
      baseline) preset=release ;;
      avx2)
        preset=avx2
        if [[ $cpu_flags != *" avx2 "* || $cpu_flags != *" fma "* ]]; then
          echo "bench_gate: cannot count the avx2 flavour: the CPU lacks avx2 or fma" \
               "(/proc/cpuinfo)" >&2
          exit 2
        fi
        ;;
      native|native-openmp)
        echo "bench_gate: the native flavour is never counted: valgrind has no AVX-512, which" \
             "-march=native may use" >&2
        exit 2 ;;
      *) echo "bench_gate: --flavour must be baseline or avx2, got '$flavour'" >&2; exit 2 ;;
    esac
    if ! command -v valgrind >/dev/null; then
      echo "bench_gate: valgrind not found (Debian: apt-get install valgrind)" >&2
      exit 2
    fi
    if [ $update -eq 1 ] && [ ${#run_args[@]} -gt 0 ]; then
      echo "bench_gate: --update-baseline counts every benchmark; drop --filter" >&2
      exit 2
    fi
    # Always (re)build: counting a stale binary would judge the wrong code.
    mkdir -p out/bench
    [ -n "$build_dir" ] || build_dir=build/$preset
    if [ ! -f "$build_dir/CMakeCache.txt" ]; then
      cmake --preset "$preset" -B "$build_dir" >/dev/null
    fi
    if ! cmake --build "$build_dir" -j "${LARGESTEP_JOBS:-$(nproc)}" --target bench_counts \
        >out/bench/counts_build.log 2>&1; then
      echo "bench_gate: building bench_counts in $build_dir failed (out/bench/counts_build.log)" >&2
      exit 2
    fi
    counts_baseline=bench/baselines/counts_$flavour.json
    candidate=out/bench/counts_$flavour.json
    "$python" bench/counts.py run --bench "$build_dir/bench/bench_counts" --out "$candidate" \
      "${run_args[@]}"
    if [ $update -eq 1 ]; then
      cp "$candidate" "$counts_baseline"
      echo "bench_gate: wrote $counts_baseline; review its diff and commit it"
      exit 0
    fi
    if [ ! -f "$counts_baseline" ]; then
      echo "bench_gate: no baseline $counts_baseline (make one: $0 counts --flavour $flavour" \
           "--update-baseline)" >&2
      exit 2
    fi
    exec "$python" bench/counts.py compare "$counts_baseline" "$candidate" "${compare_args[@]}"
    ;;
  ab)
    if [ $# -lt 1 ] || [[ $1 == -* ]]; then
      echo "bench_gate: ab needs a base commit (e.g. bench_gate.sh ab origin/main)" >&2
      exit 2
    fi
    if ! base_commit=$(git rev-parse --verify --quiet "$1^{commit}"); then
      echo "bench_gate: '$1' is not a commit" >&2
      exit 2
    fi
    shift
    head_dir=build/release
    if [ "${1:-}" = --build-dir ]; then head_dir=$2; shift 2; fi
    jobs=${LARGESTEP_JOBS:-$(nproc)}
    base_tree=out/ab/$base_commit
    mkdir -p out/ab
    if [ ! -d "$base_tree" ]; then
      git worktree add --quiet --detach "$base_tree" "$base_commit" >/dev/null
    fi
    base_log=out/ab/build_${base_commit:0:12}.log
    # Only the kernel library and the bench: no tests, no multiprecision code.
    if ! { cmake -S "$base_tree" -B "$base_tree/build" -DCMAKE_BUILD_TYPE=Release \
             -DLARGESTEP_BUILD_TESTS=OFF &&
           cmake --build "$base_tree/build" -j "$jobs" --target bench_kernels; } >"$base_log" 2>&1
    then
      echo "bench_gate: building bench_kernels at ${base_commit:0:12} failed ($base_log)" >&2
      exit 2
    fi
    [ -f "$head_dir/CMakeCache.txt" ] || cmake --preset release -B "$head_dir" >/dev/null
    if ! cmake --build "$head_dir" -j "$jobs" --target bench_kernels >out/ab/build_head.log 2>&1
    then
      echo "bench_gate: building bench_kernels in $head_dir failed (out/ab/build_head.log)" >&2
      exit 2
    fi
    echo "bench_gate: ab: base ${base_commit:0:12} ($base_tree), head $(git rev-parse --short HEAD)"
    exec "$python" bench/ab.py "$base_tree/build/bench/bench_kernels" \
      "$head_dir/bench/bench_kernels" "$@"
    ;;
  *)
    awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0" >&2
    exit 2
    ;;
esac
