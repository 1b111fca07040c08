using System.Globalization;
using System.IO.Compression;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelDsl.Tests.Training;

/// <summary>
/// A short training run on scikit-learn's 8×8 digits (1,797 real images from Debian's python3-sklearn) with the training
/// utilities: dense, then 2:4 and 80 % gradual magnitude pruning fine-tuned with distillation from the dense model.
/// </summary>
public sealed class DigitsTrainingTests
{
    private const string DigitsPath = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";

    [Fact]
    public void Dense_and_masked_fine_tuned_models_reach_the_stated_accuracy_and_keep_exactly_their_zeros_and_pattern()
    {
        var (trainImages, trainLabels, testImages, testLabels) = Load();
        using var images = trainImages;
        using var labels = trainLabels;
        using var testX = testImages;
        using var testY = testLabels;

        torch.manual_seed(0);
        using var dense = Net();
        Train(dense, images, labels, epochs: 20, mask: null, schedule: null, teacher: null);
        var denseAccuracy = Accuracy(dense, testX, testY);
        Assert.True(denseAccuracy >= 0.95, $"dense accuracy {denseAccuracy:P1}, stated ≥ 95 %");

        // 2:4 on every layer after the stem, fine-tuned with AdamW (weight decay moves every weight it can).
        using var twoFour = Copy(dense);
        using var nm = NMSparsity.Mask(twoFour, 2, 4);
        nm.Apply();
        Train(twoFour, images, labels, epochs: 4, mask: nm, schedule: null, teacher: dense);
        var twoFourAccuracy = Accuracy(twoFour, testX, testY);
        Assert.True(twoFourAccuracy >= denseAccuracy - 0.02, $"2:4 accuracy {twoFourAccuracy:P1} vs dense {denseAccuracy:P1}");
        foreach (var name in nm.Names)
        {
            var weight = twoFour.get_parameter(name)!;
            Assert.True(CountsPerGroupAtMost(weight, 2, 4), $"{name} breaks 2:4 after fine-tuning");
            ExactlyItsZeros(weight, nm[name], name);
        }

        // 80 % unstructured, ramped by the cubic schedule over the fine-tuning, the global mask recomputed every 10 steps
        // (every layer keeps at least 10 %).
        using var sparse = Copy(dense);
        var schedule = new GradualPruningSchedule(0, 0.8, steps: 80);
        var final = Train(sparse, images, labels, epochs: 6, mask: null, schedule: schedule, teacher: dense);
        using (final)
        {
            var sparseAccuracy = Accuracy(sparse, testX, testY);
            Assert.True(sparseAccuracy >= denseAccuracy - 0.03, $"80 % accuracy {sparseAccuracy:P1} vs dense {denseAccuracy:P1}");
            Assert.Equal(0.8, final!.Sparsity, 2);
            foreach (var name in final.Names)
            {
                ExactlyItsZeros(sparse.get_parameter(name)!, final[name], name);
            }
        }
    }

    /// <summary>Zeros exactly where the mask is 0, no zero where it is 1 (trained float weights are never exactly 0).</summary>
    private static void ExactlyItsZeros(Tensor weight, Tensor mask, string name)
    {
        var values = MaskTests.Values(weight);
        var kept = MaskTests.Values(mask);
        for (var i = 0; i < values.Length; i++)
        {
            Assert.True(kept[i] == 0 ? values[i] == 0f : values[i] != 0f, $"{name}[{i}] = {values[i]} with mask {kept[i]}");
        }
    }

    /// <summary>The test's own reading of N:M: the weight row-major as [out, in·kh·kw], every M consecutive at most N non-zero.</summary>
    private static bool CountsPerGroupAtMost(Tensor weight, int n, int m)
    {
        var values = MaskTests.Values(weight);
        var row = values.Length / weight.shape[0];
        Assert.Equal(0, row % m);
        return Enumerable.Range(0, values.Length / m).All(g => values.Skip(g * m).Take(m).Count(v => v != 0) <= n);
    }

    private static Sequential Net() => nn.Sequential(
        ("0", nn.Conv2d(1, 16, 3, padding: 1)), ("1", nn.ReLU()),
        ("2", nn.Conv2d(16, 32, 3, stride: 2, padding: 1)), ("3", nn.ReLU()),
        ("4", nn.Flatten()), ("5", nn.Linear(32 * 16, 10)));

    private static Sequential Copy(Sequential source)
    {
        var copy = Net();
        copy.LoadStateDictChecked(source.state_dict());
        return copy;
    }

    private static WeightMask? Train(Sequential model, Tensor images, Tensor labels, int epochs, WeightMask? mask, GradualPruningSchedule? schedule, Sequential? teacher)
    {
        using var optimizer = optim.AdamW(model.parameters(), lr: 0.005, weight_decay: 0.01);
        const int batch = 64;
        var count = images.shape[0];
        var step = 0;
        teacher?.eval();
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            model.train();
            for (long start = 0; start + batch <= count; start += batch)
            {
                using var scope = NewDisposeScope();
                if (schedule is not null && step % 10 == 0)
                {
                    mask?.Dispose();
                    mask = MagnitudePruning.Global(model, schedule.SparsityAt(step), minKeptFraction: 0.1);
                    mask.Apply();
                }
                var x = images.narrow(0, start, batch);
                var y = labels.narrow(0, start, batch);
                optimizer.zero_grad();
                var logits = model.call(x);
                Tensor loss;
                if (teacher is null)
                {
                    loss = nn.functional.cross_entropy(logits, y);
                }
                else
                {
                    using var noGrad = no_grad();
                    var target = teacher.call(x);
                    noGrad.Dispose();
                    loss = Distillation.Loss(logits, target, y, temperature: 2, softWeight: 0.5);
                }
                loss.backward();
                mask?.MaskGradients();
                optimizer.step();
                mask?.Apply();
                step++;
            }
        }
        return schedule is null ? null : mask;
    }

    private static double Accuracy(Sequential model, Tensor images, Tensor labels)
    {
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return model.call(images).argmax(1).eq(labels).to(ScalarType.Float64).mean().item<double>();
    }

    /// <summary>A fixed shuffle (seed 0), 1,437 training and 360 test images, pixels scaled to [0, 1].</summary>
    private static (Tensor, Tensor, Tensor, Tensor) Load()
    {
        var pixels = new List<float>();
        var labels = new List<long>();
        using var reader = new StreamReader(new GZipStream(File.OpenRead(DigitsPath), CompressionMode.Decompress));
        while (reader.ReadLine() is { } line)
        {
            var fields = line.Split(',');
            pixels.AddRange(fields.Take(64).Select(f => float.Parse(f, CultureInfo.InvariantCulture) / 16f));
            labels.Add(long.Parse(fields[64], CultureInfo.InvariantCulture));
        }
        var order = Enumerable.Range(0, labels.Count).ToArray();
        new Random(0).Shuffle(order);
        var test = order.Length / 5;
        (Tensor, Tensor) Take(int[] indices) => (
            tensor(indices.SelectMany(i => pixels.Skip(i * 64).Take(64)).ToArray(), [indices.Length, 1, 8, 8]),
            tensor(indices.Select(i => labels[i]).ToArray()));
        var (trainX, trainY) = Take(order[test..]);
        var (testX, testY) = Take(order[..test]);
        return (trainX, trainY, testX, testY);
    }
}
