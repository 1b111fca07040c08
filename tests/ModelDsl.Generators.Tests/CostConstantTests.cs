using System.Globalization;
using System.Text.RegularExpressions;

namespace ModelDsl.Generators.Tests;

/// <summary>The cost constants the generator writes, read back from generated source.</summary>
public partial class CostConstantTests
{
    [Fact]
    public void MambaCostIsLinearInSequenceLength()
    {
        long Macs(int length) => Constant(Generate(length), "TotalMacs");

        // A selective scan has no T² term: doubling T doubles every figure.
        Assert.Equal(2 * Macs(128), Macs(256));
        Assert.Equal(4 * Macs(128), Macs(512));
    }

    [Fact]
    public void AttentionCostIsQuadraticInSequenceLength()
    {
        // The control: the same model with causal attention instead grows faster than linearly (QKᵀ and AV).
        static string Source(int length) => $$"""
            using ModelDsl;
            [Model(InputShape = [{{length}}, 64])]
            public partial class A { [CausalSelfAttention(4)] public partial Layer Attn { get; } }
            """;
        var shortMacs = Constant(GeneratorHarness.Generate(Source(128)).Sources["A.g.cs"], "TotalMacs");
        var longMacs = Constant(GeneratorHarness.Generate(Source(256)).Sources["A.g.cs"], "TotalMacs");
        Assert.True(longMacs > 2 * shortMacs);
    }

    private static string Generate(int length) => GeneratorHarness.Generate($$"""
        using ModelDsl;
        [Block]
        [Residual]
        public partial class MambaLayer
        {
            [RMSNorm] public partial Layer Norm { get; }
            [Mamba(DState = 16)] public partial Layer Mixer { get; }
        }

        [Model(InputShape = [{{length}}, 64])]
        public partial class M
        {
            [Stage(typeof(MambaLayer), Blocks = 2)] public partial Layer Layers { get; }
        }
        """).Sources["M.g.cs"];

    private static long Constant(string source, string name)
    {
        var match = ConstantPattern().Matches(source).Single(m => m.Groups[1].Value == name);
        return long.Parse(match.Groups[2].Value.Replace("_", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"public const long (\w+) = ([\d_]+);")]
    private static partial Regex ConstantPattern();
}
