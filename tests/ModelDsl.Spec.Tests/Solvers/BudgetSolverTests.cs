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
}
