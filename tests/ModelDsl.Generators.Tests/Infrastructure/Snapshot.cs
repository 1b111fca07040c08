using System.Runtime.CompilerServices;

namespace ModelDsl.Generators.Tests;

/// <summary>
/// Compares generated text with a checked-in <c>Snapshots/{name}.verified.cs</c>. On a difference it writes
/// <c>{name}.received.cs</c> beside it (git-ignored) and fails; set <c>MODELDSL_ACCEPT=1</c> to overwrite the verified
/// file instead (then review the diff before committing).
/// </summary>
internal static class Snapshot
{
    public static void Verify(string name, string actual, [CallerFilePath] string caller = "")
    {
        var directory = Path.Combine(FindProjectDirectory(caller), "Snapshots");
        var verified = Path.Combine(directory, name + ".verified.cs");
        var received = Path.Combine(directory, name + ".received.cs");
        if (Environment.GetEnvironmentVariable("MODELDSL_ACCEPT") == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(verified, actual);
            File.Delete(received);
            return;
        }

        var expected = File.Exists(verified) ? File.ReadAllText(verified) : null;
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }

        File.WriteAllText(received, actual);
        Assert.Fail(expected is null
            ? $"No snapshot {verified}; wrote {received}. Review it and rerun with MODELDSL_ACCEPT=1 to accept."
            : $"Generated source differs from {verified}; wrote {received}. Diff them, and rerun with MODELDSL_ACCEPT=1 if the change is intended.");
    }

    private static string FindProjectDirectory(string caller)
    {
        for (var directory = Path.GetDirectoryName(caller); directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (File.Exists(Path.Combine(directory, "ModelDsl.Generators.Tests.csproj")))
            {
                return directory;
            }
        }

        throw new InvalidOperationException("cannot find the test project from " + caller);
    }
}
