// The functional kernels behind the layers (nn.functional in PyTorch terms).
#include "shim.h"

MDSL_API int mdsl_linear(mdsl_tensor x, mdsl_tensor weight, mdsl_tensor bias, mdsl_tensor* out) {
  return mdsl::guard([&] { *out = mdsl::wrap(at::linear(mdsl::ref(x), mdsl::ref(weight), mdsl::opt(bias))); });
}

// Linear followed by ReLU in one call: the commonest pair in MLPs, one transition instead of two.
MDSL_API int mdsl_linear_relu(mdsl_tensor x, mdsl_tensor weight, mdsl_tensor bias, mdsl_tensor* out) {
  return mdsl::guard([&] {
    auto y = at::linear(mdsl::ref(x), mdsl::ref(weight), mdsl::opt(bias));
    *out = mdsl::wrap(y.requires_grad() ? at::relu(y) : at::relu_(y));
  });
}

// spatial: 1 or 2 (conv1d / conv2d); stride, padding, dilation hold `spatial` values each.
MDSL_API int mdsl_conv(int32_t spatial, mdsl_tensor x, mdsl_tensor weight, mdsl_tensor bias, const int64_t* stride,
                       const int64_t* padding, const int64_t* dilation, int64_t groups, mdsl_tensor* out) {
  return mdsl::guard([&] {
    auto s = mdsl::dims(stride, spatial), p = mdsl::dims(padding, spatial), d = mdsl::dims(dilation, spatial);
    auto& input = mdsl::ref(x);
    auto& w = mdsl::ref(weight);
    *out = mdsl::wrap(spatial == 1 ? at::conv1d(input, w, mdsl::opt(bias), s, p, d, groups)
                                   : at::conv2d(input, w, mdsl::opt(bias), s, p, d, groups));
  });
}

MDSL_API int mdsl_batch_norm(mdsl_tensor x, mdsl_tensor weight, mdsl_tensor bias, mdsl_tensor running_mean,
                             mdsl_tensor running_var, int32_t training, double momentum, double eps,
                             mdsl_tensor* out) {
  return mdsl::guard([&] {
    *out = mdsl::wrap(at::batch_norm(mdsl::ref(x), mdsl::opt(weight), mdsl::opt(bias), mdsl::opt(running_mean),
                                     mdsl::opt(running_var), training != 0, momentum, eps, true));
  });
}

MDSL_API int mdsl_layer_norm(mdsl_tensor x, const int64_t* shape, int32_t ndim, mdsl_tensor weight, mdsl_tensor bias,
                             double eps, mdsl_tensor* out) {
  return mdsl::guard([&] {
    *out = mdsl::wrap(
        at::layer_norm(mdsl::ref(x), mdsl::dims(shape, ndim), mdsl::opt(weight), mdsl::opt(bias), eps, true));
  });
}

MDSL_API int mdsl_group_norm(mdsl_tensor x, int64_t groups, mdsl_tensor weight, mdsl_tensor bias, double eps,
                             mdsl_tensor* out) {
  return mdsl::guard([&] {
    *out = mdsl::wrap(at::group_norm(mdsl::ref(x), groups, mdsl::opt(weight), mdsl::opt(bias), eps, true));
  });
}

// RMSNorm over the last `ndim` dimensions: x / sqrt(mean(x^2) + eps) * weight (libtorch 1.13 has no kernel).
MDSL_API int mdsl_rms_norm(mdsl_tensor x, int32_t ndim, mdsl_tensor weight, double eps, mdsl_tensor* out) {
  return mdsl::guard([&] {
    auto& t = mdsl::ref(x);
    std::vector<int64_t> dims;
    for (int32_t i = 0; i < ndim; ++i) dims.push_back(-1 - i);
    auto y = t * at::rsqrt(t.pow(2).mean(dims, true) + eps);
    *out = mdsl::wrap(weight ? y * *weight : y);
  });
}

MDSL_API int mdsl_embedding(mdsl_tensor weight, mdsl_tensor indices, int64_t padding_idx, mdsl_tensor* out) {
  return mdsl::guard(
      [&] { *out = mdsl::wrap(at::embedding(mdsl::ref(weight), mdsl::ref(indices), padding_idx, false, false)); });
}

MDSL_API int mdsl_dropout(mdsl_tensor x, double p, int32_t training, mdsl_tensor* out) {
  return mdsl::guard([&] { *out = mdsl::wrap(at::dropout(mdsl::ref(x), p, training != 0)); });
}

// kind 0 max, 1 avg. kernel/stride/padding hold two values each.
MDSL_API int mdsl_pool2d(int32_t kind, mdsl_tensor x, const int64_t* kernel, const int64_t* stride,
                         const int64_t* padding, int32_t ceil_mode, int32_t count_include_pad, mdsl_tensor* out) {
  return mdsl::guard([&] {
    auto k = mdsl::dims(kernel, 2), s = mdsl::dims(stride, 2), p = mdsl::dims(padding, 2);
    auto& t = mdsl::ref(x);
    if (kind == 0) {
      int64_t dilation[2] = {1, 1};
      *out = mdsl::wrap(at::max_pool2d(t, k, s, p, at::IntArrayRef(dilation, 2), ceil_mode != 0));
    } else {
      *out = mdsl::wrap(at::avg_pool2d(t, k, s, p, ceil_mode != 0, count_include_pad != 0, c10::nullopt));
    }
  });
}

MDSL_API int mdsl_adaptive_avg_pool2d(mdsl_tensor x, int64_t height, int64_t width, mdsl_tensor* out) {
  return mdsl::guard([&] {
    int64_t size[2] = {height, width};
    *out = mdsl::wrap(at::adaptive_avg_pool2d(mdsl::ref(x), at::IntArrayRef(size, 2)));
  });
}

// kind 0 cross-entropy (logits, class indices), 1 mse, 2 nll (log-probabilities, class indices). Mean reduction.
MDSL_API int mdsl_loss(int32_t kind, mdsl_tensor input, mdsl_tensor target, mdsl_tensor* out) {
  return mdsl::guard([&] {
    auto& x = mdsl::ref(input);
    auto& y = mdsl::ref(target);
    const int64_t mean = at::Reduction::Mean;
    switch (kind) {
      case 0: *out = mdsl::wrap(at::nll_loss(at::log_softmax(x, 1), y, {}, mean, -100)); break;
      case 1: *out = mdsl::wrap(at::mse_loss(x, y, mean)); break;
      case 2: *out = mdsl::wrap(at::nll_loss(x, y, {}, mean, -100)); break;
      default: throw std::invalid_argument("unknown loss " + std::to_string(kind));
    }
  });
}
