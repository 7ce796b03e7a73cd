#!/usr/bin/env bash
# Installs the Debian packages xgrad needs, and only those that are missing.
# Does nothing (and needs no network) when everything is already there.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libxtensor-dev libxtensor-blas-dev libxsimd-dev xtl-dev
  libfmt-dev libtbb-dev libgtest-dev libgmock-dev libbenchmark-dev
  libopenblas-dev libdnnl-dev nlohmann-json3-dev libcli11-dev graphviz
  zlib1g-dev dataset-fashion-mnist openmpi-bin libopenmpi-dev
  libsqlite3-dev               # tune/: studies kept in SQLite
  clang libclang-rt-14-dev   # fuzz/run.sh: libFuzzer targets built with clang
)
packages+=("$@")  # callers may add their own (e.g. graphviz for examples)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
