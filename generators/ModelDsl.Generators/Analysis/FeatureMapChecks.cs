using System.Globalization;
using ModelDsl.Spec;

namespace ModelDsl.Analyzers;

// MDSL1007, the forgotten [Flatten]: a Linear whose input is a channel-first map. nn.Linear maps the last axis, which on
// [C, H, W] is the width (on [C, L], the length): a valid layer, almost never the one meant. The walk follows the layout
// through the resolved tree, so a map counts as channel-first only where the tree shows it: the model's image or signal
// input, or a layer that makes one (a 2-d convolution, pool or channel norm; a Conv1d), through layers that keep the
// layout (activations, dropout, layer scale, channel norms). Anything else (Flatten, Permute, LayerNorm over the last
// axis, a token layer, a custom module) ends it: after it the last axis may well be the features, so nothing is said.
internal static class FeatureMapChecks
{
    public static void Run(ModelSpec spec, ShapeResult shapes, Reporter report)
    {
        var input = spec.Input.Kind switch
        {
            InputKind.Image => new Map(Spatial: 2, From: "the model's input"),
            InputKind.Signal => new Map(Spatial: 1, From: "the model's input"),
            _ => null,
        };
        Walk(shapes.Roots, input, null, report);
    }

    // A channel-first tensor: Spatial axes after the channels (2 for [C, H, W], 1 for [C, L]), and what made it, as the
    // message names it.
    private sealed record Map(int Spatial, string From);

    // Returns the layout after `nodes`, run in order on `map`. Inside a block, `declared` is the model's [Block]/[Stage]
    // use, where the diagnostic goes (the block's own attribute is right for every other use of the block).
    private static Map? Walk(IEnumerable<ResolvedNode> nodes, Map? map, SourceLocation? declared, Reporter report)
    {
        foreach (var node in nodes)
        {
            var location = declared ?? node.Location;
            map = node.Kind switch
            {
                LayerKind.Residual => Residual(node, map, declared, report),

                // A block or stage is one unit to the model: what follows it reads "from" the use, not its last member.
                LayerKind.Block or LayerKind.Stage => Walk(node.Children, map, node.Kind == LayerKind.Block ? location : declared, report) is { } after ? after with { From = Quoted(node.Path) } : null,
                LayerKind.Sequential => Walk(node.Children, map, declared, report),
                _ when node.Layer is { } layer => Primitive(layer, map, location, report),
                _ => null,
            };
        }

        return map;
    }

    private static Map? Residual(ResolvedNode node, Map? map, SourceLocation? declared, Reporter report)
    {
        // A declared shortcut path runs on the input beside the branch; a split branch reads half the input's channels,
        // which is the same layout.
        var shortcut = Walk(node.Children.Take(node.ShortcutMembers), map, declared, report);
        var branch = Walk(node.Children.Skip(node.ShortcutMembers), map, declared, report);
        var from = node.Add is { } join ? Quoted(join.Path) : null;
        return node.Add?.Kind switch
        {
            // Images joined along their channels (shape inference admits rank 3 only).
            LayerKind.ResidualConcat => new Map(Spatial: 2, From: from!),

            // A gate scales the input, whose layout the product keeps.
            LayerKind.ResidualMultiply => map,

            // A sum is channel-first when either side is (ConvNeXt's branch permutes back before its layer scale; an
            // identity shortcut carries the input as it is). An if-same residual that is skipped is its branch alone.
            _ => (branch ?? (node.Add is null ? null : node.ShortcutMembers > 0 ? shortcut : map)) is { } sum ? sum with { From = from ?? sum.From } : null,
        };
    }

    private static Map? Primitive(LayerShape layer, Map? map, SourceLocation? location, Reporter report)
    {
        switch (layer.Kind)
        {
            case LayerKind.Linear:
                if (map is { } source && layer.Input.Rank == source.Spatial + 1)
                {
                    var image = source.Spatial == 2;
                    report.Report(
                        DiagnosticDescriptors.LinearOnFeatureMap,
                        report.ToLocation(location),
                        layer.Path,
                        image ? "width" : "length",
                        layer.Input.Last.ToString(CultureInfo.InvariantCulture),
                        image ? "feature map" : "signal",
                        layer.Input.ToString(),
                        source.From,
                        image ? "Permute(1, 2, 0)" : "Permute(1, 0)");
                }

                return null;
            case LayerKind.Conv2d or LayerKind.MaxPool2d or LayerKind.AvgPool2d or LayerKind.AdaptiveAvgPool2d or LayerKind.BatchNorm2d or LayerKind.LayerNorm2d or LayerKind.ChannelShuffle:
                return layer.Output.Rank == 3 ? new Map(Spatial: 2, From: Quoted(layer.Path)) : null;
            case LayerKind.Conv1d:
                return layer.Output.Rank == 2 ? new Map(Spatial: 1, From: Quoted(layer.Path)) : null;
            case LayerKind.ReLU or LayerKind.ReLU6 or LayerKind.GELU or LayerKind.SiLU or LayerKind.Sigmoid or LayerKind.Hardswish or LayerKind.Hardsigmoid or LayerKind.Tanh
                or LayerKind.Softmax or LayerKind.LogSoftmax or LayerKind.Dropout or LayerKind.LayerScale or LayerKind.GroupNorm or LayerKind.BatchNorm1d:
                return map is null ? null : map with { From = Quoted(layer.Path) };
            default:
                return null;
        }
    }

    private static string Quoted(string path) => "'" + path + "'";
}
