namespace ModelDsl.Tests.IO;

/// <summary>A directory under /tmp deleted with the test.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("modeldsl-ts-io-");

    public string FullName => directory.FullName;

    public string File(string name) => Path.Combine(directory.FullName, name);

    public void Dispose() => directory.Delete(recursive: true);
}
