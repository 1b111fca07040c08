using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using ModelDsl.Analyzers;
using ModelDsl.CodeFixes;

namespace ModelDsl.Package.Tests;

/// <summary>
/// A new console project consumes the packed ModelDsl from a local folder feed: the over-budget model warns, the
/// warning becomes a build error through .editorconfig, the code fix makes it build, and the app runs on libtorch.
/// </summary>
public sealed class PackageConsumerTests : IDisposable
{
    private const string OverBudgetModel = """
        using ModelDsl;

        namespace Consumer;

        [Model(InputShape = [784])]
        [FlopBudget(MaxMFlops = 0.1)]
        public partial class Mlp
        {
            [Linear(128), ReLU] public partial Layer Hidden { get; }
            [Linear(10)] public partial Layer Output { get; }
        }
        """;

    private const string Program = """
        using ModelDsl;
        using Consumer;

        using var model = new Mlp();
        model.Eval();
        using var noGrad = Torch.NoGrad();
        var y = model.Forward(Tensor.Randn([2, 784]));
        Console.WriteLine("output " + Tensor.FormatShape(y.Shape) + ", compile-time MACs " + Mlp.TotalMacs);
        """;

    private readonly string root = Path.Combine(Path.GetTempPath(), "modeldsl-package-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    [Fact]
    public async Task ConsumerProjectWarnsFailsWithEditorConfigAndRunsOnceFixed()
    {
        var feed = Path.Combine(root, "feed");
        var app = Path.Combine(root, "app");
        Directory.CreateDirectory(feed);
        Directory.CreateDirectory(app);
        var dotnet = new DotNet(Path.Combine(root, "packages"));

        // A version no cache has seen, packed from the configuration the tests were built in (so packing is incremental).
        var version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture) + "." + Environment.ProcessId;
        var configuration = typeof(PackageConsumerTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var pack = dotnet.Run(RepoRoot(), "pack", "src/ModelDsl.Package/ModelDsl.Package.csproj", "-c", configuration, "-o", feed, "-p:PackageVersion=" + version, "-nodeReuse:false");
        Assert.True(pack.ExitCode == 0, pack.Output);

        File.WriteAllText(Path.Combine(root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="offline" value="/opt/nuget/packages" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ModelDsl" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), Program);
        var modelFile = Path.Combine(app, "Model.cs");
        File.WriteAllText(modelFile, OverBudgetModel);

        // 1. The over-budget model builds, with the budget warning in the build output.
        var warned = dotnet.Run(app, "build", "-nodeReuse:false");
        Assert.True(warned.ExitCode == 0, warned.Output);
        Assert.Contains("warning MDSL2001: Model 'Mlp' needs 0.204 MFLOPs, over its budget of 0.1 MFLOPs", warned.Output);

        // 2. .editorconfig makes it an error, and the build fails.
        File.WriteAllText(Path.Combine(root, ".editorconfig"), "root = true\n\n[*.cs]\ndotnet_diagnostic.MDSL2001.severity = error\n");
        var failed = dotnet.Run(app, "build", "-nodeReuse:false");
        Assert.True(failed.ExitCode != 0, failed.Output);
        Assert.Contains("error MDSL2001", failed.Output);

        // 3. The code fix (as the IDE applies it) adds a variant that meets the budget: the build passes, the app runs.
        var fixedModel = await ApplyBudgetFixAsync(OverBudgetModel);
        Assert.Contains("[Variant(\"Slim\", KeepChannels = 0.", fixedModel);
        File.WriteAllText(modelFile, fixedModel);
        var built = dotnet.Run(app, "build", "-nodeReuse:false");
        Assert.True(built.ExitCode == 0, built.Output);
        Assert.DoesNotContain("MDSL2001", built.Output);

        var ran = dotnet.Run(app, "run", "--no-build");
        Assert.True(ran.ExitCode == 0, ran.Output);
        Assert.Contains("output [2, 10], compile-time MACs 101632", ran.Output);

        // 4. A shape error through the package: the build prints it at the attribute's file(line,col), never only CS9248.
        var shapeFile = Path.Combine(app, "Broken.cs");
        File.WriteAllText(shapeFile, BrokenModel);
        var broken = dotnet.Run(app, "build", "-nodeReuse:false");
        Assert.True(broken.ExitCode != 0, broken.Output);
        Assert.DoesNotContain("CS9248", broken.Output);
        var at = BrokenModel.IndexOf("Conv2d(8, Kernel = 7)", StringComparison.Ordinal);
        var line = BrokenModel[..at].Count(c => c == '\n') + 1;
        var column = at - BrokenModel.LastIndexOf('\n', at) ;
        Assert.Contains(shapeFile + "(" + line + "," + column + "): error MDSL1003: Layer 'stem': kernel larger than its padded input", broken.Output);
    }

    private const string BrokenModel = """
        using ModelDsl;

        namespace Consumer;

        [Model(InputShape = [3, 4, 4])]
        public partial class Broken
        {
            [Conv2d(8, Kernel = 7)] public partial Layer Stem { get; }
        }
        """;

    private static async Task<string> ApplyBudgetFixAsync(string source)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(Layer).Assembly.Location).Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
        using var workspace = new AdhocWorkspace();
        var project = workspace.AddProject(ProjectInfo.Create(
            ProjectId.CreateNewId(), VersionStamp.Default, "App", "App", LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary),
            parseOptions: new CSharpParseOptions(LanguageVersion.Preview),
            metadataReferences: references));
        var document = workspace.AddDocument(project.Id, "Model.cs", SourceText.From(source));
        var compilation = (await document.Project.GetCompilationAsync())!;
        var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new ModelAnalyzer())).GetAnalyzerDiagnosticsAsync();
        var actions = new List<CodeAction>();
        await new FitBudgetCodeFix().RegisterCodeFixesAsync(new CodeFixContext(document, diagnostics.First(d => d.Id == "MDSL2001"), (a, _) => actions.Add(a), CancellationToken.None));
        var operation = (await actions.Single().GetOperationsAsync(CancellationToken.None)).OfType<ApplyChangesOperation>().Single();
        return (await operation.ChangedSolution.GetDocument(document.Id)!.GetTextAsync()).ToString();
    }

    private static string RepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ModelDsl.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("ModelDsl.sln not found above " + AppContext.BaseDirectory);
    }
}
