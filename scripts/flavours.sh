#!/usr/bin/env bash
# Builds bench_kernels in every build flavour, each in its own directory (the CMake presets
# scalar, release = baseline, avx2, native, native-openmp -> build/<preset>), runs it with
# repetitions, writes one Google Benchmark JSON per flavour (its context names the flavour,
# compiler, CPU and commit) and prints the speedups over scalar and the five target ratios.
# Every bench_kernels run also surveys the machine's streaming read (several loops, 1..N
# threads); the best over the flavours is the machine's read limit, written to
# OUT/read_bandwidth.json and stamped into every kernels_<preset>.json (machine_read_GBps), so
# that each flavour's kernel is compared with that one number (bench/machine_read.py).
# OpenMP threads wait passively (OMP_WAIT_POLICY=passive unless set): on a loaded machine a
# spinning team made 2-thread calls 40x slower than 1-thread ones.
#
#   scripts/flavours.sh [--repetitions 5] [--min-time 0.2] [--filter REGEX] [--out out/bench]
#                       [--jobs N] [--llc-bytes N] [--time-to-eps SUITE [--no-kernels]]
#                       [PRESET ...]
#
# --time-to-eps SUITE also runs bench_time_to_eps on that registry suite (e.g. realsize) in every
# flavour, once (its runs take seconds to minutes each; the time is a single wall-clock run):
# out/time_to_eps_<preset>.json, and for an OpenMP flavour one file per thread count,
# time_to_eps_<preset>-t1.json .. -t<nproc>.json. Prints their table (plots/time_to_eps.py).
# --no-kernels skips bench_kernels. The references the suite needs are computed on the first
# flavour and read from the cache by the others (LARGESTEP_CACHE_DIR).
#
# A flavour this CPU cannot run (avx2 without avx2+fma in /proc/cpuinfo) or this compiler cannot
# build (OpenMP missing) is skipped with a message. Needs what scripts/install-deps.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."

repetitions=5
min_time=0.2
filter=.
out=out/bench
jobs=$(nproc)
bench_args=()
presets=()
time_to_eps=
kernels=1
while [ $# -gt 0 ]; do
  case $1 in
    --repetitions) repetitions=$2; shift 2 ;;
    --min-time) min_time=$2; shift 2 ;;
    --filter) filter=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --llc-bytes) bench_args+=("--llc_bytes=$2"); shift 2 ;;
    --time-to-eps) time_to_eps=${2:?--time-to-eps needs a suite name}; shift 2 ;;
    --no-kernels) kernels=0; shift ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    -*) echo "flavours: unknown option $1" >&2; exit 2 ;;
    *) presets+=("$1"); shift ;;
  esac
done
[ ${#presets[@]} -gt 0 ] || presets=(scalar release avx2 native native-openmp)
if [ "$kernels" = 0 ] && [ -z "$time_to_eps" ]; then
  echo "flavours: --no-kernels leaves nothing to run without --time-to-eps SUITE" >&2
  exit 2
fi
targets=()
[ "$kernels" = 0 ] || targets+=(bench_kernels)
[ -z "$time_to_eps" ] || targets+=(bench_time_to_eps)

cpu_flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
has_flag() { [[ $cpu_flags == *" $1 "* ]]; }

# Prints why this machine cannot run the preset's flavour; silent (status 0) when it can.
why_unsupported() {
  case $1 in
    scalar|release) ;;
    avx2) has_flag avx2 && has_flag fma || echo "the CPU lacks avx2 or fma (/proc/cpuinfo)" ;;
    # -march=native targets the machine that builds, which is the one that runs.
    native|native-openmp) ;;
    *) echo "unknown preset (known: scalar release avx2 native native-openmp)" ;;
  esac
  if [[ $1 == *openmp* ]] &&
      ! echo 'int main() {}' | c++ -fopenmp -x c++ - -o /dev/null 2>/dev/null; then
    echo "the compiler cannot build OpenMP programs (-fopenmp)"
  fi
}

mkdir -p "$out"
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
written=()
tte_written=()
for preset in "${presets[@]}"; do
  reason=$(why_unsupported "$preset")
  if [ -n "$reason" ]; then
    echo "flavours: skipping $preset: $reason"
    continue
  fi
  log="$out/kernels_$preset.log"
  echo "flavours: $preset: building build/$preset (log: $log)"
  if ! { cmake --preset "$preset" &&
          cmake --build "build/$preset" -j "$jobs" --target "${targets[@]}"; } >"$log" 2>&1; then
    echo "flavours: skipping $preset: the build failed (see $log)"
    continue
  fi
  if [ -n "$time_to_eps" ]; then
    thread_counts=(1)
    [[ $preset != *openmp* ]] || thread_counts=($(seq 1 "$(nproc)"))
    for threads in "${thread_counts[@]}"; do
      tte="$out/time_to_eps_$preset.json"
      [[ $preset != *openmp* ]] || tte="$out/time_to_eps_$preset-t$threads.json"
      echo "flavours: $preset: running bench_time_to_eps --suite=$time_to_eps ($threads" \
        "thread(s), load $(cut -d' ' -f1 /proc/loadavg))"
      if ! OMP_NUM_THREADS=$threads "build/$preset/bench/bench_time_to_eps" \
          --suite="$time_to_eps" --benchmark_min_time=0.01 --benchmark_out="$tte" \
          --benchmark_out_format=json >>"$log" 2>&1; then
        echo "flavours: $preset: bench_time_to_eps failed (see $log)" >&2
        exit 1
      fi
      tte_written+=("$tte")
    done
  fi
  [ "$kernels" = 1 ] || continue
  json="$out/kernels_$preset.json"
  load=$(cut -d' ' -f1 /proc/loadavg)
  echo "flavours: $preset: running bench_kernels ($repetitions repetitions, load $load)"
  # Another runnable process can put both OpenMP threads on one core, where a spinning barrier
  # turns a 2x speedup into a 10x slowdown: threaded timings need idle cores.
  if awk -v l="$load" 'BEGIN { exit !(l >= 0.5) }'; then
    echo "flavours: warning: load $load; timings will be noisy, threaded ones especially"
  fi
  "build/$preset/bench/bench_kernels" --benchmark_repetitions="$repetitions" \
    --benchmark_min_time="$min_time" --benchmark_filter="$filter" \
    --benchmark_out="$json" --benchmark_out_format=json "${bench_args[@]}" >>"$log" 2>&1
  written+=("$json")
done

if [ $((${#written[@]} + ${#tte_written[@]})) -eq 0 ]; then
  echo "flavours: no flavour ran" >&2
  exit 1
fi
echo
if [ ${#written[@]} -gt 0 ]; then
  /usr/bin/python3 bench/machine_read.py "$out/read_bandwidth.json" "${written[@]}"
  /usr/bin/python3 bench/flavour_report.py "${written[@]}"
fi
[ ${#tte_written[@]} -eq 0 ] || /usr/bin/python3 plots/time_to_eps.py "$out"
