using System.Globalization;
using System.Text.RegularExpressions;
using ModelDsl.Zoo.ConvNeXts;
using ModelDsl.Zoo.DenseNets;
using ModelDsl.Zoo.EfficientNets;
using ModelDsl.Zoo.RegNets;
using ModelDsl.Zoo.ShuffleNets;
using ModelDsl.Zoo.Swin;

namespace ModelDsl.Zoo.Tests;

/// <summary>
/// The compile-time MACs and parameters of the concatenating models against PyTorch's own count of torchvision's model
/// (Parity/torchvision_cost.py: forward hooks on every convolution and linear, <c>sum(p.numel())</c>), exactly, and
/// against torchvision's published table (GFLOPS, which count MACs, rounded to two decimals, and parameters).
/// </summary>
public partial class TorchvisionCostTests
{
    [Theory]
    [InlineData("shufflenet_v2_x1_0", 224, ShuffleNetV2.TotalMacs, ShuffleNetV2.TotalParameters)]
    [InlineData("densenet121", 224, DenseNet121.TotalMacs, DenseNet121.TotalParameters)]
    [InlineData("regnet_y_400mf", 224, RegNetY400MF.TotalMacs, RegNetY400MF.TotalParameters)]
    [InlineData("efficientnet_v2_s", 384, EfficientNetV2S.TotalMacs, EfficientNetV2S.TotalParameters)]
    [InlineData("swin_v2_t", 256, SwinV2T.TotalMacs, SwinV2T.TotalParameters)]
    [InlineData("convnext_tiny", 224, ConvNeXtTiny.TotalMacs, ConvNeXtTiny.TotalParameters)]
    public void ConstantsEqualPyTorchsCount(string name, int size, long macs, long parameters)
    {
        var printed = Python.Run("torchvision_cost.py", name, size.ToString(CultureInfo.InvariantCulture));
        var match = Counts().Match(printed);
        Assert.True(match.Success, "torchvision_cost.py printed: " + printed);
        Assert.Equal(long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), macs);
        Assert.Equal(long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), parameters);
    }

    [Fact]
    public void ShuffleNetV2MatchesTorchvisionsTable()
    {
        // torchvision's published figures (GFLOPS from its model docs, num_params from 0.14's weights meta): shufflenet_v2_x1_0, 0.14 GFLOPS, 2,278,604 parameters.
        Assert.Equal(0.14, Math.Round(ShuffleNetV2.TotalMacs / 1e9, 2));
        Assert.Equal(2_278_604, ShuffleNetV2.TotalParameters);
        Assert.Equal(new[] { 1000 }, ShuffleNetV2.OutputShape);
        using var model = new ShuffleNetV2();
        Assert.Equal(ShuffleNetV2.TotalParameters, model.ParameterCount());
    }

    [Fact]
    public void DenseNet121MatchesTorchvisionsTable()
    {
        // torchvision's published figures (GFLOPS from its model docs, num_params from 0.14's weights meta): densenet121, 2.83 GFLOPS, 7,978,856 parameters.
        Assert.Equal(2.83, Math.Round(DenseNet121.TotalMacs / 1e9, 2));
        Assert.Equal(7_978_856, DenseNet121.TotalParameters);
        Assert.Equal(new[] { 1000 }, DenseNet121.OutputShape);
        using var model = new DenseNet121();
        Assert.Equal(DenseNet121.TotalParameters, model.ParameterCount());
    }

    [Fact]
    public void RegNetY400MFMatchesTorchvisionsTable()
    {
        // torchvision's published figures (GFLOPS from its model docs, num_params from 0.14's weights meta): regnet_y_400mf, 0.4 GFLOPS, 4,344,144 parameters.
        Assert.Equal(0.4, Math.Round(RegNetY400MF.TotalMacs / 1e9, 2));
        Assert.Equal(4_344_144, RegNetY400MF.TotalParameters);
        using var model = new RegNetY400MF();
        Assert.Equal(RegNetY400MF.TotalParameters, model.ParameterCount());
    }

    [Fact]
    public void EfficientNetV2SMatchesTorchvisionsTable()
    {
        // torchvision's published figures (GFLOPS from its model docs, num_params from 0.14's weights meta): efficientnet_v2_s, 8.37 GFLOPS (at its 384x384 evaluation size), 21,458,488 parameters.
        Assert.Equal(8.37, Math.Round(EfficientNetV2S.TotalMacs / 1e9, 2));
        Assert.Equal(21_458_488, EfficientNetV2S.TotalParameters);
        using var model = new EfficientNetV2S();
        Assert.Equal(EfficientNetV2S.TotalParameters, model.ParameterCount());
    }

    [Fact]
    public void SwinV2TMatchesTorchvisionsTable()
    {
        // torchvision's published figures: swin_v2_t, 5.94 GFLOPS (at its 256x256 evaluation size); 0.14's weights meta: 28,351,570 parameters.
        Assert.Equal(5.94, Math.Round(SwinV2T.TotalMacs / 1e9, 2));
        Assert.Equal(28_351_570, SwinV2T.TotalParameters);
        using var model = new SwinV2T();
        Assert.Equal(SwinV2T.TotalParameters, model.ParameterCount());
    }

    [Fact]
    public void ConvNeXtTinyMatchesTorchvisionsTable()
    {
        // torchvision's published figures: convnext_tiny, 4.46 GFLOPS; 0.14's weights meta: 28,589,128 parameters.
        Assert.Equal(4.46, Math.Round(ConvNeXtTiny.TotalMacs / 1e9, 2));
        Assert.Equal(28_589_128, ConvNeXtTiny.TotalParameters);
        using var model = new ConvNeXtTiny();
        Assert.Equal(ConvNeXtTiny.TotalParameters, model.ParameterCount());
    }

    [GeneratedRegex(@"macs=(\d+) params=(\d+)")]
    private static partial Regex Counts();
}
