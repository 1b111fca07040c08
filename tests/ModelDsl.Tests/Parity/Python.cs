using System.Diagnostics;

namespace ModelDsl.Tests.Parity;

/// <summary>Runs the parity scripts (copied to <c>Parity/</c> in the test output) with the system Python that has torch.</summary>
internal static class Python
{
    /// <summary>Debian's interpreter with python3-torch; the <c>python3</c> first on PATH has no torch.</summary>
    public const string Executable = "/usr/bin/python3";

    /// <summary>How long a script may run before it is killed.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    /// <summary>The full path of a parity script in the test output directory.</summary>
    public static string ScriptPath(string script) => Path.Combine(AppContext.BaseDirectory, "Parity", script);

    /// <summary>
    /// Runs <c>Parity/<paramref name="script"/></c> with <paramref name="arguments"/> and returns its stdout.
    /// Throws with stdout and stderr when it exits non-zero, and kills it after <see cref="Timeout"/>.
    /// Scripts can import their neighbours (e.g. <c>safetensors_io</c>): Python puts the script's folder on sys.path.
    /// </summary>
    public static string Run(string script, params string[] arguments)
    {
        var path = ScriptPath(script);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"parity script {script} is not in the test output (is it under tests/ModelDsl.Tests/Parity/?)", path);
        }
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(path)!,
        };
        start.ArgumentList.Add(path);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // No __pycache__ in the test output, and no user site-packages shadowing the system torch.
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        start.Environment["PYTHONNOUSERSITE"] = "1";

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Executable}");
        // Read both pipes concurrently: a script that fills one while we block on the other would hang.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var command = $"{Executable} {script} {string.Join(' ', arguments)}";
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"{command} did not finish within {Timeout.TotalSeconds} s\n--- stdout ---\n{stdout.Result}\n--- stderr ---\n{stderr.Result}");
        }
        process.WaitForExit(); // lets the output readers reach the end of the pipes
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} exited with code {process.ExitCode}\n--- stdout ---\n{stdout.Result}\n--- stderr ---\n{stderr.Result}");
        }
        return stdout.Result;
    }
}
