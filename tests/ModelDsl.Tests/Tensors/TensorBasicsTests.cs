using ModelDsl;

namespace ModelDsl.Tests.Tensors;

public class TensorBasicsTests
{
    [Fact]
    public void From_array_round_trips_values_and_shape()
    {
        using var t = Tensor.From(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.Equal([2L, 3L], t.Shape);
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, t.ToArray<float>());
    }

    [Fact]
    public void Arithmetic_broadcasts_like_pytorch()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Tensor.From(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        var b = Tensor.From(new float[] { 10, 20, 30 }, 3);
        // [[1,2,3],[4,5,6]] + [10,20,30] = [[11,22,33],[14,25,36]]; then *2 - 1
        var c = (a + b) * 2 - 1;
        Assert.Equal(new float[] { 21, 43, 65, 27, 49, 71 }, c.ToArray<float>());
    }

    [Fact]
    public void Wrong_shapes_raise_a_dotnet_exception_and_the_runtime_keeps_working()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Tensor.Ones([2, 3]);
        var b = Tensor.Ones([4, 5]);
        var error = Assert.Throws<TorchException>(() => a.MatMul(b));
        Assert.Contains("2x3", error.Message);
        Assert.Equal(6f, a.Sum().Item<float>());
    }

    [Fact]
    public void Cuda_on_a_cpu_build_throws_a_clear_exception()
    {
        if (Device.CudaAvailable)
        {
            return; // On a CUDA machine the request is valid; the CPU-build behaviour is what this test pins.
        }
        var error = Assert.Throws<TorchException>(() => Tensor.Zeros([2], device: Device.Cuda()));
        Assert.Contains("CUDA", error.Message);
        Assert.Contains("Device.CudaAvailable", error.Message);
    }

    [Fact]
    public void Integer_scalars_keep_integer_tensors_integral_and_float_scalars_promote()
    {
        using var scope = Torch.NewDisposeScope();
        var i = Tensor.Arange(12);
        // Python: torch.arange(12) % 5 -> int64 [0,1,2,3,4,0,1,2,3,4,0,1]; torch.arange(3) * 0.5 -> float32
        Assert.Equal(new long[] { 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1 }, (i % 5).ToArray<long>());
        Assert.Equal(new long[] { 10, 9, 8 }, (10 - i[..3]).ToArray<long>());
        Assert.Equal(new float[] { 0, 0.5f, 1 }, (i[..3] * 0.5).ToArray<float>());
        Assert.Equal(new float[] { 0, 0.5f, 1 }, (i[..3] / 2).ToArray<float>());   // true division
        Assert.Equal(new float[] { 4, 2, 1 }, (4.0 / Tensor.From(new float[] { 1, 2, 4 })).ToArray<float>());
    }

    [Fact]
    public void In_place_relu_and_add_change_the_tensor_itself()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Tensor.From(new float[] { -1, 2, -3 });
        Assert.Same(x, x.Relu_());
        Assert.Equal(new float[] { 0, 2, 0 }, x.ToArray<float>());
        x.Add_(Tensor.From(new float[] { 1, 1, 1 }), alpha: 2);
        Assert.Equal(new float[] { 2, 4, 2 }, x.ToArray<float>());
    }

    [Fact]
    public void Malloc_tuning_follows_the_environment_switch()
    {
        // The shim applies it at load unless MODELDSL_MALLOC_TUNING=0 (see allocator_tuning.cpp).
        var optedOut = Environment.GetEnvironmentVariable("MODELDSL_MALLOC_TUNING") == "0";
        Assert.Equal(!optedOut, Torch.MallocTuningApplied);
    }
}
