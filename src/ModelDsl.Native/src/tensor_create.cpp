// Creating tensors: from host memory, constants, ranges and the seeded global generator.
#include "shim.h"

#include <cstring>

MDSL_API int mdsl_tensor_from_data(const void* data, int64_t nbytes, int32_t dtype, const int64_t* shape,
                                   int32_t ndim, mdsl_tensor* out) {
  return mdsl::guard([&] {
    auto t = at::empty(mdsl::dims(shape, ndim), mdsl::options(dtype, 0, -1));
    int64_t needed = t.numel() * static_cast<int64_t>(t.element_size());
    if (needed != nbytes)
      throw std::invalid_argument("from_data: shape needs " + std::to_string(needed) + " bytes, got " +
                                  std::to_string(nbytes));
    if (needed > 0) std::memcpy(t.data_ptr(), data, static_cast<size_t>(needed));
    *out = mdsl::wrap(std::move(t));
  });
}

// kind: 0 empty, 1 zeros, 2 ones, 3 full(value), 4 randn, 5 rand (uniform [0, 1))
MDSL_API int mdsl_tensor_new(int32_t kind, const int64_t* shape, int32_t ndim, double value, int32_t dtype,
                             int32_t device_type, int32_t device_index, mdsl_tensor* out) {
  return mdsl::guard([&] {
    auto size = mdsl::dims(shape, ndim);
    auto opts = mdsl::options(dtype, device_type, device_index);
    switch (kind) {
      case 0: *out = mdsl::wrap(at::empty(size, opts)); break;
      case 1: *out = mdsl::wrap(at::zeros(size, opts)); break;
      case 2: *out = mdsl::wrap(at::ones(size, opts)); break;
      case 3: *out = mdsl::wrap(at::full(size, value, opts)); break;
      case 4: *out = mdsl::wrap(at::randn(size, opts)); break;
      case 5: *out = mdsl::wrap(at::rand(size, opts)); break;
      default: throw std::invalid_argument("tensor_new: unknown kind " + std::to_string(kind));
    }
  });
}

MDSL_API int mdsl_tensor_arange(double start, double end, double step, int32_t dtype, int32_t device_type,
                                int32_t device_index, mdsl_tensor* out) {
  return mdsl::guard(
      [&] { *out = mdsl::wrap(at::arange(start, end, step, mdsl::options(dtype, device_type, device_index))); });
}

// Seeds the default CPU generator (and CUDA's, when present) exactly as torch.manual_seed does.
MDSL_API int mdsl_manual_seed(uint64_t seed) {
  return mdsl::guard([&] {
    {
      auto gen = at::detail::getDefaultCPUGenerator();
      std::lock_guard<std::mutex> lock(gen.mutex());
      gen.set_current_seed(seed);
    }
    if (at::hasCUDA()) {
      for (int i = 0; i < static_cast<int>(at::getNumGPUs()); ++i) {
        // Context::defaultGenerator exists in libtorch 1.13 and 2.x (the CUDA hooks' accessor was renamed).
        auto gen = at::globalContext().defaultGenerator(at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(i)));
        std::lock_guard<std::mutex> lock(gen.mutex());
        gen.set_current_seed(seed);
      }
    }
  });
}
