namespace ModelDsl.Generators.Tests;

/// <summary>The memory-format choice and the transformer layers the generator emits, read back from generated source.</summary>
public class MemoryFormatAndTokenLayerTests
{
    [Theory]
    [InlineData("[Model(InputShape = [3, 32, 32])]", "[Conv2d(8, Kernel = 3), Flatten, Linear(10)]", true)]
    [InlineData("[Model(InputShape = [3, 32, 32], MemoryFormat = MemoryFormat.Contiguous)]", "[Conv2d(8, Kernel = 3), Flatten, Linear(10)]", false)]
    [InlineData("[Model(InputShape = [3, 32, 32])]", "[Flatten, Linear(10)]", false)]
    [InlineData("[Model(InputShape = [64])]", "[Linear(10)]", false)]
    [InlineData("[Model(InputShape = [64], MemoryFormat = MemoryFormat.ChannelsLast)]", "[Linear(10)]", true)]
    public void ConvolutionalImageModelsAreChannelsLastUnlessOptedOut(string model, string layers, bool channelsLast)
    {
        var run = GeneratorHarness.Generate($$"""
            using ModelDsl;
            /// <summary>M.</summary>
            {{model}}
            public partial class M
            {
                /// <summary>Layers.</summary>
                {{layers}} public partial Layer Body { get; }
            }
            """);
        var source = run.Sources["M.g.cs"];
        Assert.Empty(run.CompilationDiagnostics.Select(d => d.ToString()));
        Assert.Equal(channelsLast, source.Contains("global::ModelDsl.ChannelsLast.Apply(this);", StringComparison.Ordinal));
        Assert.Equal(channelsLast, source.Contains("global::ModelDsl.ChannelsLast.Contiguous(input)", StringComparison.Ordinal));
    }

    [Fact]
    public void VitAndGptLayersCompileWithTheirRuntimeConstructors()
    {
        var run = GeneratorHarness.Generate("""
            using ModelDsl;
            /// <summary>V.</summary>
            [Model(InputShape = [3, 32, 32])]
            public partial class V
            {
                /// <summary>P.</summary>
                [PatchEmbedding(48, 8)] public partial Layer ConvProj { get; }
                /// <summary>C.</summary>
                [ClassToken] public partial Layer ClassToken { get; }
                /// <summary>E.</summary>
                [PositionEmbedding, LayerNorm(Eps = 1e-6, Name = "ln")] public partial Layer Encoder { get; }
                /// <summary>H.</summary>
                [TakeToken, Linear(10, Name = "head")] public partial Layer Heads { get; }
            }

            /// <summary>G.</summary>
            [Model(SequenceLength = 8, Vocabulary = 50)]
            public partial class G
            {
                /// <summary>T.</summary>
                [Embedding(16, Name = "wte"), PositionEmbedding(Layout = "embedding", Name = "wpe")] public partial Layer Transformer { get; }
                /// <summary>L.</summary>
                [TiedLinear("transformer.wte")] public partial Layer LmHead { get; }
            }
            """);
        Assert.Empty(run.CompilationDiagnostics.Select(d => d.ToString()));
        var vit = run.Sources["V.g.cs"];
        Assert.Contains("new global::ModelDsl.PatchEmbedding(3, 48, 8, bias: true)", vit, StringComparison.Ordinal);
        Assert.Contains("new global::ModelDsl.ClassToken(48)", vit, StringComparison.Ordinal);
        Assert.Contains("new global::ModelDsl.PositionParameter(17, 48)", vit, StringComparison.Ordinal);
        Assert.Contains("global::TorchSharp.torch.nn.LayerNorm(48, eps: 1E-06, bias: true)", vit, StringComparison.Ordinal);
        Assert.Contains("new global::ModelDsl.TakeToken(0)", vit, StringComparison.Ordinal);
        Assert.Contains("public const long TotalParameters = " + ((48 * 3 * 64) + 48 + 48 + (17 * 48) + (2 * 48) + (48 * 10) + 10).ToString("N0", System.Globalization.CultureInfo.InvariantCulture).Replace(",", "_", StringComparison.Ordinal) + ";", vit, StringComparison.Ordinal);

        var gpt = run.Sources["G.g.cs"];
        Assert.Contains("new global::ModelDsl.PositionEmbedding(8, 16)", gpt, StringComparison.Ordinal);
        Assert.Contains("new global::ModelDsl.TiedLinear(this.get_parameter(\"transformer.wte.weight\")!, bias: false)", gpt, StringComparison.Ordinal);

        // The tied head has no parameter of its own: wte and wpe only.
        Assert.Contains("public const long TotalParameters = " + ((50 * 16) + (8 * 16)).ToString(System.Globalization.CultureInfo.InvariantCulture) + ";", gpt, StringComparison.Ordinal);
    }
}
