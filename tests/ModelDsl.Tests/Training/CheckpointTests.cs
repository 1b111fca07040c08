using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelDsl.Tests.Training;

/// <summary>Checkpoints resume bit for bit, and a damaged one changes nothing.</summary>
[Collection(nameof(GlobalGeneratorCollection))]
public sealed class CheckpointTests
{
    [Fact]
    public void Resuming_from_a_checkpoint_gives_the_weights_of_uninterrupted_training()
    {
        var (straight, resumed) = TrainStraightAndResumed(Net, Step, seed: 11, steps: 12, saveAt: 6);
        AssertSameWeights(straight.Model, resumed.Model);
        Dispose(straight, resumed);
    }

    [Fact]
    public void A_channels_last_convolution_model_checkpoints_and_resumes_bit_for_bit()
    {
        // Generated convolutional models keep their weights channels-last, so AdamW's moments (zeros_like of each weight)
        // are channels-last too, and TorchSharp's optimizer serialiser reads raw bytes of contiguous tensors only
        // ("Bytes() called on non-contiguous tensor").
        var (straight, resumed) = TrainStraightAndResumed(ConvNet, ConvStep, seed: 5, steps: 6, saveAt: 3);
        Assert.False(straight.Model.state_dict()["0.weight"].is_contiguous());   // the layout the save had to handle
        AssertSameWeights(straight.Model, resumed.Model);
        Assert.Equal(OptimizerBytesOf(straight.Optimizer), OptimizerBytesOf(resumed.Optimizer));
        Dispose(straight, resumed);
    }

    // Trains `steps` AdamW steps straight through, and again with a checkpoint saved after `saveAt` steps and loaded into
    // a model built from another seed (everything must come from the file), which then trains the remaining steps.
    private static ((Sequential Model, OptimizerHelper Optimizer) Straight, (Sequential Model, OptimizerHelper Optimizer) Resumed) TrainStraightAndResumed(
        Func<Sequential> build, Action<Sequential, OptimizerHelper, int> step, long seed, int steps, int saveAt)
    {
        using var directory = new IO.TemporaryDirectory();
        var path = directory.File("run.ckpt.safetensors");

        torch.manual_seed(seed);
        var straight = build();
        var straightOptimizer = optim.AdamW(straight.parameters(), lr: 0.01, weight_decay: 0.01);
        for (var i = 0; i < steps; i++)
        {
            step(straight, straightOptimizer, i);
        }

        torch.manual_seed(seed);
        using (var first = build())
        using (var firstOptimizer = optim.AdamW(first.parameters(), lr: 0.01, weight_decay: 0.01))
        {
            for (var i = 0; i < saveAt; i++)
            {
                step(first, firstOptimizer, i);
            }
            Checkpoint.Save(path, first, firstOptimizer, step: saveAt);
        }

        torch.manual_seed(seed + 988);   // other initial weights and another generator state
        var resumed = build();
        var resumedOptimizer = optim.AdamW(resumed.parameters(), lr: 0.01, weight_decay: 0.01);
        Assert.Equal(saveAt, Checkpoint.Load(path, resumed, resumedOptimizer));
        for (var i = saveAt; i < steps; i++)
        {
            step(resumed, resumedOptimizer, i);
        }

        return ((straight, straightOptimizer), (resumed, resumedOptimizer));
    }

    private static void AssertSameWeights(Sequential expected, Sequential actual)
    {
        foreach (var (name, tensor) in expected.state_dict())
        {
            Assert.True(tensor.allclose(actual.state_dict()[name], 0, 0), $"{name} differs after resuming");
        }
    }

    private static void Dispose(params (Sequential Model, OptimizerHelper Optimizer)[] runs)
    {
        foreach (var (model, optimizer) in runs)
        {
            optimizer.Dispose();
            model.Dispose();
        }
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("corrupt")]
    [InlineData("header")]
    public void A_damaged_checkpoint_is_rejected_and_leaves_weights_and_optimizer_untouched(string damage)
    {
        using var directory = new IO.TemporaryDirectory();
        var path = directory.File("run.ckpt.safetensors");
        torch.manual_seed(3);
        using var model = Net();
        using var optimizer = optim.AdamW(model.parameters(), lr: 0.01);
        Step(model, optimizer, 0);
        Checkpoint.Save(path, model, optimizer, step: 1);
        Step(model, optimizer, 1);   // the live state moves on, so a partial load would show

        var bytes = File.ReadAllBytes(path);
        switch (damage)
        {
            case "truncated":
                File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
                break;
            case "corrupt":
                bytes[^40] ^= 0x5A;   // a byte of tensor data: the header still parses
                File.WriteAllBytes(path, bytes);
                break;
            default:
                bytes[12] = (byte)'!';   // inside the JSON header
                File.WriteAllBytes(path, bytes);
                break;
        }

        var weightsBefore = model.state_dict().ToDictionary(e => e.Key, e => e.Value.clone());
        var optimizerBefore = OptimizerBytes(optimizer);
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, model, optimizer));
        Assert.Contains(path, error.Message);
        Assert.Contains("nothing was changed", error.Message);
        if (damage == "corrupt")
        {
            Assert.Contains("SHA-256", error.Message);
        }
        foreach (var (name, before) in weightsBefore)
        {
            Assert.True(before.allclose(model.state_dict()[name], 0, 0), $"{name} changed");
        }
        Assert.Equal(optimizerBefore, OptimizerBytes(optimizer));
    }

    [Fact]
    public void A_checkpoint_of_another_model_is_a_mismatch_and_leaves_the_optimizer_untouched()
    {
        using var directory = new IO.TemporaryDirectory();
        var path = directory.File("other.ckpt.safetensors");
        using (var other = nn.Sequential(("0", nn.Linear(64, 5))))
        using (var otherOptimizer = optim.AdamW(other.parameters()))
        {
            Checkpoint.Save(path, other, otherOptimizer, 0);
        }
        using var model = Net();
        using var optimizer = optim.AdamW(model.parameters(), lr: 0.01);
        Step(model, optimizer, 0);
        var optimizerBefore = OptimizerBytes(optimizer);
        Assert.Throws<StateDictMismatchException>(() => Checkpoint.Load(path, model, optimizer));
        Assert.Equal(optimizerBefore, OptimizerBytes(optimizer));
    }

    /// <summary>A small net with dropout, so resuming needs the random generator's state too.</summary>
    private static Sequential Net() => nn.Sequential(
        ("0", nn.Linear(64, 32)), ("1", nn.ReLU()), ("2", nn.Dropout(0.3)), ("3", nn.Linear(32, 10)));

    /// <summary>A convolution and its batch norm stored channels-last, as a generated convolutional model stores them.</summary>
    private static Sequential ConvNet() => ChannelsLast.Apply(nn.Sequential(
        ("0", nn.Conv2d(3, 8, 3, padding: 1)), ("1", nn.BatchNorm2d(8)), ("2", nn.ReLU()), ("3", nn.Flatten()), ("4", nn.Linear(8 * 6 * 6, 4))));

    private static void ConvStep(Sequential model, OptimizerHelper optimizer, int step) =>
        Train(model, optimizer, step, 2000, [4, 3, 6, 6], classes: 4, ChannelsLast.Contiguous);

    // The optimizer's state as TorchSharp serialises it, from contiguous copies (so that channels-last state compares too).
    private static byte[] OptimizerBytesOf(OptimizerHelper optimizer)
    {
        using var directory = new IO.TemporaryDirectory();
        var path = directory.File("state.ckpt.safetensors");
        using var module = nn.Sequential();
        Checkpoint.Save(path, module, optimizer, 0);
        var tensors = Weights.ReadSafeTensors(path);
        var bytes = tensors["optimizer.state"].bytes.ToArray();
        foreach (var value in tensors.Values)
        {
            value.Dispose();
        }
        return bytes;
    }

    /// <summary>One AdamW step on a batch that depends only on the step number (a resumed run sees the same batches).</summary>
    private static void Step(Sequential model, OptimizerHelper optimizer, int step) =>
        Train(model, optimizer, step, 1000, [16, 64], classes: 10, x => x);

    private static void Train(Sequential model, OptimizerHelper optimizer, int step, int seeds, long[] shape, int classes, Func<Tensor, Tensor> layout)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)(seeds + step));
        var inputs = layout(rand(shape, generator: generator));
        var labels = randint(0, classes, new long[] { shape[0] }, generator: generator);
        model.train();
        optimizer.zero_grad();
        nn.functional.cross_entropy(model.call(inputs), labels).backward();
        optimizer.step();
    }

    private static byte[] OptimizerBytes(OptimizerHelper optimizer)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            optimizer.save_state_dict(writer);
        }
        return stream.ToArray();
    }
}
