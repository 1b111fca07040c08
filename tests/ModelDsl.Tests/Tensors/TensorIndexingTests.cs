using ModelDsl;

namespace ModelDsl.Tests.Tensors;

public class TensorIndexingTests
{
    // x = arange(24).reshape(2, 3, 4): x[i, j, k] = 12 i + 4 j + k
    private static Tensor X() => Tensor.Arange(24).Reshape(2, 3, 4);

    [Fact]
    public void Integer_and_range_indices_follow_python_semantics()
    {
        using var scope = Torch.NewDisposeScope();
        var x = X();
        Assert.Equal([4L], x[1, 2].Shape);
        Assert.Equal(new long[] { 20, 21, 22, 23 }, x[1, 2].ToArray<long>());           // x[1, 2]
        Assert.Equal(new long[] { 1, 5, 9, 13, 17, 21 }, x[.., .., 1].ToArray<long>());  // x[:, :, 1]
        Assert.Equal(new long[] { 16, 17, 18, 19, 20, 21, 22, 23 }, x[-1, 1..].ToArray<long>()); // x[-1, 1:]
        Assert.Equal(new long[] { 3, 7, 11, 15, 19, 23 }, x[TensorIndex.Ellipsis, ^1].ToArray<long>()); // x[..., -1]
        Assert.Equal(new long[] { 0, 2, 12, 14 }, x[.., 0, TensorIndex.Slice(.., 2)].ToArray<long>()); // x[:, 0, ::2]
        Assert.Equal([2L, 1L, 3L, 4L], x[.., TensorIndex.NewAxis].Shape);                 // x[:, None]
    }

    [Fact]
    public void Out_of_range_index_says_which_dimension()
    {
        using var scope = Torch.NewDisposeScope();
        var error = Assert.Throws<IndexOutOfRangeException>(() => X()[0, 3]);
        Assert.Contains("dimension 1 of size 3", error.Message);
    }

    [Fact]
    public void Views_share_storage_with_their_base()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Tensor.Zeros([2, 3]);
        x[1].Fill_(5);
        Assert.Equal(new float[] { 0, 0, 0, 5, 5, 5 }, x.ToArray<float>());
    }

    [Fact]
    public void Dtypes_round_trip_through_arrays()
    {
        using var scope = Torch.NewDisposeScope();
        Assert.Equal(new Half[] { (Half)1.5, (Half)(-2) }, Tensor.From(new Half[] { (Half)1.5, (Half)(-2) }).ToArray<Half>());
        Assert.Equal(new sbyte[] { -128, 127 }, Tensor.From(new sbyte[] { -128, 127 }).ToArray<sbyte>());
        Assert.Equal(new byte[] { 0, 255 }, Tensor.From(new byte[] { 0, 255 }).ToArray<byte>());
        Assert.Equal(new[] { true, false }, Tensor.From(new[] { true, false }).ToArray<bool>());
        Assert.Equal(new[] { int.MinValue, 7 }, Tensor.From(new[] { int.MinValue, 7 }).ToArray<int>());
        // bfloat16 keeps the top 16 bits of a float32: 1.5f = 0x3FC00000 -> 0x3FC0.
        var bf = Tensor.Full([1], 1.5, DType.BFloat16);
        Assert.Equal(DType.BFloat16, bf.DType);
        var bytes = new byte[2];
        bf.CopyTo(bytes);
        Assert.Equal(new byte[] { 0xC0, 0x3F }, bytes);
        Assert.Throws<InvalidOperationException>(() => bf.ToArray<float>());
    }
}
