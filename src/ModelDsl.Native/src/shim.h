// Shared helpers of the C ABI shim. Every exported function returns 0 on success or 1 on
// failure (message in mdsl_last_error()); results come back through out-parameters. No C++
// exception may cross into .NET, so every body runs inside mdsl::guard.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <string>

#define MDSL_API extern "C" __attribute__((visibility("default")))

// A tensor handle is an owning pointer to an at::Tensor (a refcounted view of storage).
typedef at::Tensor* mdsl_tensor;

namespace mdsl {

void set_error(const char* message);

// Runs f; converts any exception into an error code plus a thread-local message.
template <class F>
inline int guard(F&& f) noexcept {
  try {
    f();
    return 0;
  } catch (const c10::Error& e) {
    set_error(e.what_without_backtrace());
  } catch (const std::exception& e) {
    set_error(e.what());
  } catch (...) {
    set_error("unknown native error");
  }
  return 1;
}

inline mdsl_tensor wrap(at::Tensor t) { return new at::Tensor(std::move(t)); }

inline const at::Tensor& ref(mdsl_tensor h) {
  if (h == nullptr) throw std::invalid_argument("null tensor handle");
  return *h;
}

// A null handle means "no tensor" (PyTorch's None) for optional arguments such as bias.
inline c10::optional<at::Tensor> opt(mdsl_tensor h) {
  if (h == nullptr) return c10::nullopt;
  return *h;
}

inline at::IntArrayRef dims(const int64_t* values, int32_t count) {
  return at::IntArrayRef(values, static_cast<size_t>(count));
}

inline at::TensorOptions options(int32_t dtype, int32_t device_type, int32_t device_index) {
  auto type = device_type == 1 ? at::kCUDA : at::kCPU;
  return at::TensorOptions()
      .dtype(static_cast<at::ScalarType>(dtype))
      .device(at::Device(type, static_cast<c10::DeviceIndex>(device_index)));
}

}  // namespace mdsl
