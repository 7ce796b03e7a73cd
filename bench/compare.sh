#!/usr/bin/env bash
# xgrad against libtorch (PyTorch's C++ library), same machine, same run, same BLAS.
# Builds bench/compare_bench.cpp (xgrad) and bench/torch/torch_bench.cpp (libtorch), runs each
# case alternately for ROUNDS rounds of REPS repetitions, and prints one line per case and
# thread count with the medians and their ratio, then peak memory for case 1.
#
# libtorch is compared at its best: its matrix products get their parallelism from OpenBLAS,
# so at each thread count it runs in every configuration of TORCH_CONFIGS_<threads> below and
# each ratio is taken against the fastest one, whose name is printed (torch_config=...).
#
#   bench/compare.sh            # ROUNDS=3 REPS=3 by default
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh libtorch-dev python3
source scripts/openblas-env.sh
# xgrad runs its products on one OpenBLAS thread per TBB task (it sets that itself; TBB owns
# its parallelism). libtorch's candidate configurations per thread count, as name=environment:
# OpenBLAS threads equal to libtorch's thread count (its products use both cores), one
# OpenBLAS thread (no oversubscription against libtorch's own intra-op pool), and idle OpenMP
# threads that sleep (PASSIVE) or spin (ACTIVE).
TORCH_CONFIGS_1=("blas1_passive=OPENBLAS_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE")
TORCH_CONFIGS_2=("blas2_passive=OPENBLAS_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE"
                 "blas1_passive=OPENBLAS_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE"
                 "blas2_active=OPENBLAS_NUM_THREADS=2 OMP_WAIT_POLICY=ACTIVE")
torch_configs() {  # threads -> the configurations, one per line
  local -n configs="TORCH_CONFIGS_$1"
  printf '%s\n' "${configs[@]}"
}
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
run() {  # environment, binary, filter, output json
  # shellcheck disable=SC2086
  env $1 "$2" --benchmark_filter="$3" --benchmark_repetitions="$reps" --benchmark_format=json \
    >>"$4" 2>/dev/null
}
xgrad_env="OPENBLAS_NUM_THREADS=1"
cases=(mlp_784_b128_sgd mlp_784_b128_adam mlp_10_b32_sgd mlp_10_b32_adam chain_1000 wide_8x4)
for round in $(seq "$rounds"); do
  for c in "${cases[@]}"; do
    for t in 1 2; do
      echo "round $round/$rounds: $c threads=$t" >&2
      run "$xgrad_env" "$xgrad_bin" "^BM_${c}/${t}/" "$out/xgrad_${c}_${t}.json"
      while IFS= read -r config; do
        run "${config#*=}" "$torch_bin" "^BM_${c}/${t}/" "$out/torch_${c}_${t}@${config%%=*}.json"
      done < <(torch_configs "$t")
    done
  done
  run "$xgrad_env" "$xgrad_bin" "^BM_gemm_floor_784/1/" "$out/xgrad_gemm_floor_784_1.json"
  # The floor through xgrad's own wrapper and backend (XGRAD_GEMM), in float32 and bfloat16,
  # and the bf16 autocast step against the float32 step (run just before it, same round).
  run "$xgrad_env" "$xgrad_bin" "^BM_gemm_floor_784_backend/1/" "$out/xgrad_gemm_floor_784_backend_1.json"
  run "$xgrad_env" "$xgrad_bin" "^BM_gemm_floor_784_bf16/1/" "$out/xgrad_gemm_floor_784_bf16_1.json"
  for t in 1 2; do
    echo "round $round/$rounds: mlp_784_b128_sgd_bf16 threads=$t" >&2
    run "$xgrad_env" "$xgrad_bin" "^BM_mlp_784_b128_sgd/${t}/" "$out/xgrad_f32_pair_${t}.json"
    run "$xgrad_env" "$xgrad_bin" "^BM_mlp_784_b128_sgd_bf16/${t}/" "$out/xgrad_bf16_pair_${t}.json"
  done
done

# Fashion-MNIST training throughput: the main example and the same model in libtorch, 3
# epochs each, alternately, each at every thread count and libtorch in every configuration;
# the median epoch's samples/s, each side at its best.
fm_epochs=${FM_EPOCHS:-3}
fm_data=${FM_DATA:-/usr/share/datasets/fashion-mnist}
for round in $(seq "$rounds"); do
  echo "round $round/$rounds: fashion_mnist ($fm_epochs epochs each)" >&2
  for t in 1 2; do
    fm_out="$out/fm_${round}_$t"
    # shellcheck disable=SC2086
    env $xgrad_env "$build/examples/fashion_mnist" --data "$fm_data" --epochs "$fm_epochs" \
      --threads "$t" --out "$fm_out" >/dev/null 2>&1
    tail -n +2 "$fm_out/history.csv" | cut -d, -f7 >>"$out/xgrad_fm_$t.txt"
    while IFS= read -r config; do
      # shellcheck disable=SC2086
      env ${config#*=} "$build/bench/torch/fashion_mnist_torch" --data "$fm_data" \
        --epochs "$fm_epochs" --threads "$t" |
        grep '^epoch' | awk '{print $(NF-1)}' >>"$out/torch_fm_${t}@${config%%=*}.txt"
    done < <(torch_configs "$t")
  done
done

# Peak memory (max RSS) of a process that runs only case 1.
rss() { python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"; }
xgrad_rss=$(rss env $xgrad_env "$xgrad_bin" --benchmark_filter='^BM_mlp_784_b128_sgd/1/' --benchmark_min_time=1)
torch_rss=$(rss env OPENBLAS_NUM_THREADS=1 "$torch_bin" --benchmark_filter='^BM_mlp_784_b128_sgd/1/' --benchmark_min_time=1)

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
def best_torch(pattern, measure, better):
    """libtorch's best configuration among the files matching `pattern` (name@config.ext)."""
    found = [(measure(p), p.rsplit('@', 1)[1].rsplit('.', 1)[0]) for p in glob.glob(pattern)]
    found = [f for f in found if f[0] == f[0]]  # drop NaN
    if not found: return float('nan'), 'none'
    return better(found)
for c in cases:
    for t in (1, 2):
        x = median(f'{out}/xgrad_{c}_{t}.json')
        p, config = best_torch(f'{out}/torch_{c}_{t}@*.json', median, min)
        extra = f' xgrad_ns_per_node={x * 1e3 / 2000:.0f} torch_ns_per_node={p * 1e3 / 2000:.0f}' if c == 'chain_1000' else ''
        print(f'case={c} threads={t} xgrad_us={x:.1f} torch_us={p:.1f} ratio={x / p:.3f} torch_config={config}{extra}')
floor = median(f'{out}/xgrad_gemm_floor_784_1.json')
step = median(f'{out}/xgrad_mlp_784_b128_sgd_1.json')
print(f'case=gemm_floor_784 threads=1 gemm_us={floor:.1f} xgrad_mlp_784_b128_sgd_us={step:.1f} ratio={step / floor:.3f}')
def label(path):
    """The label the benchmark gave (the GEMM backend's name), or '?'."""
    if not os.path.exists(path): return '?'
    first = open(path).read().replace('}\n{', '}\x00{').split('\x00')[0]
    return next((b.get('label', '?') for b in json.loads(first)['benchmarks']), '?')
backend_path = f'{out}/xgrad_gemm_floor_784_backend_1.json'
backend = median(backend_path)
name = label(backend_path)
print(f'case=gemm_floor_784 backend=openblas_cblas threads=1 gemm_us={floor:.1f}')
print(f'case=gemm_floor_784 backend={name}_via_xgrad threads=1 gemm_us={backend:.1f}')
fastest = min(floor, backend)
print(f'case=mlp_784_b128_sgd_vs_fastest_floor threads=1 xgrad_us={step:.1f} floor_us={fastest:.1f} ratio={step / fastest:.3f}')
bf16_floor = median(f'{out}/xgrad_gemm_floor_784_bf16_1.json')
print(f'case=gemm_floor_784_bf16 backend={name} threads=1 bf16_us={bf16_floor:.1f} f32_us={backend:.1f} ratio={bf16_floor / backend:.3f}')
for t in (1, 2):
    f32 = median(f'{out}/xgrad_f32_pair_{t}.json')
    b16 = median(f'{out}/xgrad_bf16_pair_{t}.json')
    print(f'case=mlp_784_b128_sgd_bf16 threads={t} bf16_us={b16:.1f} f32_us={f32:.1f} ratio={b16 / f32:.3f}')
def fm(path):
    v = [float(line) for line in open(path) if line.strip()] if os.path.exists(path) else []
    return statistics.median(v) if v else float('nan')
for t in (1, 2):
    x = fm(f'{out}/xgrad_fm_{t}.txt')
    p, config = best_torch(f'{out}/torch_fm_{t}@*.txt', fm, max)
    print(f'case=fashion_mnist_epoch threads={t} xgrad_samples_per_s={x:.0f} torch_samples_per_s={p:.0f} ratio={x / p:.3f} torch_config={config}')
xb = max(fm(f'{out}/xgrad_fm_{t}.txt') for t in (1, 2))
pb = max(best_torch(f'{out}/torch_fm_{t}@*.txt', fm, max)[0] for t in (1, 2))
print(f'case=fashion_mnist_epoch best_thread_count xgrad_samples_per_s={xb:.0f} torch_samples_per_s={pb:.0f} ratio={xb / pb:.3f}')
print(f'case=mlp_784_b128_sgd peak_rss xgrad_kb={xgrad_rss} torch_kb={torch_rss} ratio={xgrad_rss / torch_rss:.3f}')
PY
rm -rf "$out"
