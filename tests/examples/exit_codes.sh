#!/usr/bin/env bash
# Every example fails cleanly on bad input: exit code 1 (or CLI11's for a bad flag) with a
# message a user can act on, never a crash or abort (exit >= 128), and never runs a command
# smuggled into a path. Usage: exit_codes.sh BUILD/examples
set -uo pipefail
bin=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

# expect NAME EXPECTED_CODE TEXT_IN_STDERR -- command...: runs it, checks the code and message.
expect() {
  local name=$1 code=$2 text=$3
  shift 4
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  if [ "$got" -ne "$code" ] || ! grep -qF -- "$text" "$work/err"; then
    echo "FAIL $name: exit $got (expected $code), stderr:" >&2
    head -c 600 "$work/err" >&2
    echo >&2
    failures=$((failures + 1))
  else
    echo "ok   $name: $(head -c 160 "$work/err" | tr '\n' ' ')"
  fi
}

# A safetensors file of header text $1 and no data: the 8-byte little-endian length, the text.
safetensors_with_header() {
  local header=$1 path=$2
  local n=${#header}
  printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x\\x00\\x00\\x00\\x00' \
    $((n & 255)) $(((n >> 8) & 255)) $(((n >> 16) & 255)) $(((n >> 24) & 255)))" >"$path"
  printf '%s' "$header" >>"$path"
}

expect "mlp_regression writing into /proc" 1 "mlp_regression: " -- \
  "$bin/mlp_regression" --steps 2 --out /proc
expect "custom_op into a missing directory" 1 "custom_op: " -- \
  "$bin/custom_op" --steps 2 --out "$work/missing/x"

# A path that would run a command if it went through a shell.
evil="$work/x'\$(touch $work/INJECTED)'"
mkdir -p "$evil"
"$bin/custom_op" --steps 2 --out "$evil" >/dev/null 2>&1
if [ -e "$work/INJECTED" ]; then
  echo "FAIL custom_op ran a command embedded in --out" >&2
  failures=$((failures + 1))
else
  echo "ok   custom_op --out with \$(...) in the path runs nothing"
fi

expect "fashion_mnist --epochs -1" 105 "must be a whole number in [1, 100000], got -1" -- \
  "$bin/fashion_mnist" --epochs -1
expect "fashion_mnist --lr -1" 105 "must be a positive number" -- "$bin/fashion_mnist" --lr -1
expect "fashion_mnist --hidden 2^40" 105 "[1, 1000000]" -- \
  "$bin/fashion_mnist" --hidden 1099511627776

safetensors_with_header '{"__metadata__":{"hidden":"12,abc"}}' "$work/bad_hidden.safetensors"
expect "fashion_mnist --evaluate with bad hidden metadata" 1 "is not a comma-separated list" -- \
  "$bin/fashion_mnist" --synthetic --limit 100 --out "$work/fm" \
  --evaluate "$work/bad_hidden.safetensors"

expect "explain_fashion_mnist with bad hidden metadata" 1 "is not a comma-separated list" -- \
  "$bin/explain_fashion_mnist" --checkpoint "$work/bad_hidden.safetensors" \
  --data "$work/fm/synthetic-data" --out "$work/explain"
expect "gradient_health --every 0" 105 "must be a whole number in [1, 100000], got 0" -- \
  "$bin/gradient_health" --every 0

# A header of 100,000 nested arrays.
deep=$(printf '%*s' 100000 '' | tr ' ' '[')1$(printf '%*s' 100000 '' | tr ' ' ']')
safetensors_with_header "{\"w\":{\"dtype\":\"F32\",\"shape\":$deep,\"data_offsets\":[0,4]}}" \
  "$work/deep.safetensors"
expect "fashion_mnist --evaluate on a deeply nested header" 1 "nested deeper than 64 levels" -- \
  "$bin/fashion_mnist" --synthetic --limit 100 --out "$work/fm" --evaluate "$work/deep.safetensors"

expect "tune_fashion_mnist --trials 0" 105 "[1, 100000]" -- "$bin/tune_fashion_mnist" --trials 0
expect "tune_fashion_mnist --sampler bayes" 1 "unknown sampler 'bayes'" -- \
  "$bin/tune_fashion_mnist" --synthetic --out "$work/tfm" --sampler bayes
expect "tune_fashion_mnist --storage in a missing directory" 1 "cannot open" -- \
  "$bin/tune_fashion_mnist" --synthetic --out "$work/tfm" --storage "sqlite:$work/missing/s.db"

[ "$failures" -eq 0 ] && echo "all example exit codes as expected"
exit "$failures"
