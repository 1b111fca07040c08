using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.Tests.Pruning;

/// <summary>
/// The run-time half of head pruning: ranking whole heads of an attention (Pruning.SelectHeads) and cutting the stacked
/// q, k, v rows by them (Slice with Blocks = 3), on small hand-made tensors.
/// </summary>
public class HeadTests
{
    // 3 heads of width 2 on a model width of 2: in_proj_weight [3 · 3 · 2, 2], out_proj.weight [2, 6].
    private static Dictionary<string, Tensor> Attention(float[] headScale)
    {
        var rows = new float[18 * 2];
        for (var block = 0; block < 3; block++)
        {
            for (var head = 0; head < 3; head++)
            {
                for (var r = 0; r < 2; r++)
                {
                    for (var c = 0; c < 2; c++)
                    {
                        rows[((((block * 3) + head) * 2) + r) * 2 + c] = headScale[head];
                    }
                }
            }
        }

        return new Dictionary<string, Tensor>
        {
            ["in_proj_weight"] = tensor(rows).reshape(18, 2),
            ["out_proj.weight"] = ones(2, 6),
        };
    }

    [Fact]
    public void L1_scores_a_head_over_its_q_k_v_rows_and_out_proj_columns_together()
    {
        // By hand: head h's L1 = 3 blocks · 2 rows · 2 inputs · scale + its 2 · 2 out_proj entries of 1 = 12·scale + 4:
        // scales 1, 3, 2 give 16, 40, 28, so 2 of 3 heads keep 1 and 2.
        var weights = Attention([1, 3, 2]);
        var group = new HeadGroup(3, 2, 2, ["in_proj_weight"], ["out_proj.weight"]);
        Assert.Equal(new long[] { 1, 2 }, ModelDsl.Pruning.SelectHeads(weights, group, PruningCriterion.L1));
        Assert.Equal(new long[] { 1, 2 }, ModelDsl.Pruning.SelectHeads(weights, group, PruningCriterion.BatchNormScale));
    }

    [Fact]
    public void The_out_proj_columns_can_decide_which_head_stays()
    {
        // Equal q, k, v rows; head 0's out_proj columns are 10 instead of 1, so it alone is kept.
        var weights = Attention([1, 1, 1]);
        weights["out_proj.weight"].narrow(1, 0, 2).fill_(10);
        var group = new HeadGroup(3, 1, 2, ["in_proj_weight"], ["out_proj.weight"]);
        Assert.Equal(new long[] { 0 }, ModelDsl.Pruning.SelectHeads(weights, group, PruningCriterion.L2));
    }

    [Fact]
    public void Blocks_cut_the_same_heads_from_q_k_and_v()
    {
        // Rows numbered 0..17: block b, head h, row r is 6b + 2h + r. Keeping head 1 keeps rows 2, 3, 8, 9, 14, 15.
        var dense = new Dictionary<string, Tensor> { ["w"] = arange(18, dtype: ScalarType.Float32).reshape(18, 1) };
        var module = new Holder(6, 1);
        ModelDsl.Pruning.Copy(module, dense, "w", new Slice(0, [1], 2, 3));
        Assert.Equal(new float[] { 2, 3, 8, 9, 14, 15 }, module.W.data<float>().ToArray());
    }

    [Fact]
    public void Bad_head_groups_and_blocks_are_refused_with_the_tensor_named()
    {
        var weights = Attention([1, 2, 3]);
        var wrongWidth = Assert.Throws<ArgumentException>(() =>
            ModelDsl.Pruning.SelectHeads(weights, new HeadGroup(4, 2, 2, ["in_proj_weight"], []), PruningCriterion.L1));
        Assert.Contains("'in_proj_weight'", wrongWidth.Message, StringComparison.Ordinal);
        var missing = Assert.Throws<ArgumentException>(() =>
            ModelDsl.Pruning.SelectHeads(weights, new HeadGroup(3, 2, 2, ["in_proj_weight"], ["out_proj"]), PruningCriterion.L1));
        Assert.Contains("'out_proj' is not in the dense state dict", missing.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ModelDsl.Pruning.SelectHeads(weights, new HeadGroup(3, 4, 2, ["in_proj_weight"], []), PruningCriterion.L1));
        var taylor = Assert.Throws<ArgumentException>(() =>
            ModelDsl.Pruning.SelectHeads(weights, new HeadGroup(3, 2, 2, ["in_proj_weight"], []), PruningCriterion.Taylor));
        Assert.Contains("loss.backward()", taylor.Message, StringComparison.Ordinal);
        var blocks = Assert.Throws<ArgumentException>(() => ModelDsl.Pruning.Cut(weights, "in_proj_weight", new Slice(0, [0], 2, 4)));
        Assert.Contains("Blocks 4", blocks.Message, StringComparison.Ordinal);
    }

    private sealed class Holder : nn.Module
    {
        public Holder(long rows, long columns)
            : base(nameof(Holder))
        {
            W = nn.Parameter(zeros(rows, columns));
            register_parameter("w", W);
        }

        public TorchSharp.Modules.Parameter W { get; }
    }
}
