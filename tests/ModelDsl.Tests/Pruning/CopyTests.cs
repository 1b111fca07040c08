using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.Tests.PruningRuntime;

/// <summary>
/// <see cref="ModelDsl.Pruning.Copy"/>: dense weights sliced by kept channels land in the pruned module's own
/// parameters and buffers, with expected values written out by hand; a mismatch writes nothing.
/// </summary>
public sealed class CopyTests
{
    private static float[] Values(Tensor t) => t.detach().cpu().contiguous().to(ScalarType.Float32).data<float>().ToArray();

    [Fact]
    public void A_conv_weight_is_sliced_along_its_outputs_and_inputs_into_the_modules_own_parameter()
    {
        // Dense [4, 3, 1, 2] holding arange: element (o, i, 0, k) = (o*3 + i)*2 + k.
        // Keep outputs {0, 2}, inputs {1, 2}: (0,1) -> 2, 3; (0,2) -> 4, 5; (2,1) -> 14, 15; (2,2) -> 16, 17.
        using var weight = arange(24, dtype: ScalarType.Float32).reshape(4, 3, 1, 2);
        using var conv = nn.Conv2d(2, 2, (1, 2), bias: false);
        var own = conv.get_parameter("weight")!;
        ModelDsl.Pruning.Copy(conv, new Dictionary<string, Tensor> { ["weight"] = weight }, "weight",
            new Slice(0, [0, 2]), new Slice(1, [1, 2]));
        Assert.Same(own, conv.get_parameter("weight"));
        Assert.True(own.requires_grad);
        Assert.Equal([2L, 2, 1, 2], own.shape);
        Assert.Equal([2f, 3, 4, 5, 14, 15, 16, 17], Values(own));
    }

    [Fact]
    public void Batch_norm_buffers_are_sliced_and_num_batches_tracked_is_copied_whole()
    {
        using var dense = nn.BatchNorm2d(4);
        using (no_grad())
        {
            dense.get_parameter("weight")!.copy_(tensor(new float[] { 1, 2, 3, 4 }));
            dense.get_parameter("bias")!.copy_(tensor(new float[] { 10, 20, 30, 40 }));
            dense.get_buffer("running_mean")!.copy_(tensor(new float[] { 0.1f, 0.2f, 0.3f, 0.4f }));
            dense.get_buffer("running_var")!.copy_(tensor(new float[] { 5, 6, 7, 8 }));
            dense.get_buffer("num_batches_tracked")!.fill_(7);
        }
        var state = dense.state_dict();
        using var pruned = nn.BatchNorm2d(2);
        var mean = pruned.get_buffer("running_mean")!;
        long[] kept = [1, 3];
        foreach (var name in new[] { "weight", "bias", "running_mean", "running_var" })
        {
            ModelDsl.Pruning.Copy(pruned, state, name, new Slice(0, kept));
        }
        ModelDsl.Pruning.Copy(pruned, state, "num_batches_tracked");

        Assert.Equal([2f, 4], Values(pruned.get_parameter("weight")!));
        Assert.Equal([20f, 40], Values(pruned.get_parameter("bias")!));
        Assert.Equal([0.2f, 0.4f], Values(pruned.get_buffer("running_mean")!));
        Assert.Equal([6f, 8], Values(pruned.get_buffer("running_var")!));
        var tracked = pruned.get_buffer("num_batches_tracked")!;
        Assert.Equal(0, tracked.Dimensions);
        Assert.Equal(ScalarType.Int64, tracked.dtype);
        Assert.Equal(7L, tracked.item<long>());
        Assert.Same(mean, pruned.get_buffer("running_mean"));
    }

    [Fact]
    public void A_linear_after_flatten_keeps_every_spatial_column_of_each_kept_channel()
    {
        // Flatten of [C, H*W] = [4, 3] -> 12 features; channel c owns columns 3c .. 3c+2.
        // Dense weight [2, 12] = arange(24): row r, column j = 12r + j.
        // Keep channels {1, 3}: columns 3, 4, 5, 9, 10, 11 -> row 0: 3 4 5 9 10 11; row 1: 15 16 17 21 22 23.
        using var weight = arange(24, dtype: ScalarType.Float32).reshape(2, 12);
        using var fc = nn.Linear(6, 2);
        ModelDsl.Pruning.Copy(fc, new Dictionary<string, Tensor> { ["weight"] = weight }, "weight", new Slice(1, [1, 3], Repeat: 3));
        Assert.Equal([3f, 4, 5, 9, 10, 11, 15, 16, 17, 21, 22, 23], Values(fc.get_parameter("weight")!));
    }

    [Fact]
    public void A_tensor_without_slices_is_copied_whole_converting_dtype_as_copy_does()
    {
        // The next layer's bias is not in the group: copied as is. A float64 dense tensor lands in the float32 parameter.
        using var bias = tensor(new double[] { 1.5, -2, 0.25 });
        using var conv = nn.Conv2d(2, 3, 1);
        ModelDsl.Pruning.Copy(conv, new Dictionary<string, Tensor> { ["bias"] = bias }, "bias");
        var own = conv.get_parameter("bias")!;
        Assert.Equal(ScalarType.Float32, own.dtype);
        Assert.Equal([1.5f, -2, 0.25f], Values(own));
    }

    [Fact]
    public void A_sliced_shape_that_is_not_the_targets_names_both_shapes_and_writes_nothing()
    {
        using var weight = arange(24, dtype: ScalarType.Float32).reshape(4, 3, 1, 2);
        var dense = new Dictionary<string, Tensor> { ["weight"] = weight };
        using var conv = nn.Conv2d(2, 2, (1, 2), bias: false);
        var own = conv.get_parameter("weight")!;
        using var before = own.detach().clone();

        // Three outputs kept for a two-output target.
        var error = Assert.Throws<ArgumentException>(() => ModelDsl.Pruning.Copy(conv, dense, "weight", new Slice(0, [0, 1, 2]), new Slice(1, [1, 2])));
        Assert.Contains("'weight'", error.Message);
        Assert.Contains("[4, 3, 1, 2]", error.Message);
        Assert.Contains("[3, 2, 1, 2]", error.Message);
        Assert.Contains("[2, 2, 1, 2]", error.Message);
        // The inputs forgotten.
        error = Assert.Throws<ArgumentException>(() => ModelDsl.Pruning.Copy(conv, dense, "weight", new Slice(0, [0, 1])));
        Assert.Contains("[2, 3, 1, 2]", error.Message);
        Assert.True(own.equal(before).all().item<bool>());
        Assert.Same(own, conv.get_parameter("weight"));
    }

    [Fact]
    public void Bad_names_dims_indices_and_repeats_are_refused_before_anything_is_written()
    {
        using var weight = arange(24, dtype: ScalarType.Float32).reshape(4, 3, 1, 2);
        var dense = new Dictionary<string, Tensor> { ["weight"] = weight };
        using var conv = nn.Conv2d(2, 2, (1, 2), bias: false);
        var own = conv.get_parameter("weight")!;
        using var before = own.detach().clone();

        void Refused(string expected, string name, params Slice[] slices)
        {
            var error = Assert.Throws<ArgumentException>(() => ModelDsl.Pruning.Copy(conv, dense, name, slices));
            Assert.Contains(expected, error.Message);
        }

        Refused("'bias' is not in the dense state dict", "bias");
        dense["other"] = weight;
        Refused("'other' is not in the target's state dict", "other");
        Refused("no dim 4", "weight", new Slice(4, [0, 1]), new Slice(1, [0, 1]));
        Refused("sliced twice", "weight", new Slice(0, [0, 1]), new Slice(0, [0, 1]));
        Refused("got 4 at position 1", "weight", new Slice(0, [0, 4]), new Slice(1, [0, 1]));
        Refused("got -1 at position 0", "weight", new Slice(0, [-1, 1]), new Slice(1, [0, 1]));
        Refused("strictly ascending", "weight", new Slice(0, [2, 0]), new Slice(1, [0, 1]));
        Refused("strictly ascending", "weight", new Slice(0, [1, 1]), new Slice(1, [0, 1]));
        Refused("keeps no index", "weight", new Slice(0, []), new Slice(1, [0, 1]));
        Refused("Repeat 2", "weight", new Slice(0, [0, 1]), new Slice(1, [0], Repeat: 2));
        Assert.True(own.equal(before).all().item<bool>());
    }
}
