using ModelDsl.Zoo.MobileNets;
using ModelDsl.Zoo.ResNets;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.Zoo.Tests;

/// <summary>
/// Batch norms folded into their convolutions for eval inference: the same logits as the unfolded model (up to float
/// reassociation), every pair found (ResNet-18: the stem's, two per block and three projections'; MobileNetV2: each
/// Conv2dNormActivation's and each block's last), training untouched, the state dict unchanged, and disposing the fold
/// restores the plain forward.
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

    // Running statistics and affine parameters away from their defaults, so that a wrong fold shows.
    private static void RandomiseNorms(nn.Module model)
    {
        using var noGrad = no_grad();
        var generator = new Generator(5);
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
