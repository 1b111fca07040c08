using CsCheck;
using ModelDsl.Spec.Tests.Zoo;

namespace ModelDsl.Spec.Tests.Solvers;

/// <summary>The budget solver's keep ratio fits, is the largest that fits to the thousandth, and is deterministic.</summary>
public class BudgetSolverTests
{
    [Fact]
    public void ResNet18UnderAGigaFlop()
    {
        var spec = ResNets.ResNet18();
        var budget = new BudgetSpec(MaxMFlops: 1000);
        var keep = BudgetSolver.KeepRatio(spec, budget);
        Assert.NotNull(keep);
        var steps = (int)Math.Round(keep!.Value * BudgetSolver.Resolution);
        Assert.True(BudgetSolver.Fits(spec, budget, steps));
        Assert.False(BudgetSolver.Fits(spec, budget, steps + 1));
        Assert.Empty(Budgets.Check(budget, Cost.Of(WidthScaling.Apply(spec, keep.Value)).Total));
        Assert.Equal(keep, BudgetSolver.KeepRatio(spec, budget));
    }

    [Fact]
    public void AModelWithinItsBudgetKeepsEverything() =>
        Assert.Equal(1.0, BudgetSolver.KeepRatio(ResNets.ResNet18(), new BudgetSpec(MaxMFlops: 1e6)));

    [Fact]
    public void NoRatioFitsWhenTheFixedPartIsOverBudget() =>
        Assert.Null(BudgetSolver.KeepRatio(ResNets.ResNet18(), new BudgetSpec(MaxParams: 1000)));

    [Fact]
    public void PerLayerWidthsFitAndNoWidthCanGrowByAChannel()
    {
        var spec = ResNets.ResNet18();
        var budget = new BudgetSpec(MaxMFlops: 1000);
        var sites = WidthScaling.Sites(spec);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var widths = BudgetSolver.Widths(spec, budget);
        Console.WriteLine("ResNet-18 under 1000 MFLOPs: " + string.Join(", ", widths!) + " in " + watch.ElapsedMilliseconds + " ms");
        AssertFitted(spec, budget, sites, widths);

        // At least as close to the budget as the uniform ratio it starts from.
        var uniform = Cost.Of(WidthScaling.Apply(spec, BudgetSolver.KeepRatio(spec, budget)!.Value)).Total.Flops;
        Assert.True(Cost.Of(WidthScaling.Apply(spec, widths!)).Total.Flops >= uniform);
    }

    [Fact]
    public void PerLayerWidthsAreNeverOverWithinAChannelAndDeterministicForAnyBudget()
    {
        // ResNet-18 on 32×32 images; budgets from 20 % to 110 % of its FLOPs.
        var spec = ResNets.ResNet18() with { Input = InputSpec.Image(3, 32, 32) };
        var dense = Cost.Of(spec).Total.Flops;
        var sites = WidthScaling.Sites(spec);
        Gen.Double[0.2, 1.1].Sample(fraction =>
        {
            var budget = new BudgetSpec(MaxMFlops: dense * fraction / 1e6);
            var widths = BudgetSolver.Widths(spec, budget);
            AssertFitted(spec, budget, sites, widths);
            Assert.Equal(widths, BudgetSolver.Widths(spec, budget));
        }, iter: 25);
    }

    private static void AssertFitted(ModelSpec spec, BudgetSpec budget, IReadOnlyList<(string Layer, long Width)> sites, IReadOnlyList<long>? widths)
    {
        Assert.NotNull(widths);
        Assert.Equal(sites.Count, widths!.Count);
        Assert.True(BudgetSolver.Accepts(spec, budget, widths), "over the budget");
        for (var i = 0; i < sites.Count; i++)
        {
            Assert.InRange(widths[i], 1, sites[i].Width);
            if (widths[i] < sites[i].Width)
            {
                // Neither this width alone nor it with the widths tied to it (same dense and current size) can grow and fit.
                foreach (var group in new[] { new[] { i }, BudgetSolver.Tied(spec, widths, i) })
                {
                    var grown = widths.ToArray();
                    foreach (var j in group)
                    {
                        grown[j]++;
                    }

                    Assert.False(BudgetSolver.Accepts(spec, budget, grown), "site " + i + " (" + sites[i].Layer + ") could keep another channel");
                }
            }
        }
    }
}
