namespace ModelDsl.Analyzers.Tests;

/// <summary>
/// What a user sees: a fresh project referencing the runtime and the generator (which carries the analyzers) is built with
/// <c>dotnet build</c>, one mistake per diagnostic family in its own file, and the build output must carry each MDSL
/// id with its message at file(line,col) of the attribute that is wrong — and no CS9248, which is all the compiler
/// printed before the generator completed invalid classes.
/// </summary>
public sealed class RealBuildTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("modeldsl-build-").FullName;

    private static readonly (string File, string Source)[] Files =
    [
        ("Declaration.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [8])]
            public partial class Declaration
            {
                [Linear("width")] public partial Layer Head { get; }
            }
            """),
        ("Shape.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [3, 4, 4])]
            public partial class Shape
            {
                [Conv2d(8, Kernel = 7)] public partial Layer Stem { get; }
            }
            """),
        ("NamedStage.cs", """
            using ModelDsl;
            namespace Consumer;

            [Block("width")]
            public partial class Unit
            {
                [Conv2d("width", Kernel = 3, Padding = 1), ReLU] public partial Layer Body { get; }
            }

            [Model(InputShape = [3, 8, 8])]
            public partial class NamedStage
            {
                [Conv2d(4, Kernel = 1),
                 Stage(typeof(Unit), "width = 4", Blocks = 3, Name = "k"),
                 Conv2d(8, Kernel = 9)]
                public partial Layer Features { get; }
            }
            """),
        ("Budget.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [784])]
            [FlopBudget(MaxMFlops = 0.001)]
            public partial class Budget
            {
                [Linear(128), ReLU, Linear(10)] public partial Layer Body { get; }
            }
            """),
        ("Compression.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [64])]
            [Variant("Sparse", Sparsity = "4:2")]
            public partial class Compression
            {
                [Linear(64), ReLU, Linear(10)] public partial Layer Body { get; }
            }
            """),
        ("Gate.cs", """
            using ModelDsl;
            namespace Consumer;

            [Block("squeeze")]
            [Residual(Combine = Combine.Multiply)]
            public partial class Gate
            {
                [AdaptiveAvgPool2d(1), Conv2d("squeeze", Kernel = 1), ReLU, Conv2d(8, Kernel = 1), Hardsigmoid] public partial Layer Body { get; }
            }

            [Model(InputShape = [16, 8, 8])]
            public partial class Gated
            {
                [Block(typeof(Gate), "squeeze = 4")] public partial Layer Se { get; }
            }
            """),
        ("Concat.cs", """
            using ModelDsl;
            namespace Consumer;

            [Block("growth")]
            [Residual(Combine = Combine.Concat)]
            public partial class Dense
            {
                [BatchNorm2d, ReLU, Conv2d("growth", Kernel = 3, Stride = 2, Padding = 1, Bias = false)] public partial Layer Body { get; }
            }

            [Model(InputShape = [16, 8, 8])]
            public partial class Concatenated
            {
                [Block(typeof(Dense), "growth = 4")] public partial Layer Layer1 { get; }
            }
            """),
        ("Custom.cs", """
            using ModelDsl;
            namespace Consumer;

            public sealed class Scaler
            {
            }

            [Model(InputShape = [8, 4, 4])]
            public partial class Custom
            {
                [Custom(typeof(Scaler), 2)] public partial Layer Scale { get; }
            }
            """),
        ("PartName.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [10, 32])]
            public partial class PartName
            {
                [MultiheadAttention(4, QkvName = "attn.qkv", ProjName = "proj")] public partial Layer Attn { get; }
            }
            """),
        ("ChannelsLast.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [16, 8, 8])]
            public partial class ChannelsLast
            {
                [Permute(1, 2, 0), ShiftedWindowAttentionV2(3, Window = 4), Permute(2, 0, 1)] public partial Layer Attn { get; }
            }
            """),
        ("Shuffle.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [16, 8, 8])]
            public partial class Shuffle
            {
                [Conv2d(16, Kernel = 1), ChannelShuffle(3)] public partial Layer Body { get; }
            }
            """),
        ("NormOption.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [16, 8, 8])]
            public partial class NormOption
            {
                [BatchNorm2d(Eps = 0.001, Momentum = 1.5), Hardswish] public partial Layer Norm { get; }
            }
            """),
        ("Fit.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [64])]
            [Variant("Fit", FitBudget = true)]
            public partial class Fit
            {
                [Linear(32), ReLU, Linear(10)] public partial Layer Body { get; }
            }
            """),
        ("VariantBudget.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [64])]
            [Variant("Half", KeepChannels = 0.5, MaxMMacs = 0.001)]
            public partial class VariantBudget
            {
                [Linear(32), ReLU, Linear(10)] public partial Layer Body { get; }
            }
            """),
        ("LayerWidths.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [64])]
            [Variant("Tail", KeepLayers = "body.9 = 0.5")]
            public partial class LayerWidths
            {
                [Linear(32), ReLU, Linear(10)] public partial Layer Body { get; }
            }
            """),
        ("Prune.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [64])]
            [Variant("Sparse", Prune = 1.5)]
            [Variant("TwoFour", Sparsity = "2:4")]
            [Variant("Global", Prune = 0.9, GlobalRanking = true)]
            public partial class Pruned
            {
                [Linear(64), ReLU, Linear(16)] public partial Layer Body { get; }
            }
            """),
        ("Overflow.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [100000, 100000, 100000])]
            public partial class Overflow
            {
                [Conv2d(100000, Kernel = 3, Padding = 1)] public partial Layer Stem { get; }
            }
            """),
    ];

    // An over-budget model with variants that meet the budget, as the Fashion-MNIST demo declares its FashionNet.
    private static readonly (string File, string Source)[] OverBudgetFiles =
    [
        ("Mlp.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [784])]
            [FlopBudget(MaxMFlops = 0.1)]
            [Variant("Fit", FitBudget = true)]
            [Variant("FitInt8", FitBudget = true, Weights = Precision.Int8)]
            public partial class Mlp
            {
                [Linear(128), ReLU] public partial Layer Hidden { get; }
                [Linear(10)] public partial Layer Output { get; }
            }
            """),
        ("Program.cs", """
            System.Console.WriteLine(Consumer.MlpFitInt8.TotalMacs);
            """),
    ];

    [Fact]
    public void DotnetBuildPrintsEachMistakeOnTheAttributeThatIsWrong()
    {
        WriteProject(Files, "Library");
        var (exitCode, output) = Build();

        Assert.NotEqual(0, exitCode);
        Assert.DoesNotContain("CS9248", output, StringComparison.Ordinal);
        Expect(Files, output, "Declaration.cs", "\"width\"", "error MDSL0006", "'width' in \"width\" is not a parameter of a model");
        Expect(Files, output, "Shape.cs", "Conv2d(8, Kernel = 7)", "error MDSL1003", "Layer 'stem': kernel larger than its padded input");

        // The layer after a named multi-block stage: the stage takes one position of the nn.Sequential, not one per block.
        Expect(Files, output, "NamedStage.cs", "Conv2d(8, Kernel = 9)", "error MDSL1003", "Layer 'features.2': kernel larger than its padded input");
        // 784·128 MACs → 200,704 FLOPs + 128 bias adds; 128 ReLUs; 128·10 MACs → 2,560 + 10 bias adds: 203,530 FLOPs.
        Expect(Files, output, "Budget.cs", "MaxMFlops = 0.001", "warning MDSL2001", "Model 'Budget' needs 0.204 MFLOPs, over its budget of 0.001 MFLOPs");
        Expect(Files, output, "Compression.cs", "Sparsity = \"4:2\"", "error MDSL3001", "Sparsity \"4:2\" of variant 'Sparse' is not a valid N:M pattern");
        // A gate whose branch ends at 8 channels cannot scale a 16-channel input: reported on the block's use.
        Expect(Files, output, "Gate.cs", "Block(typeof(Gate), \"squeeze = 4\")", "error MDSL1002", "Residual at 'se.mul': branches disagree: expected the gate to broadcast over the input's shape [16, 8, 8]");
        // A dense layer whose new features are at half the resolution cannot be concatenated to its input.
        Expect(Files, output, "Concat.cs", "Block(typeof(Dense), \"growth = 4\")", "error MDSL1002", "Residual at 'layer1.cat': branches disagree: expected images of the shortcut's height and width [16, 8, 8]");
        Expect(Files, output, "Custom.cs", "typeof(Scaler)", "error MDSL0009", "'Consumer.Scaler' cannot be a custom layer: it does not derive from TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>");
        Expect(Files, output, "PartName.cs", "QkvName = \"attn.qkv\"", "error MDSL0011", "QkvName = \"attn.qkv\" on MultiheadAttention is not one state-dict name: use letters, digits and '_' only (a '.' would put it inside a module the layer does not have)");
        // Issue 10's constructs: window attention whose 3 heads do not divide 16 channels, a shuffle of 16 channels in 3
        // groups, a momentum that is no blend weight — each on the attribute (or argument) that is wrong.
        Expect(Files, output, "ChannelsLast.cs", "ShiftedWindowAttentionV2(3, Window = 4)", "error MDSL1004", "Layer 'attn.1' (heads): expected heads dividing the width 16, got heads = 3");
        Expect(Files, output, "Shuffle.cs", "ChannelShuffle(3)", "error MDSL1004", "Layer 'body.1' (groups): expected groups dividing the 16 input channels, got groups = 3");
        Expect(Files, output, "NormOption.cs", "Momentum = 1.5", "error MDSL0005", "Argument 'Momentum' of [BatchNorm2d] is malformed: expected a momentum in [0, 1], got 1.5");
        Expect(Files, output, "Fit.cs", "FitBudget = true", "warning MDSL3010", "Variant 'Fit' has FitBudget, but neither it nor the model declares a budget (MaxMFlops, … on the variant, or [FlopBudget] or [ParameterBudget] on the model) to fit; no class is generated for it");
        // Half of 64 → 32 → 10 is 64·16 + 16·10 = 1,184 MACs, 18.4% over the variant's own 1,000.
        Expect(Files, output, "VariantBudget.cs", "MaxMMacs = 0.001", "warning MDSL2008", "Variant 'Half' (VariantBudgetHalf) needs 1,184 MACs, over its MaxMMacs = 0.001 (1,000 MACs) by 18.4%");
        Expect(Files, output, "LayerWidths.cs", "KeepLayers = \"body.9 = 0.5\"", "error MDSL3019", "KeepLayers of variant 'Tail': 'body.9' is not a prunable layer of the model; the prunable ones are body.0");
        Expect(Files, output, "Prune.cs", "Prune = 1.5", "error MDSL3011", "Prune = 1.5 of variant 'Sparse' is outside (0, 1): it is the fraction of each layer's weights set to zero");
        // The valid sparse variants of the same model are generated classes now: no "not generated" warning for them.
        Assert.DoesNotContain("MDSL3009", output, StringComparison.Ordinal);
        Expect(Files, output, "Overflow.cs", "Conv2d(100000, Kernel = 3, Padding = 1)", "error MDSL2006", "Model 'Overflow' cannot be costed: a figure of layer 'stem'");
    }

    [Fact]
    public void DotnetBuildOfAnOverBudgetModelWithFittedVariantsSucceedsAndPrintsWhichVariantsMeetTheBudget()
    {
        WriteProject(OverBudgetFiles, "Exe");
        var (exitCode, output) = Build();

        // A hidden width h costs 1,590h + 10 FLOPs (2 · 794h MACs, h bias adds, h ReLUs, 10 bias adds) and 794h MACs. Dense,
        // h = 128: 203,530 FLOPs, 103.5 % over 0.1 MFLOPs. Fitted: the largest h with 1,590h + 10 ≤ 100,000 is 62 (98,590
        // FLOPs, 98.6 % of the budget; 49,228 MACs); int8 weights change no FLOP, so FitInt8 has the same figures.
        Assert.True(exitCode == 0, output);
        Expect(OverBudgetFiles, output, "Mlp.cs", "MaxMFlops = 0.1", "warning MDSL2009",
            "Model 'Mlp' needs 0.204 MFLOPs, over its budget of 0.1 MFLOPs by 103.5%; within the budget: MlpFit (0.099 MFLOPs, 98.6% of the budget; 49,228 MACs), " +
            "MlpFitInt8 (0.099 MFLOPs, 98.6% of the budget; 49,228 MACs)");
        Assert.DoesNotContain("MDSL2001", output, StringComparison.Ordinal);
    }

    // A fresh project referencing fresh copies of the runtime and the generator, as a package consumer does, with `files`.
    private void WriteProject((string File, string Source)[] files, string outputType)
    {
        var bin = AppContext.BaseDirectory;
        var tools = Path.Combine(directory, "tools");
        Directory.CreateDirectory(tools);

        // Fresh copies: the compiler server caches analyzers by path, and a user's project never builds against ours.
        foreach (var dll in new[] { "ModelDsl.Generators.dll", "ModelDsl.dll" })
        {
            File.Copy(Path.Combine(bin, dll), Path.Combine(tools, dll));
        }

        File.Copy(Path.Combine(Root(), "src", "ModelDsl", "buildTransitive", "ModelDsl.targets"), Path.Combine(tools, "ModelDsl.targets"));

        File.WriteAllText(Path.Combine(directory, "Consumer.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>OUTPUT_TYPE</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="TorchSharp" Version="0.107.0" />
                <Reference Include="ModelDsl" HintPath="tools/ModelDsl.dll" />
                <Analyzer Include="tools/ModelDsl.Generators.dll" />
              </ItemGroup>
              <!-- What the package's buildTransitive/ gives a consumer: the Layer alias (and the loader step). -->
              <Import Project="tools/ModelDsl.targets" />
            </Project>
            """.Replace("OUTPUT_TYPE", outputType, StringComparison.Ordinal));
        foreach (var (file, source) in files)
        {
            File.WriteAllText(Path.Combine(directory, file), source);
        }
    }

    // The line of the build output for `file` at the (1-based) line and column where `at` starts, with id and message.
    private void Expect((string File, string Source)[] files, string output, string file, string at, string id, string message)
    {
        var source = files.Single(f => f.File == file).Source.Replace("\r\n", "\n", StringComparison.Ordinal);
        var offset = source.IndexOf(at, StringComparison.Ordinal);
        Assert.True(offset >= 0, at + " is not in " + file);
        var line = source[..offset].Count(c => c == '\n') + 1;
        var column = offset - (source.LastIndexOf('\n', offset - 1) + 1) + 1;
        var expected = Path.Combine(directory, file) + "(" + line + "," + column + "): " + id + ": " + message;
        Assert.True(output.Contains(expected, StringComparison.Ordinal), "expected in the build output:\n" + expected + "\n\nbuild output:\n" + output);
    }

    // The same runner as the package consumer test: no MSBuild state from the test host, the user's NuGet cache.
    private (int ExitCode, string Output) Build() =>
        new ModelDsl.Package.Tests.DotNet(Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"))
            .Run(directory, "build", "-nologo", "-p:UseSharedCompilation=false", "-clp:NoSummary");

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static string Root()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ModelDsl.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("ModelDsl.sln not found above " + AppContext.BaseDirectory);
    }
}
