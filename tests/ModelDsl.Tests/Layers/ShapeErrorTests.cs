using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.Tests.Layers;

/// <summary>
/// A wrong input shape gives a .NET exception naming the layer (and its path once registered) and both shapes,
/// before any native call that would abort the process on a mismatch; the process keeps working afterwards.
/// </summary>
public sealed class ShapeErrorTests
{
    public static TheoryData<string, long[], string> BadInputs => new()
    {
        { "rmsnorm", [2, 9], "RMSNorm expects input [*, 10], got [2, 9]" },
        { "mamba", [2, 5, 9], "Mamba expects input [N, T, 16], got [2, 5, 9]" },
        { "mha", [2, 5, 9], "MultiheadAttention expects query [N, L, 16], got [2, 5, 9]" },
        { "causal_self_attention", [2, 5], "CausalSelfAttention expects input [N, T, 16], got [2, 5]" },
        { "patch_embedding", [2, 4, 8, 8], "PatchEmbedding expects input [N, 3, H, W] with H and W multiples of 4, got [2, 4, 8, 8]" },
        { "patch_embedding", [2, 3, 8, 10], "PatchEmbedding expects input [N, 3, H, W] with H and W multiples of 4, got [2, 3, 8, 10]" },
        { "class_token", [2, 5, 9], "ClassToken expects input [N, T, 8], got [2, 5, 9]" },
        { "position_parameter", [2, 8, 8], "PositionParameter expects input [N, T ≤ 7, 8], got [2, 8, 8]" },
        { "position_embedding", [2, 5, 9], "PositionEmbedding expects input [N, T ≤ 7, 8], got [2, 5, 9]" },
        { "take_token", [2, 1, 8], "TakeToken expects input [N, T > 1, D], got [2, 1, 8]" },
        { "tied_linear", [3, 9], "TiedLinear expects input [*, 8], got [3, 9]" },
        { "window_attention", [2, 8, 8, 12], "ShiftedWindowAttentionV2 expects input [N, H, W, 16], got [2, 8, 8, 12]" },
        { "patch_merging", [2, 8, 8, 16], "PatchMerging expects input [N, H, W, 8], got [2, 8, 8, 16]" },
        { "permute", [2, 3, 4], "Permute expects input [N, d0, d1, d2], got [2, 3, 4]" },
        { "layernorm2d", [2, 4, 5], "LayerNorm2d expects input [N, 6, H, W], got [2, 4, 5]" },
        { "layer_scale", [2, 5, 4, 4], "LayerScale expects input [N, 6, H, W], got [2, 5, 4, 4]" },
    };

    private static nn.Module<Tensor, Tensor> Make(string name) => name switch
    {
        "rmsnorm" => new RMSNorm(10),
        "mamba" => new Mamba(16, dState: 8),
        "mha" => new MultiheadAttention(16, 4),
        "causal_self_attention" => new CausalSelfAttention(16, 4),
        "patch_embedding" => new PatchEmbedding(3, 8, 4),
        "class_token" => new ClassToken(8),
        "position_parameter" => new PositionParameter(7, 8),
        "position_embedding" => new PositionEmbedding(7, 8),
        "take_token" => new TakeToken(1),
        "tied_linear" => new TiedLinear(new global::TorchSharp.Modules.Parameter(randn(11, 8))),
        "window_attention" => new ShiftedWindowAttentionV2(16, 2, 4, 2),
        "patch_merging" => new PatchMerging(8),
        "permute" => new Permute(1, 2, 0),
        "layernorm2d" => new LayerNorm2d(6),
        "layer_scale" => new LayerScale(6, image: true),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Wrong_input_shape_throws_naming_layer_and_both_shapes(string layer, long[] shape, string message)
    {
        using var module = Make(layer);
        using var bad = randn(shape);
        var error = Assert.Throws<ArgumentException>(() => module.forward(bad));
        Assert.Equal(message, error.Message);

        // The process is still healthy: a matmul and a forward through TorchSharp's own Linear work.
        using var linear = nn.Linear(3, 2);
        using var y = linear.forward(ones(4, 3));
        Assert.Equal([4L, 2], y.shape);
    }

    [Fact]
    public void A_concatenation_of_other_resolutions_and_a_split_of_odd_channels_throw()
    {
        using var shortcut = randn(2, 4, 8, 8);
        using var branch = randn(2, 4, 4, 4);
        var concat = Assert.Throws<ArgumentException>(() => Forward.Concat(shortcut, branch, disposeShortcut: false));
        Assert.Equal("residual concat: the shortcut [2, 4, 8, 8] and the branch [2, 4, 4, 4] differ beyond the channels", concat.Message);

        using var odd = randn(2, 5, 4, 4);
        var split = Assert.Throws<ArgumentException>(() => Forward.Halves(odd));
        Assert.Equal("split in two: [2, 5, 4, 4] has no even channel count", split.Message);
    }

    [Fact]
    public void A_registered_layer_is_named_by_its_path()
    {
        using var model = new Stack();
        using var bad = randn(1, 4, 9);
        var error = Assert.Throws<ArgumentException>(() => model.forward(bad));
        Assert.Equal("Mamba 'blocks.mixer' expects input [N, T, 16], got [1, 4, 9]", error.Message);
    }

    [Fact]
    public void Key_and_query_of_different_batch_sizes_throw_before_attention()
    {
        using var attention = new MultiheadAttention(16, 4);
        using var q = randn(2, 5, 16);
        using var kv = randn(3, 6, 16);
        var error = Assert.Throws<ArgumentException>(() => attention.forward(q, kv, kv));
        Assert.Contains("query [2, 5, 16], key [3, 6, 16], value [3, 6, 16]", error.Message);
    }

    private sealed class Stack : LayerBase
    {
        private readonly Block blocks;

        public Stack() : base(nameof(Stack)) => blocks = Register("blocks", new Block());

        public override Tensor forward(Tensor input) => blocks.forward(input);
    }

    private sealed class Block : LayerBase
    {
        private readonly Mamba mixer;

        public Block() : base(nameof(Block)) => mixer = Register("mixer", new Mamba(16, dState: 4));

        public override Tensor forward(Tensor input) => mixer.forward(input);
    }
}
