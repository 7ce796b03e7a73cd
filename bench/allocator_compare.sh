#!/usr/bin/env bash
# The caching allocator against what it replaced (issue 12 item 7), same binary, same run:
#   cache    the default: tensor storage through xgrad's caching allocator, glibc untouched
#   tuned    no cache (XGRAD_CACHE_LIMIT=0), glibc's mmap/trim thresholds raised as the old
#            static initialiser did with mallopt (here through GLIBC_TUNABLES, the same values)
#   plain    no cache, glibc's defaults (what a step cost before either)
# Runs compare_bench's MLP step (784-256-256-10, batch 128, SGD) and one-thread and two-thread
# variants, ROUNDS interleaved rounds of REPS repetitions, and prints medians and ratios.
#
#   bench/allocator_compare.sh [build-dir]      # ROUNDS=5 REPS=3 by default
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/openblas-env.sh
build=${1:-build}
bin="$build/bench/xgrad_compare_bench"
rounds=${ROUNDS:-5}
reps=${REPS:-3}
tuned="GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824"
declare -A envs=([cache]="OPENBLAS_NUM_THREADS=1" [tuned]="OPENBLAS_NUM_THREADS=1 XGRAD_CACHE_LIMIT=0 $tuned"
                 [plain]="OPENBLAS_NUM_THREADS=1 XGRAD_CACHE_LIMIT=0")
out=$(mktemp -d)
echo "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset} rounds=$rounds reps=$reps" >&2
for round in $(seq "$rounds"); do
  for t in 1 2; do
    for cfg in cache tuned plain; do
      echo "round $round/$rounds: threads=$t $cfg" >&2
      # shellcheck disable=SC2086
      env ${envs[$cfg]} "$bin" --benchmark_filter="^BM_mlp_784_b128_sgd/${t}/" \
        --benchmark_repetitions="$reps" --benchmark_format=json >>"$out/${cfg}_${t}.json" 2>/dev/null
    done
  done
done
python3 - "$out" <<'PY'
import glob, json, re, statistics, sys
out = sys.argv[1]
def times(path, key):
    text = open(path).read()
    docs = [json.loads(d) for d in re.split(r'(?<=\})\s*(?=\{\s*"context")', text) if d.strip()]
    return [b[key] for d in docs for b in d['benchmarks'] if b.get('run_type') == 'iteration']
# real_time is what a user waits; cpu_time (the calling thread's, kernel time in page faults
# included) is steadier on a shared machine, and at 1 thread it is the whole step.
for t in (1, 2):
    for key in ('real_time', 'cpu_time'):
        m = {c: statistics.median(times(f'{out}/{c}_{t}.json', key)) for c in ('cache', 'tuned', 'plain')}
        print(f"case=mlp_784_b128_sgd threads={t} {key} cache_us={m['cache']:.1f} "
              f"tuned_us={m['tuned']:.1f} plain_us={m['plain']:.1f} "
              f"cache/tuned={m['cache'] / m['tuned']:.3f} cache/plain={m['cache'] / m['plain']:.3f}")
PY
