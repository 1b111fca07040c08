namespace ModelDsl.Tests.Parity;

/// <summary>Runs the parity scripts (copied to <c>Parity/</c> in the test output) with the system Python that has torch.</summary>
internal static class Python
{
    /// <summary>Debian's interpreter with python3-torch 1.13; the <c>python3</c> first on PATH has no torch.</summary>
    public const string Executable = "/usr/bin/python3";

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(180);

    public static string ScriptPath(string script) => Path.Combine(AppContext.BaseDirectory, "Parity", script);

    /// <summary>Runs <c>Parity/<paramref name="script"/></c> and returns its stdout; throws with both streams on a non-zero exit.</summary>
    public static string Run(string script, params string[] arguments)
    {
        var path = ScriptPath(script);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"parity script {script} is not in the test output", path);
        }
        // No __pycache__ in the test output, and no user site-packages shadowing the system torch.
        var environment = new Dictionary<string, string?> { ["PYTHONDONTWRITEBYTECODE"] = "1", ["PYTHONNOUSERSITE"] = "1" };
        var result = ChildProcess.Run(Executable, [path, .. arguments], Timeout, Path.GetDirectoryName(path), environment);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(result.Describe($"{Executable} {script} {string.Join(' ', arguments)}"));
        }
        return result.Stdout;
    }
}
