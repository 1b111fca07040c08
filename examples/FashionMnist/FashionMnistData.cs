using System.Buffers.Binary;
using System.IO.Compression;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionMnist;

/// <summary>The dataset is not where it was looked for; the message says which package installs it.</summary>
internal sealed class DatasetMissingException(string message) : Exception(message);

/// <summary>
/// Fashion-MNIST as Debian's dataset-fashion-mnist installs it: four gzip'd IDX files (60,000 training and 10,000 test
/// images of 28×28 bytes, labels 0–9). Images are scaled to [0, 1] and standardised with the training set's mean and
/// standard deviation.
/// </summary>
internal sealed class FashionMnistData : IDisposable
{
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The ten classes, in label order (the dataset's README).</summary>
    public static readonly string[] Classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    private FashionMnistData(Tensor trainImages, Tensor trainLabels, Tensor testImages, Tensor testLabels)
    {
        TrainImages = trainImages;
        TrainLabels = trainLabels;
        TestImages = testImages;
        TestLabels = testLabels;
    }

    /// <summary>[60000, 1, 28, 28] float32, standardised.</summary>
    public Tensor TrainImages { get; }

    /// <summary>[60000] int64.</summary>
    public Tensor TrainLabels { get; }

    /// <summary>[10000, 1, 28, 28] float32, standardised with the training statistics.</summary>
    public Tensor TestImages { get; }

    /// <summary>[10000] int64.</summary>
    public Tensor TestLabels { get; }

    public long TrainCount => TrainLabels.shape[0];

    public long TestCount => TestLabels.shape[0];

    /// <summary>Reads and validates the four files under <paramref name="directory"/>.</summary>
    /// <exception cref="DatasetMissingException">The directory or a file is missing.</exception>
    /// <exception cref="InvalidDataException">A file is not a valid IDX file of the expected kind (the message names it and says what is wrong).</exception>
    public static FashionMnistData Load(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new DatasetMissingException(
                $"Fashion-MNIST not found: {directory} does not exist. Install Debian's package dataset-fashion-mnist " +
                "(sudo apt-get install dataset-fashion-mnist, or bash scripts/install-deps.sh), or pass --dataset DIR.");
        }
        var trainImages = ReadImages(Find(directory, "train-images-idx3-ubyte"));
        var trainLabels = ReadLabels(Find(directory, "train-labels-idx1-ubyte"), trainImages.Count);
        var testImages = ReadImages(Find(directory, "t10k-images-idx3-ubyte"));
        var testLabels = ReadLabels(Find(directory, "t10k-labels-idx1-ubyte"), testImages.Count);

        using var scope = NewDisposeScope();
        var train = ToTensor(trainImages);
        var test = ToTensor(testImages);
        var mean = train.mean();
        var std = train.std();
        return new FashionMnistData(
            train.sub(mean).div(std).MoveToOuterDisposeScope(),
            tensor(trainLabels, dtype: ScalarType.Int64).MoveToOuterDisposeScope(),
            test.sub(mean).div(std).MoveToOuterDisposeScope(),
            tensor(testLabels, dtype: ScalarType.Int64).MoveToOuterDisposeScope());
    }

    public void Dispose()
    {
        TrainImages.Dispose();
        TrainLabels.Dispose();
        TestImages.Dispose();
        TestLabels.Dispose();
    }

    private static string Find(string directory, string name)
    {
        foreach (var candidate in new[] { name + ".gz", name })
        {
            var path = Path.Combine(directory, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }
        throw new DatasetMissingException(
            $"Fashion-MNIST is incomplete: {Path.Combine(directory, name)}.gz is missing. Reinstall Debian's package dataset-fashion-mnist " +
            "(sudo apt-get install --reinstall dataset-fashion-mnist), or pass --dataset DIR.");
    }

    private sealed record Images(int Count, int Rows, int Columns, byte[] Pixels);

    private static Images ReadImages(string path)
    {
        var (dims, data) = ReadIdx(path, expectedDimensions: 3);
        if (dims[1] != 28 || dims[2] != 28)
        {
            throw new InvalidDataException($"{path}: images of {dims[1]}×{dims[2]} pixels, expected 28×28");
        }
        return new Images(dims[0], dims[1], dims[2], data);
    }

    private static byte[] ReadLabels(string path, int imageCount)
    {
        var (dims, data) = ReadIdx(path, expectedDimensions: 1);
        if (dims[0] != imageCount)
        {
            throw new InvalidDataException($"{path}: {dims[0]} labels for {imageCount} images");
        }
        for (var i = 0; i < data.Length; i++)
        {
            if (data[i] >= Classes.Length)
            {
                throw new InvalidDataException($"{path}: label {data[i]} at index {i} is not a class (0–{Classes.Length - 1})");
            }
        }
        return data;
    }

    /// <summary>An IDX file of unsigned bytes: magic 0x0000_08_nd, nd big-endian int32 sizes, then exactly their product of bytes.</summary>
    private static (int[] Dims, byte[] Data) ReadIdx(string path, int expectedDimensions)
    {
        byte[] bytes;
        try
        {
            using var file = File.OpenRead(path);
            using Stream stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            bytes = buffer.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: not a readable gzip file ({e.Message})", e);
        }
        var headerLength = 4 + 4 * expectedDimensions;
        if (bytes.Length < headerLength)
        {
            throw new InvalidDataException($"{path}: {bytes.Length} bytes, shorter than an IDX header of {expectedDimensions} dimension(s)");
        }
        if (bytes[0] != 0 || bytes[1] != 0 || bytes[2] != 0x08 || bytes[3] != expectedDimensions)
        {
            throw new InvalidDataException(
                $"{path}: IDX magic {bytes[0]:x2} {bytes[1]:x2} {bytes[2]:x2} {bytes[3]:x2}, expected 00 00 08 {expectedDimensions:x2} (unsigned bytes, {expectedDimensions} dimension(s))");
        }
        var dims = new int[expectedDimensions];
        long expected = headerLength;
        for (var d = 0; d < expectedDimensions; d++)
        {
            dims[d] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * d));
            if (dims[d] <= 0)
            {
                throw new InvalidDataException($"{path}: dimension {d} has size {dims[d]}");
            }
        }
        expected += dims.Aggregate(1L, (product, size) => checked(product * size));
        if (bytes.Length != expected)
        {
            throw new InvalidDataException($"{path}: {bytes.Length} bytes, expected {expected} for sizes [{string.Join(", ", dims)}] (truncated or padded)");
        }
        return (dims, bytes[headerLength..]);
    }

    private static Tensor ToTensor(Images images) =>
        tensor(images.Pixels, dtype: ScalarType.Byte).reshape(images.Count, 1, images.Rows, images.Columns).to(ScalarType.Float32).div(255f);
}
