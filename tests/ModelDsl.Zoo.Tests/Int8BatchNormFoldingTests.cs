using ModelDsl.Zoo.ResNets;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelDsl.Zoo.Tests;

/// <summary>
/// Batch norms folded into an int8 variant's convolutions (what they pack for the int8 kernel; the stored int8 weights
/// and the state dict do not change): every pair of ResNet18Int8 folds, the logits stay as close to float32's as the
/// unfolded int8 network's, folding before or after calibrating gives the same network, a layer calibrated without the
/// norm's range keeps its norm, changed statistics fall back to the unfolded forward, and a channel whose norm scale is
/// negative or zero folds right.
/// </summary>
public class Int8BatchNormFoldingTests
{
    private static Tensor Input(long batch = 4) => ChannelsLast.Contiguous(randn([batch, 3, 64, 64], generator: new Generator(3)));

    private static (ResNet18 Dense, ResNet18Int8 Int8) Models()
    {
        var dense = new ResNet18();
        BatchNormFoldingTests.RandomiseNorms(dense);
        dense.eval();
        var int8 = ResNet18Int8.FromDense(dense);
        int8.eval();
        return (dense, int8);
    }

    // Through ModelDsl.Forward, as a generated forward calls its members: a plain Sequential's own forward (the pairs
    // below) calls its children directly and never sees the fold.
    private static Tensor Logits(nn.Module<Tensor, Tensor> model, Tensor x)
    {
        using var noGrad = no_grad();
        return Forward.Call(model, x).clone();
    }

    private static double Relative(Tensor actual, Tensor expected) =>
        (actual - expected).norm().item<float>() / (double)expected.norm().item<float>();

    [Fact]
    public void ResNet18Int8FoldsAllTwentyPairsAndStaysAsCloseToFloat32()
    {
        using var scope = NewDisposeScope();
        var (dense, int8) = Models();
        using var _ = dense;
        using var __ = int8;
        var x = Input();
        Assert.Equal(20, Int8Calibration.Run(int8, x));
        var reference = Logits(dense, x);
        var unfolded = Logits(int8, x);
        var before = int8.state_dict().ToDictionary(e => e.Key, e => e.Value.clone());

        using (var fold = BatchNormFolding.Fold(int8))
        {
            // 1 stem + 8 blocks × 2 + 3 projections, as the float ResNet-18 folds.
            Assert.Equal(20, fold.Pairs);
            var folded = Logits(int8, x);

            // The folded kernel requantises after the norm instead of before it: a different rounding of the same
            // network, so its error against float32 is of the unfolded one's size (not a bit-identical result).
            var (foldedError, unfoldedError) = (Relative(folded, reference), Relative(unfolded, reference));
            Assert.True(unfoldedError < 0.1, $"the unfolded int8 network is {unfoldedError:E2} from float32");
            Assert.True(foldedError <= 1.5 * unfoldedError, $"folded {foldedError:E2} against unfolded {unfoldedError:E2}");
            Assert.False(folded.allclose(unfolded, 0, 0), "the fold changed nothing: the norms still ran");

            // A forward in training mode is the plain one (its norms use the batch's statistics).
            int8.train();
            int8.eval();
            Assert.True(Logits(int8, x).allclose(folded, 0, 0), "the fold was lost across train()/eval()");
        }

        // Unfolded again: exactly the int8 network as calibrated; the stored weights never changed.
        Assert.True(Logits(int8, x).allclose(unfolded, 0, 0), "disposing the fold did not restore the unfolded forward");
        foreach (var (name, tensor) in int8.state_dict())
        {
            Assert.True(tensor.allclose(before[name], 0, 0), name + " changed");
        }
    }

    [Fact]
    public void FoldingBeforeOrAfterCalibratingGivesTheSameNetwork()
    {
        using var scope = NewDisposeScope();
        var (dense, first) = Models();
        using var _ = dense;
        using var __ = first;
        using var second = ResNet18Int8.FromDense(dense);
        second.eval();
        var x = Input();

        Int8Calibration.Run(first, x);
        using var afterCalibrating = BatchNormFolding.Fold(first);

        // Calibrating a folded network observes the unfolded convolutions and their norms all the same.
        using var beforeCalibrating = BatchNormFolding.Fold(second);
        Int8Calibration.Run(second, x);

        Assert.Equal(20, afterCalibrating.Pairs);
        Assert.Equal(20, beforeCalibrating.Pairs);
        Assert.True(Logits(first, x).allclose(Logits(second, x), 0, 0), "the two orders give different networks");
    }

    [Fact]
    public void ALayerCalibratedWithoutTheNormsRangeKeepsItsNorm()
    {
        using var scope = NewDisposeScope();
        var (dense, int8) = Models();
        using var _ = dense;
        using var __ = int8;
        var x = Input();
        Int8Calibration.Run(int8, x);

        // A range of one's own (here the stem's, without what the pass saw after its norm).
        var stem = int8.modules().OfType<Int8Conv2d>().First();
        stem.Calibrate(new ActivationRange(stem.Calibration!.InputMin, stem.Calibration.InputMax, stem.Calibration.OutputMin, stem.Calibration.OutputMax));
        var unfolded = Logits(int8, x);
        using (var fold = BatchNormFolding.Fold(int8))
        {
            Assert.Equal(19, fold.Pairs);
        }

        // Folding only that pair would fold nothing: its norm runs, so the forward is the unfolded one.
        // (Not disposed: its members belong to the network.)
        var stemPair = nn.Sequential(("conv", stem), ("bn", int8.modules().OfType<BatchNorm2d>().First()));
        using var none = BatchNormFolding.Fold(stemPair);
        Assert.Equal(0, none.Pairs);
        Assert.True(Logits(int8, x).allclose(unfolded, 0, 0));
    }

    [Fact]
    public void FoldedForwardsOnSeveralThreadsAtOnceGiveTheSingleThreadedResult()
    {
        // A server's requests: eval forwards of one folded model on several threads. Each round folds afresh, so that
        // the first forwards on every thread make the folded kernel (calibrated) or the folded weights (uncalibrated)
        // at the same moment.
        using var scope = NewDisposeScope();
        foreach (var calibrated in new[] { false, true })
        {
            var (pair, x) = Pair(new[] { 1.5f, 0.7f, 0.9f, 1.1f, 1.2f, 0.4f });
            using var _ = pair;
            if (calibrated)
            {
                Int8Calibration.Run(pair, x);
            }

            Tensor expected;
            using (BatchNormFolding.Fold(pair))
            {
                expected = Logits(pair, x);
            }

            for (var round = 0; round < 10; round++)
            {
                using var fold = BatchNormFolding.Fold(pair);
                Assert.Equal(1, fold.Pairs);
                var results = new Tensor[4];
                Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = results.Length }, i => results[i] = Logits(pair, x));
                foreach (var result in results)
                {
                    Assert.True(result.allclose(expected, 0, 0), $"round {round}, calibrated {calibrated}: a concurrent folded forward differs");
                }
            }
        }
    }

    [Fact]
    public void ChangedStatisticsFallBackToTheUnfoldedForward()
    {
        using var scope = NewDisposeScope();
        var (pair, x) = Pair(new[] { 1.5f, 0.7f, 0.9f, 1.1f, 1.2f, 0.4f });
        using var _ = pair;
        Int8Calibration.Run(pair, x);
        using var fold = BatchNormFolding.Fold(pair);
        Assert.Equal(1, fold.Pairs);
        var folded = Logits(pair, x);

        // The calibration's range after the norm no longer holds once the norm's statistics change: the convolution
        // runs unfolded and its norm after it, the int8 pair as it now is.
        using (no_grad())
        {
            ((BatchNorm2d)pair[1]).running_var!.mul_(4);
        }

        var changed = Logits(pair, x);
        Assert.False(changed.allclose(folded, 1e-3, 1e-3), "the changed statistic changed nothing");
        fold.Dispose();
        Assert.True(changed.allclose(Logits(pair, x), 0, 0), "the folded forward is not the unfolded one after the change");
    }

    [Fact]
    public void StatisticsReestimatedByATrainingModeForwardFallBackToTheUnfoldedForward()
    {
        // libtorch's batch norm writes its running statistics without bumping their version counters; the norm's
        // num_batches_tracked, which TorchSharp's module increments, tells the fold.
        using var scope = NewDisposeScope();
        var (pair, x) = Pair(new[] { 1.5f, 0.7f, 0.9f, 1.1f, 1.2f, 0.4f });
        using var _ = pair;
        Int8Calibration.Run(pair, x);
        var unfolded = Logits(pair, x);
        using var fold = BatchNormFolding.Fold(pair);
        var folded = Logits(pair, x);
        Assert.False(folded.allclose(unfolded, 0, 0), "the fold changed nothing: the norm still ran");

        pair.train();
        using (no_grad())
        {
            pair.call(x.mul(3).add(1)).Dispose();
        }

        pair.eval();
        var changed = Logits(pair, x);
        Assert.False(changed.allclose(folded, 1e-3, 1e-3), "the fold kept the statistics of before the training-mode forward");
        fold.Dispose();
        Assert.True(changed.allclose(Logits(pair, x), 0, 0), "the folded forward is not the unfolded one after the change");
    }

    // An Int8Conv2d 8 → 6 and its norm with γ = `gammas`, in a Sequential in eval mode, and an input for it.
    private static (Sequential Pair, Tensor X) Pair(float[] gammas)
    {
        var generator = new Generator(17);
        var conv = new Int8Conv2d(8, 6, 3, padding: 1);
        conv.Quantize(randn([6, 8, 3, 3], generator: generator).mul(0.2), randn([6], generator: generator).mul(0.1));
        var norm = nn.BatchNorm2d(6);
        using (no_grad())
        {
            norm.weight!.copy_(tensor(gammas));
            norm.bias!.copy_(tensor(new[] { 0.1f, -0.2f, 0.3f, 0.25f, 0f, -0.1f }));
            norm.running_mean!.copy_(rand([6], generator: generator).sub_(0.5));
            norm.running_var!.copy_(rand([6], generator: generator).add_(0.5));
        }

        var pair = nn.Sequential(("conv", conv), ("bn", norm));
        pair.eval();
        return (pair, rand([2, 8, 10, 10], generator: generator));
    }

    [Fact]
    public void ANegativeOrZeroNormScaleFoldsRight()
    {
        using var scope = NewDisposeScope();

        // γ: two negative channels and one zero (its output is β alone, 0.25).
        var (pair, x) = Pair(new[] { 1.5f, -0.7f, 0.9f, 0f, -1.2f, 0.4f });
        using var _ = pair;
        var (conv, norm) = ((Int8Conv2d)pair[0], (BatchNorm2d)pair[1]);
        var plain = Logits(pair, x);

        // Uncalibrated: float32 with the folded dequantised weight, equal to the pair's forward up to reassociation.
        using (var fold = BatchNormFolding.Fold(pair))
        {
            Assert.Equal(1, fold.Pairs);
            var folded = Logits(pair, x);
            Assert.True((folded - plain).abs().max().item<float>() <= 1e-5f, "the float fold differs from the pair");
            Assert.True(folded[.., 3].sub(0.25f).abs().max().item<float>() <= 1e-6f, "the zero-γ channel is not β");
        }

        // Calibrated: within one output step of the pair's own int8 forward (a different rounding point, the same range).
        Int8Calibration.Run(pair, x);
        var int8 = Logits(pair, x);
        using (var fold = BatchNormFolding.Fold(pair))
        {
            Assert.Equal(1, fold.Pairs);
            var folded = Logits(pair, x);
            var step = conv.Calibration!.FoldedOutput!.Value.Scale;
            var preNormStep = conv.Calibration.Output.Scale * norm.running_var!.add(norm.eps).rsqrt().mul(norm.weight!).abs().max().item<float>();
            var difference = (folded - int8).abs().max().item<float>();
            Assert.True(difference <= step + preNormStep + 1e-5, $"folded and unfolded int8 differ by {difference:E2}, more than the two steps {step:E2} + {preNormStep:E2}");
            Assert.True(folded[.., 3].sub(0.25f).abs().max().item<float>() <= step, "the zero-γ channel is not β");
            Assert.True((folded - plain).abs().max().item<float>() <= 0.1f * plain.abs().max().item<float>(), "the folded int8 pair is far from float32");
        }
    }

    [Fact]
    public void AConvolutionInTrainingModeBeforeAnEvalNormStillGetsItsNorm()
    {
        // A folded int8 convolution in training mode forwards unfolded (TryForward leaves a training-mode module alone),
        // so its eval-mode norm has to run: y = γ (z − μ)/√(σ² + ε) + β on the convolution's own output z.
        using var scope = NewDisposeScope();
        var (pair, x) = Pair(new[] { 1.5f, -0.7f, 0.9f, 1.1f, 1.2f, 0.4f });
        using var _ = pair;
        var (conv, norm) = ((Int8Conv2d)pair[0], (BatchNorm2d)pair[1]);
        using var fold = BatchNormFolding.Fold(pair);
        Assert.Equal(1, fold.Pairs);
        conv.train();
        using var noGrad = no_grad();
        var z = conv.call(x);
        var view = new long[] { 1, -1, 1, 1 };
        var expected = z.sub(norm.running_mean!.view(view)).div(norm.running_var!.add(norm.eps).sqrt().view(view)).mul(norm.weight!.view(view)).add(norm.bias!.view(view));
        var actual = Forward.Call(pair, x);
        Assert.True((actual - expected).abs().max().item<float>() <= 1e-5f, "the eval-mode norm after a training-mode convolution was skipped");
    }

    [Fact]
    public void ANormInTrainingModeAfterAFoldedConvolutionSeesTheConvolutionsOutput()
    {
        // Re-estimating the norms of an int8 network (the model in eval mode, only its norms in training mode): each norm's
        // running mean moves by momentum 0.1 towards the batch mean of the convolution's output z, per channel.
        using var scope = NewDisposeScope();
        var (pair, x) = Pair(new[] { 1.5f, -0.7f, 0.9f, 1.1f, 1.2f, 0.4f });
        using var _ = pair;
        var (conv, norm) = ((Int8Conv2d)pair[0], (BatchNorm2d)pair[1]);
        using var fold = BatchNormFolding.Fold(pair);
        Assert.Equal(1, fold.Pairs);
        using var noGrad = no_grad();
        var z = conv.call(x);
        var expectedMean = norm.running_mean!.mul(0.9).add(z.mean([0, 2, 3]).mul(0.1));
        norm.train();
        Forward.Call(pair, x).Dispose();
        Assert.True((norm.running_mean! - expectedMean).abs().max().item<float>() <= 1e-5f, "the training-mode norm read the folded convolution's already-normalised output");
    }

    [Fact]
    public void ADepthwiseBiaslessConvolutionFoldsANormWithoutAffineParameters()
    {
        // groups = channels, no bias, a norm without γ and β: the fold is y = (z − μ)/√(σ² + ε) per channel, in float32
        // uncalibrated and within an output step or two of the unfolded int8 pair calibrated.
        using var scope = NewDisposeScope();
        var generator = new Generator(23);
        var conv = new Int8Conv2d(6, 6, 3, padding: 1, groups: 6, bias: false);
        conv.Quantize(randn([6, 1, 3, 3], generator: generator), null);
        var norm = nn.BatchNorm2d(6, affine: false);
        using (no_grad())
        {
            norm.running_mean!.copy_(randn([6], generator: generator));
            norm.running_var!.copy_(rand([6], generator: generator).add_(0.5));
        }

        using var pair = nn.Sequential(("conv", conv), ("bn", norm));
        pair.eval();
        var x = rand([2, 6, 9, 9], generator: generator);
        var view = new long[] { 1, -1, 1, 1 };
        Tensor Expected()
        {
            using var noGrad = no_grad();
            return conv.call(x).sub(norm.running_mean!.view(view)).div(norm.running_var!.add(norm.eps).sqrt().view(view));
        }

        var plain = Expected();
        using (var fold = BatchNormFolding.Fold(pair))
        {
            Assert.Equal(1, fold.Pairs);
            Assert.True((Logits(pair, x) - plain).abs().max().item<float>() <= 1e-4f, "the float fold differs from the pair");
        }

        Int8Calibration.Run(pair, x);
        var int8 = Expected();
        using (var fold = BatchNormFolding.Fold(pair))
        {
            Assert.Equal(1, fold.Pairs);
            var step = conv.Calibration!.FoldedOutput!.Value.Scale;
            var preNormStep = conv.Calibration.Output.Scale * norm.running_var!.add(norm.eps).rsqrt().max().item<float>();
            var difference = (Logits(pair, x) - int8).abs().max().item<float>();
            Assert.True(difference <= step + preNormStep + 1e-5, $"folded and unfolded int8 differ by {difference:E2}");

            // Back to float32 while folded: the float fold again.
            conv.ClearCalibration();
            Assert.True((Logits(pair, x) - plain).abs().max().item<float>() <= 1e-4f, "ClearCalibration while folded");

            // New weights while folded: the fold follows them.
            conv.Quantize(randn([6, 1, 3, 3], generator: generator), null);
            var renewed = Expected();
            Assert.True((Logits(pair, x) - renewed).abs().max().item<float>() <= 1e-4f, "new weights while folded");
        }
    }

    [Fact]
    public void AFoldFollowsAReplacedNormParameter()
    {
        // A norm whose γ was never written (its version counter still 0) replaced by a new parameter (whose counter is 0
        // too): the fold must see the new γ, y = γ' (z − μ)/√(σ² + ε) + β, uncalibrated and calibrated alike.
        using var scope = NewDisposeScope();
        var generator = new Generator(29);
        var conv = new Int8Conv2d(4, 3, 3, padding: 1);
        conv.Quantize(randn([3, 4, 3, 3], generator: generator).mul(0.3), randn([3], generator: generator).mul(0.1));
        var norm = nn.BatchNorm2d(3);
        using (no_grad())
        {
            norm.running_mean!.copy_(randn([3], generator: generator).mul(0.2));
            norm.running_var!.copy_(rand([3], generator: generator).add_(0.5));
        }

        using var pair = nn.Sequential(("conv", conv), ("bn", norm));
        pair.eval();
        var x = rand([2, 4, 8, 8], generator: generator);
        var view = new long[] { 1, -1, 1, 1 };
        Tensor Expected()
        {
            using var noGrad = no_grad();
            return conv.call(x).sub(norm.running_mean!.view(view)).div(norm.running_var!.add(norm.eps).sqrt().view(view)).mul(norm.weight!.view(view)).add(norm.bias!.view(view));
        }

        using (var fold = BatchNormFolding.Fold(pair))
        {
            Assert.Equal(1, fold.Pairs);
            Assert.True((Logits(pair, x) - Expected()).abs().max().item<float>() <= 1e-5f, "the fold differs before the change");
            norm.weight = new TorchSharp.Modules.Parameter(tensor(new[] { -2f, 0.5f, 3f }));
            Assert.True((Logits(pair, x) - Expected()).abs().max().item<float>() <= 1e-5f, "the float fold kept the replaced γ");
        }

        // Calibrated with the norm, then γ replaced again: the calibrated range after the norm no longer holds, so the
        // pair runs unfolded, the int8 convolution and then the norm.
        Int8Calibration.Run(pair, x);
        using (var fold = BatchNormFolding.Fold(pair))
        {
            Assert.Equal(1, fold.Pairs);
            norm.weight = new TorchSharp.Modules.Parameter(tensor(new[] { 1f, -1f, 0.25f }));
            Assert.True((Logits(pair, x) - Expected()).abs().max().item<float>() <= 1e-5f, "the calibrated fold kept the replaced γ");
        }
    }

    [Fact]
    public void AFoldedConvolutionRejectsTheInputsTheUnfoldedOneRejects()
    {
        // The layer's own errors, folded or not: an unbatched [C, H, W] map, the wrong channel count, integer input.
        using var scope = NewDisposeScope();
        var (pair, _) = Pair(new[] { 1.5f, 0.7f, 0.9f, 1.1f, 1.2f, 0.4f });
        using var __ = pair;
        using var noGrad = no_grad();
        var inputs = new[] { rand([8, 10, 10]), rand([2, 7, 10, 10]), randint(0, 5, [2, 8, 10, 10], ScalarType.Int32) };
        var expected = new[]
        {
            "Int8Conv2d expects input [N, 8, H, W], got [8, 10, 10]",
            "Int8Conv2d expects input [N, 8, H, W], got [2, 7, 10, 10]",
            "Int8Conv2d takes floating-point input, got Int32",
        };
        void Check(string when)
        {
            for (var i = 0; i < inputs.Length; i++)
            {
                var message = Assert.Throws<ArgumentException>(() => Forward.Call(pair, inputs[i])).Message;
                Assert.True(message.Contains(expected[i]), $"{when}: '{message}' does not say '{expected[i]}'");
            }
        }

        Check("unfolded");
        using (BatchNormFolding.Fold(pair))
        {
            Check("folded, uncalibrated");
        }

        Int8Calibration.Run(pair, rand([2, 8, 10, 10]));
        using (BatchNormFolding.Fold(pair))
        {
            Check("folded, calibrated");
        }
    }
}
