#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs the demonstration: classical vs large
# stepsize GD on the hard dataset, then the registry's quick suite as a tidy CSV in out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc)
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs"
largestep=build/release/src/largestep
mkdir -p out

echo "== dataset"
"$largestep" data describe hard:gamma=0.1 --lambda 1e-4
for stepsize in "--rule classical" "--eta 100" "--rule s2"; do
  echo
  echo "== GD on hard:gamma=0.1, lambda = 1e-4, $stepsize"
  # shellcheck disable=SC2086
  "$largestep" run --data hard:gamma=0.1 --lambda 1e-4 $stepsize --trace "out/trace_${stepsize##* }.csv"
done
echo
echo "== registry suite 'quick' -> out/quick.csv"
"$largestep" sweep --suite quick --out out/quick.csv
echo
column -s, -t < <(cut -d, -f1,6,7,8,14,17,18 out/quick.csv)
