// Lifetime and metadata of tensor handles.
#include "shim.h"

MDSL_API void mdsl_tensor_free(mdsl_tensor t) { delete t; }

MDSL_API int32_t mdsl_tensor_dim(mdsl_tensor t) { return t ? static_cast<int32_t>(t->dim()) : 0; }

// Copies the sizes into `out`, which holds at least dim() values.
MDSL_API int mdsl_tensor_sizes(mdsl_tensor t, int64_t* out) {
  return mdsl::guard([&] {
    auto sizes = mdsl::ref(t).sizes();
    std::copy(sizes.begin(), sizes.end(), out);
  });
}

MDSL_API int32_t mdsl_tensor_dtype(mdsl_tensor t) { return t ? static_cast<int32_t>(t->scalar_type()) : -1; }

MDSL_API int mdsl_tensor_device(mdsl_tensor t, int32_t* type, int32_t* index) {
  return mdsl::guard([&] {
    auto device = mdsl::ref(t).device();
    *type = device.is_cuda() ? 1 : 0;
    *index = device.has_index() ? device.index() : -1;
  });
}

MDSL_API int64_t mdsl_tensor_numel(mdsl_tensor t) { return t ? t->numel() : 0; }

MDSL_API int mdsl_tensor_item(mdsl_tensor t, double* out) {
  return mdsl::guard([&] { *out = mdsl::ref(t).item<double>(); });
}

// Copies the tensor's elements (made contiguous, on CPU) into dst, which has nbytes bytes.
MDSL_API int mdsl_tensor_copy_to(mdsl_tensor t, void* dst, int64_t nbytes) {
  return mdsl::guard([&] {
    auto cpu = mdsl::ref(t).detach().to(at::kCPU).contiguous();
    int64_t needed = cpu.numel() * static_cast<int64_t>(cpu.element_size());
    if (needed != nbytes)
      throw std::invalid_argument("copy_to: destination holds " + std::to_string(nbytes) +
                                  " bytes, tensor needs " + std::to_string(needed));
    std::memcpy(dst, cpu.data_ptr(), static_cast<size_t>(needed));
  });
}

MDSL_API int mdsl_tensor_to_string(mdsl_tensor t, char* buffer, int32_t capacity, int32_t* length) {
  return mdsl::guard([&] {
    std::ostringstream stream;
    stream << mdsl::ref(t);
    auto text = stream.str();
    *length = static_cast<int32_t>(text.size());
    if (buffer && capacity > 0) {
      auto n = std::min<size_t>(text.size(), static_cast<size_t>(capacity - 1));
      std::memcpy(buffer, text.data(), n);
      buffer[n] = '\0';
    }
  });
}

// A second handle to the same tensor (same storage and autograd identity), e.g. for an identity layer.
MDSL_API int mdsl_tensor_new_ref(mdsl_tensor t, mdsl_tensor* out) {
  return mdsl::guard([&] { *out = mdsl::wrap(mdsl::ref(t)); });
}
