using System.IO.Compression;
using FashionMnist;
using ModelDsl.Tests;

namespace ModelDsl.Demo.Tests;

/// <summary>The demo binary as a user runs it, on the real Fashion-MNIST files, with a tiny training setting.</summary>
public sealed class DemoRunTests
{
    // A guard against a hang, not a speed target: on the shared 2-core machine under other helpers' builds (load 40)
    // the tiny run's measuring of seven models took most of 4 minutes.
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(8);

    /// <summary>The demo's own build output (built by the project reference, in the same configuration).</summary>
    private static string DemoDll
    {
        get
        {
            var output = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);   // tests/ModelDsl.Demo.Tests/bin/<Configuration>/net10.0
            var configuration = Path.GetFileName(Path.GetDirectoryName(output))!;
            var root = Path.GetFullPath(Path.Combine(output, "../../../../.."));
            var dll = Path.Combine(root, "examples/FashionMnist/bin", configuration, "net10.0/FashionMnist.dll");
            Assert.True(File.Exists(dll), $"the demo is not built at {dll}");
            return dll;
        }
    }

    [Fact]
    public void A_tiny_run_exits_0_and_prints_the_table_with_every_variant_and_the_chart_paths()
    {
        var output = Directory.CreateTempSubdirectory("modeldsl-demo-run-").FullName;
        try
        {
            var run = ChildProcess.Run("dotnet", [DemoDll, "--epochs", "1", "--finetune-epochs", "1", "--train-samples", "512", "--output", output], Timeout);
            var description = run.Describe("FashionMnist");
            Assert.True(run.ExitCode == 0, description);
            Assert.Contains("measured in this run", run.Stdout);

            // Nothing on stderr: libtorch's warnings (its deprecated fbgemm_linear_* entry points print one at their
            // first call, which the int8 rows once did) would be the first thing a user reads after the table.
            Assert.True(run.Stderr.Trim().Length == 0, "stderr is not empty\n" + description);

            // Issue 12's column: each exported model timed in ONNX Runtime; the dense model's file passes for an ONNX one.
            Assert.Contains("ONNX RT b=1 / b=256", run.Stdout);
            var dense = Path.Combine(output, "onnx", "dense.onnx");
            Assert.True(File.Exists(dense) && new FileInfo(dense).Length > 200_000, dense + " missing or smaller than the dense weights\n" + description);
            // Every row is exported, the int8 classes in QDQ form: each one's file is there, and no row lacks its ONNX figures.
            foreach (var key in VariantCatalog.All.Select(v => v.Key.Replace(':', '-')))
            {
                Assert.True(File.Exists(Path.Combine(output, "onnx", key + ".onnx")), key + ".onnx is missing\n" + description);
            }
            var onnxCells = run.Stdout.Split('\n').Where(l => l.StartsWith('│') && !l.Contains("Variant", StringComparison.Ordinal))
                .Select(l => l.Trim().Trim('│').Split('│').Last().Trim()).ToList();
            Assert.Equal(VariantCatalog.All.Count + 1, onnxCells.Count);
            Assert.All(onnxCells, cell => Assert.EndsWith(" ms", cell));
            foreach (var title in new[] { "Dense" }.Concat(VariantCatalog.All.Select(v => v.Title)))
            {
                Assert.Contains(title, run.Stdout);
            }
            foreach (var chart in new[] { "accuracy-vs-macs.png", "accuracy-vs-macs.svg", "accuracy-vs-latency.png", "accuracy-vs-latency.svg" })
            {
                var path = Path.Combine(output, chart);
                Assert.True(File.Exists(path), $"{path} missing\n{description}");
                Assert.Contains(path, run.Stdout.Replace("\n", ""));
            }
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void Help_documents_every_option()
    {
        var run = ChildProcess.Run("dotnet", [DemoDll, "--help"], Timeout);
        Assert.Equal(0, run.ExitCode);
        foreach (var option in new[] { "--dataset", "--epochs", "--finetune-epochs", "--seed", "--variants", "--output", "--train-samples" })
        {
            Assert.Contains(option, run.Stdout);
        }

        // The description names every kind of variant the demo builds, not only some of them.
        var description = System.Text.RegularExpressions.Regex.Replace(run.Stdout[..run.Stdout.IndexOf("Usage:", StringComparison.Ordinal)], @"\s+", " ");
        foreach (var kind in new[] { "budget-fitted", "int8", "budget-fitted + int8", "low-rank", "unstructured", "2:4" })
        {
            Assert.Contains(kind, description);
        }
    }

    [Fact]
    public void A_missing_dataset_says_which_package_installs_it()
    {
        var run = ChildProcess.Run("dotnet", [DemoDll, "--dataset", "/nonexistent/fashion-mnist"], Timeout);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("dataset-fashion-mnist", run.Stdout.Replace("\n", ""));
        Assert.Contains("/nonexistent/fashion-mnist", run.Stdout);
    }

    [Fact]
    public void An_unknown_variant_is_rejected_naming_the_known_ones()
    {
        var run = ChildProcess.Run("dotnet", [DemoDll, "--variants", "fit,int3"], Timeout);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("int3", run.Stderr);
        Assert.Contains("sparse80", run.Stderr);
    }

    [Fact]
    public void A_truncated_idx_file_is_rejected_naming_the_file_and_the_expected_length()
    {
        var folder = Directory.CreateTempSubdirectory("modeldsl-demo-idx-").FullName;
        try
        {
            foreach (var name in new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
            {
                File.Copy(Path.Combine(FashionMnistData.DefaultDirectory, name + ".gz"), Path.Combine(folder, name + ".gz"));
            }
            // The test labels, cut 10 bytes short and gzip'd again.
            var labels = Path.Combine(folder, "t10k-labels-idx1-ubyte.gz");
            byte[] raw;
            using (var input = new GZipStream(File.OpenRead(labels), CompressionMode.Decompress))
            using (var buffer = new MemoryStream())
            {
                input.CopyTo(buffer);
                raw = buffer.ToArray();
            }
            using (var outputStream = new GZipStream(File.Create(labels), CompressionLevel.Fastest))
            {
                outputStream.Write(raw, 0, raw.Length - 10);
            }
            var error = Assert.Throws<InvalidDataException>(() => FashionMnistData.Load(folder));
            Assert.Contains(labels, error.Message);
            Assert.Contains("9998 bytes, expected 10008", error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
