using static TorchSharp.torch;

namespace ModelDsl.Generators.Tests.EndToEnd;

/// <summary>
/// A declared shortcut path added to the branch (<c>ShortcutFrom</c> with <c>Combine.Add</c>): a projection written out by
/// hand is the inferred one — same state dict, same output — so torchvision's ResNet could be written either way.
/// </summary>
public class DeclaredShortcutTests
{
    [Fact]
    public void AHandWrittenProjectionComputesWhatTheInferredOneDoes()
    {
        using var inferred = new InferredProjectionNet();
        using var declared = new DeclaredProjectionNet();
        inferred.eval();
        declared.eval();
        using var scope = NewDisposeScope();

        // Every name and shape agrees (block.conv1 … block.downsample.1), so one state dict loads strictly into both.
        var state = inferred.state_dict();
        Assert.Equal(state.Keys.Order(StringComparer.Ordinal), declared.state_dict().Keys.Order(StringComparer.Ordinal));
        declared.load_state_dict(state, strict: true);

        var input = randn(2, 8, 8, 8);
        using var noGrad = no_grad();
        var difference = (inferred.call(input) - declared.call(input)).abs().max().item<float>();
        Assert.Equal(0f, difference);
        Assert.Equal(InferredProjectionNet.TotalMacs, DeclaredProjectionNet.TotalMacs);
        Assert.Equal(InferredProjectionNet.TotalParameters, DeclaredProjectionNet.TotalParameters);
    }

    [Fact]
    public void PruningTiesTheDeclaredPathToTheBranchAsItTiesTheInferredProjection()
    {
        using var inferred = new InferredProjectionNet();
        using var declared = new DeclaredProjectionNet();
        declared.load_state_dict(inferred.state_dict(), strict: true);
        inferred.eval();
        declared.eval();

        // The same groups (the add ties the declared path's output to the branch's), so the same channels are kept.
        using var inferredHalf = InferredProjectionNetHalf.FromDense(inferred);
        using var declaredHalf = DeclaredProjectionNetHalf.FromDense(declared);
        inferredHalf.eval();
        declaredHalf.eval();
        using var scope = NewDisposeScope();
        var input = randn(2, 8, 8, 8);
        using var noGrad = no_grad();
        Assert.Equal(0f, (inferredHalf.call(input) - declaredHalf.call(input)).abs().max().item<float>());
        Assert.Equal(InferredProjectionNetHalf.TotalParameters, DeclaredProjectionNetHalf.TotalParameters);
    }

    [Fact]
    public void TheDeclaredPathsAddIsCostedAfterTheBranch()
    {
        // The declared path is costed as its own layers; the join is an ordinary residual add.
        Assert.Contains(DeclaredProjectionNet.CostTable, r => r.Path == "block.add" && r.Kind == "ResidualAdd");
        Assert.Equal(new[] { 16, 4, 4 }, DeclaredProjectionNet.OutputShape);
    }
}

/// <summary>A strided basic block whose projection is inferred.</summary>
[Block("planes", "stride = 1")]
[Residual(global::ModelDsl.Shortcut.Projection, Through = nameof(Bn2))]
public partial class InferredProjection
{
    /// <summary>First convolution.</summary>
    [Conv2d("planes", Kernel = 3, Stride = "stride", Padding = 1, Bias = false)] public partial Layer Conv1 { get; }

    /// <summary>First norm.</summary>
    [BatchNorm2d] public partial Layer Bn1 { get; }

    /// <summary>Activation.</summary>
    [ReLU] public partial Layer Relu { get; }

    /// <summary>Second convolution.</summary>
    [Conv2d("planes", Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv2 { get; }

    /// <summary>Second norm.</summary>
    [BatchNorm2d] public partial Layer Bn2 { get; }

    /// <summary>Activation after the add.</summary>
    [ReLU] public partial Layer Out { get; }
}

/// <summary>The same block with its projection written out as the residual's declared shortcut path.</summary>
[Block("planes", "stride = 1")]
[Residual(ShortcutFrom = nameof(Downsample), From = nameof(Conv1), Through = nameof(Bn2))]
public partial class DeclaredProjection
{
    /// <summary>torchvision's downsample: 1x1 with the stride, BatchNorm.</summary>
    [Conv2d("planes", Kernel = 1, Stride = "stride", Bias = false), BatchNorm2d] public partial Layer Downsample { get; }

    /// <summary>First convolution.</summary>
    [Conv2d("planes", Kernel = 3, Stride = "stride", Padding = 1, Bias = false)] public partial Layer Conv1 { get; }

    /// <summary>First norm.</summary>
    [BatchNorm2d] public partial Layer Bn1 { get; }

    /// <summary>Activation.</summary>
    [ReLU] public partial Layer Relu { get; }

    /// <summary>Second convolution.</summary>
    [Conv2d("planes", Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv2 { get; }

    /// <summary>Second norm.</summary>
    [BatchNorm2d] public partial Layer Bn2 { get; }

    /// <summary>Activation after the add.</summary>
    [ReLU] public partial Layer Out { get; }
}

/// <summary>One strided block, projection inferred.</summary>
[Model(InputShape = [8, 8, 8])]
[Variant("Half", KeepChannels = 0.5)]
public partial class InferredProjectionNet
{
    /// <summary>The block.</summary>
    [Block(typeof(InferredProjection), "planes = 16", "stride = 2")] public partial Layer Block { get; }
}

/// <summary>One strided block, projection declared.</summary>
[Model(InputShape = [8, 8, 8])]
[Variant("Half", KeepChannels = 0.5)]
public partial class DeclaredProjectionNet
{
    /// <summary>The block.</summary>
    [Block(typeof(DeclaredProjection), "planes = 16", "stride = 2")] public partial Layer Block { get; }
}
