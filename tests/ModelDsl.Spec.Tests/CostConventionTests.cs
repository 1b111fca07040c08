using ModelDsl.Spec.Tests.Zoo;

namespace ModelDsl.Spec.Tests;

public class CostConventionTests
{
    [Fact]
    public void DocumentCarriesTheRuleTableVerbatim()
    {
        var doc = File.ReadAllText(FindRepoFile("docs", "cost-convention.md")).Replace("\r\n", "\n");
        Assert.Contains(CostRules.ToMarkdown(), doc);
    }

    [Fact]
    public void EveryNonStructuralKindHasExactlyOneRule()
    {
        var structural = new[] { LayerKind.Sequential, LayerKind.Residual, LayerKind.Block, LayerKind.Stage };
        var expected = Enum.GetValues<LayerKind>().Except(structural).ToList();
        Assert.Equal(expected, CostRules.All.Select(r => r.Kind));
        Assert.Throws<ArgumentException>(() => CostRules.For(LayerKind.Stage));
    }

    [Fact]
    public void FlopsAreTwiceMacsPlusElementwiseEverywhere()
    {
        foreach (var spec in new[] { ResNets.ResNet50(), MobileNets.MobileNetV2(), Transformers.VitB16(), Transformers.Gpt2Small(128) })
        {
            var report = Cost.Of(spec);
            Assert.True(report.Succeeded, report.Error?.ToString());
            Assert.All(report.Layers, l => Assert.Equal((2 * l.Macs) + l.ElementwiseFlops, l.Flops));
            Assert.Equal(report.Layers.Sum(l => l.Flops), report.Total.Flops);
            Assert.Equal(report.Layers.Sum(l => l.ActivationBytes), report.Total.ActivationBytes);
        }
    }

    [Fact]
    public void BudgetsNameTheirUnit()
    {
        // ResNet-18: 1,814.07 MMACs, 11,689,512 parameters.
        var total = Cost.Of(ResNets.ResNet18()).Total;
        var violations = Budgets.Check(new BudgetSpec(MaxMMacs: 1000, MaxParams: 12_000_000, MaxWeightBytes: 40_000_000), total);
        var macs = Assert.Single(violations, v => v.Budget == "MaxMMacs");
        Assert.Equal(1814.073344, macs.Actual, 6);
        var bytes = Assert.Single(violations, v => v.Budget == "MaxWeightBytes");
        Assert.Equal(46_758_048, bytes.Actual); // 11,689,512 · 4
        Assert.Equal(2, violations.Count);
        Assert.Empty(Budgets.Check(BudgetSpec.None, total));
    }

    [Fact]
    public void TopLayersByFlops()
    {
        // In ResNet-18 the stem conv (118,013,952 MACs) is just above each 3x3 conv of layer1
        // (64·56·56 · 64·9 = 115,605,504 MACs), so conv1 leads.
        var top = Cost.Of(ResNets.ResNet18()).TopByFlops(3);
        Assert.Equal("conv1", top[0].Path);
        Assert.Equal(3, top.Count);
    }

    internal static string FindRepoFile(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(new[] { dir.FullName }.Concat(parts).ToArray());
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(string.Join("/", parts) + " not found above " + AppContext.BaseDirectory);
    }
}
