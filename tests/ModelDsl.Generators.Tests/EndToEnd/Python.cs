using System.Diagnostics;

namespace ModelDsl.Generators.Tests.EndToEnd;

/// <summary>Runs a reference script of this test project's output with Debian's PyTorch (the python3 first on PATH has none).</summary>
internal static class Python
{
    /// <summary>Runs <c>Python/<paramref name="script"/></c> with <paramref name="arguments"/>; returns its standard output, fails the test on an error.</summary>
    public static string Run(string script, params string[] arguments)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Python", script);
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            WorkingDirectory = Path.GetDirectoryName(path)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(path);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // No __pycache__ in the test output, and no user site-packages shadowing the system torch.
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        start.Environment["PYTHONNOUSERSITE"] = "1";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(script + " did not finish in 3 minutes");
        }

        Assert.True(process.ExitCode == 0, $"{script} {string.Join(" ", arguments)} exited with {process.ExitCode}:\n{stderr.Result}\n{stdout}");
        return stdout;
    }
}
