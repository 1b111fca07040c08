using System.Globalization;
using System.IO.Compression;
using TorchSharp;
using static TorchSharp.torch;

namespace Digits;

/// <summary>The 1,797 8×8 handwritten digits that ship with Debian's python3-sklearn (pixel values 0–16).</summary>
internal sealed record DigitsDataset(float[] Pixels, long[] Labels)
{
    public const string DefaultPath = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";

    public int Count => Labels.Length;

    public static DigitsDataset Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"digits dataset not found at {path}; install it with: apt-get install python3-sklearn", path);
        }
        var pixels = new List<float>();
        var labels = new List<long>();
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var fields = line.Split(',');
            if (fields.Length != 65)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: expected 64 pixels and a label, found {fields.Length} fields");
            }
            pixels.AddRange(fields.Take(64).Select(f => float.Parse(f, CultureInfo.InvariantCulture) / 16f));
            labels.Add(long.Parse(fields[64], CultureInfo.InvariantCulture));
        }
        return new DigitsDataset([.. pixels], [.. labels]);
    }

    /// <summary>A deterministic shuffle split into training and test sets.</summary>
    public (DigitsDataset Train, DigitsDataset Test) Split(double testFraction, int seed)
    {
        var order = Enumerable.Range(0, Count).ToArray();
        new Random(seed).Shuffle(order);
        var testCount = (int)(Count * testFraction);
        return (Take(order[testCount..]), Take(order[..testCount]));
    }

    private DigitsDataset Take(int[] indices) =>
        new(indices.SelectMany(i => Pixels.AsSpan(i * 64, 64).ToArray()).ToArray(), indices.Select(i => Labels[i]).ToArray());

    /// <summary>Images [N, 1, 8, 8] and labels [N] for the samples <paramref name="start"/>..start+count.</summary>
    public (Tensor Images, Tensor Labels) Batch(int start, int count) =>
        (torch.tensor(Pixels.AsSpan(start * 64, count * 64).ToArray(), [count, 1, 8, 8]), torch.tensor(Labels.AsSpan(start, count).ToArray(), [count]));
}
