// Process-wide facts and settings: CUDA availability, thread count, library version.
#include "shim.h"

#include <ATen/Parallel.h>

#if __has_include(<torch/version.h>)
#include <torch/version.h>
#endif

MDSL_API int32_t mdsl_cuda_available() {
  try {
    return at::hasCUDA() ? 1 : 0;
  } catch (...) {
    return 0;
  }
}

MDSL_API int32_t mdsl_cuda_device_count() {
  try {
    return at::hasCUDA() ? static_cast<int32_t>(at::getNumGPUs()) : 0;
  } catch (...) {
    return 0;
  }
}

MDSL_API int32_t mdsl_get_num_threads() { return at::get_num_threads(); }

MDSL_API int mdsl_set_num_threads(int32_t n) {
  return mdsl::guard([&] { at::set_num_threads(n); });
}

MDSL_API const char* mdsl_torch_version() {
#ifdef TORCH_VERSION
  return TORCH_VERSION;
#else
  return "unknown";
#endif
}
