using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace ModelDsl.Tests.Loader;

/// <summary>
/// The Debian 12 loader step in buildTransitive/ModelDsl.targets: it weakens exactly one version need in
/// the output copy, never touches the NuGet cache, leaves a machine whose libstdc++ has GLIBCXX_3.4.32 alone, refuses
/// when the version is needed by anything else, and can be turned off. Each case runs the real targets file through
/// `dotnet msbuild` on a copy in a temporary directory; readelf (binutils) is the independent judge of the result.
/// </summary>
public sealed class LoaderStepTests : IDisposable
{
    private const string LibraryName = "libLibTorchSharp.so";
    private const string Need = "GLIBCXX_3.4.32";
    private static readonly string PackageRoot = Path.Combine(
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
        "torchsharp", "0.107.0");
    private static readonly string CacheCopy = Path.Combine(PackageRoot, "runtimes", "linux-x64", "native", LibraryName);
    private static readonly string SystemLibStdCxx = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";

    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("modeldsl-loader-");

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public void Build_leaves_the_NuGet_cache_copy_byte_identical_and_patches_one_byte_of_the_output_copy()
    {
        // The package archive is what the cache copy was extracted from: the cache must still match it.
        using var archive = ZipFile.OpenRead(Path.Combine(PackageRoot, "torchsharp.0.107.0.nupkg"));
        using var entry = archive.GetEntry($"runtimes/linux-x64/native/{LibraryName}")!.Open();
        using var original = new MemoryStream();
        entry.CopyTo(original);
        var cache = File.ReadAllBytes(CacheCopy);
        Assert.Equal(SHA256.HashData(original.ToArray()), SHA256.HashData(cache));

        // This test assembly's own output copy, patched by the build that produced it.
        var output = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", LibraryName));
        Assert.Equal(cache.Length, output.Length);
        var differing = Enumerable.Range(0, cache.Length).Where(i => cache[i] != output[i]).ToList();
        var only = Assert.Single(differing);
        Assert.Equal(cache[only] | 2, output[only]); // vna_flags |= VER_FLG_WEAK, nothing else
        Assert.Contains($"Name: {Need}  Flags: WEAK", ReadElfVersions(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", LibraryName)));
    }

    [Fact]
    public void Missing_version_weakens_only_that_need_and_replaces_a_hard_linked_output_instead_of_writing_through_it()
    {
        // The output copy is a hard link to a stand-in for the NuGet cache file.
        var cacheStandIn = Path.Combine(directory.FullName, "cache-" + LibraryName);
        File.Copy(CacheCopy, cacheStandIn);
        var output = OutputPath();
        Assert.Equal(0, Link(cacheStandIn, output));

        var result = RunStep(SystemLibStdCxx);

        Assert.True(result.ExitCode == 0, result.Describe("dotnet msbuild"));
        Assert.Equal(Hash(CacheCopy), Hash(cacheStandIn));
        Assert.NotEqual(Hash(CacheCopy), Hash(output));
        var before = NeedFlags(ReadElfVersions(CacheCopy));
        var after = NeedFlags(ReadElfVersions(output));
        Assert.Equal("none", before[Need]);
        Assert.Equal("WEAK", after[Need]);
        Assert.Equal(before.Where(e => e.Key != Need), after.Where(e => e.Key != Need));

        // Running it again is a no-op: the need is already weak.
        var again = Hash(output);
        Assert.Equal(0, RunStep(SystemLibStdCxx).ExitCode);
        Assert.Equal(again, Hash(output));
    }

    [Fact]
    public void A_libstdcxx_that_has_the_version_leaves_the_file_untouched()
    {
        // A copy of the system libstdc++ whose newest version is renamed to the one libLibTorchSharp.so needs.
        var bytes = File.ReadAllBytes(SystemLibStdCxx);
        var from = Encoding.ASCII.GetBytes("GLIBCXX_3.4.30\0");
        var to = Encoding.ASCII.GetBytes(Need + "\0");
        var renamed = 0;
        for (var at = bytes.AsSpan().IndexOf(from); at >= 0; at = bytes.AsSpan().IndexOf(from))
        {
            to.CopyTo(bytes, at);
            renamed++;
        }
        Assert.True(renamed > 0, "the system libstdc++ has no GLIBCXX_3.4.30 to rename");
        var fake = Path.Combine(directory.FullName, "libstdc++.so.6");
        File.WriteAllBytes(fake, bytes);
        Assert.Contains($"Name: {Need}", ReadElfVersions(fake));

        File.Copy(CacheCopy, OutputPath());
        var result = RunStep(fake);

        Assert.True(result.ExitCode == 0, result.Describe("dotnet msbuild"));
        Assert.Equal(Hash(CacheCopy), Hash(OutputPath()));
    }

    [Fact]
    public void Opting_out_leaves_the_file_untouched()
    {
        File.Copy(CacheCopy, OutputPath());
        var result = RunStep(SystemLibStdCxx, "-p:ModelDslPatchLibTorchSharp=false");
        Assert.True(result.ExitCode == 0, result.Describe("dotnet msbuild"));
        Assert.Equal(Hash(CacheCopy), Hash(OutputPath()));
    }

    [Fact]
    public void A_second_symbol_needing_the_version_fails_the_build_naming_it_and_leaves_the_file_untouched()
    {
        // Rebind symbol 56 (_ZNSt9exceptionD2Ev@GLIBCXX_3.4) to the GLIBCXX_3.4.32 need by editing its .gnu.version entry.
        var bytes = File.ReadAllBytes(CacheCopy);
        var (versionOffset, symbol, index) = SectionOffsetAndSymbol(CacheCopy, "_ZNSt9exceptionD2Ev@GLIBCXX_3.4");
        var needIndex = NeedIndex(ReadElfVersions(CacheCopy), Need);
        BitConverter.TryWriteBytes(bytes.AsSpan(versionOffset + 2 * index, 2), needIndex);
        File.WriteAllBytes(OutputPath(), bytes);
        var tampered = Hash(OutputPath());

        var result = RunStep(SystemLibStdCxx);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(symbol, result.Stdout);
        Assert.Contains("not only for _ZSt21ios_base_library_initv", result.Stdout);
        Assert.Equal(tampered, Hash(OutputPath()));
    }

    private string OutputPath()
    {
        var native = Directory.CreateDirectory(Path.Combine(directory.FullName, "out", "runtimes", "linux-x64", "native"));
        return Path.Combine(native.FullName, LibraryName);
    }

    // Runs the output-copy target of the real targets file against {directory}/out/.
    private ChildProcess.Result RunStep(string libstdcxx, params string[] extra)
    {
        var project = Path.Combine(directory.FullName, "probe.proj");
        var targets = Path.Combine(AppContext.BaseDirectory, "Loader", "ModelDsl.targets");
        File.WriteAllText(project, $"""<Project><Import Project="{targets}" /></Project>""");
        var arguments = new List<string>
        {
            "msbuild", project, "-t:ModelDslPatchLibTorchSharpOutput", "-nologo", "-nodeReuse:false", "-v:n",
            $"-p:OutDir={Path.Combine(directory.FullName, "out")}/", $"-p:ModelDslSystemLibStdCxx={libstdcxx}",
        };
        arguments.AddRange(extra);
        // The test host inherits MSBuild variables from `dotnet test`; the child build must start clean.
        var environment = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(k => k, _ => (string?)null);
        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return ChildProcess.Run(Dotnet(), arguments, TimeSpan.FromMinutes(3), directory.FullName, environment);
    }

    private static string Dotnet() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static string ReadElfVersions(string path)
    {
        var result = ChildProcess.Run("readelf", ["-V", "-W", path], TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, result.Describe("readelf -V"));
        return result.Stdout;
    }

    // "  0x0140:   Name: GLIBCXX_3.4.32  Flags: none  Version: 18" → "GLIBCXX_3.4.32#18" → flags, for every need
    // (a version name can be needed from several libraries, GLIBC_2.2.5 from libc and libm; the index is unique).
    private static Dictionary<string, string> NeedFlags(string readelf) =>
        readelf.Split('\n').Where(l => l.Contains("Name: ") && l.Contains("Flags: "))
            .Select(l => l[(l.IndexOf("Name: ", StringComparison.Ordinal) + 6)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(p => p[0] == Need ? Need : $"{p[0]}#{p[4]}", p => p[2]);

    private static ushort NeedIndex(string readelf, string name) =>
        readelf.Split('\n').Where(l => l.Contains($"Name: {name} ")).Select(l => ushort.Parse(l[(l.LastIndexOf("Version: ", StringComparison.Ordinal) + 9)..].Trim())).Single();

    // The file offset of .gnu.version and the full name and index of the first dynamic symbol containing `name`.
    private static (int Offset, string Symbol, int Index) SectionOffsetAndSymbol(string path, string name)
    {
        var sections = ChildProcess.Run("readelf", ["-S", "-W", path], TimeSpan.FromMinutes(1)).Stdout;
        var line = sections.Split('\n').Single(l => l.Contains(" .gnu.version ", StringComparison.Ordinal));
        var fields = line[(line.IndexOf(']') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries); // name type addr off ...
        var offset = Convert.ToInt32(fields[3], 16);
        var symbols = ChildProcess.Run("readelf", ["--dyn-syms", "-W", path], TimeSpan.FromMinutes(1)).Stdout;
        var symbolLine = symbols.Split('\n').First(l => l.Contains(name + " ", StringComparison.Ordinal));
        var parts = symbolLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (offset, parts[7][..parts[7].IndexOf('@')], int.Parse(parts[0].TrimEnd(':')));
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true, EntryPoint = "link")]
    private static extern int Link(string existing, string newPath);
}
