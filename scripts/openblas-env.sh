# Sourced by run.sh and the benchmarks (never by the tests): Debian's OpenBLAS 0.3.21 does
# not recognise recent CPUs and falls back to its slow "Prescott" kernels. Pick the kernel
# family from the CPU's flags unless the user already chose one.
if [ -z "${OPENBLAS_CORETYPE:-}" ]; then
  if grep -qw avx512f /proc/cpuinfo 2>/dev/null; then
    export OPENBLAS_CORETYPE=SkylakeX
  elif grep -qw avx2 /proc/cpuinfo 2>/dev/null; then
    export OPENBLAS_CORETYPE=Haswell
  fi
fi
