using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.Tests.Loader;

/// <summary>On this Debian 12 machine the patched output copy of libLibTorchSharp.so loads and computes.</summary>
public sealed class TorchLoadsTests
{
    [Fact]
    public void Torch_loads_and_a_forward_pass_runs_in_the_test_process()
    {
        using var linear = nn.Linear(3, 2);
        using var noGrad = no_grad();
        linear.weight!.copy_(tensor(new float[] { 1, 2, 3, 4, 5, 6 }).reshape(2, 3));
        linear.bias!.copy_(tensor(new float[] { 0.5f, -1 }));
        using var y = linear.call(tensor(new float[] { 1, 0, -1 }).reshape(1, 3));
        // Hand derivation: [1·1 + 2·0 + 3·(−1) + 0.5, 4·1 + 5·0 + 6·(−1) − 1] = [−1.5, −3].
        Assert.Equal(new float[] { -1.5f, -3 }, y.data<float>().ToArray());
    }

    [Fact]
    public void Intra_op_threads_default_to_the_machine_cores()
    {
        // docs/torchsharp-loader.md tells users to change this with torch.set_num_threads.
        if (Environment.GetEnvironmentVariable("OMP_NUM_THREADS") is { Length: > 0 } fixedCount)
        {
            Assert.Equal(int.Parse(fixedCount, System.Globalization.CultureInfo.InvariantCulture), get_num_threads());
        }
        else
        {
            Assert.Equal(Environment.ProcessorCount, get_num_threads());
        }
    }
}
