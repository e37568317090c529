# The main job: installs what is missing, builds, runs the claim checker and the experiments behind
# the figures (each experiment once), the kernel benchmarks, and ends with the report
# out/report/index.html (a self-contained folder: HTML, PNG figures and, under data/, every result
# file they were drawn from).
#
#   scripts/main.sh [--suite quick|paper]        (or SUITE=quick|paper; default quick)
#
# quick: the registry's quick suites (claims at lambda 1e-2 .. 1e-4; figures; the arena on
#        arena-quick), kernels of this build only, peers timed once (minutes).
# paper: the paper suites (lambda 1e-2 .. 1e-6), the arena (suite arena), kernels in every build
#        flavour, the real-size suite (`realsize`: planted dense 10^6 x 100, sparse 10^6 x 2^20, fashion:1v8; classical,
#        loc, best, Nesterov) timed to eps in every build flavour and OpenMP thread count
#        (figure 9), peers timed 5 times on the small sets and once on fashion:1v8 and planted
#        2*10^5 x 100 (an hour or more; 5 GB of memory).
# Both run the Open MPI benchmarks (stage mpi: 2 ranks of one thread; figure 11) when mpirun, a
# second core and build/release/bench/mpi/ (a build with Open MPI) are there, else say why:
# bench_reduce, and bench_data_parallel's strong and weak scaling on planted data of 100 columns
# and on sparse planted data of 32 nonzeros a row (d = 2^20 paper, 2^18 quick), 10^6 and 2*10^6
# rows (paper) or 2*10^5 and 4*10^5 rows (quick), into data/mpi/.
# The checker runs the claim suite once and writes its runs (data/runs.json, runs.csv, traces/)
# and measurements; the figures and the verdicts read those same files. The figures' own runs
# (suite figures-quick|figures-paper) go to data/figures/. The log counts the runs.
# LLC_BYTES=N sets the last-level cache size the kernel benchmarks size their data by (default
# 32 MiB, one CCX of a current server CPU: virtual machines often report the host's whole L3,
# which would make the out-of-cache data tens of GiB). Stage logs: out/logs/.
# Exit status: 0, or 1 when a claim fails in our measurements (the report is still written), or
# the failing stage's status.
set -euo pipefail
cd "$(dirname "$0")/.."

suite=${SUITE:-quick}
while [ $# -gt 0 ]; do
  case $1 in
    --suite) suite=${2:?--suite needs quick or paper}; shift 2 ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) echo "main: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case $suite in
  quick) peer_repeats=1; kernel_repetitions=3; kernel_min_time=0.05
         mpi_rows=200000; mpi_sparse_d=262144
         mpi_reduce_options=(--rows 65536 --reps 5); mpi_step_options=(--reps 3) ;;
  paper) peer_repeats=5; kernel_repetitions=5; kernel_min_time=0.1
         mpi_rows=1000000; mpi_sparse_d=1048576; mpi_reduce_options=(); mpi_step_options=() ;;
  *) echo "main: unknown suite '$suite' (quick or paper)" >&2; exit 2 ;;
esac
llc=${LLC_BYTES:-33554432}

largestep=build/release/src/largestep
report=out/report
work=out/report.partial  # renamed to out/report at the end: a stopped run leaves no half report
data=$work/data
logs=out/logs
stages=11
[ "$suite" = quick ] || stages=12
stage_number=0
start=$SECONDS

# stage NAME COMMAND...: runs COMMAND with its output in out/logs/NAME.log, one line of progress.
stage() {
  local name=$1 log=$logs/$1.log t0=$SECONDS status=0
  shift
  stage_number=$((stage_number + 1))
  printf '[%2d/%d] %-34s' "$stage_number" "$stages" "$name" >&2
  "$@" >"$log" 2>&1 || status=$?
  printf ' %4ds  (total %ds)\n' $((SECONDS - t0)) $((SECONDS - start)) >&2
  if [ "$status" -ne 0 ] && ! { [ "$name" = checker ] && [ "$status" -eq 1 ]; }; then
    echo "main: stage '$name' failed with status $status; the end of $log:" >&2
    tail -n 20 "$log" >&2
    exit "$status"
  fi
  return "$status"
}

build() {
  # New build trees use Ninja (as scripts/test.sh); existing trees keep their generator.
  CMAKE_GENERATOR="${CMAKE_GENERATOR:-Ninja}" cmake --preset release
  cmake --build --preset release -j "$(nproc)"
}

kernels() {
  if [ "$suite" = quick ]; then
    "build/release/bench/bench_kernels" --benchmark_repetitions="$kernel_repetitions" \
      --benchmark_min_time="$kernel_min_time" --llc_bytes="$llc" \
      --benchmark_out="$data/kernels_release.json" --benchmark_out_format=json
  else
    bash scripts/flavours.sh --repetitions "$kernel_repetitions" --min-time "$kernel_min_time" \
      --llc-bytes "$llc" --time-to-eps realsize --out "$work/flavours"
    cp "$work"/flavours/kernels_*.json "$work"/flavours/time_to_eps_*.json "$data/"
  fi
}

# mpi_not_run: why the Open MPI benchmarks cannot run here, or nothing when they can.
mpi_bin=build/release/bench/mpi
mpi_not_run() {
  if ! command -v mpirun >/dev/null; then
    echo "no mpirun (Open MPI is not installed: openmpi-bin)"
  elif [ ! -x "$mpi_bin/bench_reduce" ] || [ ! -x "$mpi_bin/bench_data_parallel" ]; then
    echo "no $mpi_bin/bench_reduce or bench_data_parallel (the build found no Open MPI)"
  elif [ "$(nproc)" -lt 2 ]; then
    echo "one core: 2 ranks would share it, and their times would mean nothing"
  fi
}

# The Open MPI benchmarks, 2 ranks of one thread each, into data/mpi/ (the report's figure 11):
# the reduction alone, then one GD step's rows shared, strong scaling (the same rows as rank 0
# alone) and weak (twice the rows; rank 0 alone gets half), on dense planted data of 100 columns
# and on sparse planted data of 32 nonzeros a row (the real-size sparse set in the paper profile;
# d = 2^18 at 2 x 10^5 rows in the quick one, so that its nonzeros still make two row blocks or
# more: objective.h, sparse_block_rows). `|| return`: set -e does not act in a function that
# stage() calls in a condition.
mpi_benchmarks() {
  local run=(mpirun --allow-run-as-root -np 2 -x OMP_NUM_THREADS=1)
  mkdir -p "$data/mpi"
  "${run[@]}" "$mpi_bin/bench_reduce" --out "$data/mpi/reduce.json" \
    "${mpi_reduce_options[@]}" || return
  "${run[@]}" "$mpi_bin/bench_data_parallel" --data "planted:n=$mpi_rows,d=100,seed=1" \
    --scaling strong --out "$data/mpi/data_parallel_strong.json" "${mpi_step_options[@]}" || return
  "${run[@]}" "$mpi_bin/bench_data_parallel" --data "planted:n=$((2 * mpi_rows)),d=100,seed=1" \
    --scaling weak --out "$data/mpi/data_parallel_weak.json" "${mpi_step_options[@]}" || return
  local sparse="d=$mpi_sparse_d,nnz=32,gamma=0.0001,seed=1"
  "${run[@]}" "$mpi_bin/bench_data_parallel" --data "planted:n=$mpi_rows,$sparse" \
    --scaling strong --out "$data/mpi/data_parallel_strong_sparse.json" \
    "${mpi_step_options[@]}" || return
  "${run[@]}" "$mpi_bin/bench_data_parallel" --data "planted:n=$((2 * mpi_rows)),$sparse" \
    --scaling weak --out "$data/mpi/data_parallel_weak_sparse.json" "${mpi_step_options[@]}"
}

# The method table the figures name and order their methods by.
write_methods() {
  "$largestep" methods --json >"$data/methods.json"
}

# runs DIR: the number of runs in DIR/runs.json.
runs() {
  /usr/bin/python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["runs"]))' "$1/runs.json"
}

mkdir -p "$logs"
rm -rf "$work"
mkdir -p "$data"
echo "main: suite $suite; logs in $logs/; report in $report/" >&2
stage install-deps bash scripts/install-deps.sh
stage build build
checker_status=0
stage checker "$largestep" verify --suite "$suite" --out "$data" || checker_status=$?
stage methods-table write_methods
stage figure-runs "$largestep" sweep --suite "figures-$suite" --out "$data/figures" --progress
echo "main: runs: $(runs "$data") of the claim suite '$suite' + $(runs "$data/figures") of \
figures-$suite, each experiment once" >&2
# The stepsize arena: every method on every cell (arena-quick: seconds; arena: tens of minutes).
arena_suite=arena-quick
[ "$suite" = quick ] || arena_suite=arena
stage arena "$largestep" arena --progress --suite "$arena_suite" --out "$data/arena"
stage bifurcation "$largestep" bifurcation --progress --data oned --lambda 1e-3 --from 0.8 --to 1.6 \
  --count 241 --steps 4000 --last 64 --out "$data/bifurcation.csv"
stage kernel-benchmarks kernels
mpi_why=$(mpi_not_run)
if [ -z "$mpi_why" ]; then
  stage mpi mpi_benchmarks
else  # nothing written: the report says the stage did not run
  stage mpi echo "mpi: not run: $mpi_why"
  echo "main: mpi: not run: $mpi_why (the report says so)" >&2
fi
stage peers /usr/bin/python3 peers/compare.py --out "$data" --largestep "$largestep" \
  --datasets digits:0v8 --datasets breast_cancer --datasets heart_scale --lambdas 1e-3,1e-5 \
  --repeats "$peer_repeats"
if [ "$suite" = paper ]; then
  # Real-size peers, timed once (a numpy GD run there takes minutes): their own directory.
  stage peers-real-size /usr/bin/python3 peers/compare.py --out "$data/peers-real-size" \
    --largestep "$largestep" --datasets fashion:1v8 --datasets 'planted:n=200000,d=100' \
    --lambdas 1e-3 --repeats 1
fi
stage report /usr/bin/python3 plots/report.py --data "$data" --out "$work"
rm -rf "$work/flavours" "$report"
mv "$work" "$report"

counts=$(/usr/bin/python3 -c 'import json, sys; c = json.load(open(sys.argv[1]))["counts"]
print("%d pass, %d fail, %d inconclusive" % (c["pass"], c["fail"], c["inconclusive"]))' \
  "$report/data/verdicts.json")
echo "main: claims: $counts; report: $report/index.html ($((SECONDS - start)) s)"
if [ "$checker_status" -eq 1 ]; then
  echo "main: some claims FAIL in our measurements (see the report's verdict table); exit 1"
fi
exit "$checker_status"
