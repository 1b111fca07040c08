using ModelDsl.Tests.Parity;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelDsl.Tests.Layers;

/// <summary>
/// A large folded convolution convolves with that weight prepacked in oneDNN's layout (the embedded
/// PackedConvKernels): the same output as the unfolded pair for the input it was packed for and for others, a weight
/// changed after packing packed again, small calls and inputs that record gradients left to the eager convolution,
/// a wrong input reported as the eager convolution reports it, and the embedded file byte for byte what its script
/// writes.
/// </summary>
public sealed class PackedConvolutionTests
{
    [Fact]
    public void TheEmbeddedKernelFileIsWhatItsScriptWrites()
    {
        var directory = Directory.CreateTempSubdirectory("modeldsl-packedconv-");
        try
        {
            var written = Path.Combine(directory.FullName, "PackedConvKernels.pt");
            Python.Run("packed_conv_kernels.py", written);
            using var stream = typeof(BatchNormFolding).Assembly.GetManifestResourceStream(PackedConvKernels.ResourceName)!;
            using var embedded = new MemoryStream();
            stream.CopyTo(embedded);
            // The script writes the same bytes every time (torch's zip entries carry no dates).
            Assert.Equal(File.ReadAllBytes(written), embedded.ToArray());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Theory]
    // 256 → 256 3×3: stride 1, and stride 2 with a rectangular input.
    [InlineData(256, 256, 3, 1, 1, 1, 1, 14, 14)]
    [InlineData(256, 256, 3, 2, 1, 1, 1, 15, 9)]
    // Dilation 2 and two groups, a 1×1 projection, and a depthwise 3×3 (MobileNet's).
    [InlineData(512, 512, 3, 1, 2, 2, 2, 9, 9)]
    [InlineData(512, 512, 1, 1, 0, 1, 1, 7, 7)]
    [InlineData(256, 256, 3, 1, 1, 1, 256, 28, 28)]
    public void ALargeFoldedConvolutionIsPackedAndGivesTheUnfoldedOutput(int inChannels, int outChannels, int kernel, int stride, int padding, int dilation, int groups, int height, int width)
    {
        using var scope = NewDisposeScope();
        var (pair, conv) = Pair(inChannels, outChannels, kernel, stride, padding, dilation, groups);
        using var _ = pair;
        var x = ChannelsLast.Contiguous(randn([2, inChannels, height, width], generator: new Generator(1)));
        // Another batch and size than the one packed for: oneDNN reorders as it needs, the result is the same.
        var other = ChannelsLast.Contiguous(randn([3, inChannels, height + 4, width + 2], generator: new Generator(2)));
        using var noGrad = no_grad();
        var expected = pair.call(x).clone();
        var expectedOther = pair.call(other).clone();

        using (BatchNormFolding.Fold(pair))
        {
            AssertClose(expected, Forward.Call(pair, x), "the input packed for");
            Assert.True(BatchNormFolding.IsPacked(conv), "the convolution was not packed");
            AssertClose(expectedOther, Forward.Call(pair, other), "another input shape");
            Assert.True(ChannelsLast.IsContiguous(Forward.Call(pair, x)), "a channels-last input gave another layout");
        }
    }

    [Fact]
    public void AWeightPackedInTheCallersDisposeScopeOutlivesIt()
    {
        var (pair, conv) = Pair(256, 256, 3, 1, 1, 1, 1);
        using var _ = pair;
        using var x = ChannelsLast.Contiguous(randn([2, 256, 8, 8], generator: new Generator(8)));
        using var noGrad = no_grad();
        using var expected = pair.call(x);
        using var fold = BatchNormFolding.Fold(pair);
        // The first forward, which packs, runs in a scope of the caller's that frees everything made in it.
        using (NewDisposeScope())
        {
            Forward.Call(pair, x);
        }

        Assert.True(BatchNormFolding.IsPacked(conv));
        using (NewDisposeScope())
        {
            AssertClose(expected, Forward.Call(pair, x), "after the scope that packed ended");
        }
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("relu6")]
    public void TheActivationAfterTheNormRunsInTheConvolutionsKernel(string kind)
    {
        using var scope = NewDisposeScope();
        var (pair, conv) = Pair(256, 256, 3, 1, 1, 1, 1);
        using var _ = pair;
        var activation = kind == "relu" ? (nn.Module<Tensor, Tensor>)nn.ReLU() : nn.ReLU6();
        var triple = nn.Sequential(("0", conv), ("1", (nn.Module<Tensor, Tensor>)pair[1]), ("2", activation));
        triple.eval();
        // Scaled so that the norm's output crosses both of ReLU6's bounds.
        var x = ChannelsLast.Contiguous(randn([2, 256, 8, 8], generator: new Generator(9)).mul(20));
        using var noGrad = no_grad();
        var expected = triple.call(x).clone();
        var normalised = pair.call(x);
        Assert.True(expected.max().item<float>() >= (kind == "relu" ? 1 : 6) && normalised.min().item<float>() < 0, "the test's input does not reach the activation's bounds");
        var scale = normalised.abs().max().item<float>();

        using var fold = BatchNormFolding.Fold(triple);
        AssertClose(expected, Forward.Call(triple, x), "conv, norm and " + kind, scale);
        // The convolution's own output already has the activation applied (its kernel's post-op): the norm and the
        // activation pass it through.
        var convolved = Forward.Call(conv, x);
        Assert.True(convolved.min().item<float>() >= 0, "the convolution's kernel did not apply " + kind);
        AssertClose(expected, convolved, "the convolution alone", scale);
        // Any other tensor still gets the activation.
        var other = randn([2, 256, 8, 8]).mul(10);
        Assert.True(Forward.Call(activation, other).min().item<float>() >= 0);
    }

    [Fact]
    public void AnActivationAKernelCannotApplyRunsItself()
    {
        using var scope = NewDisposeScope();
        var (pair, conv) = Pair(256, 256, 3, 1, 1, 1, 1);
        using var _ = pair;
        var triple = nn.Sequential(("0", conv), ("1", (nn.Module<Tensor, Tensor>)pair[1]), ("2", nn.GELU()));
        triple.eval();
        var x = ChannelsLast.Contiguous(randn([2, 256, 8, 8], generator: new Generator(10)));
        using var noGrad = no_grad();
        var expected = triple.call(x).clone();
        using var fold = BatchNormFolding.Fold(triple);
        AssertClose(expected, Forward.Call(triple, x), "conv, norm and GELU");
        Assert.True(Forward.Call(conv, x).min().item<float>() < 0, "the convolution's kernel applied an activation");
    }

    [Fact]
    public void AWeightChangedAfterPackingIsPackedAgain()
    {
        using var scope = NewDisposeScope();
        var (pair, conv) = Pair(256, 256, 3, 1, 1, 1, 1);
        using var _ = pair;
        var x = ChannelsLast.Contiguous(randn([2, 256, 8, 8], generator: new Generator(3)));
        using var noGrad = no_grad();
        using var fold = BatchNormFolding.Fold(pair);
        var before = Forward.Call(pair, x).clone();
        Assert.True(BatchNormFolding.IsPacked(conv));

        conv.weight!.mul_(-0.5);
        var after = Forward.Call(pair, x);
        Assert.False(after.allclose(before, 1e-3, 1e-3), "the output did not change with the weight");
        using var unfolded = Twin(pair);
        AssertClose(unfolded.call(x), after, "after the weight changed");
        Assert.True(BatchNormFolding.IsPacked(conv), "the new weight was not packed");
    }

    [Fact]
    public void APairSharedWithAPlaceWithoutTheActivationKeepsItApart()
    {
        using var scope = NewDisposeScope();
        var (pair, conv) = Pair(256, 256, 3, 1, 1, 1, 1);
        using var _ = pair;
        var norm = (nn.Module<Tensor, Tensor>)pair[1];
        // The same convolution and norm (shared weights) run into a ReLU in one branch and straight out in the other:
        // the packed kernel, which applies an activation wherever its convolution runs, must not apply the ReLU.
        var model = nn.Sequential(
            ("activated", nn.Sequential(("0", conv), ("1", norm), ("2", nn.ReLU()))),
            ("plain", nn.Sequential(("0", conv), ("1", norm))));
        model.eval();
        var x = ChannelsLast.Contiguous(randn([2, 256, 8, 8], generator: new Generator(11)));
        using var noGrad = no_grad();
        var plain = (nn.Module<Tensor, Tensor>)model[1];
        var expected = plain.call(x).clone();
        Assert.True(expected.min().item<float>() < 0, "the test's input does not reach below the ReLU's bound");
        var expectedModel = model.call(x).clone();

        using var fold = BatchNormFolding.Fold(model);
        AssertClose(expected, Forward.Call(plain, x), "the branch without the activation");
        Assert.True(BatchNormFolding.IsPacked(conv), "the convolution was not packed");
        AssertClose(expectedModel, Forward.Call(model, x), "both branches");
    }

    [Fact]
    public void ASmallCallStaysOnTheEagerConvolutionAndALargeOneOfTheSameLayerIsPacked()
    {
        using var scope = NewDisposeScope();
        var (pair, conv) = Pair(64, 64, 3, 1, 1, 1, 1);
        using var _ = pair;
        // 4×4 outputs × 64 channels × 64·3·3 = 0.6 M multiply-adds, below PackedConvKernels.MinMultiplyAdds (2 M), where
        // the TorchScript call would cost more than packing gains (measured); 2 × 32 × 32 outputs are 75 M.
        var small = ChannelsLast.Contiguous(randn([1, 64, 4, 4], generator: new Generator(4)));
        var large = ChannelsLast.Contiguous(randn([2, 64, 32, 32], generator: new Generator(5)));
        Assert.True(4L * 4 * 64 * 64 * 9 < PackedConvKernels.MinMultiplyAdds && 2L * 32 * 32 * 64 * 64 * 9 > PackedConvKernels.MinMultiplyAdds);
        using var noGrad = no_grad();
        var expectedSmall = pair.call(small).clone();
        var expectedLarge = pair.call(large).clone();
        using var fold = BatchNormFolding.Fold(pair);
        AssertClose(expectedSmall, Forward.Call(pair, small), "the small call");
        Assert.False(BatchNormFolding.IsPacked(conv), "a small call packed the weight");
        AssertClose(expectedLarge, Forward.Call(pair, large), "the large call");
        Assert.True(BatchNormFolding.IsPacked(conv), "the large call did not pack the weight");
        AssertClose(expectedSmall, Forward.Call(pair, small), "the small call after packing");
    }

    [Fact]
    public void AnInputThatRecordsGradientsGetsThemThroughTheEagerConvolution()
    {
        using var scope = NewDisposeScope();
        var (pair, conv) = Pair(256, 256, 3, 1, 1, 1, 1);
        using var _ = pair;
        foreach (var parameter in pair.parameters())
        {
            parameter.requires_grad = false;
        }

        // The gradient of an eval-mode forward with respect to its input (saliency, adversarial inputs): the packed
        // operator has no backward, so this forward stays on the folded eager convolution.
        var x = ChannelsLast.Contiguous(randn([2, 256, 6, 6], generator: new Generator(5))).requires_grad_();
        using var fold = BatchNormFolding.Fold(pair);
        Forward.Call(pair, x).square().sum().backward();
        Assert.False(BatchNormFolding.IsPacked(conv), "a forward recording gradients packed the weight");

        using var unfolded = Twin(pair);
        var y = x.detach().clone().requires_grad_();
        unfolded.call(y).square().sum().backward();
        AssertClose(y.grad!, x.grad!, "the input's gradient");
    }

    [Fact]
    public void AWrongInputIsReportedAsTheEagerConvolutionReportsIt()
    {
        using var scope = NewDisposeScope();
        var (pair, _) = Pair(256, 256, 3, 1, 1, 1, 1);
        using var __ = pair;
        using var noGrad = no_grad();
        using var fold = BatchNormFolding.Fold(pair);
        var wrong = randn([2, 128, 8, 8]);
        var error = Assert.Throws<LayerInputException>(() => Forward.Call(pair, wrong, "features"));
        Assert.Contains("features", error.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 128, 8, 8]", error.Message, StringComparison.Ordinal);
        Assert.Contains("to have 256 channels", error.Message, StringComparison.Ordinal);
        // An input too short for a dilated kernel is reported as the eager convolution reports it, at stride 2 too,
        // where rounding the output size toward zero would make it one row.
        var (dilated, _) = Pair(256, 256, 3, 2, 1, 4, 1);
        using (dilated)
        using (BatchNormFolding.Fold(dilated))
        {
            // Dilation 4 spans 9 rows; 6 + 2·1 = 8 padded rows do not hold it, 9 + 2 do (two output rows at stride 2).
            var tooShort = Assert.Throws<LayerInputException>(() => Forward.Call(dilated, randn([2, 256, 6, 40]), "dilated"));
            Assert.Contains("Kernel size can't be greater than actual input size", tooShort.Message, StringComparison.Ordinal);
            Assert.Equal([2L, 256, 2, 17], Forward.Call(dilated, randn([2, 256, 9, 40])).shape);
        }

        // The process is fine and the pair still works.
        Assert.Equal([2L, 256, 8, 8], Forward.Call(pair, randn([2, 256, 8, 8])).shape);
    }

    [Fact]
    public void AnInputWithAnEmptyImageAxisIsReportedAsTheEagerConvolutionReportsIt()
    {
        using var scope = NewDisposeScope();
        // A 1×1 convolution with padding 1: a [2, 256, 0, 40] input would pad to 2 × 42 outputs (11 M multiply-adds).
        var (pair, conv) = Pair(256, 256, 1, 1, 1, 1, 1);
        using var _ = pair;
        using var unfolded = Twin(pair);
        var empty = randn([2, 256, 0, 40]);
        using var noGrad = no_grad();
        var eager = Assert.ThrowsAny<Exception>(() => unfolded.call(empty)).Message.Split('\n')[0];
        using var fold = BatchNormFolding.Fold(pair);
        var error = Assert.Throws<LayerInputException>(() => Forward.Call(pair, empty, "features"));
        Assert.Contains(eager, error.Message, StringComparison.Ordinal);
        Assert.False(BatchNormFolding.IsPacked(conv), "an empty input packed the weight");
    }

    [Fact]
    public void FourThreadsPackingAtOnceAllGetTheUnfoldedOutput()
    {
        using var scope = NewDisposeScope();
        var (pair, conv) = Pair(256, 256, 3, 1, 1, 1, 1);
        using var _ = pair;
        var x = ChannelsLast.Contiguous(randn([2, 256, 8, 8], generator: new Generator(6)));
        Tensor expected;
        using (no_grad())
        {
            expected = pair.call(x).clone();
        }

        using var fold = BatchNormFolding.Fold(pair);
        var outputs = new Tensor[4];
        using var start = new Barrier(outputs.Length);
        var threads = Enumerable.Range(0, outputs.Length).Select(i => new Thread(() =>
        {
            using var noGrad = no_grad();
            start.SignalAndWait();
            outputs[i] = Forward.Call(pair, x).DetachFromDisposeScope();
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.True(BatchNormFolding.IsPacked(conv));
        foreach (var output in outputs)
        {
            using (output)
            {
                AssertClose(expected, output, "a concurrent first forward");
            }
        }
    }

    // A convolution (no bias, as before a norm) and a norm with statistics and affine parameters away from their
    // defaults, in a Sequential, channels-last, in eval mode.
    internal static (Sequential Pair, Conv2d Conv) Pair(int inChannels, int outChannels, int kernel, int stride, int padding, int dilation, int groups)
    {
        var conv = nn.Conv2d(inChannels, outChannels, kernel, stride: stride, padding: padding, dilation: dilation, groups: groups, bias: false);
        var norm = nn.BatchNorm2d(outChannels);
        using (no_grad())
        {
            var generator = new Generator(7);
            norm.running_mean!.copy_(rand([outChannels], generator: generator).sub_(0.5));
            norm.running_var!.copy_(rand([outChannels], generator: generator).add_(0.5));
            norm.weight!.copy_(rand([outChannels], generator: generator).add_(0.5));
            norm.bias!.copy_(rand([outChannels], generator: generator).sub_(0.5));
        }

        var pair = nn.Sequential(("0", conv), ("1", norm));
        ChannelsLast.Apply(pair);
        pair.eval();
        return (pair, conv);
    }

    // A never-folded Sequential with the pair's weights, in eval mode.
    private static Sequential Twin(Sequential pair)
    {
        var conv = (Conv2d)pair[0];
        var (twin, _) = Pair((int)conv.in_channels, (int)conv.out_channels, (int)conv.weight!.shape[2], (int)conv.stride[0], (int)conv.padding![0], (int)conv.dilation[0], (int)conv.groups);
        twin.load_state_dict(pair.state_dict());
        return twin;
    }

    // Folding reassociates the norm's scale into the weight: float32 rounding, relative to the output's scale (before
    // an activation that clamps it, where given).
    private static void AssertClose(Tensor expected, Tensor actual, string what, float? scaleBefore = null)
    {
        Assert.Equal(expected.shape, actual.shape);
        var scale = scaleBefore ?? expected.abs().max().item<float>();
        var difference = (actual - expected).abs().max().item<float>();
        Assert.True(scale > 1e-2f, $"{what}: the output is trivially small");
        Assert.True(difference <= 1e-5f * scale, $"{what}: differs from the unfolded pair by {difference:E2} (scale {scale:E2})");
    }
}
