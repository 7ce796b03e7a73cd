#!/usr/bin/env bash
# Builds and runs the benchmarks with OpenBLAS's kernels chosen for this CPU.
# Usage: bench/run.sh [google-benchmark flags, e.g. --benchmark_filter=chain]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
source scripts/openblas-env.sh
build=${XGRAD_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target xgrad_bench
echo "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}" >&2
"$build"/bench/xgrad_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true "$@"
