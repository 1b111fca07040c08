using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using ModelDsl.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.OnnxSpeed;

/// <summary>
/// Top-1 agreement of the int8 QDQ export with the float32 export on the Fashion-MNIST test set: FashionNet trained for
/// a few hundred seeded Adam steps (batch 64), FashionNetInt8 built from it by FromDense, its export calibrated on 512
/// training images; both files run by ONNX Runtime on the 10,000 test images.
/// </summary>
internal static class FashionAgreement
{
    public static void Run(string directory, int steps)
    {
        manual_seed(0);
        var clock = Stopwatch.StartNew();
        var (train, trainLabels) = (Images(Path.Combine(directory, "train-images-idx3-ubyte.gz")), Labels(Path.Combine(directory, "train-labels-idx1-ubyte.gz")));
        var (test, testLabels) = (Images(Path.Combine(directory, "t10k-images-idx3-ubyte.gz")), Labels(Path.Combine(directory, "t10k-labels-idx1-ubyte.gz")));
        var (mean, std) = (train.mean().item<float>(), train.std().item<float>());
        train.sub_(mean).div_(std);
        test.sub_(mean).div_(std);

        using var dense = new FashionNet();
        dense.train();
        using (var optimizer = optim.Adam(dense.parameters(), 1e-3))
        {
            for (var step = 0; step < steps; step++)
            {
                using var scope = NewDisposeScope();
                var batch = randint(0, train.shape[0], [64], ScalarType.Int64);
                var loss = nn.functional.cross_entropy(dense.call(train.index_select(0, batch)), trainLabels.index_select(0, batch));
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
            }
        }

        dense.eval();
        var trained = clock.Elapsed.TotalSeconds;
        using var quantised = FashionNetInt8.FromDense(dense);
        quantised.eval();
        var files = Directory.CreateTempSubdirectory("onnx-fashion-");
        try
        {
            var (floatPath, int8Path) = (Path.Combine(files.FullName, "float32.onnx"), Path.Combine(files.FullName, "int8.onnx"));
            dense.ExportOnnx(floatPath);
            using (var calibration = train.narrow(0, 0, 512))
            {
                quantised.ExportOnnx(int8Path, calibration);
            }

            using var floatOrt = OnnxModel.Load(floatPath);
            using var int8Ort = OnnxModel.Load(int8Path);
            using var noGrad = no_grad();
            var (agree, floatRight, int8Right, torchRight) = (0L, 0L, 0L, 0L);
            for (long start = 0; start < test.shape[0]; start += 1000)
            {
                using var scope = NewDisposeScope();
                var images = test.narrow(0, start, 1000).contiguous();
                var labels = testLabels.narrow(0, start, 1000);
                var floatTop = floatOrt.Run(images).argmax(1);
                var int8Top = int8Ort.Run(images).argmax(1);
                var torchTop = quantised.call(images).argmax(1);
                agree += floatTop.eq(int8Top).sum().item<long>();
                floatRight += floatTop.eq(labels).sum().item<long>();
                int8Right += int8Top.eq(labels).sum().item<long>();
                torchRight += torchTop.eq(labels).sum().item<long>();
            }

            var n = (double)test.shape[0];
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{{\"model\":\"fashionnet\",\"train_steps\":{steps},\"train_s\":{trained:F1},\"test_images\":{n},\"top1_agreement_int8_qdq_vs_float32\":{agree / n:F4},\"accuracy_float32_onnx\":{floatRight / n:F4},\"accuracy_int8_qdq_onnx\":{int8Right / n:F4},\"accuracy_int8_torchsharp\":{torchRight / n:F4}}}"));
        }
        finally
        {
            files.Delete(recursive: true);
            train.Dispose();
            test.Dispose();
        }
    }

    // An IDX image file (magic 2051, count, rows, columns, bytes) as [n, 1, rows, columns] float32 in [0, 1].
    private static Tensor Images(string path)
    {
        var bytes = Read(path);
        var (count, rows, columns) = (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(12)));
        if (BinaryPrimitives.ReadInt32BigEndian(bytes) != 2051 || bytes.Length != 16 + (count * rows * columns))
        {
            throw new InvalidDataException(path + ": not an IDX image file");
        }

        using var raw = tensor(bytes[16..], ScalarType.Byte);
        return raw.view(count, 1, rows, columns).to(ScalarType.Float32).div_(255);
    }

    // An IDX label file (magic 2049, count, bytes) as [n] int64.
    private static Tensor Labels(string path)
    {
        var bytes = Read(path);
        if (BinaryPrimitives.ReadInt32BigEndian(bytes) != 2049 || bytes.Length != 8 + BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4)))
        {
            throw new InvalidDataException(path + ": not an IDX label file");
        }

        using var raw = tensor(bytes[8..], ScalarType.Byte);
        return raw.to(ScalarType.Int64);
    }

    private static byte[] Read(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gzip.CopyTo(memory);
        return memory.ToArray();
    }
}
