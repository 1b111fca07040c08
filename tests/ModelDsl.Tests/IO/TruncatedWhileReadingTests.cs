using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.Tests.IO;

/// <summary>
/// A file that another process truncates while it is being read gives an exception, not a dead process: the reader
/// goes through a FileStream (a memory-mapped reader dies with SIGBUS), and a short read is an EndOfStreamException.
/// </summary>
public sealed class TruncatedWhileReadingTests : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Theory]
    [InlineData(4_096)]        // inside the first tensor's data
    [InlineData(1_500_000)]    // deep in the data
    public void Truncation_after_validation_throws_end_of_stream_and_the_process_keeps_working(long readBeforeTruncating)
    {
        var path = directory.File("big.safetensors");
        using (var module = nn.Sequential(nn.Linear(512, 512), nn.Linear(512, 512)))
        {
            module.SaveSafeTensors(path);  // ~2.1 MB
        }

        // The file really shrinks on disk (through a second handle) once the reader has consumed the given bytes.
        using (var file = new TruncatingFileStream(path, readBeforeTruncating, newLength: 1_000))
        using (var scope = NewDisposeScope())
        {
            var error = Assert.Throws<EndOfStreamException>(() => Weights.ReadSafeTensors(file, path));
            Assert.Contains("truncated while being read", error.Message);
            Assert.Equal(0, scope.DisposablesCount); // the tensors read so far were freed
        }
        Assert.Equal(1_000, new FileInfo(path).Length);

        using var linear = nn.Linear(3, 2);
        using var y = linear.forward(ones(1, 3));
        Assert.Equal([1L, 2], y.shape);
    }

    [Fact]
    public async Task A_load_racing_a_real_truncation_ends_in_success_or_an_exception_never_a_crash()
    {
        var path = directory.File("race.safetensors");
        using var module = nn.Sequential(nn.Linear(1024, 1024), nn.Linear(1024, 1024));
        for (var attempt = 0; attempt < 8; attempt++)
        {
            module.SaveSafeTensors(path); // ~8.4 MB
            var truncate = Task.Run(async () =>
            {
                await Task.Delay(attempt);
                using var other = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
                other.SetLength(100 + attempt * 1_000_000);
            });
            try
            {
                using var target = nn.Sequential(nn.Linear(1024, 1024), nn.Linear(1024, 1024));
                target.LoadSafeTensors(path);
            }
            catch (Exception e) when (e is EndOfStreamException or InvalidDataException)
            {
                // The file was already short when validated, or shrank during the read.
            }
            await truncate;
        }
    }

    private sealed class TruncatingFileStream(string path, long after, long newLength)
        : FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0)
    {
        private readonly string target = path;
        private long consumed;
        private bool truncated;

        // Only the array overload: FileStream routes a subclass's span reads to it.
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (!truncated && consumed >= after)
            {
                using var other = new FileStream(target, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
                other.SetLength(newLength);
                truncated = true;
            }
            var read = base.Read(buffer, offset, count);
            consumed += read;
            return read;
        }
    }
}
