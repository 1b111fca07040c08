using ModelDsl.Zoo.MobileNets;
using ModelDsl.Zoo.ResNets;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.Zoo.Tests;

/// <summary>
/// Batch norms folded into their convolutions for eval inference: the same logits as the unfolded model (up to float
/// reassociation), every pair found (ResNet-18: the stem's, two per block and three projections'; MobileNetV2: each
/// Conv2dNormActivation's and each block's last), training untouched, the state dict unchanged, and disposing the fold
/// restores the plain forward; and a fold that follows the weights when they change after it was made.
/// </summary>
public class BatchNormFoldingTests
{
    [Fact]
    public void ResNet18FoldsAllTwentyPairsAndGivesTheSameLogits()
    {
        // 1 stem + 8 blocks × 2 + 3 downsample projections (layer2–4's first blocks) = 20.
        Check(new ResNet18(), [2, 3, 64, 64], pairs: 20);
    }

    [Fact]
    public void MobileNetV2FoldsItsDepthwiseAndPointwisePairsAndGivesTheSameLogits()
    {
        // The stem and the last 1×1 (2), block 1's depthwise and projection (2), 16 blocks × 3 (expand, depthwise, project): 52.
        Check(new MobileNetV2(), [2, 3, 64, 64], pairs: 52);
    }

    [Fact]
    public void ResNet18HalfFoldsToo()
    {
        using var dense = new ResNet18();
        Check(ResNet18Half.FromDense(dense), [2, 3, 64, 64], pairs: 20);
    }

    [Fact]
    public void AFoldFollowsLoadingTrainingAndReplacedParameters()
    {
        using var scope = NewDisposeScope();
        using var model = EvalResNet18();
        var x = Input();
        using var folded = BatchNormFolding.Fold(model);
        Tensor Folded() => Logits(model, x);

        var before = Folded();

        // Loading another model's weights (load_state_dict copies into the same parameters in place).
        using (var other = new ResNet18())
        {
            RandomiseNorms(other, seed: 9);
            model.load_state_dict(other.state_dict());
        }

        var loaded = Folded();
        Assert.False(loaded.allclose(before, 1e-3, 1e-3), "the test's second weights give the same logits");
        AssertPlain(model, x, loaded, "after load_state_dict");

        // A training step: the optimizer writes the weights, the training-mode norms their running statistics.
        model.train();
        using (var optimizer = optim.SGD(model.parameters(), 0.1))
        {
            optimizer.zero_grad();
            model.call(x).square().mean().backward();
            optimizer.step();
        }

        model.eval();
        var trained = Folded();
        Assert.False(trained.allclose(loaded, 1e-3, 1e-3), "the training step changed nothing");
        AssertPlain(model, x, trained, "after a training step");

        // A parameter replaced by a new one, and a running statistic written under no_grad.
        var stem = model.modules().OfType<TorchSharp.Modules.Conv2d>().First();
        using (no_grad())
        {
            stem.weight = new TorchSharp.Modules.Parameter(ChannelsLast.Contiguous(randn(stem.weight!.shape, generator: new Generator(11))));
            model.modules().OfType<TorchSharp.Modules.BatchNorm2d>().Last().running_var!.mul_(4);
        }

        var replaced = Folded();
        Assert.False(replaced.allclose(trained, 1e-3, 1e-3), "the replaced parameter changed nothing");
        AssertPlain(model, x, replaced, "after replacing a parameter");
    }

    /// <summary>
    /// Training-mode forwards alone, no optimizer step (re-estimating the running statistics on new data, as after
    /// pruning): libtorch's batch norm writes the running statistics inside its kernel without bumping their version
    /// counters, so the fold must see the forward another way (the norm's num_batches_tracked, which it increments).
    /// </summary>
    [Fact]
    public void AFoldFollowsRunningStatisticsReestimatedByTrainingModeForwards()
    {
        using var scope = NewDisposeScope();
        using var model = EvalResNet18();
        var x = Input();
        using var folded = BatchNormFolding.Fold(model);
        Tensor Folded() => Logits(model, x);

        var before = Folded();
        model.train();
        using (no_grad())
        {
            // Data far from the randomised statistics, so the re-estimated ones differ from them.
            model.call(ChannelsLast.Contiguous(randn([4, 3, 64, 64], generator: new Generator(4)).mul_(3).add_(1))).Dispose();
        }

        model.eval();
        var reestimated = Folded();
        AssertPlain(model, x, reestimated, "after a training-mode forward");
        Assert.False(reestimated.allclose(before, 1e-3, 1e-3), "the training-mode forward changed no statistic");
    }

    /// <summary>
    /// An eval-mode forward that records gradients (fine-tuning with the norms' statistics frozen, as torchvision's
    /// detection models do) runs the pairs unfolded: the folded tensors are detached, so through them the convolutions'
    /// and the norms' parameters got no gradient at all. The gradients equal a never-folded twin's.
    /// </summary>
    [Fact]
    public void AnEvalModeForwardThatRecordsGradientsGivesThePlainGradients()
    {
        using var scope = NewDisposeScope();
        using var model = EvalResNet18();
        using var plain = Twin(model);
        var x = Input();
        using var folded = BatchNormFolding.Fold(model);

        model.call(x).square().mean().backward();
        plain.call(x).square().mean().backward();
        var expected = plain.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad);
        foreach (var name in new[] { "conv1.weight", "bn1.weight", "bn1.bias", "layer4.1.conv2.weight", "layer4.1.bn2.weight" })
        {
            var actual = model.named_parameters().Single(p => p.name == name).parameter.grad;
            Assert.True(actual is not null, name + " got no gradient through the fold");
            var reference = expected[name]!;
            var difference = (actual - reference).abs().max().item<float>();
            var size = reference.abs().max().item<float>();
            Assert.True(size > 0 && difference <= 1e-5f * size, $"{name}: gradients differ by {difference:E2} (scale {size:E2})");
        }

        // Under no_grad the folded forward still gives the plain logits.
        using var noGrad = no_grad();
        AssertPlain(model, x, model.call(x), "under no_grad after a backward");
    }

    /// <summary>
    /// Folding a model again replaces the first fold's tensors; disposing the first fold afterwards (a <c>using</c> that
    /// ends later) leaves the second in place, and disposing the second restores the plain forward.
    /// </summary>
    [Fact]
    public void DisposingAReplacedFoldKeepsTheFoldThatReplacedIt()
    {
        using var scope = NewDisposeScope();
        using var model = EvalResNet18();
        var x = Input();
        using var noGrad = no_grad();
        var plain = model.call(x).clone();
        var first = BatchNormFolding.Fold(model);
        var folded = model.call(x).clone();
        Assert.False(folded.allclose(plain, 0, 0), "folding changed no bit of the logits, so the test cannot tell");

        using (var second = BatchNormFolding.Fold(model))
        {
            Assert.Equal(20, second.Pairs);
            first.Dispose();
            Assert.True(model.call(x).allclose(folded, 0, 0), "disposing the replaced fold unfolded the one that replaced it");
        }

        Assert.True(model.call(x).allclose(plain, 0, 0), "disposing the last fold did not restore the plain forward");
    }

    /// <summary>
    /// An eval-mode model with only its norms in training mode (re-estimating the statistics after pruning): each norm
    /// normalises and averages its convolution's own output, as a never-folded twin's do, not the folded pair's output.
    /// </summary>
    [Fact]
    public void NormsInTrainingModeInAnEvalModelSeeTheirConvolutionsOwnOutputs()
    {
        using var scope = NewDisposeScope();
        using var model = EvalResNet18();
        using var plain = Twin(model);
        var x = Input();
        using var folded = BatchNormFolding.Fold(model);
        using var noGrad = no_grad();
        foreach (var norm in model.modules().Concat(plain.modules()).OfType<TorchSharp.Modules.BatchNorm2d>())
        {
            norm.train();
        }

        var actual = model.call(x);
        var expected = plain.call(x);
        var scale = expected.abs().max().item<float>();
        Assert.True((actual - expected).abs().max().item<float>() <= 1e-4f * scale, "the logits differ from the never-folded twin's");
        var twin = plain.state_dict();
        foreach (var (name, tensor) in model.state_dict().Where(e => e.Key.EndsWith("running_mean", StringComparison.Ordinal)))
        {
            var difference = (tensor - twin[name]).abs().max().item<float>();
            Assert.True(difference <= 1e-4f, $"{name} differs from the never-folded twin's by {difference:E2}");
        }
    }

    // The folded logits equal the plain forward of the model's weights now (the fold briefly undone).
    private static void AssertPlain(ResNet18 model, Tensor x, Tensor folded, string when)
    {
        using var noGrad = no_grad();
        // A second model with the same weights, never folded, gives the plain forward.
        using var plain = Twin(model);
        var expected = plain.call(x);
        var scale = expected.abs().max().item<float>();
        var difference = (folded - expected).abs().max().item<float>();
        Assert.True(difference <= 1e-5f * scale, $"{when}: the folded logits differ from the weights' own by {difference:E2} (scale {scale:E2})");
    }

    private static void Check(nn.Module<Tensor, Tensor> model, long[] shape, int pairs)
    {
        using (model)
        {
            using var scope = NewDisposeScope();
            RandomiseNorms(model);
            model.eval();
            var x = ChannelsLast.Contiguous(randn(shape, generator: new Generator(3)));
            using var noGrad = no_grad();
            var expected = model.call(x).clone();
            var before = model.state_dict().ToDictionary(e => e.Key, e => e.Value.clone());

            using (var folded = BatchNormFolding.Fold(model))
            {
                Assert.Equal(pairs, folded.Pairs);
                var actual = model.call(x);
                var scale = expected.abs().max().item<float>();
                var difference = (actual - expected).abs().max().item<float>();
                Assert.True(scale > 1e-2f, "the logits are trivially small");
                Assert.True(difference <= 1e-5f * scale, $"folded logits differ by {difference:E2} (scale {scale:E2})");

                // Training mode ignores the fold (its norms use the batch's statistics); momentum 0 keeps the running ones.
                var norms = model.modules().OfType<TorchSharp.Modules.BatchNorm2d>().ToList();
                var momenta = norms.Select(n => n.momentum).ToList();
                norms.ForEach(n => n.momentum = 0);
                model.train();
                var training = model.call(x);
                model.eval();
                norms.Zip(momenta).ToList().ForEach(p => p.First.momentum = p.Second);
                Assert.True(model.call(x).allclose(actual, 0, 0), "the fold was lost across train()/eval()");
                Assert.False(training.allclose(actual, 1e-3, 1e-3), "training mode computed the folded eval forward");
            }

            // Unfolded again: exactly the plain forward; the state dict never changed.
            Assert.True(model.call(x).allclose(expected, 0, 0), "disposing the fold did not restore the plain forward");
            // (num_batches_tracked counts the test's own training-mode forward.)
            foreach (var (name, tensor) in model.state_dict().Where(e => !e.Key.EndsWith("num_batches_tracked", StringComparison.Ordinal)))
            {
                Assert.True(tensor.allclose(before[name], 0, 0), name + " changed");
            }
        }
    }

    // A ResNet-18 with its norms randomised, in eval mode.
    private static ResNet18 EvalResNet18()
    {
        var model = new ResNet18();
        RandomiseNorms(model);
        model.eval();
        return model;
    }

    // A never-folded model with `model`'s weights, in eval mode: the plain forward to compare with.
    private static ResNet18 Twin(ResNet18 model)
    {
        var twin = new ResNet18();
        twin.load_state_dict(model.state_dict());
        twin.eval();
        return twin;
    }

    private static Tensor Input() => ChannelsLast.Contiguous(randn([2, 3, 64, 64], generator: new Generator(3)));

    // The eval logits under no_grad, kept past the next forward.
    private static Tensor Logits(nn.Module<Tensor, Tensor> model, Tensor x)
    {
        using var noGrad = no_grad();
        return model.call(x).clone();
    }

    // Running statistics and affine parameters away from their defaults, so that a wrong fold shows.
    internal static void RandomiseNorms(nn.Module model, ulong seed = 5)
    {
        using var noGrad = no_grad();
        var generator = new Generator(seed);
        foreach (var (name, tensor) in model.state_dict())
        {
            if (name.EndsWith("running_mean", StringComparison.Ordinal) || name.EndsWith(".bias", StringComparison.Ordinal))
            {
                tensor.copy_(rand(tensor.shape, generator: generator).sub_(0.5));
            }
            else if (name.EndsWith("running_var", StringComparison.Ordinal))
            {
                tensor.copy_(rand(tensor.shape, generator: generator).add_(0.5));
            }
            else if (tensor.dim() == 1 && name.EndsWith(".weight", StringComparison.Ordinal))
            {
                tensor.copy_(rand(tensor.shape, generator: generator).add_(0.5));
            }
        }
    }
}
