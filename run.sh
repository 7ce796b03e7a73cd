#!/usr/bin/env bash
# Installs what is missing, builds Release and runs the main example.
# Usage: ./run.sh [example flags]
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
source scripts/openblas-env.sh
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"  # ccache hits across clones
build=${XGRAD_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target linear_regression
"$build"/examples/linear_regression "$@"
