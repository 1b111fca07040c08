using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace ModelDsl.Tests.Layers;

/// <summary>The channels-last helper TorchSharp lacks: NHWC strides, same values, parameters kept in place, bad input refused.</summary>
public sealed class ChannelsLastTests
{
    [Fact]
    public void Contiguous_gives_nhwc_strides_and_the_same_values()
    {
        using var x = arange(2 * 3 * 4 * 5, dtype: ScalarType.Float32).reshape(2, 3, 4, 5);
        using var y = ChannelsLast.Contiguous(x);
        // Hand derivation for [N, C, H, W] = [2, 3, 4, 5] laid out N, H, W, C: strides [H·W·C, 1, W·C, C] = [60, 1, 15, 3].
        Assert.Equal([60L, 1, 15, 3], y.stride());
        Assert.Equal([2L, 3, 4, 5], y.shape);
        Assert.True(y.equal(x).all().item<bool>());
        Assert.True(ChannelsLast.IsContiguous(y));
        Assert.False(ChannelsLast.IsContiguous(x));
    }

    [Fact]
    public void A_tensor_that_is_not_4d_is_refused_with_an_exception_not_an_abort()
    {
        using var x = ones(3, 4, 5);
        var error = Assert.Throws<ArgumentException>(() => ChannelsLast.Contiguous(x));
        Assert.Contains("[3, 4, 5]", error.Message);
        using var y = ChannelsLast.Contiguous(ones(1, 2, 2, 2));
        Assert.True(ChannelsLast.IsContiguous(y));
    }

    [Fact]
    public void Apply_relays_parameters_in_place_so_an_optimizer_still_updates_them()
    {
        using var conv = nn.Conv2d(3, 8, 3);
        var weight = conv.get_parameter("weight")!;
        using var before = weight.detach().clone();
        using var optimizer = optim.SGD(conv.parameters(), 0.5);

        ChannelsLast.Apply(conv);

        Assert.Same(weight, conv.get_parameter("weight"));
        Assert.True(ChannelsLast.IsContiguous(weight));
        Assert.True(weight.equal(before).all().item<bool>());
        using (var loss = conv.forward(ones(1, 3, 5, 5)).sum())
        {
            loss.backward();
        }
        optimizer.step();
        Assert.False(weight.equal(before).all().item<bool>());
    }

    [Fact]
    public void PyBridge_alone_refuses_a_channels_last_tensor_after_writing_the_header_so_saving_copies_first()
    {
        using var x = arange(2 * 3 * 2 * 2, dtype: ScalarType.Float32).reshape(2, 3, 2, 2);
        using var nhwc = ChannelsLast.Contiguous(x);
        using var stream = new MemoryStream();
        Assert.Throws<InvalidOperationException>(() => Safetensors.SaveStateDict(stream, new Dictionary<string, Tensor> { ["x"] = nhwc }, leaveOpen: true));
        Assert.True(stream.Length > 8, "the header was written before the failure: a half-written file");

        using var directory = new IO.TemporaryDirectory();
        var path = directory.File("x.safetensors");
        Weights.WriteSafeTensors(path, new Dictionary<string, Tensor> { ["x"] = nhwc });
        Assert.True(Weights.ReadSafeTensors(path)["x"].equal(x).all().item<bool>());
    }
}
