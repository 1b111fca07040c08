using System.Collections.Immutable;
using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
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
/// A new console project consumes the packed ModelDsl and TorchSharp-cpu from local feeds, as a user's would: it
/// builds on Debian 12 because the package's loader step patches the output copy of libLibTorchSharp.so (and never the
/// NuGet cache's); the over-budget model warns, the warning becomes a build error through .editorconfig, the code fix
/// makes it build, the model runs and reproduces PyTorch on PyTorch's weights; a shape error is reported at the attribute.
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

    // The generated Mlp is a TorchSharp module: call(), eval(), and loading PyTorch's weights through ModelDsl's IO.
    private const string Program = """
        using Consumer;
        using ModelDsl;
        using TorchSharp;

        using var model = new Mlp();
        model.eval();
        using var noGrad = torch.no_grad();
        var y = model.call(torch.randn(2, 784));
        Console.WriteLine("output [" + string.Join(", ", y.shape) + "], compile-time MACs " + Mlp.TotalMacs);

        model.LoadSafeTensors(Path.Combine(args[0], "mlp.safetensors"));
        var io = Weights.ReadSafeTensors(Path.Combine(args[0], "io.safetensors"));
        var output = model.call(io["input"]);
        Console.WriteLine("PyTorch's weights: allclose " + output.allclose(io["output"], 1e-5, 1e-5) + ", max |diff| " + (output - io["output"]).abs().max().item<float>());
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
        var app = Path.Combine(root, "app");
        var (version, dotnet, packages, machineCache) = PackIntoFeed("src/ModelDsl.Package/ModelDsl.Package.csproj");
        AssertPackageLayout(Path.Combine(root, "feed", "ModelDsl." + version + ".nupkg"));

        // Weights from PyTorch 1.13, for the consumer's Mlp.
        var weights = Path.Combine(root, "weights");
        Directory.CreateDirectory(weights);
        RunPython("consumer_weights.py", weights);

        WriteConsumer(app, ("ModelDsl", version), ("TorchSharp-cpu", "0.107.0"));
        File.WriteAllText(Path.Combine(app, "Program.cs"), Program);
        var modelFile = Path.Combine(app, "Model.cs");
        File.WriteAllText(modelFile, OverBudgetModel);

        // 1. The over-budget model builds, with the budget warning in the build output.
        var warned = dotnet.Run(app, "build", "-nodeReuse:false");
        Assert.True(warned.ExitCode == 0, warned.Output);
        Assert.Contains("warning MDSL2001: Model 'Mlp' needs 0.204 MFLOPs, over its budget of 0.1 MFLOPs", warned.Output);
        // A build log has no code fix: the message says what to declare instead.
        Assert.Contains("[Variant(\"Fit\", FitBudget = true)] adds a variant with per-layer widths fitted to the budget", warned.Output);
        var loaderStepNeeded = !SystemLibStdCxxHas("GLIBCXX_3.4.32");
        Assert.Equal(loaderStepNeeded, warned.Output.Contains("ModelDsl: marked the GLIBCXX_3.4.32 need of ", StringComparison.Ordinal));

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
        // The dense model is still over its budget; the build says which class meets it (MDSL2009, a warning of its own).
        Assert.Contains("warning MDSL2009: Model 'Mlp' needs 0.204 MFLOPs, over its budget of 0.1 MFLOPs by 103.5%; within the budget: MlpSlim (", built.Output);

        var ran = dotnet.Run(app, "run", "--no-build", "--", weights);
        Assert.True(ran.ExitCode == 0, ran.Output);
        Assert.Contains("output [2, 10], compile-time MACs 101632", ran.Output);
        // libtorch 2.10 here, PyTorch 1.13 there: ~1e-6 apart on the same weights (issue 8), hence allclose(1e-5, 1e-5).
        Assert.Contains("PyTorch's weights: allclose True", ran.Output);

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

        // 5. After four builds, the NuGet cache still holds TorchSharp's libLibTorchSharp.so byte for byte as the package
        //    ships it; the output copy differs from it in the one flag byte the loader step sets (or not at all where
        //    the system libstdc++ has the version).
        const string native = "runtimes/linux-x64/native/libLibTorchSharp.so";
        Assert.False(Directory.Exists(Path.Combine(packages, "torchsharp")), "TorchSharp was extracted again instead of used from the fallback folder");
        var cached = File.ReadAllBytes(Path.Combine(machineCache, "torchsharp", "0.107.0", native));
        using (var nupkg = ZipFile.OpenRead(Path.Combine(machineCache, "torchsharp", "0.107.0", "torchsharp.0.107.0.nupkg")))
        using (var entry = nupkg.GetEntry(native)!.Open())
        {
            var shipped = new MemoryStream();
            entry.CopyTo(shipped);
            Assert.True(SHA256.HashData(shipped.ToArray()).AsSpan().SequenceEqual(SHA256.HashData(cached)), "the NuGet cache copy of libLibTorchSharp.so was modified");
        }
        var output = File.ReadAllBytes(Path.Combine(app, "bin", "Debug", "net10.0", native));
        Assert.Equal(cached.Length, output.Length);
        var changed = Enumerable.Range(0, cached.Length).Count(i => cached[i] != output[i]);
        Assert.Equal(loaderStepNeeded ? 1 : 0, changed);
    }

    /// <summary>
    /// ModelDsl.Onnx, the package that runs exported files in ONNX Runtime: a console project that references only it
    /// (and a TorchSharp backend) gets ModelDsl with it — the generator writes the model and its <c>ExportOnnx</c> —
    /// and ONNX Runtime's native library; the exported file's output in ONNX Runtime is the TorchSharp module's.
    /// </summary>
    [Fact]
    public void OnnxPackageRunsAnExportedModelInOnnxRuntime()
    {
        var app = Path.Combine(root, "onnx-app");
        var (version, dotnet, _, _) = PackIntoFeed("src/ModelDsl.Package/ModelDsl.Package.csproj", "src/ModelDsl.Onnx/ModelDsl.Onnx.csproj");
        using (var package = ZipFile.OpenRead(Path.Combine(root, "feed", "ModelDsl.Onnx." + version + ".nupkg")))
        using (var nuspec = package.GetEntry("ModelDsl.Onnx.nuspec")!.Open())
        {
            var ns = System.Xml.Linq.XNamespace.Get("http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd");
            var dependencies = System.Xml.Linq.XDocument.Load(nuspec).Descendants(ns + "dependency")
                .Select(d => d.Attribute("id")!.Value + " " + d.Attribute("version")!.Value).Order(StringComparer.Ordinal);
            Assert.Equal(["Microsoft.ML.OnnxRuntime 1.31.1", "ModelDsl " + version], dependencies);
        }

        WriteConsumer(app, ("ModelDsl.Onnx", version), ("TorchSharp-cpu", "0.107.0"));
        File.WriteAllText(Path.Combine(app, "Model.cs"), """
            using ModelDsl;

            namespace Consumer;

            [Model(InputShape = [1, 8, 8])]
            public partial class SmallNet
            {
                [Conv2d(4, Kernel = 3, Padding = 1), BatchNorm2d, ReLU] public partial Layer Stem { get; }
                [Flatten, Linear(10)] public partial Layer Head { get; }
            }
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using Consumer;
            using ModelDsl.Onnx;
            using TorchSharp;

            torch.manual_seed(0);
            using var model = new SmallNet();
            model.eval();
            using var noGrad = torch.no_grad();
            var x = torch.randn(3, 1, 8, 8);
            var expected = model.call(x);
            model.ExportOnnx("small.onnx");
            using var onnx = OnnxModel.Load("small.onnx");
            var actual = onnx.Run(x);
            Console.WriteLine("ONNX Runtime: shape [" + string.Join(", ", actual.shape) + "], max |diff| " + (actual - expected).abs().max().item<float>().ToString("E1", System.Globalization.CultureInfo.InvariantCulture));
            """);

        var ran = dotnet.Run(app, "run", "-nodeReuse:false");
        Assert.True(ran.ExitCode == 0, ran.Output);
        var line = ran.Output.Split('\n').Single(l => l.StartsWith("ONNX Runtime:", StringComparison.Ordinal));
        Assert.StartsWith("ONNX Runtime: shape [3, 10], max |diff| ", line);
        var difference = float.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(difference, 0, 1e-5f);
    }

    // Packs the projects into a folder feed under a version no cache has seen, in the configuration the tests were
    // built in (so packing is incremental), and gives the dotnet runner whose restores use that feed, a private empty
    // cache, and this machine's NuGet cache as a read-only fallback folder (TorchSharp, PyBridge, the backend and
    // ONNX Runtime used in place, so libtorch's ~1.5 GB for three platforms is not extracted a second time).
    private (string Version, DotNet DotNet, string Packages, string MachineCache) PackIntoFeed(params string[] projects)
    {
        var feed = Path.Combine(root, "feed");
        Directory.CreateDirectory(feed);
        var version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture) + "." + Environment.ProcessId;
        var configuration = typeof(PackageConsumerTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        foreach (var project in projects)
        {
            var pack = new DotNet(packages: null).Run(RepoRoot(), "pack", project, "-c", configuration, "-o", feed, "-p:PackageVersion=" + version, "-nodeReuse:false");
            Assert.True(pack.ExitCode == 0, pack.Output);
        }

        var machineCache = MachinePackageRoot();
        File.WriteAllText(Path.Combine(root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="machine-cache" value="{machineCache}" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="machine-cache" value="{machineCache}" />
              </fallbackPackageFolders>
            </configuration>
            """);
        var packages = Path.Combine(root, "packages");
        return (version, new DotNet(packages), packages, machineCache);
    }

    // A console project referencing the packages, as a user's App.csproj does.
    private static void WriteConsumer(string app, params (string Id, string Version)[] references)
    {
        Directory.CreateDirectory(app);
        var items = string.Join("\n", references.Select(r => $"""    <PackageReference Include="{r.Id}" Version="{r.Version}" />"""));
        File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
            {items}
              </ItemGroup>
            </Project>
            """);
    }

    /// <summary>
    /// What the package holds: the runtime, the generator with the analyzers and the code fixes, the targets file, and
    /// nothing native; its dependencies are TorchSharp and PyBridge at the runtime's versions, never a backend.
    /// </summary>
    private static void AssertPackageLayout(string nupkg)
    {
        using var package = ZipFile.OpenRead(nupkg);
        var files = package.Entries.Select(e => e.FullName)
            .Where(n => !n.StartsWith("_rels/", StringComparison.Ordinal) && !n.StartsWith("package/", StringComparison.Ordinal) && n != "[Content_Types].xml")
            .Order(StringComparer.Ordinal);
        Assert.Equal(
            ["ModelDsl.nuspec", "README.md", "analyzers/dotnet/cs/ModelDsl.CodeFixes.dll", "analyzers/dotnet/cs/ModelDsl.Generators.dll",
             "buildTransitive/ModelDsl.targets", "lib/net10.0/ModelDsl.dll", "lib/net10.0/ModelDsl.xml"],
            files);
        using var nuspec = package.GetEntry("ModelDsl.nuspec")!.Open();
        var ns = System.Xml.Linq.XNamespace.Get("http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd");
        var dependencies = System.Xml.Linq.XDocument.Load(nuspec).Descendants(ns + "dependency")
            .Select(d => d.Attribute("id")!.Value + " " + d.Attribute("version")!.Value).Order(StringComparer.Ordinal);
        Assert.Equal(["TorchSharp 0.107.0", "TorchSharp.PyBridge 1.4.4"], dependencies);
    }

    /// <summary>Whether the libstdc++ the loader step checks defines <paramref name="version"/> (its name is in the file).</summary>
    private static bool SystemLibStdCxxHas(string version)
    {
        var bytes = File.ReadAllBytes("/usr/lib/x86_64-linux-gnu/libstdc++.so.6");
        return bytes.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(version + "\0")) >= 0;
    }

    private static string MachinePackageRoot() =>
        typeof(PackageConsumerTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "NuGetPackageRoot").Value!;

    /// <summary>Runs a script of this test's output with Debian's interpreter (the python3 first on PATH has no torch).</summary>
    private static void RunPython(string script, string argument)
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, script));
        start.ArgumentList.Add(argument);
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        start.Environment["PYTHONNOUSERSITE"] = "1";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{script} exited with {process.ExitCode}:\n{stderr.Result}\n{stdout}");
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
            .Append(typeof(ModelAttribute).Assembly.Location).Append(typeof(TorchSharp.torch).Assembly.Location)
            .Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
        using var workspace = new AdhocWorkspace();
        var project = workspace.AddProject(ProjectInfo.Create(
            ProjectId.CreateNewId(), VersionStamp.Default, "App", "App", LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary),
            parseOptions: new CSharpParseOptions(LanguageVersion.Preview),
            metadataReferences: references));
        // The Layer alias, as the package's buildTransitive targets give it to a consumer.
        workspace.AddDocument(project.Id, "Layer.cs", SourceText.From("global using Layer = TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>;"));
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
