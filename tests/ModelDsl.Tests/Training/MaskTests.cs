using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelDsl.Tests.Training;

/// <summary>Which weights the magnitude and N:M masks keep, against hand-picked weights.</summary>
public sealed class MaskTests
{
    [Fact]
    public void Layer_wise_magnitude_pruning_masks_the_smallest_magnitudes_of_each_layer()
    {
        using var model = Net(
            [0.5f, -0.1f, 0.8f, -0.3f, 0.05f, 0.7f, -0.6f, 0.2f],
            [1f, 2f, -3f, 4f, 0.01f, -0.02f, 0.03f, -0.04f]);
        using var mask = MagnitudePruning.LayerWise(model, sparsity: 0.5);
        // Layer 0: |w| sorted 0.05, 0.1, 0.2, 0.3 | 0.5 … → those four pruned. Layer 1: the four of 0.01–0.04.
        Assert.Equal(new[] { 1f, 0, 1, 0, 0, 1, 1, 0 }, Values(mask["0.weight"]));
        Assert.Equal(new[] { 1f, 1, 1, 1, 0, 0, 0, 0 }, Values(mask["1.weight"]));
        Assert.Equal(0.5, mask.Sparsity, 12);
        mask.Apply();
        Assert.Equal(new[] { 0.5f, 0, 0.8f, 0, 0, 0.7f, -0.6f, 0 }, Values(model.get_parameter("0.weight")!));
    }

    [Fact]
    public void Global_magnitude_pruning_ranks_across_layers_and_keeps_the_minimum_of_each_layer()
    {
        using var model = Net(
            [0.5f, -0.1f, 0.8f, -0.3f, 0.05f, 0.7f, -0.6f, 0.2f],
            [1f, 2f, -3f, 4f, 0.01f, -0.02f, 0.03f, -0.04f]);
        // 16 weights, 50 % → 8 pruned. Globally the 8 smallest are layer 1's four tiny ones and layer 0's 0.05, 0.1, 0.2, 0.3.
        using (var free = MagnitudePruning.Global(model, sparsity: 0.5, minKeptFraction: 0))
        {
            Assert.Equal(new[] { 1f, 0, 1, 0, 0, 1, 1, 0 }, Values(free["0.weight"]));
            Assert.Equal(new[] { 1f, 1, 1, 1, 0, 0, 0, 0 }, Values(free["1.weight"]));
        }
        // 75 % → 12 pruned: the 12 smallest are layer 1's four tiny ones and all 8 of layer 0. A minimum of 0.25 keeps
        // 2 in layer 0 (0.8 and 0.7), so 6 are pruned there and the other 6 in layer 1 (0.01–0.04, then 1 and 2).
        using var capped = MagnitudePruning.Global(model, sparsity: 0.75, minKeptFraction: 0.25);
        Assert.Equal(new[] { 0f, 0, 1, 0, 0, 1, 0, 0 }, Values(capped["0.weight"]));
        Assert.Equal(new[] { 0f, 0, 1, 1, 0, 0, 0, 0 }, Values(capped["1.weight"]));
        Assert.Equal(12, capped.Total - capped.Kept);
    }

    [Fact]
    public void Global_pruning_that_the_minimum_kept_makes_impossible_is_an_error_saying_why()
    {
        using var model = Net(new float[8], new float[8]);
        var error = Assert.Throws<ArgumentException>(() => MagnitudePruning.Global(model, sparsity: 0.9, minKeptFraction: 0.5));
        Assert.Contains("at most 8", error.Message);
    }

    [Fact]
    public void Two_four_keeps_the_two_largest_of_every_four_consecutive_weights_along_the_reduction_dimension()
    {
        // A conv weight [2, 2, 1, 2]: its reduction dimension is in·kh·kw = 4, one group per output channel.
        using var conv = nn.Conv2d(2, 2, (1, 2), bias: false);
        using (no_grad())
        {
            conv.weight!.copy_(tensor(new[] { 0.1f, -0.5f, 0.3f, 0.2f, 0.4f, 0.4f, -0.9f, 0.0f }).reshape(2, 2, 1, 2));
        }
        using var model = nn.Sequential(("stem", nn.Identity()), ("conv", conv));
        using var mask = NMSparsity.Mask(model, 2, 4, ["conv.weight"]);
        // Row 0: -0.5 and 0.3 are the largest; row 1: -0.9 and the first 0.4 (a tie goes to the lower index).
        Assert.Equal(new[] { 0f, 1, 1, 0, 1, 0, 1, 0 }, Values(mask["conv.weight"]));
    }

    [Fact]
    public void General_n_m_masks_n_of_every_m_and_the_default_leaves_the_stem_dense()
    {
        torch.manual_seed(5);
        using var model = nn.Sequential(("0", nn.Linear(6, 9)), ("1", nn.Linear(9, 4)));
        using var mask = NMSparsity.Mask(model, 1, 3);
        Assert.Equal(["1.weight"], mask.Names);   // the first layer reads the input and stays dense, as in the compile-time cost
        var kept = Values(mask["1.weight"]);
        for (var group = 0; group < kept.Length / 3; group++)
        {
            Assert.Equal(1f, kept.Skip(group * 3).Take(3).Sum());
        }
    }

    [Fact]
    public void An_m_that_does_not_divide_the_reduction_dimension_is_an_error_naming_the_weight()
    {
        using var model = nn.Sequential(("0", nn.Linear(6, 9)), ("1", nn.Linear(9, 4)));
        var error = Assert.Throws<ArgumentException>(() => NMSparsity.Mask(model, 2, 4));
        Assert.Contains("reduction dimension 9 of '1.weight'", error.Message);
    }

    [Fact]
    public void Effective_macs_scale_each_masked_layer_by_its_kept_fraction()
    {
        using var model = Net([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f], [1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f]);
        using var mask = MagnitudePruning.LayerWise(model, 0.75, ["1.weight"]);
        // Two Linear(4 → 2) layers at batch 1: 8 MACs each; the second keeps 2 of 8 weights → 2 MACs.
        IReadOnlyList<LayerCostInfo> table = [new("0", "Linear", [2], 8, 16, 8), new("1", "Linear", [2], 8, 16, 8)];
        Assert.Equal(10, mask.EffectiveMacs(table));
    }

    /// <summary>Two Linear(4 → 2) layers without bias holding the given weights (row-major [2, 4]).</summary>
    internal static Sequential Net(float[] first, float[] second)
    {
        var model = nn.Sequential(("0", nn.Linear(4, 2, hasBias: false)), ("1", nn.Linear(4, 2, hasBias: false)));
        using (no_grad())
        {
            model.get_parameter("0.weight")!.copy_(tensor(first).reshape(2, 4));
            model.get_parameter("1.weight")!.copy_(tensor(second).reshape(2, 4));
        }
        return model;
    }

    internal static float[] Values(Tensor tensor) => tensor.detach().contiguous().reshape(-1).data<float>().ToArray();
}
