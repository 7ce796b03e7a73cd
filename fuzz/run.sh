#!/usr/bin/env bash
# Builds the libFuzzer targets with clang under ASan+UBSan and runs each for a bounded time on
# a copy of its seed corpus (fuzz/corpus/<target>). A crash stops the run with the reproducer
# saved as build-fuzz/crash-<target>-*; add it to the regression tests.
# Usage: fuzz/run.sh [seconds per target, default 60]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
build=${XGRAD_FUZZ_BUILD_DIR:-build-fuzz}
# -O1 -g1 (libFuzzer's advice is -O1 or more; line tables are enough for crash reports) compiles
# about 2.7x faster than RelWithDebInfo's -O2 -g. GEMM on OpenBLAS: the fuzzed readers do no
# products, and under clang CMake finds LLVM's libomp, which would sit beside the libgomp that
# Debian's oneDNN uses.
# The library is a unity build (8 files per translation unit: the headers are parsed ~16 times,
# not ~126; see CMakeLists.txt).
CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DXGRAD_GEMM=openblas -DCMAKE_UNITY_BUILD=ON \
  -DXGRAD_SANITIZE=address -DXGRAD_FUZZ=ON -DXGRAD_BUILD_TESTS=OFF -DXGRAD_BUILD_EXAMPLES=OFF \
  -DXGRAD_BUILD_BENCH=OFF -DXGRAD_WITH_MPI=OFF >/dev/null
targets=(safetensors optimizer_state idx csv)
cmake --build "$build" -j2 --target "${targets[@]/%/_fuzz}"

# Allocations that fail must reach xgrad's OutOfMemoryError, not abort in the sanitizer.
export ASAN_OPTIONS=allocator_may_return_null=1:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Two targets at a time (the machine has 2 cores; libFuzzer runs one process on one core), each
# for the full time; a target's report is printed when it ends, and a crash fails the run after
# both end.
fuzz_one() {  # target
  local t=$1 corpus log runs speed rc=0
  corpus=$(mktemp -d)
  cp fuzz/corpus/"$t"/* "$corpus"/
  log="$build/$t.log"
  "$build/fuzz/${t}_fuzz" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$build/crash-$t-" >"$log" 2>&1 || rc=$?
  echo "== fuzz $t for ${seconds}s"
  if [ "$rc" -ne 0 ]; then
    tail -n 60 "$log"
    echo "fuzz: $t found a crash (reproducer: $build/crash-$t-*)" >&2
    return 1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  echo "   $runs runs, $speed exec/s, corpus $(find "$corpus" -type f | wc -l) files"
  rm -rf "$corpus"
}
export -f fuzz_one
export build seconds
printf '%s\n' "${targets[@]}" | xargs -P2 -I{} bash -c 'fuzz_one "$1"' _ {}
