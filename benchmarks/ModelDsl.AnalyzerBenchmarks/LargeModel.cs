using System.Text;

namespace ModelDsl.AnalyzerBenchmarks;

/// <summary>A model with <c>layers</c> layers as a user would write it: Linear/ReLU members, a budget and variants.</summary>
public static class LargeModel
{
    /// <summary>The source of a model of <paramref name="layers"/> layers (two per member), over its FLOP budget.</summary>
    /// <param name="layers">Number of layers; even.</param>
    public static string Source(int layers)
    {
        var text = new StringBuilder();
        text.AppendLine("using ModelDsl;");
        text.AppendLine("namespace Bench;");
        text.AppendLine("[Model(InputShape = [256])]");
        text.AppendLine("[FlopBudget(MaxMFlops = 10)]");
        text.AppendLine("[ParameterBudget(MaxParams = 1000000)]");
        text.AppendLine("[Variant(\"Sparse\", Sparsity = \"2:4\")]");
        text.AppendLine("[Variant(\"Low\", Rank = 32)]");
        text.AppendLine("[Variant(\"Slim\", KeepChannels = 0.9)]");
        text.AppendLine("public partial class Deep");
        text.AppendLine("{");
        for (var i = 0; i < layers / 2; i++)
        {
            text.Append("    [Linear(256), ReLU] public partial Layer Block").Append(i).AppendLine(" { get; }");
        }

        text.AppendLine("}");
        return text.ToString();
    }
}
