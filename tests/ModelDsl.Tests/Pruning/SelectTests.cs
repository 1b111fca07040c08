using static TorchSharp.torch;

namespace ModelDsl.Tests.PruningRuntime;

/// <summary>
/// <see cref="ModelDsl.Pruning.Select"/>: which channels a pruned variant keeps, for each criterion, on tensors whose
/// scores are worked out by hand in each test; ties, biases, groups of several producers, and the errors a wrong group
/// (a generator bug) must give instead of a silent wrong choice.
/// </summary>
public sealed class SelectTests
{
    private static Dictionary<string, Tensor> Dict(params (string Name, Tensor Value)[] entries) =>
        entries.ToDictionary(e => e.Name, e => e.Value);

    private static ChannelGroup Group(int dense, int kept, string[] producers, string[]? norms = null) =>
        new(dense, kept, producers, norms ?? []);

    [Fact]
    public void L1_keeps_the_channels_with_the_largest_sum_of_absolute_values_in_ascending_order()
    {
        // Rows are channels. L1: |1|+|-2| = 3, |-4|+|0.5| = 4.5, |0.5|+|0.25| = 0.75, |-1|+|-1.5| = 2.5.
        // The two largest are channels 1 (4.5) and 0 (3); returned ascending.
        using var w = tensor(new float[] { 1, -2, -4, 0.5f, 0.5f, 0.25f, -1, -1.5f }).reshape(4, 2);
        var kept = ModelDsl.Pruning.Select(Dict(("conv.weight", w)), Group(4, 2, ["conv.weight"]), PruningCriterion.L1);
        Assert.Equal([0L, 1], kept);
    }

    [Fact]
    public void Scores_are_the_per_channel_values_Select_ranks_by()
    {
        // The L1 rows of the test above, and the L2 norms: sqrt(1 + 4), sqrt(16 + 0.25), sqrt(0.25 + 0.0625), sqrt(1 + 2.25).
        using var w = tensor(new float[] { 1, -2, -4, 0.5f, 0.5f, 0.25f, -1, -1.5f }).reshape(4, 2);
        var dense = Dict(("conv.weight", w));
        Assert.Equal([3, 4.5, 0.75, 2.5], ModelDsl.Pruning.Scores(dense, Group(4, 4, ["conv.weight"]), PruningCriterion.L1));
        var l2 = ModelDsl.Pruning.Scores(dense, Group(4, 4, ["conv.weight"]), PruningCriterion.L2);
        double[] expected = [Math.Sqrt(5), Math.Sqrt(16.25), Math.Sqrt(0.3125), Math.Sqrt(3.25)];
        Assert.Equal(expected.Length, l2.Length);
        Assert.All(expected.Zip(l2), pair => Assert.Equal(pair.First, pair.Second, 12));
    }

    [Fact]
    public void L2_ranks_by_the_euclidean_norm_and_can_disagree_with_L1()
    {
        // Channel 0: [3, 3]  L1 = 6,   L2 = sqrt(18) ≈ 4.243.
        // Channel 1: [4.5, 0] L1 = 4.5, L2 = 4.5.
        // Channel 2: [1, 1]  L1 = 2,   L2 ≈ 1.414.
        // Keeping one: L1 keeps channel 0, L2 keeps channel 1.
        using var w = tensor(new float[] { 3, 3, 4.5f, 0, 1, 1 }).reshape(3, 2);
        var dense = Dict(("fc.weight", w));
        Assert.Equal([0L], ModelDsl.Pruning.Select(dense, Group(3, 1, ["fc.weight"]), PruningCriterion.L1));
        Assert.Equal([1L], ModelDsl.Pruning.Select(dense, Group(3, 1, ["fc.weight"]), PruningCriterion.L2));
    }

    [Fact]
    public void L2_over_several_producers_is_one_norm_over_all_of_them_not_a_sum_of_norms()
    {
        // a: [[3], [4.5]], b: [[3], [0]].
        // One norm: channel 0 sqrt(9 + 9) ≈ 4.243 < channel 1 sqrt(20.25) = 4.5 -> keeps 1.
        // A sum of per-producer norms would give 6 > 4.5 and keep 0.
        using var a = tensor(new float[] { 3, 4.5f }).reshape(2, 1);
        using var b = tensor(new float[] { 3, 0 }).reshape(2, 1);
        var kept = ModelDsl.Pruning.Select(Dict(("a.weight", a), ("b.weight", b)), Group(2, 1, ["a.weight", "b.weight"]), PruningCriterion.L2);
        Assert.Equal([1L], kept);
    }

    [Fact]
    public void Ties_go_to_the_lower_index_every_time()
    {
        // Every channel scores 2 under L1 and sqrt(2) under L2: the first KeptSize channels are kept.
        using var w = tensor(new float[] { 1, -1, -1, 1, 1, 1, -1, -1, 1, -1 }).reshape(5, 2);
        var dense = Dict(("w", w));
        Assert.Equal([0L, 1, 2], ModelDsl.Pruning.Select(dense, Group(5, 3, ["w"]), PruningCriterion.L1));
        Assert.Equal([0L, 1, 2], ModelDsl.Pruning.Select(dense, Group(5, 3, ["w"]), PruningCriterion.L2));

        // A partial tie at the cut: scores [1, 3, 2, 3, 2]; keeping 3 takes both 3s (1, 3) and the lower 2 (channel 2).
        using var v = tensor(new float[] { 1, 3, 2, 3, 2 });
        var kept = ModelDsl.Pruning.Select(Dict(("v", v)), Group(5, 3, ["v"]), PruningCriterion.L1);
        Assert.Equal([1L, 2, 3], kept);
        // Same input, same answer.
        Assert.Equal(kept, ModelDsl.Pruning.Select(Dict(("v", v)), Group(5, 3, ["v"]), PruningCriterion.L1));
    }

    [Fact]
    public void A_bias_producer_adds_its_absolute_value_to_its_channel()
    {
        // Weight alone: L1 [1, 2, 3] keeps channel 2. With bias [5, 0, -0.5]: [6, 2, 3.5] keeps channel 0.
        using var w = tensor(new float[] { 1, -2, 3 }).reshape(3, 1, 1, 1);
        using var b = tensor(new float[] { 5, 0, -0.5f });
        var dense = Dict(("conv.weight", w), ("conv.bias", b));
        Assert.Equal([2L], ModelDsl.Pruning.Select(dense, Group(3, 1, ["conv.weight"]), PruningCriterion.L1));
        Assert.Equal([0L], ModelDsl.Pruning.Select(dense, Group(3, 1, ["conv.weight", "conv.bias"]), PruningCriterion.L1));
        // L2 with the bias: [sqrt(26), 2, sqrt(9.25)] keeps 0 too; a bias alone is a valid producer.
        Assert.Equal([0L], ModelDsl.Pruning.Select(dense, Group(3, 1, ["conv.weight", "conv.bias"]), PruningCriterion.L2));
        Assert.Equal([0L, 2], ModelDsl.Pruning.Select(dense, Group(3, 2, ["conv.bias"]), PruningCriterion.L1));
    }

    [Fact]
    public void A_residual_group_sums_both_convolutions_so_neither_decides_alone()
    {
        // Two 3x3 convs whose outputs are added: conv a's per-channel L1 is [5, 0, 1, 0], conv b's [0, 4, 1, 3]
        // (all mass in one kernel element). Together [5, 4, 2, 3]: keeping 2 gives {0, 1}; a alone would give {0, 2},
        // b alone {1, 3}.
        using var a = zeros(4, 2, 3, 3);
        using var b = zeros(4, 2, 3, 3);
        a[0, 0, 1, 1] = tensor(5f);
        a[2, 1, 0, 0] = tensor(-1f);
        b[1, 1, 2, 2] = tensor(-4f);
        b[2, 0, 0, 1] = tensor(1f);
        b[3, 0, 1, 0] = tensor(3f);
        var dense = Dict(("layer1.0.conv2.weight", a), ("layer1.1.conv2.weight", b));
        var residual = Group(4, 2, ["layer1.0.conv2.weight", "layer1.1.conv2.weight"]);
        Assert.Equal([0L, 1], ModelDsl.Pruning.Select(dense, residual, PruningCriterion.L1));
        Assert.Equal([0L, 2], ModelDsl.Pruning.Select(dense, Group(4, 2, ["layer1.0.conv2.weight"]), PruningCriterion.L1));
        Assert.Equal([1L, 3], ModelDsl.Pruning.Select(dense, Group(4, 2, ["layer1.1.conv2.weight"]), PruningCriterion.L1));
        // L2 of the residual group: sqrt of [25, 16, 1 + 1, 9] = [5, 4, 1.414, 3]: the same {0, 1}.
        Assert.Equal([0L, 1], ModelDsl.Pruning.Select(dense, residual, PruningCriterion.L2));
    }

    [Fact]
    public void BatchNormScale_ranks_by_the_norms_gammas_and_falls_back_to_L1_without_norms()
    {
        // Conv L1 per channel: [4, 3, 2, 1] would keep {0, 1}.
        // Two tied batch norms, gammas [0.1, -2, 0.5, 1] and [0.2, 0.5, 0.1, -0.5]: |sum| = [0.3, 2.5, 0.6, 1.5] keeps {1, 3}.
        using var w = tensor(new float[] { 4, -3, 2, -1 }).reshape(4, 1);
        using var g1 = tensor(new float[] { 0.1f, -2, 0.5f, 1 });
        using var g2 = tensor(new float[] { 0.2f, 0.5f, 0.1f, -0.5f });
        var dense = Dict(("conv.weight", w), ("bn1.weight", g1), ("bn2.weight", g2));
        Assert.Equal([1L, 3], ModelDsl.Pruning.Select(dense, Group(4, 2, ["conv.weight"], ["bn1.weight", "bn2.weight"]), PruningCriterion.BatchNormScale));
        // One norm alone: |g1| = [0.1, 2, 0.5, 1] keeps {1, 3}; |g2| = [0.2, 0.5, 0.1, 0.5] keeps {1, 3} (tie 1 vs 3 at 0.5 -> both kept, 0 loses).
        Assert.Equal([1L, 3], ModelDsl.Pruning.Select(dense, Group(4, 2, ["conv.weight"], ["bn2.weight"]), PruningCriterion.BatchNormScale));
        // Keeping three by g2 alone: 0.5, 0.5, then 0.2 (channel 0) over 0.1 (channel 2).
        Assert.Equal([0L, 1, 3], ModelDsl.Pruning.Select(dense, Group(4, 3, ["conv.weight"], ["bn2.weight"]), PruningCriterion.BatchNormScale));
        // No norm: L1 of the conv.
        Assert.Equal([0L, 1], ModelDsl.Pruning.Select(dense, Group(4, 2, ["conv.weight"]), PruningCriterion.BatchNormScale));
        // L1 and L2 ignore the norms.
        Assert.Equal([0L, 1], ModelDsl.Pruning.Select(dense, Group(4, 2, ["conv.weight"], ["bn1.weight"]), PruningCriterion.L1));
    }

    [Fact]
    public void Taylor_ranks_by_weight_times_gradient_and_can_disagree_with_L1()
    {
        // Weights (rows = channels): [4, -4], [1, 1], [-2, 0.5]; gradients: [0, 0.1], [3, -1], [0.5, 2].
        // L1:     8, 2, 2.5            -> keeping one keeps channel 0.
        // Taylor: |4·0|+|-4·0.1| = 0.4, |1·3|+|1·-1| = 4, |-2·0.5|+|0.5·2| = 2 -> keeps channel 1; keeping two, {1, 2}.
        using var w = tensor(new float[] { 4, -4, 1, 1, -2, 0.5f }).reshape(3, 2).requires_grad_();
        using (no_grad())
        {
            w.grad = tensor(new float[] { 0, 0.1f, 3, -1, 0.5f, 2 }).reshape(3, 2);
        }
        var dense = Dict(("fc.weight", w));
        Assert.Equal([0L], ModelDsl.Pruning.Select(dense, Group(3, 1, ["fc.weight"]), PruningCriterion.L1));
        Assert.Equal([1L], ModelDsl.Pruning.Select(dense, Group(3, 1, ["fc.weight"]), PruningCriterion.Taylor));
        Assert.Equal([1L, 2], ModelDsl.Pruning.Select(dense, Group(3, 2, ["fc.weight"]), PruningCriterion.Taylor));
    }

    [Fact]
    public void Taylor_reads_the_gradients_a_backward_pass_left_on_the_modules_state_dict_tensors()
    {
        // Linear(2 -> 3) with loss = sum(y · [0, 1, 10]) on the input [1, 2]: ∂L/∂W[c] = t[c]·x, ∂L/∂b[c] = t[c].
        // W = [[5, 5], [1, 1], [0.5, 0.5]], b = 0: Taylor_c = t[c]·(|W[c,0]|·1 + |W[c,1]|·2) = 0, 3, 15 -> keeps channel 2,
        // while L1 (10, 2, 1) keeps channel 0: the gradient, not the weight size, decides.
        using var fc = nn.Linear(2, 3);
        using (no_grad())
        {
            fc.get_parameter("weight")!.copy_(tensor(new float[] { 5, 5, 1, 1, 0.5f, 0.5f }).reshape(3, 2));
            fc.get_parameter("bias")!.zero_();
        }
        using var x = tensor(new float[] { 1, 2 }).reshape(1, 2);
        using var t = tensor(new float[] { 0, 1, 10 });
        using var y = fc.call(x);
        using var loss = y.mul(t).sum();
        loss.backward();

        var state = fc.state_dict();
        var group = Group(3, 1, ["weight", "bias"]);
        Assert.Equal([2L], ModelDsl.Pruning.Select(state, group, PruningCriterion.Taylor));
        Assert.Equal([0L], ModelDsl.Pruning.Select(state, group, PruningCriterion.L1));
    }

    [Fact]
    public void Taylor_without_a_backward_pass_names_the_tensor_and_says_what_to_run()
    {
        using var w = tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
        var error = Assert.Throws<ArgumentException>(() =>
            ModelDsl.Pruning.Select(Dict(("conv.weight", w)), Group(2, 1, ["conv.weight"]), PruningCriterion.Taylor));
        Assert.Contains("tensor 'conv.weight' has no gradient to rank by Taylor", error.Message);
        Assert.Contains("loss.backward()", error.Message);
    }

    [Fact]
    public void Keeping_every_channel_returns_all_indices()
    {
        using var w = tensor(new float[] { 0, 3, 1 });
        Assert.Equal([0L, 1, 2], ModelDsl.Pruning.Select(Dict(("w", w)), Group(3, 3, ["w"]), PruningCriterion.L2));
    }

    [Fact]
    public void Half_precision_weights_are_ranked_in_double_precision()
    {
        // float16 [1000, 1000.5, 999.5]: every value is exact in float16 (spacing 0.5 near 1000); keeps {0, 1}.
        using var w = tensor(new float[] { 1000, 1000.5f, 999.5f }).to(ScalarType.Float16);
        Assert.Equal([0L, 1], ModelDsl.Pruning.Select(Dict(("w", w)), Group(3, 2, ["w"]), PruningCriterion.L1));
    }

    [Fact]
    public void A_missing_producer_or_norm_is_named()
    {
        using var w = ones(4, 2);
        var dense = Dict(("conv.weight", w));
        var error = Assert.Throws<ArgumentException>(() => ModelDsl.Pruning.Select(dense, Group(4, 2, ["conv.weight", "conv.bias"]), PruningCriterion.L1));
        Assert.Contains("'conv.bias'", error.Message);
        Assert.Contains("not in the dense state dict", error.Message);
        // A norm named by its module instead of its scale tensor: the message says what is expected.
        error = Assert.Throws<ArgumentException>(() => ModelDsl.Pruning.Select(dense, Group(4, 2, ["conv.weight"], ["bn1"]), PruningCriterion.BatchNormScale));
        Assert.Contains("'bn1'", error.Message);
        Assert.Contains("'bn1.weight'", error.Message);
    }

    [Fact]
    public void A_producer_whose_dim_0_is_not_the_group_size_is_named_with_its_shape()
    {
        using var w = ones(4, 2);
        using var b = ones(3);
        var dense = Dict(("conv.weight", w), ("conv.bias", b));
        var error = Assert.Throws<ArgumentException>(() => ModelDsl.Pruning.Select(dense, Group(4, 2, ["conv.weight", "conv.bias"]), PruningCriterion.L1));
        Assert.Contains("'conv.bias'", error.Message);
        Assert.Contains("[3]", error.Message);
        Assert.Contains("4", error.Message);
        // The weight seen as a group of 2: dim 0 is 4.
        error = Assert.Throws<ArgumentException>(() => ModelDsl.Pruning.Select(dense, Group(2, 1, ["conv.weight"]), PruningCriterion.L2));
        Assert.Contains("'conv.weight'", error.Message);
        Assert.Contains("[4, 2]", error.Message);
        // A 0-d tensor has no channel dim.
        using var scalar = tensor(1f);
        error = Assert.Throws<ArgumentException>(() => ModelDsl.Pruning.Select(Dict(("s", scalar)), Group(1, 1, ["s"]), PruningCriterion.L1));
        Assert.Contains("'s'", error.Message);
    }

    [Fact]
    public void Sizes_out_of_range_an_empty_group_and_non_finite_weights_are_refused()
    {
        using var w = ones(4, 2);
        var dense = Dict(("w", w));
        Assert.Throws<ArgumentException>(() => ModelDsl.Pruning.Select(dense, Group(4, 0, ["w"]), PruningCriterion.L1));
        Assert.Throws<ArgumentException>(() => ModelDsl.Pruning.Select(dense, Group(4, 5, ["w"]), PruningCriterion.L1));
        Assert.Throws<ArgumentException>(() => ModelDsl.Pruning.Select(dense, Group(4, 2, []), PruningCriterion.L1));
        Assert.Throws<ArgumentException>(() => ModelDsl.Pruning.Select(dense, Group(4, 2, []), PruningCriterion.BatchNormScale));

        using var nan = tensor(new float[] { 1, float.NaN, 2, 3 });
        var error = Assert.Throws<ArgumentException>(() => ModelDsl.Pruning.Select(Dict(("bad.weight", nan)), Group(4, 2, ["bad.weight"]), PruningCriterion.L1));
        Assert.Contains("'bad.weight'", error.Message);
        Assert.Contains("NaN", error.Message);
    }
}
