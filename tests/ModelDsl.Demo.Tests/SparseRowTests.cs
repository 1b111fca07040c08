using FashionMnist;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.Demo.Tests;

/// <summary>
/// The demo's sparse rows end as the generated classes FashionNetSparse80 and FashionNetNm24: the masked copy fine-tuned
/// with its mask held is handed to the class's FromDense, which must keep exactly that mask.
/// </summary>
public sealed class SparseRowTests
{
    private static float LargestDifference(nn.Module<Tensor, Tensor> expected, nn.Module<Tensor, Tensor> actual)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        expected.eval();
        actual.eval();
        var x = randn(4, 1, 28, 28, generator: new Generator(3));
        return (expected.call(x) - actual.call(x)).abs().max().item<float>();
    }

    [Fact]
    public void The_2_4_row_becomes_FashionNetNm24_with_the_masked_copys_weights_stored_compressed()
    {
        torch.manual_seed(12);
        using var dense = new FashionNet();
        using var prepared = VariantCatalog.All.Single(v => v.Key == "2:4").FromDense(dense);
        var copy = Assert.IsType<FashionNet>(prepared.Module);
        prepared.Finish();
        var nm = Assert.IsType<FashionNetNm24>(prepared.Module);

        Assert.True(LargestDifference(copy, nm) < 1e-5f);
        Assert.Equal(FashionNetNm24.WeightBytes, prepared.WeightBytes);
        Assert.True(prepared.WeightBytes < 0.6 * FashionNet.WeightBytes, $"{prepared.WeightBytes:N0} of {FashionNet.WeightBytes:N0} bytes");
        Assert.Contains("block2.0.weight_values", nm.state_dict().Keys);
    }

    [Fact]
    public void The_80_percent_row_becomes_FashionNetSparse80_keeping_the_trained_mask()
    {
        torch.manual_seed(13);
        using var dense = new FashionNet();
        using var prepared = VariantCatalog.All.Single(v => v.Key == "sparse80").FromDense(dense);
        var copy = Assert.IsType<FashionNet>(prepared.Module);

        // The mask the gradual schedule ends at (global magnitude, 80 %, at least 5 % of each layer), applied by hand.
        using (var mask = MagnitudePruning.Global(copy, 0.8, 0.05))
        {
            mask.Apply();
        }

        prepared.Finish();
        var sparse = Assert.IsType<FashionNetSparse80>(prepared.Module);
        Assert.True(LargestDifference(copy, sparse) < 1e-5f);
        Assert.Equal(sparse.EffectiveMacs(), prepared.Macs);
        Assert.True(prepared.Macs < FashionNet.TotalMacs / 2, $"{prepared.Macs:N0} effective MACs");
    }
}
