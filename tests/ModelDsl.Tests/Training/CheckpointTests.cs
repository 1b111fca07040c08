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
        using var directory = new IO.TemporaryDirectory();
        var path = directory.File("run.ckpt.safetensors");

        torch.manual_seed(11);
        using var straight = Net();
        using var straightOptimizer = optim.AdamW(straight.parameters(), lr: 0.01, weight_decay: 0.01);
        for (var step = 0; step < 12; step++)
        {
            Step(straight, straightOptimizer, step);
        }

        torch.manual_seed(11);
        using (var first = Net())
        using (var firstOptimizer = optim.AdamW(first.parameters(), lr: 0.01, weight_decay: 0.01))
        {
            for (var step = 0; step < 6; step++)
            {
                Step(first, firstOptimizer, step);
            }
            Checkpoint.Save(path, first, firstOptimizer, step: 6);
        }

        torch.manual_seed(999);   // other initial weights and another generator state: everything must come from the file
        using var resumed = Net();
        using var resumedOptimizer = optim.AdamW(resumed.parameters(), lr: 0.01, weight_decay: 0.01);
        var start = Checkpoint.Load(path, resumed, resumedOptimizer);
        Assert.Equal(6, start);
        for (var step = (int)start; step < 12; step++)
        {
            Step(resumed, resumedOptimizer, step);
        }

        foreach (var (name, expected) in straight.state_dict())
        {
            Assert.True(expected.allclose(resumed.state_dict()[name], 0, 0), $"{name} differs after resuming");
        }
    }

    [Fact]
    public void A_channels_last_convolution_model_checkpoints_and_resumes_bit_for_bit()
    {
        // Generated convolutional models keep their weights channels-last, so AdamW's moments (zeros_like of each weight)
        // are channels-last too, and TorchSharp's optimizer serialiser reads raw bytes of contiguous tensors only
        // ("Bytes() called on non-contiguous tensor").
        using var directory = new IO.TemporaryDirectory();
        var path = directory.File("conv.ckpt.safetensors");

        torch.manual_seed(5);
        using var straight = ConvNet();
        using var straightOptimizer = optim.AdamW(straight.parameters(), lr: 0.01, weight_decay: 0.01);
        for (var step = 0; step < 6; step++)
        {
            ConvStep(straight, straightOptimizer, step);
        }

        torch.manual_seed(5);
        using (var first = ConvNet())
        using (var firstOptimizer = optim.AdamW(first.parameters(), lr: 0.01, weight_decay: 0.01))
        {
            for (var step = 0; step < 3; step++)
            {
                ConvStep(first, firstOptimizer, step);
            }
            Checkpoint.Save(path, first, firstOptimizer, step: 3);
            Assert.False(first.state_dict()["0.weight"].is_contiguous());   // the layout the save had to handle
        }

        torch.manual_seed(77);
        using var resumed = ConvNet();
        using var resumedOptimizer = optim.AdamW(resumed.parameters(), lr: 0.01, weight_decay: 0.01);
        Assert.Equal(3, Checkpoint.Load(path, resumed, resumedOptimizer));
        for (var step = 3; step < 6; step++)
        {
            ConvStep(resumed, resumedOptimizer, step);
        }

        foreach (var (name, expected) in straight.state_dict())
        {
            Assert.True(expected.allclose(resumed.state_dict()[name], 0, 0), $"{name} differs after resuming");
        }
        Assert.Equal(OptimizerBytesOf(straightOptimizer), OptimizerBytesOf(resumedOptimizer));
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

    private static void ConvStep(Sequential model, OptimizerHelper optimizer, int step)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)(2000 + step));
        var images = ChannelsLast.Contiguous(rand(new long[] { 4, 3, 6, 6 }, generator: generator));
        var labels = randint(0, 4, new long[] { 4 }, generator: generator);
        model.train();
        optimizer.zero_grad();
        nn.functional.cross_entropy(model.call(images), labels).backward();
        optimizer.step();
    }

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
    private static void Step(Sequential model, OptimizerHelper optimizer, int step)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)(1000 + step));
        var images = rand(new long[] { 16, 64 }, generator: generator);
        var labels = randint(0, 10, new long[] { 16 }, generator: generator);
        model.train();
        optimizer.zero_grad();
        nn.functional.cross_entropy(model.call(images), labels).backward();
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
