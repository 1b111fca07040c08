using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelDsl.Generators.Tests.EndToEnd;

/// <summary>A user's channel shuffle (ShuffleNet's), written by hand in TorchSharp: no parameters, the input's shape.</summary>
public sealed class ChannelShuffle(long groups) : nn.Module<Tensor, Tensor>(nameof(ChannelShuffle))
{
    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3]);
        using var grouped = input.view(n, groups, c / groups, h, w);
        using var swapped = grouped.transpose(1, 2);
        return swapped.reshape(n, c, h, w);
    }
}

/// <summary>A user's per-channel learned scale: one parameter per channel, named <c>gamma</c> as the PyTorch side names it.</summary>
public sealed class ChannelScale : nn.Module<Tensor, Tensor>
{
    private readonly Parameter gamma;

    /// <summary>A scale of ones over <paramref name="channels"/> channels.</summary>
    public ChannelScale(long channels) : base(nameof(ChannelScale))
    {
        gamma = nn.Parameter(ones(channels));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scale = gamma.view(1, -1, 1, 1);
        return input.mul(scale);
    }
}

/// <summary>A model that uses the two: the escape hatch as a user writes it.</summary>
[Model(InputShape = [4, 6, 6])]
[Variant("Int8", Weights = ModelDsl.Precision.Int8)]
public partial class CustomNet
{
    /// <summary>A 3×3 convolution to 8 channels.</summary>
    [Conv2d(8, Kernel = 3, Padding = 1)] public partial Layer Conv1 { get; }

    /// <summary>Two groups of channels interleaved.</summary>
    [Custom(typeof(ChannelShuffle), 2)] public partial ChannelShuffle Shuffle { get; }

    /// <summary>A learned scale per channel: one multiply per element.</summary>
    [Custom(typeof(ChannelScale), "in0", Parameters = "in0", Flops = "in0 * in1 * in2")] public partial Layer Scale { get; }

    /// <summary>Pooled to a vector, then 3 classes.</summary>
    [AdaptiveAvgPool2d(1), Flatten, Linear(3)] public partial Layer Head { get; }
}

/// <summary>The scale declared with no parameters: the model refuses to be built.</summary>
[Model(InputShape = [4, 6, 6])]
public partial class UndeclaredParameters
{
    /// <summary>The scale, declared wrongly.</summary>
    [Custom(typeof(ChannelScale), "in0")] public partial Layer Scale { get; }
}

/// <summary>The shuffle declared as halving the image: the next layer was sized for a shape the module never returns.</summary>
[Model(InputShape = [4, 6, 6])]
public partial class WrongOutput
{
    /// <summary>The shuffle, declared wrongly.</summary>
    [Custom(typeof(ChannelShuffle), 2, Output = ["in0", "in1 / 2", "in2 / 2"])] public partial Layer Shuffle { get; }

    /// <summary>Sized at compile time for 4·3·3 = 36 features; the module really gives 4·6·6 = 144.</summary>
    [Flatten, Linear(3)] public partial Layer Head { get; }
}

/// <summary>A block whose custom layer takes a block parameter.</summary>
[Block("groups")]
public partial class ShuffleUnit
{
    /// <summary>A pointwise convolution, then the shuffle with this use's groups.</summary>
    [Conv2d("in_channels", Kernel = 1), Custom(typeof(ChannelShuffle), "groups")] public partial Layer Body { get; }
}

/// <summary>Two uses of the block, with different groups.</summary>
[Model(InputShape = [8, 4, 4])]
public partial class ShuffleStack
{
    /// <summary>Groups of 2.</summary>
    [Block(typeof(ShuffleUnit), "groups = 2")] public partial Layer First { get; }

    /// <summary>Groups of 4.</summary>
    [Block(typeof(ShuffleUnit), "groups = 4")] public partial Layer Second { get; }
}

/// <summary>
/// The escape hatch ([Custom(typeof(T), …)]): a user's own TorchSharp module inside a declaration, costed as declared,
/// its weights loaded from PyTorch under its own names, and every declaration the compiler cannot check checked when
/// the model is built or run.
/// </summary>
public class CustomLayerTests
{
    [Fact]
    public void TheModelLoadsPyTorchsWeightsStrictlyAndGivesItsOutput()
    {
        var folder = Directory.CreateTempSubdirectory("modeldsl-custom-").FullName;
        try
        {
            Python.Run("custom_layer_reference.py", folder);
            using var model = new CustomNet();
            model.LoadSafeTensors(Path.Combine(folder, "weights.safetensors"));
            model.eval();
            var io = Weights.ReadSafeTensors(Path.Combine(folder, "io.safetensors"));

            using var noGrad = no_grad();
            using var actual = model.call(io["input"]);
            var worst = (actual - io["output"]).abs().max().item<float>();
            Assert.True(actual.allclose(io["output"], 1e-5, 1e-5), "max |diff| " + worst);
            foreach (var tensor in io.Values)
            {
                tensor.Dispose();
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void TheCostConstantsCountWhatTheAttributeDeclares()
    {
        // By hand, [4, 6, 6]: conv1 4→8 3×3 at 6²: 8·36·36 = 10,368 MACs, 8·4·9 + 8 = 296 parameters, 288 bias adds.
        // shuffle: nothing. scale: declared 8 parameters and 8·6·6 = 288 FLOPs. pool: 288 adds. linear 8→3: 24 MACs,
        // 27 parameters, 3 bias adds.
        Assert.Equal(10_368 + 24, CustomNet.TotalMacs);
        Assert.Equal(296 + 8 + 27, CustomNet.TotalParameters);
        Assert.Equal((2 * (10_368 + 24)) + 288 + 288 + 288 + 3, CustomNet.TotalFlops);
        Assert.Equal(4 * (296 + 8 + 27), CustomNet.WeightBytes);
        using var model = new CustomNet();
        Assert.Equal(CustomNet.TotalParameters, model.parameters().Sum(p => p.numel()));
        Assert.IsType<ChannelShuffle>(model.Shuffle);
        Assert.Equal(["conv1.bias", "conv1.weight", "head.2.bias", "head.2.weight", "scale.gamma"], model.state_dict().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AVariantCopiesTheCustomLayersOwnTensorsFromTheDenseModel()
    {
        using var dense = new CustomNet();
        using (no_grad())
        {
            dense.state_dict()["scale.gamma"].copy_(arange(1, 9, ScalarType.Float32));
        }

        // The spec knows the scale only by its declared count; FromDense copies the module's own gamma, under its name.
        using var int8 = CustomNetInt8.FromDense(dense);
        Assert.Equal([1f, 2, 3, 4, 5, 6, 7, 8], int8.state_dict()["scale.gamma"].data<float>().ToArray());
    }

    [Fact]
    public void ADeclaredParameterCountThatIsWrongStopsTheModelBeingBuilt()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new UndeclaredParameters());
        Assert.Equal(
            "custom layer 'scale' (ModelDsl.Generators.Tests.EndToEnd.ChannelScale) registers 4 parameters, but its [Custom] declares Parameters = 0; fix the declaration so the model's costs are right",
            error.Message);
    }

    [Fact]
    public void ADeclaredOutputThatIsWrongIsAnExceptionAtTheCustomLayerNotACrashInTheNext()
    {
        using var model = new WrongOutput();
        using var x = randn(2, 4, 6, 6);
        var error = Assert.Throws<InvalidOperationException>(() => model.call(x));
        Assert.Equal(
            "custom layer 'shuffle' (ModelDsl.Generators.Tests.EndToEnd.ChannelShuffle) returned [2, 4, 6, 6], but its [Custom] declares [4, 3, 3] per sample (batch first); fix Output",
            error.Message);

        // The Linear was sized for the declared 4·3·3 = 36 features; without the check, 144 would have reached it.
        Assert.Equal(36 * 3, WrongOutput.CostTable.Single(r => r.Path == "head.1").Macs);
    }

    [Fact]
    public void ABlockPassesItsParameterToTheCustomLayerAtEachUse()
    {
        using var model = new ShuffleStack();
        model.eval();
        using var noGrad = no_grad();
        using var x = randn(1, 8, 4, 4);

        // By hand with TorchSharp's ops: each use is a pointwise conv, then a shuffle of its own groups.
        Tensor Use(ShuffleUnit unit, Tensor input, long groups)
        {
            var conv = (Conv2d)((Sequential)unit.Body).children().First();
            using var y = conv.call(input);
            return new ChannelShuffle(groups).call(y);
        }

        using var first = Use((ShuffleUnit)model.First, x, 2);
        using var expected = Use((ShuffleUnit)model.Second, first, 4);
        using var actual = model.call(x);
        // The generated model runs its convolutions channels-last: the same sums in another order, float32 rounding apart.
        Assert.True((actual - expected).abs().max().item<float>() < 1e-6f, "max |diff| " + (actual - expected).abs().max().item<float>());
    }
}
