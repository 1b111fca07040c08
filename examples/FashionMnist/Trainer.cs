using System.Diagnostics;
using ModelDsl;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionMnist;

/// <summary>How long and how fast one model trains.</summary>
/// <param name="Epochs">Passes over the (possibly limited) training set.</param>
/// <param name="BatchSize">Images per step.</param>
/// <param name="MaxLearningRate">The one-cycle schedule's peak (AdamW).</param>
/// <param name="TrainSamples">Training images per epoch (the first of each epoch's shuffle); at most the set's size.</param>
internal sealed record TrainingPlan(int Epochs, int BatchSize, double MaxLearningRate, long TrainSamples);

/// <summary>AdamW with a one-cycle learning rate; masks held after every step; optional distillation from a teacher.</summary>
internal static class Trainer
{
    public static long StepsOf(TrainingPlan plan, FashionMnistData data) =>
        plan.Epochs * (Math.Min(plan.TrainSamples, data.TrainCount) / plan.BatchSize);

    /// <summary>Trains <paramref name="model"/>; <paramref name="onStep"/> gets each step's loss. Shuffles depend only on <paramref name="seed"/> and the epoch.</summary>
    public static void Train(nn.Module<Tensor, Tensor> model, FashionMnistData data, TrainingPlan plan, int seed,
        MaskPolicy? masks, nn.Module<Tensor, Tensor>? teacher, Action<float> onStep, FakeQuantization? quantization = null)
    {
        var totalSteps = StepsOf(plan, data);
        if (totalSteps < 1)
        {
            throw new ArgumentException($"{plan.TrainSamples} training images make no batch of {plan.BatchSize}");
        }
        using var optimizer = optim.AdamW(model.parameters(), lr: plan.MaxLearningRate, weight_decay: 5e-4);
        var scheduler = optim.lr_scheduler.OneCycleLR(optimizer, max_lr: plan.MaxLearningRate, total_steps: (int)totalSteps);
        teacher?.eval();
        var perEpoch = totalSteps / plan.Epochs;
        long step = 0;
        for (var epoch = 0; epoch < plan.Epochs; epoch++)
        {
            model.train();
            using var order = randperm(data.TrainCount, generator: new Generator((ulong)(seed * 1000 + epoch)));
            for (long batch = 0; batch < perEpoch; batch++)
            {
                using var scope = NewDisposeScope();
                var mask = masks?.At(step, totalSteps);
                var indices = order.narrow(0, batch * plan.BatchSize, plan.BatchSize);
                var images = data.TrainImages.index_select(0, indices);
                var labels = data.TrainLabels.index_select(0, indices);
                optimizer.zero_grad();
                Tensor loss;

                // An int8 variant trains on its int8-rounded weights; the step then updates the float ones (straight through).
                using (quantization?.Quantized())
                {
                    var logits = model.call(images);
                    if (teacher is null)
                    {
                        loss = nn.functional.cross_entropy(logits, labels);
                    }
                    else
                    {
                        Tensor target;
                        using (no_grad())
                        {
                            target = teacher.call(images);
                        }
                        loss = Distillation.Loss(logits, target, labels, temperature: 4, softWeight: 0.5);
                    }

                    loss.backward();
                }

                mask?.MaskGradients();
                optimizer.step();
                mask?.Apply();
                scheduler.step();
                onStep(loss.item<float>());
                step++;
            }
        }
    }

    /// <summary>Top-1 accuracy on the test set, in batches of 1,000.</summary>
    public static double Accuracy(nn.Module<Tensor, Tensor> model, FashionMnistData data)
    {
        model.eval();
        using var noGrad = no_grad();
        long correct = 0;
        for (long start = 0; start < data.TestCount; start += 1000)
        {
            using var scope = NewDisposeScope();
            var count = Math.Min(1000, data.TestCount - start);
            var predictions = model.call(data.TestImages.narrow(0, start, count)).argmax(1);
            correct += predictions.eq(data.TestLabels.narrow(0, start, count)).sum().item<long>();
        }
        return (double)correct / data.TestCount;
    }

    /// <summary>Median wall time of one forward pass (eval, no_grad) at <paramref name="batch"/> images, after a warm-up.</summary>
    public static double LatencyMs(nn.Module<Tensor, Tensor> model, FashionMnistData data, int batch, int runs)
    {
        model.eval();
        using var noGrad = no_grad();
        using var input = data.TestImages.narrow(0, 0, batch).clone();
        for (var i = 0; i < 5; i++)
        {
            model.call(input).Dispose();
        }
        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            model.call(input).Dispose();
            times[i] = clock.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return times[runs / 2];
    }
}
