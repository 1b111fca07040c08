using System.Diagnostics;

namespace ModelDsl.Zoo.Tests;

/// <summary>Runs the reference scripts (copied to <c>Parity/</c> in the test output) with Debian's PyTorch 1.13 + torchvision 0.14.</summary>
internal static class Python
{
    // Debian's interpreter with python3-torch and python3-torchvision; the python3 first on PATH may have neither.
    private const string Executable = "/usr/bin/python3";

    // Building and running a torchvision model (ViT-B/16 with two training batches) takes tens of seconds on 2 cores.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(180);

    /// <summary>Runs <c>Parity/<paramref name="script"/></c> and returns what it printed; throws with both streams on a non-zero exit or a timeout.</summary>
    public static string Run(string script, params string[] arguments)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "Parity");
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        start.ArgumentList.Add(Path.Combine(directory, script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // No __pycache__ in the test output, and no user site-packages shadowing the system torch.
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        start.Environment["PYTHONNOUSERSITE"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + Executable);
        // Both pipes read concurrently: a child that fills one must not hang us.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"{script} did not finish within {Timeout.TotalSeconds} s\n{stdout.Result}\n{stderr.Result}");
        }

        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{script} exited with {process.ExitCode}\n{stdout.Result}\n{stderr.Result}");
        return stdout.Result;
    }
}

/// <summary>A temporary directory for the files exchanged with Python, deleted with everything in it.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("modeldsl-zoo-");

    public string File(string name) => System.IO.Path.Combine(directory.FullName, name);

    public void Dispose() => directory.Delete(recursive: true);
}
