namespace ModelDsl.Tests.IO;

/// <summary>A fresh directory under the system temp folder, deleted with its contents on dispose.</summary>
public sealed class TemporaryDirectory : IDisposable
{
    /// <summary>The directory's full path.</summary>
    public string Path { get; } = Directory.CreateTempSubdirectory("modeldsl-io-").FullName;

    /// <summary>The full path of <paramref name="fileName"/> inside the directory.</summary>
    public string File(string fileName) => System.IO.Path.Combine(Path, fileName);

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(Path, recursive: true);
}
