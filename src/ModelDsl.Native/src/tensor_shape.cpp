// Views, layout and device/dtype conversion: reshape, permute, slicing, cat/stack, to().
#include "shim.h"

#include <vector>

namespace {
std::vector<at::Tensor> list(const mdsl_tensor* items, int32_t count) {
  std::vector<at::Tensor> tensors;
  tensors.reserve(static_cast<size_t>(count));
  for (int32_t i = 0; i < count; ++i) tensors.push_back(mdsl::ref(items[i]));
  return tensors;
}
}  // namespace

// op: 0 reshape, 1 view, 2 permute, 3 expand, 4 flip, 5 repeat
MDSL_API int mdsl_shape_op(int32_t op, mdsl_tensor x, const int64_t* d, int32_t nd, mdsl_tensor* out) {
  return mdsl::guard([&] {
    auto& t = mdsl::ref(x);
    auto size = mdsl::dims(d, nd);
    switch (op) {
      case 0: *out = mdsl::wrap(t.reshape(size)); break;
      case 1: *out = mdsl::wrap(t.view(size)); break;
      case 2: *out = mdsl::wrap(t.permute(size)); break;
      case 3: *out = mdsl::wrap(t.expand(size)); break;
      case 4: *out = mdsl::wrap(t.flip(size)); break;
      case 5: *out = mdsl::wrap(t.repeat(size)); break;
      default: throw std::invalid_argument("unknown shape op " + std::to_string(op));
    }
  });
}

// op: 0 transpose(a, b), 1 squeeze(a), 2 unsqueeze(a), 3 flatten(a, b), 4 select(dim a, index b),
// 5 triu(a), 6 tril(a), 7 squeeze all, 8 softmax(a), 9 log_softmax(a), 10 cumsum(a)
MDSL_API int mdsl_dim_op(int32_t op, mdsl_tensor x, int64_t a, int64_t b, mdsl_tensor* out) {
  return mdsl::guard([&] {
    auto& t = mdsl::ref(x);
    switch (op) {
      case 0: *out = mdsl::wrap(t.transpose(a, b)); break;
      case 1: *out = mdsl::wrap(t.squeeze(a)); break;
      case 2: *out = mdsl::wrap(t.unsqueeze(a)); break;
      case 3: *out = mdsl::wrap(t.flatten(a, b)); break;
      case 4: *out = mdsl::wrap(t.select(a, b)); break;
      case 5: *out = mdsl::wrap(at::triu(t, a)); break;
      case 6: *out = mdsl::wrap(at::tril(t, a)); break;
      case 7: *out = mdsl::wrap(t.squeeze()); break;
      case 8: *out = mdsl::wrap(at::softmax(t, a)); break;
      case 9: *out = mdsl::wrap(at::log_softmax(t, a)); break;
      case 10: *out = mdsl::wrap(at::cumsum(t, a)); break;
      default: throw std::invalid_argument("unknown dim op " + std::to_string(op));
    }
  });
}

MDSL_API int mdsl_slice(mdsl_tensor x, int64_t dim, int64_t start, int64_t end, int64_t step, mdsl_tensor* out) {
  return mdsl::guard([&] { *out = mdsl::wrap(mdsl::ref(x).slice(dim, start, end, step)); });
}

MDSL_API int mdsl_index_select(mdsl_tensor x, int64_t dim, mdsl_tensor index, mdsl_tensor* out) {
  return mdsl::guard([&] { *out = mdsl::wrap(at::index_select(mdsl::ref(x), dim, mdsl::ref(index))); });
}

MDSL_API int mdsl_gather(mdsl_tensor x, int64_t dim, mdsl_tensor index, mdsl_tensor* out) {
  return mdsl::guard([&] { *out = mdsl::wrap(at::gather(mdsl::ref(x), dim, mdsl::ref(index))); });
}

// op 0 cat, 1 stack
MDSL_API int mdsl_join(int32_t op, const mdsl_tensor* items, int32_t count, int64_t dim, mdsl_tensor* out) {
  return mdsl::guard([&] {
    auto tensors = list(items, count);
    *out = mdsl::wrap(op == 0 ? at::cat(tensors, dim) : at::stack(tensors, dim));
  });
}

// Splits into `chunks` pieces along dim; writes up to `capacity` handles and the real count.
MDSL_API int mdsl_chunk(mdsl_tensor x, int64_t chunks, int64_t dim, mdsl_tensor* outs, int32_t capacity,
                        int32_t* count) {
  return mdsl::guard([&] {
    auto parts = mdsl::ref(x).chunk(chunks, dim);
    if (static_cast<int32_t>(parts.size()) > capacity) throw std::invalid_argument("chunk: too many parts");
    *count = static_cast<int32_t>(parts.size());
    for (size_t i = 0; i < parts.size(); ++i) outs[i] = mdsl::wrap(std::move(parts[i]));
  });
}

// op: 0 contiguous, 1 contiguous channels-last (4-d), 2 clone, 3 detach
MDSL_API int mdsl_layout_op(int32_t op, mdsl_tensor x, mdsl_tensor* out) {
  return mdsl::guard([&] {
    auto& t = mdsl::ref(x);
    switch (op) {
      case 0: *out = mdsl::wrap(t.contiguous()); break;
      case 1: *out = mdsl::wrap(t.contiguous(at::MemoryFormat::ChannelsLast)); break;
      case 2: *out = mdsl::wrap(t.clone()); break;
      case 3: *out = mdsl::wrap(t.detach()); break;
      default: throw std::invalid_argument("unknown layout op " + std::to_string(op));
    }
  });
}

MDSL_API int mdsl_is_contiguous(mdsl_tensor x, int32_t format, int32_t* out) {
  return mdsl::guard([&] {
    auto memory = format == 1 ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous;
    *out = mdsl::ref(x).is_contiguous(memory) ? 1 : 0;
  });
}

MDSL_API int mdsl_to(mdsl_tensor x, int32_t dtype, int32_t device_type, int32_t device_index, mdsl_tensor* out) {
  return mdsl::guard([&] {
    auto& t = mdsl::ref(x);
    auto device = at::Device(device_type == 1 ? at::kCUDA : at::kCPU, static_cast<c10::DeviceIndex>(device_index));
    *out = mdsl::wrap(t.to(device, static_cast<at::ScalarType>(dtype)));
  });
}
