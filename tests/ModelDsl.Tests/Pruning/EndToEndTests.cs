using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.Tests.PruningRuntime;

/// <summary>
/// Select and Copy together, as a generated <c>FromDense</c> calls them: removing channels whose weights are zero from a
/// conv → batch norm → ReLU → conv chain leaves the output unchanged.
/// </summary>
public sealed class EndToEndTests
{
    [Fact]
    public void Pruning_the_dead_half_of_a_conv_bn_relu_conv_chain_gives_the_dense_output()
    {
        random.manual_seed(20261201);
        using var dense = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU(), nn.Conv2d(8, 4, 1));
        long[] dead = [1, 3, 5, 7];
        using (no_grad())
        {
            var bn = dense.state_dict();
            bn["1.running_mean"].copy_(randn(8));
            bn["1.running_var"].copy_(rand(8).add_(0.5));
            bn["1.weight"].copy_(randn(8));
            bn["1.bias"].copy_(randn(8));
            bn["1.num_batches_tracked"].fill_(3);
            using var rows = tensor(dead);
            // Odd channels: zero conv weight and bias, zero BN scale and shift, so the channel is 0 after BN and ReLU.
            foreach (var name in new[] { "0.weight", "0.bias", "1.weight", "1.bias" })
            {
                bn[name].index_fill_(0, rows, 0);
            }
        }
        dense.eval();
        var state = dense.state_dict();

        var group = new ChannelGroup(8, 4, ["0.weight", "0.bias"], ["1.weight"]);
        var kept = ModelDsl.Pruning.Select(state, group, PruningCriterion.L1);
        Assert.Equal([0L, 2, 4, 6], kept);
        Assert.Equal(kept, ModelDsl.Pruning.Select(state, group, PruningCriterion.L2));

        using var pruned = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Conv2d(4, 4, 1));
        pruned.eval();
        var outputs = new Slice(0, kept);
        foreach (var name in new[] { "0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var" })
        {
            ModelDsl.Pruning.Copy(pruned, state, name, outputs);
        }
        ModelDsl.Pruning.Copy(pruned, state, "1.num_batches_tracked");
        ModelDsl.Pruning.Copy(pruned, state, "3.weight", new Slice(1, kept));
        ModelDsl.Pruning.Copy(pruned, state, "3.bias");
        Assert.Equal(pruned.state_dict().Keys.Order(), state.Keys.Order());

        using var x = randn(2, 3, 9, 9);
        using var expected = dense.forward(x);
        using var actual = pruned.forward(x);
        Assert.Equal([2L, 4, 7, 7], actual.shape);
        using var difference = (actual - expected).abs().max();
        Assert.True(difference.item<float>() <= 1e-6f, $"max |pruned - dense| = {difference.item<float>()}");
        // The comparison is not vacuous: the dense output is far from zero.
        Assert.True(expected.abs().max().item<float>() > 0.1f);
    }
}
