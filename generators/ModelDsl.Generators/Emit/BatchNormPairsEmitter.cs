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
    /// reads the convolution's output, or the norm reads another, and folding would change the forward.
    /// </summary>
    public static List<(MemberTarget Conv, MemberTarget Norm)> Pairs(IReadOnlyList<MemberTarget> members, Func<int, bool> boundary)
    {
        var pairs = new List<(MemberTarget, MemberTarget)>();
        for (var i = 0; i + 1 < members.Count; i++)
        {
            if (members[i].Layer.Kind == LayerKind.Conv2d && members[i + 1].Layer.Kind == LayerKind.BatchNorm2d && !boundary(i + 1))
            {
                pairs.Add((members[i], members[i + 1]));
            }
        }

        return pairs;
    }

    public static void Write(SourceWriter writer, List<(MemberTarget Conv, MemberTarget Norm)> pairs)
    {
        if (pairs.Count == 0)
        {
            return;
        }

        writer.Line();
        writer.Line("/// <summary>The convolutions this forward runs straight into a batch norm, with the norm (for <see cref=\"global::ModelDsl.BatchNormFolding\"/>).</summary>");
        writer.Open("global::System.Collections.Generic.IEnumerable<(global::TorchSharp.torch.nn.Module<global::TorchSharp.torch.Tensor, global::TorchSharp.torch.Tensor> Conv, global::TorchSharp.Modules.BatchNorm2d Norm)> " + Interface + ".BatchNormPairs()");
        foreach (var (conv, norm) in pairs)
        {
            // A block assembled from other modules (its layer constructor) may hold something else there: a variant's
            // int8 convolution folds too, its N:M one does not.
            var n = norm.ParameterName.TrimStart('@') + "Norm";
            writer.Open("if (" + conv.Identifier + " is global::TorchSharp.Modules.Conv2d or global::ModelDsl.Int8Conv2d && " + norm.Identifier + " is global::TorchSharp.Modules.BatchNorm2d " + n + ")");
            writer.Line("yield return (" + conv.Identifier + ", " + n + ");");
            writer.Close();
        }

        writer.Close();
    }
}
