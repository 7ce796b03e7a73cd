#pragma once
// Whether autocast can run products in reduced precision here (see core/autocast.hpp).
#include <xgrad/core/autocast.hpp>

namespace xgrad {

/// True when products run in `dtype` inside an AutocastGuard: for kBFloat16, the oneDNN GEMM
/// backend on a CPU with avx512_bf16 (or AMX). Otherwise autocast computes in float32 and the
/// first product under it warns once.
/// Example: if (!xgrad::autocast_available(xgrad::kBFloat16)) std::puts("float32 only");
bool autocast_available(AutocastDType dtype);

/// The GEMM backend this library was built with: "onednn" or "openblas".
const char* gemm_backend();

}  // namespace xgrad
