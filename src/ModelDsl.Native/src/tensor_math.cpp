// Element-wise arithmetic, comparison, reductions and matmul. Operation codes are mirrored by
// the .NET enums in src/ModelDsl/Native/OpCodes.cs; keep the two lists in the same order.
#include "shim.h"

namespace {

at::Tensor unary(int32_t op, const at::Tensor& x) {
  switch (op) {
    case 0: return at::neg(x);
    case 1: return at::abs(x);
    case 2: return at::exp(x);
    case 3: return at::log(x);
    case 4: return at::sqrt(x);
    case 5: return at::rsqrt(x);
    case 6: return at::sin(x);
    case 7: return at::cos(x);
    case 8: return at::tanh(x);
    case 9: return at::sigmoid(x);
    case 10: return at::relu(x);
    case 11: return at::silu(x);
    case 12: return at::gelu(x, "none");
    case 13: return at::gelu(x, "tanh");
    case 14: return at::hardtanh(x, 0.0, 6.0);
    case 15: return at::floor(x);
    case 16: return at::ceil(x);
    case 17: return at::round(x);
    case 18: return at::sign(x);
    case 19: return at::square(x);
    case 20: return at::logical_not(x);
    case 21: return at::erf(x);
    case 22: return at::softplus(x);
    case 23: return at::reciprocal(x);
    default: throw std::invalid_argument("unknown unary op " + std::to_string(op));
  }
}

at::Tensor binary(int32_t op, const at::Tensor& a, const at::Tensor& b) {
  switch (op) {
    case 0: return at::add(a, b);
    case 1: return at::sub(a, b);
    case 2: return at::mul(a, b);
    case 3: return at::div(a, b);
    case 4: return at::pow(a, b);
    case 5: return at::maximum(a, b);
    case 6: return at::minimum(a, b);
    case 7: return at::eq(a, b);
    case 8: return at::ne(a, b);
    case 9: return at::lt(a, b);
    case 10: return at::le(a, b);
    case 11: return at::gt(a, b);
    case 12: return at::ge(a, b);
    case 13: return at::matmul(a, b);
    case 14: return at::logical_and(a, b);
    case 15: return at::logical_or(a, b);
    case 16: return at::remainder(a, b);
    default: throw std::invalid_argument("unknown binary op " + std::to_string(op));
  }
}

// Tensor-scalar forms; 20 and 21 put the scalar on the left (s - x, s / x).
at::Tensor binary_scalar(int32_t op, const at::Tensor& a, const at::Scalar& s) {
  switch (op) {
    case 0: return at::add(a, s);
    case 1: return at::sub(a, s);
    case 2: return at::mul(a, s);
    case 3: return at::div(a, s);
    case 4: return at::pow(a, s);
    case 5: return at::clamp_min(a, s);
    case 6: return at::clamp_max(a, s);
    case 7: return at::eq(a, s);
    case 8: return at::ne(a, s);
    case 9: return at::lt(a, s);
    case 10: return at::le(a, s);
    case 11: return at::gt(a, s);
    case 12: return at::ge(a, s);
    case 16: return at::remainder(a, s);
    case 20: return at::rsub(a, s);
    case 21: return at::div(at::full_like(a, s, at::kDouble).to(at::result_type(a, s)), a);
    default: throw std::invalid_argument("unknown scalar op " + std::to_string(op));
  }
}

at::Tensor reduce(int32_t op, const at::Tensor& x, at::IntArrayRef d, bool keepdim) {
  bool all = d.empty();
  switch (op) {
    case 0: return all ? at::sum(x) : at::sum(x, d, keepdim);
    case 1: return all ? at::mean(x) : at::mean(x, d, keepdim);
    case 2: return at::amax(x, d, keepdim);
    case 3: return at::amin(x, d, keepdim);
    case 4: return all ? at::var(x, true) : at::var(x, d, true, keepdim);
    case 5: return all ? at::std(x, true) : at::std(x, d, true, keepdim);
    case 6: return all ? at::prod(x) : (d.size() == 1 ? at::prod(x, d[0], keepdim)
                                                      : throw std::invalid_argument("prod takes one dim"));
    case 7: return all ? at::all(x) : (d.size() == 1 ? at::all(x, d[0], keepdim)
                                                     : throw std::invalid_argument("all takes one dim"));
    case 8: return all ? at::any(x) : (d.size() == 1 ? at::any(x, d[0], keepdim)
                                                     : throw std::invalid_argument("any takes one dim"));
    default: throw std::invalid_argument("unknown reduction " + std::to_string(op));
  }
}

}  // namespace

MDSL_API int mdsl_unary(int32_t op, mdsl_tensor x, mdsl_tensor* out) {
  return mdsl::guard([&] { *out = mdsl::wrap(unary(op, mdsl::ref(x))); });
}

MDSL_API int mdsl_binary(int32_t op, mdsl_tensor a, mdsl_tensor b, mdsl_tensor* out) {
  return mdsl::guard([&] { *out = mdsl::wrap(binary(op, mdsl::ref(a), mdsl::ref(b))); });
}

MDSL_API int mdsl_binary_scalar(int32_t op, mdsl_tensor a, double s, mdsl_tensor* out) {
  return mdsl::guard([&] { *out = mdsl::wrap(binary_scalar(op, mdsl::ref(a), s)); });
}

// Integer scalars keep integer tensors integral, as Python ints do (x % 10 stays int64).
MDSL_API int mdsl_binary_scalar_int(int32_t op, mdsl_tensor a, int64_t s, mdsl_tensor* out) {
  return mdsl::guard([&] { *out = mdsl::wrap(binary_scalar(op, mdsl::ref(a), at::Scalar(s))); });
}

MDSL_API int mdsl_reduce(int32_t op, mdsl_tensor x, const int64_t* d, int32_t nd, int32_t keepdim,
                         mdsl_tensor* out) {
  return mdsl::guard([&] { *out = mdsl::wrap(reduce(op, mdsl::ref(x), mdsl::dims(d, nd), keepdim != 0)); });
}

// op 0 argmax, 1 argmin; has_dim 0 means over the flattened tensor.
MDSL_API int mdsl_arg_reduce(int32_t op, mdsl_tensor x, int32_t has_dim, int64_t dim, int32_t keepdim,
                             mdsl_tensor* out) {
  return mdsl::guard([&] {
    c10::optional<int64_t> d = has_dim ? c10::optional<int64_t>(dim) : c10::nullopt;
    auto& t = mdsl::ref(x);
    *out = mdsl::wrap(op == 0 ? at::argmax(t, d, keepdim != 0) : at::argmin(t, d, keepdim != 0));
  });
}

MDSL_API int mdsl_clamp(mdsl_tensor x, int32_t has_min, double min, int32_t has_max, double max, mdsl_tensor* out) {
  return mdsl::guard([&] {
    c10::optional<at::Scalar> lo = has_min ? c10::optional<at::Scalar>(min) : c10::nullopt;
    c10::optional<at::Scalar> hi = has_max ? c10::optional<at::Scalar>(max) : c10::nullopt;
    *out = mdsl::wrap(at::clamp(mdsl::ref(x), lo, hi));
  });
}

MDSL_API int mdsl_where(mdsl_tensor cond, mdsl_tensor a, mdsl_tensor b, mdsl_tensor* out) {
  return mdsl::guard([&] { *out = mdsl::wrap(at::where(mdsl::ref(cond), mdsl::ref(a), mdsl::ref(b))); });
}

MDSL_API int mdsl_masked_fill(mdsl_tensor x, mdsl_tensor mask, double value, mdsl_tensor* out) {
  return mdsl::guard([&] { *out = mdsl::wrap(at::masked_fill(mdsl::ref(x), mdsl::ref(mask), value)); });
}

MDSL_API int mdsl_allclose(mdsl_tensor a, mdsl_tensor b, double rtol, double atol, int32_t* out) {
  return mdsl::guard([&] { *out = at::allclose(mdsl::ref(a), mdsl::ref(b), rtol, atol) ? 1 : 0; });
}

// In-place updates. op: 0 x += alpha*other, 1 x *= a, 2 x.copy_(other), 3 zero_, 4 fill_(a),
// 5 uniform_(a, b), 6 normal_(a, b), 7 x += a, 8 bernoulli_(a), 9 relu_.
MDSL_API int mdsl_inplace(int32_t op, mdsl_tensor x, mdsl_tensor other, double a, double b) {
  return mdsl::guard([&] {
    if (x == nullptr) throw std::invalid_argument("null tensor handle");
    at::Tensor& t = *x;
    switch (op) {
      case 0: t.add_(mdsl::ref(other), a); break;
      case 1: t.mul_(a); break;
      case 2: t.copy_(mdsl::ref(other)); break;
      case 3: t.zero_(); break;
      case 4: t.fill_(a); break;
      case 5: t.uniform_(a, b); break;
      case 6: t.normal_(a, b); break;
      case 7: at::isFloatingType(t.scalar_type()) ? t.add_(a) : t.add_(static_cast<int64_t>(a)); break;
      case 8: t.bernoulli_(a); break;
      case 9: t.relu_(); break;
      default: throw std::invalid_argument("unknown in-place op " + std::to_string(op));
    }
  });
}
