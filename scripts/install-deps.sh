#!/usr/bin/env bash
# Installs the Debian packages largestep needs. Idempotent: does nothing (and needs no network)
# when every package is already installed. Must run as root (or with sudo available).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libeigen3-dev
  libbenchmark-dev libbenchmark-tools
  libgtest-dev libgmock-dev
  libboost-dev libmpfr-dev libgmp-dev
  libomp-dev
  libcli11-dev nlohmann-json3-dev libfmt-dev zlib1g-dev
  python3 python3-matplotlib python3-numpy python3-scipy
  python3-sklearn liblinear-tools python3-liblinear dataset-fashion-mnist
  clang libclang-rt-14-dev
  valgrind
  openmpi-bin libopenmpi-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present" >&2
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
