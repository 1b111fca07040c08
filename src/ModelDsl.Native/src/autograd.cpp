// Autograd: requires_grad, backward, .grad, and the thread-local grad mode behind no_grad scopes.
#include "shim.h"

#include <c10/core/GradMode.h>

MDSL_API int mdsl_set_requires_grad(mdsl_tensor x, int32_t value) {
  return mdsl::guard([&] { mdsl::ref(x).set_requires_grad(value != 0); });
}

MDSL_API int32_t mdsl_requires_grad(mdsl_tensor x) { return x && x->requires_grad() ? 1 : 0; }

// gradient may be null for a scalar output.
MDSL_API int mdsl_backward(mdsl_tensor x, mdsl_tensor gradient) {
  return mdsl::guard([&] {
    auto& t = mdsl::ref(x);
    if (gradient) t.backward(*gradient);
    else t.backward();
  });
}

// Writes null when the tensor has no gradient yet.
MDSL_API int mdsl_grad(mdsl_tensor x, mdsl_tensor* out) {
  return mdsl::guard([&] {
    auto g = mdsl::ref(x).grad();
    *out = g.defined() ? mdsl::wrap(g) : nullptr;
  });
}

MDSL_API int mdsl_zero_grad(mdsl_tensor x) {
  return mdsl::guard([&] {
    auto& t = mdsl::ref(x);
    if (t.grad().defined()) t.mutable_grad().reset();
  });
}

// Replaces the data of a tensor (a parameter keeps its identity while changing device/dtype).
MDSL_API int mdsl_set_data(mdsl_tensor x, mdsl_tensor data) {
  return mdsl::guard([&] { mdsl::ref(x).set_data(mdsl::ref(data)); });
}

MDSL_API int32_t mdsl_grad_enabled() { return c10::GradMode::is_enabled() ? 1 : 0; }

MDSL_API void mdsl_set_grad_enabled(int32_t enabled) { c10::GradMode::set_enabled(enabled != 0); }
