#!/usr/bin/env bash
# Installs what is missing, builds (Release) and runs the whole test suite through CTest.
# Usage: ./test.sh            (XGRAD_BUILD_DIR, CMAKE_ARGS may override the build)
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"  # ccache hits across clones
export CCACHE_SLOPPINESS="${CCACHE_SLOPPINESS:-pch_defines,time_macros}"  # tests use precompiled headers
build=${XGRAD_BUILD_DIR:-build}
# shellcheck disable=SC2086
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release ${CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j2
ctest --test-dir "$build" --output-on-failure -j2
