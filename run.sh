#!/usr/bin/env bash
# Installs what is missing (Fashion-MNIST included), builds Release and runs the main example:
# an MLP trained on Fashion-MNIST. It writes results/fashion_mnist/history.svg (open it in a
# browser), history.csv and the checkpoint fashion_mnist.safetensors.
# Usage: ./run.sh [flags of examples/fashion_mnist, e.g. --epochs 30; --help lists them]
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
source scripts/openblas-env.sh
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"  # ccache hits across clones
build=${XGRAD_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target fashion_mnist
"$build"/examples/fashion_mnist "$@"
