using ModelDsl.Spec;

namespace ModelDsl.Generators;

// The convolution–batch-norm pairs a generated forward runs outside an nn.Sequential (adjacent members), declared as
// ModelDsl.IBatchNormPairs so that BatchNormFolding can fold them for eval inference.
internal static class BatchNormPairsEmitter
{
    public const string Interface = "global::ModelDsl.IBatchNormPairs";

    /// <summary>
    /// Adjacent members that are a Conv2d and a BatchNorm2d, except where <paramref name="boundary"/> says something
    /// happens between member i and i + 1 (a residual starts, ends or re-reads its input there): then another tensor
    /// reads the convolution's output, or the norm reads another, and folding would change the forward. A pair's
    /// activation is the ReLU or ReLU6 right after its norm, by the same rule.
    /// </summary>
    public static List<Pair> Pairs(IReadOnlyList<MemberTarget> members, Func<int, bool> boundary)
    {
        var pairs = new List<Pair>();
        for (var i = 0; i + 1 < members.Count; i++)
        {
            if (members[i].Layer.Kind == LayerKind.Conv2d && members[i + 1].Layer.Kind == LayerKind.BatchNorm2d && !boundary(i + 1))
            {
                var activation = i + 2 < members.Count && members[i + 2].Layer.Kind is LayerKind.ReLU or LayerKind.ReLU6 && !boundary(i + 2)
                    ? members[i + 2]
                    : null;
                pairs.Add(new Pair(members[i], members[i + 1], activation));
            }
        }

        return pairs;
    }

    public static void Write(SourceWriter writer, List<Pair> pairs)
    {
        if (pairs.Count == 0)
        {
            return;
        }

        writer.Line();
        writer.Line("/// <summary>The convolutions this forward runs straight into a batch norm, with the norm (for <see cref=\"global::ModelDsl.BatchNormFolding\"/>).</summary>");
        writer.Open("global::System.Collections.Generic.IEnumerable<(global::TorchSharp.torch.nn.Module<global::TorchSharp.torch.Tensor, global::TorchSharp.torch.Tensor> Conv, global::TorchSharp.Modules.BatchNorm2d Norm)> " + Interface + ".BatchNormPairs()");
        foreach (var pair in pairs)
        {
            // A block assembled from other modules (its layer constructor) may hold something else there: a variant's
            // int8 convolution folds too, its N:M one does not.
            var n = NormVariable(pair);
            writer.Open("if (" + pair.Conv.Identifier + " is global::TorchSharp.Modules.Conv2d or global::ModelDsl.Int8Conv2d && " + pair.Norm.Identifier + " is global::TorchSharp.Modules.BatchNorm2d " + n + ")");
            writer.Line("yield return (" + pair.Conv.Identifier + ", " + n + ");");
            writer.Close();
        }

        writer.Close();
        WriteActivations(writer, pairs.Where(p => p.Activation is not null).ToList());
    }

    // The norms that run straight into a ReLU or ReLU6, which a folded pair's kernel can apply. The activation member
    // may hold another module (a block assembled from others): BatchNormFolding fuses ReLU and ReLU6 only.
    private static void WriteActivations(SourceWriter writer, List<Pair> pairs)
    {
        if (pairs.Count == 0)
        {
            return;
        }

        writer.Line();
        writer.Line("/// <summary>The batch norms of these pairs this forward runs straight into an activation, with it (a folded pair applies it in its convolution's kernel).</summary>");
        writer.Open("global::System.Collections.Generic.IEnumerable<(global::TorchSharp.Modules.BatchNorm2d Norm, global::TorchSharp.torch.nn.Module<global::TorchSharp.torch.Tensor, global::TorchSharp.torch.Tensor> Activation)> " + Interface + ".NormActivations()");
        foreach (var pair in pairs)
        {
            var n = NormVariable(pair);
            writer.Open("if (" + pair.Norm.Identifier + " is global::TorchSharp.Modules.BatchNorm2d " + n + ")");
            writer.Line("yield return (" + n + ", " + pair.Activation!.Identifier + ");");
            writer.Close();
        }

        writer.Close();
    }

    private static string NormVariable(Pair pair) => pair.Norm.ParameterName.TrimStart('@') + "Norm";

    /// <summary>A convolution, the batch norm that alone reads its output, and the activation that alone reads the norm's, if any.</summary>
    public sealed record Pair(MemberTarget Conv, MemberTarget Norm, MemberTarget? Activation);
}
