#!/usr/bin/env bash
# xgrad against libtorch (PyTorch's C++ library), same machine, same run, same BLAS.
# Builds bench/compare_bench.cpp (xgrad) and bench/torch/torch_bench.cpp (libtorch), runs each
# case alternately for ROUNDS rounds of REPS repetitions, and prints one line per case and
# thread count with the medians and their ratio, then peak memory for case 1.
#
#   bench/compare.sh            # ROUNDS=3 REPS=3 by default
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh libtorch-dev python3
source scripts/openblas-env.sh
# libtorch's best configuration on a shared 2-core box: its own pool for intra-op work, idle
# OpenMP threads that sleep instead of spinning, and single-threaded OpenBLAS underneath
# (xgrad sets OpenBLAS to one thread itself; TBB owns its parallelism).
export OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1
rounds=${ROUNDS:-3}
reps=${REPS:-3}
build=${XGRAD_BUILD_DIR:-build-compare}

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DXGRAD_BUILD_TESTS=OFF \
  -DXGRAD_BUILD_EXAMPLES=ON -DXGRAD_BENCH_TORCH=ON >/dev/null
cmake --build "$build" -j2 --target xgrad_compare_bench torch_bench fashion_mnist fashion_mnist_torch >&2
xgrad_bin="$build/bench/xgrad_compare_bench"
torch_bin="$build/bench/torch/torch_bench"
echo "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset} rounds=$rounds reps=$reps" >&2

out=$(mktemp -d)
run() {  # binary, filter, output json
  "$1" --benchmark_filter="$2" --benchmark_repetitions="$reps" --benchmark_format=json \
    >>"$3" 2>/dev/null
}
cases=(mlp_784_b128_sgd mlp_784_b128_adam mlp_10_b32_sgd mlp_10_b32_adam chain_1000 wide_8x4)
for round in $(seq "$rounds"); do
  for c in "${cases[@]}"; do
    for t in 1 2; do
      echo "round $round/$rounds: $c threads=$t" >&2
      run "$xgrad_bin" "^BM_${c}/${t}/" "$out/xgrad_${c}_${t}.json"
      run "$torch_bin" "^BM_${c}/${t}/" "$out/torch_${c}_${t}.json"
    done
  done
  run "$xgrad_bin" "^BM_gemm_floor_784/1/" "$out/xgrad_gemm_floor_784_1.json"
done

# Fashion-MNIST training throughput: the main example and the same model in libtorch, 3
# epochs each, alternately; the median epoch's samples/s.
fm_epochs=${FM_EPOCHS:-3}
fm_data=${FM_DATA:-/usr/share/datasets/fashion-mnist}
for round in $(seq "$rounds"); do
  echo "round $round/$rounds: fashion_mnist ($fm_epochs epochs each)" >&2
  fm_out="$out/fm_$round"
  "$build/examples/fashion_mnist" --data "$fm_data" --epochs "$fm_epochs" --out "$fm_out" \
    >/dev/null 2>&1
  tail -n +2 "$fm_out/history.csv" | cut -d, -f7 >>"$out/xgrad_fm.txt"
  "$build/bench/torch/fashion_mnist_torch" --data "$fm_data" --epochs "$fm_epochs" |
    grep '^epoch' | awk '{print $(NF-1)}' >>"$out/torch_fm.txt"
done

# Peak memory (max RSS) of a process that runs only case 1.
rss() { python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"; }
xgrad_rss=$(rss "$xgrad_bin" --benchmark_filter='^BM_mlp_784_b128_sgd/1/' --benchmark_min_time=1)
torch_rss=$(rss "$torch_bin" --benchmark_filter='^BM_mlp_784_b128_sgd/1/' --benchmark_min_time=1)

python3 - "$out" "$xgrad_rss" "$torch_rss" "${cases[@]}" <<'PY'
import glob, json, os, statistics, sys
out, xgrad_rss, torch_rss, cases = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
def times(path):
    """Real time per iteration in microseconds of every repetition in every round."""
    if not os.path.exists(path): return []
    text = open(path).read().replace('}\n{', '}\x00{')
    values = []
    for doc in text.split('\x00'):
        for b in json.loads(doc)['benchmarks']:
            if b.get('run_type') == 'iteration':
                scale = {'ns': 1e-3, 'us': 1.0, 'ms': 1e3, 's': 1e6}[b['time_unit']]
                values.append(b['real_time'] * scale)
    return values
def median(path):
    v = times(path)
    return statistics.median(v) if v else float('nan')
for c in cases:
    for t in (1, 2):
        x, p = median(f'{out}/xgrad_{c}_{t}.json'), median(f'{out}/torch_{c}_{t}.json')
        extra = f' xgrad_ns_per_node={x * 1e3 / 2000:.0f} torch_ns_per_node={p * 1e3 / 2000:.0f}' if c == 'chain_1000' else ''
        print(f'case={c} threads={t} xgrad_us={x:.1f} torch_us={p:.1f} ratio={x / p:.3f}{extra}')
floor = median(f'{out}/xgrad_gemm_floor_784_1.json')
step = median(f'{out}/xgrad_mlp_784_b128_sgd_1.json')
print(f'case=gemm_floor_784 threads=1 gemm_us={floor:.1f} xgrad_mlp_784_b128_sgd_us={step:.1f} ratio={step / floor:.3f}')
def fm(path):
    v = [float(line) for line in open(path) if line.strip()] if os.path.exists(path) else []
    return statistics.median(v) if v else float('nan')
x, p = fm(f'{out}/xgrad_fm.txt'), fm(f'{out}/torch_fm.txt')
print(f'case=fashion_mnist_epoch xgrad_samples_per_s={x:.0f} torch_samples_per_s={p:.0f} ratio={x / p:.3f}')
print(f'case=mlp_784_b128_sgd peak_rss xgrad_kb={xgrad_rss} torch_kb={torch_rss} ratio={xgrad_rss / torch_rss:.3f}')
PY
rm -rf "$out"
