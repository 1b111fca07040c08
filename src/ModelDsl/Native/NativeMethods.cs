using System.Runtime.InteropServices;

namespace ModelDsl.Native;

/// <summary>
/// The C ABI of src/ModelDsl.Native. Functions returning <c>int</c> return 0 on success and 1 on
/// failure, with the message in <see cref="mdsl_last_error"/>; <see cref="NativeError.Check"/> turns
/// that into a <see cref="TorchException"/>. Handles are owning pointers to <c>at::Tensor</c>.
/// </summary>
internal static unsafe partial class NativeMethods
{
    internal const string Library = "modeldsl_native";

    [LibraryImport(Library)] internal static partial nint mdsl_last_error();

    // tensor_info.cpp
    [LibraryImport(Library)] internal static partial void mdsl_tensor_free(nint t);
    [LibraryImport(Library)] internal static partial int mdsl_tensor_dim(nint t);
    [LibraryImport(Library)] internal static partial int mdsl_tensor_sizes(nint t, long* sizes);
    [LibraryImport(Library)] internal static partial int mdsl_tensor_dtype(nint t);
    [LibraryImport(Library)] internal static partial int mdsl_tensor_device(nint t, out int type, out int index);
    [LibraryImport(Library)] internal static partial long mdsl_tensor_numel(nint t);
    [LibraryImport(Library)] internal static partial int mdsl_tensor_item(nint t, out double value);
    [LibraryImport(Library)] internal static partial int mdsl_tensor_copy_to(nint t, void* destination, long bytes);
    [LibraryImport(Library)] internal static partial int mdsl_tensor_new_ref(nint t, out nint result);
    [LibraryImport(Library)] internal static partial int mdsl_tensor_to_string(nint t, byte* buffer, int capacity, out int length);

    // tensor_create.cpp
    [LibraryImport(Library)] internal static partial int mdsl_tensor_from_data(void* data, long bytes, int dtype, long* shape, int ndim, out nint result);
    [LibraryImport(Library)] internal static partial int mdsl_tensor_new(int kind, long* shape, int ndim, double value, int dtype, int deviceType, int deviceIndex, out nint result);
    [LibraryImport(Library)] internal static partial int mdsl_tensor_arange(double start, double end, double step, int dtype, int deviceType, int deviceIndex, out nint result);
    [LibraryImport(Library)] internal static partial int mdsl_manual_seed(ulong seed);

    // tensor_math.cpp
    [LibraryImport(Library)] internal static partial int mdsl_unary(int op, nint x, out nint result);
    [LibraryImport(Library)] internal static partial int mdsl_binary(int op, nint a, nint b, out nint result);
    [LibraryImport(Library)] internal static partial int mdsl_binary_scalar(int op, nint a, double scalar, out nint result);
    [LibraryImport(Library)] internal static partial int mdsl_binary_scalar_int(int op, nint a, long scalar, out nint result);
    [LibraryImport(Library)] internal static partial int mdsl_reduce(int op, nint x, long* dims, int ndims, int keepdim, out nint result);
    [LibraryImport(Library)] internal static partial int mdsl_arg_reduce(int op, nint x, int hasDim, long dim, int keepdim, out nint result);
    [LibraryImport(Library)] internal static partial int mdsl_clamp(nint x, int hasMin, double min, int hasMax, double max, out nint result);
    [LibraryImport(Library)] internal static partial int mdsl_where(nint condition, nint a, nint b, out nint result);
    [LibraryImport(Library)] internal static partial int mdsl_masked_fill(nint x, nint mask, double value, out nint result);
    [LibraryImport(Library)] internal static partial int mdsl_allclose(nint a, nint b, double rtol, double atol, out int result);
    [LibraryImport(Library)] internal static partial int mdsl_inplace(int op, nint x, nint other, double a, double b);

    // tensor_shape.cpp
    [LibraryImport(Library)] internal static partial int mdsl_shape_op(int op, nint x, long* dims, int ndims, out nint result);
    [LibraryImport(Library)] internal static partial int mdsl_dim_op(int op, nint x, long a, long b, out nint result);
    [LibraryImport(Library)] internal static partial int mdsl_slice(nint x, long dim, long start, long end, long step, out nint result);
    [LibraryImport(Library)] internal static partial int mdsl_index_select(nint x, long dim, nint index, out nint result);
    [LibraryImport(Library)] internal static partial int mdsl_gather(nint x, long dim, nint index, out nint result);
    [LibraryImport(Library)] internal static partial int mdsl_join(int op, nint* items, int count, long dim, out nint result);
    [LibraryImport(Library)] internal static partial int mdsl_chunk(nint x, long chunks, long dim, nint* results, int capacity, out int count);
    [LibraryImport(Library)] internal static partial int mdsl_layout_op(int op, nint x, out nint result);
    [LibraryImport(Library)] internal static partial int mdsl_is_contiguous(nint x, int format, out int result);
    [LibraryImport(Library)] internal static partial int mdsl_to(nint x, int dtype, int deviceType, int deviceIndex, out nint result);

    // autograd.cpp
    [LibraryImport(Library)] internal static partial int mdsl_set_requires_grad(nint x, int value);
    [LibraryImport(Library)] internal static partial int mdsl_requires_grad(nint x);
    [LibraryImport(Library)] internal static partial int mdsl_backward(nint x, nint gradient);
    [LibraryImport(Library)] internal static partial int mdsl_grad(nint x, out nint result);
    [LibraryImport(Library)] internal static partial int mdsl_zero_grad(nint x);
    [LibraryImport(Library)] internal static partial int mdsl_set_data(nint x, nint data);
    [LibraryImport(Library)] internal static partial int mdsl_grad_enabled();
    [LibraryImport(Library)] internal static partial void mdsl_set_grad_enabled(int enabled);

    // runtime.cpp
    [LibraryImport(Library)] internal static partial int mdsl_cuda_available();
    [LibraryImport(Library)] internal static partial int mdsl_cuda_device_count();
    [LibraryImport(Library)] internal static partial int mdsl_get_num_threads();
    [LibraryImport(Library)] internal static partial int mdsl_set_num_threads(int threads);
    [LibraryImport(Library)] internal static partial nint mdsl_torch_version();

    // allocator_tuning.cpp
    [LibraryImport(Library)] internal static partial int mdsl_malloc_tuning_applied();

    // nn_ops.cpp
    [LibraryImport(Library)] internal static partial int mdsl_linear(nint x, nint weight, nint bias, out nint result);
    [LibraryImport(Library)] internal static partial int mdsl_linear_relu(nint x, nint weight, nint bias, out nint result);
    [LibraryImport(Library)] internal static partial int mdsl_conv(int spatial, nint x, nint weight, nint bias, long* stride, long* padding, long* dilation, long groups, out nint result);
    [LibraryImport(Library)] internal static partial int mdsl_batch_norm(nint x, nint weight, nint bias, nint runningMean, nint runningVar, int training, double momentum, double eps, out nint result);
    [LibraryImport(Library)] internal static partial int mdsl_layer_norm(nint x, long* shape, int ndim, nint weight, nint bias, double eps, out nint result);
    [LibraryImport(Library)] internal static partial int mdsl_group_norm(nint x, long groups, nint weight, nint bias, double eps, out nint result);
    [LibraryImport(Library)] internal static partial int mdsl_rms_norm(nint x, int ndim, nint weight, double eps, out nint result);
    [LibraryImport(Library)] internal static partial int mdsl_embedding(nint weight, nint indices, long paddingIdx, out nint result);
    [LibraryImport(Library)] internal static partial int mdsl_dropout(nint x, double p, int training, out nint result);
    [LibraryImport(Library)] internal static partial int mdsl_pool2d(int kind, nint x, long* kernel, long* stride, long* padding, int ceilMode, int countIncludePad, out nint result);
    [LibraryImport(Library)] internal static partial int mdsl_adaptive_avg_pool2d(nint x, long height, long width, out nint result);
    [LibraryImport(Library)] internal static partial int mdsl_loss(int kind, nint input, nint target, out nint result);
}
