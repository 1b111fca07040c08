using CsCheck;
using static TorchSharp.torch;

namespace ModelDsl.Generators.Tests.EndToEnd;

/// <summary>
/// The load-time budget fit (PlanBudget): a global ranking of a trained model's channels across its dependency groups,
/// each step costed exactly by the generated PrunableStructure, until the budget is met; its KeepLayers text declares
/// the generated class with the same widths, whose FromDense keeps the same channels.
/// </summary>
public class BudgetPlanTests
{
    // By hand, per sample, with a = the stem's and layer1's width (tied by the identity add) and b = down's width:
    // MACs: stem 3→a 3×3 at 16²: 256·27a; layer1 two a→a 3×3 at 16²: 2·256·9a²; down a→b 3×3 stride 2 at 8²: 64·9ab,
    // b→b: 64·9b²; the projection a→b 1×1 at 8²: 64ab; fc b→10: 10b.
    private static long Macs(long a, long b) => (6_912 * a) + (4_608 * a * a) + (576 * a * b) + (576 * b * b) + (64 * a * b) + (10 * b);

    // Element-wise FLOPs: at 16² each norm 2 per element, each ReLU and the add 1: the stem's norm and ReLU (3·256a), layer1's
    // two norms, ReLU, add and ReLU (7·256a); at 8² down's three norms (6·64b), its ReLU, add and ReLU (3·64b); the pooling
    // sums 64b; the classifier's bias 10.
    private static long Flops(long a, long b) => (2 * Macs(a, b)) + (2_560 * a) + (640 * b) + 10;

    // Parameters: convolutions 27a, 9a², 9a², 9ab, 9b², ab (no biases); five norms 2 each per channel (three of a, three
    // of b); fc 10b + 10.
    private static long Parameters(long a, long b) => (27 * a) + (18 * a * a) + (10 * a * b) + (9 * b * b) + (6 * a) + (6 * b) + (10 * b) + 10;

    [Fact]
    public void TheStructureHasTheTwoWidthsByHandAndItsCostIsTheHandCostAtEveryWidth()
    {
        var structure = PlanNet.PrunableStructure;
        Assert.Equal(2, structure.Widths.Count);
        Assert.Equal(new[] { "stem.0", "layer1" }, structure.Widths[0].Layers);
        Assert.Equal(8, structure.Widths[0].Width);
        Assert.Equal(new[] { "down" }, structure.Widths[1].Layers);
        Assert.Equal(16, structure.Widths[1].Width);
        // The stream of the stem and layer1 and layer1's inner width; down's inner width and its output with the projection.
        Assert.Equal(2, structure.Widths[0].Groups.Count);
        Assert.Equal(2, structure.Widths[1].Groups.Count);
        Assert.Equal((PlanNet.TotalMacs, PlanNet.TotalFlops, PlanNet.TotalParameters), (Macs(8, 16), Flops(8, 16), Parameters(8, 16)));

        Gen.Select(Gen.Int[1, 8], Gen.Int[1, 16]).Sample((a, b) =>
        {
            var cost = structure.Cost([a, b]);
            Assert.Equal((Macs(a, b), Flops(a, b), Parameters(a, b)), (cost.Macs, cost.Flops, cost.Parameters));
        }, iter: 100);
    }

    [Fact]
    public void TheRunTimeCostEqualsTheCompileTimeConstantsOfTheGeneratedVariantsWithTheSameWidths()
    {
        // FitNet's FitBudget, own-budget, KeepLayers and RoundTo classes: their widths read off the built modules.
        void Same(nn.Module variant, long macs, long flops, long parameters)
        {
            var state = variant.state_dict();
            var cost = FitNet.PrunableStructure.Cost([(int)state["stem.0.weight"].shape[0], (int)state["down.conv1.weight"].shape[0]]);
            Assert.Equal((macs, flops, parameters), (cost.Macs, cost.Flops, cost.Parameters));
        }

        using var fit = new FitNetFit();
        Same(fit, FitNetFit.TotalMacs, FitNetFit.TotalFlops, FitNetFit.TotalParameters);
        using var quarter = new FitNetQuarter();
        Same(quarter, FitNetQuarter.TotalMacs, FitNetQuarter.TotalFlops, FitNetQuarter.TotalParameters);
        using var layered = new FitNetLayered();
        Same(layered, FitNetLayered.TotalMacs, FitNetLayered.TotalFlops, FitNetLayered.TotalParameters);
        using var rounded = new FitNetRounded();
        Same(rounded, FitNetRounded.TotalMacs, FitNetRounded.TotalFlops, FitNetRounded.TotalParameters);
        using var planned = new PlanNetPlanned();
        Same(planned, PlanNetPlanned.TotalMacs, PlanNetPlanned.TotalFlops, PlanNetPlanned.TotalParameters);
    }

    [Fact]
    public void ZeroedChannelsAreRemovedFirstAndThePlanDeclaresTheVariantThatReproducesIt()
    {
        // All but 6 of a's 8 channels and 8 of b's 16 carry zeros in every tensor of their groups: L1 scores 0, so they are
        // the least important, and a MAC budget of exactly Macs(6, 8) is met when they, and only they, are removed.
        using var dense = new PlanNet();
        ZeroedGroups(dense, seed: 11);
        var plan = dense.PlanBudget(maxMMacs: Macs(6, 8) / 1e6);

        Assert.Equal(new[] { 6, 8 }, plan.Widths);
        Assert.Equal((Macs(6, 8), Flops(6, 8), Parameters(6, 8)), (plan.Cost.Macs, plan.Cost.Flops, plan.Cost.Parameters));
        Assert.Equal(10, plan.Steps.Count);   // one channel a step: 2 of a, 8 of b
        foreach (var (group, tensor) in Tensors)
        {
            Assert.Equal(Live(dense, tensor), plan.Kept[Group(group)]);
        }

        // 6/8 and 8/16, as a user pastes them into [Variant("Planned", KeepLayers = …)] (PlanNet declares exactly that).
        Assert.Equal("stem.0 = 0.75, layer1 = 0.75, down = 0.5", plan.KeepLayers);
        Assert.Equal("[Variant(\"Planned\", KeepLayers = \"stem.0 = 0.75, layer1 = 0.75, down = 0.5\")]", plan.Attribute("Planned"));
        Assert.Equal((PlanNetPlanned.TotalMacs, PlanNetPlanned.TotalFlops, PlanNetPlanned.TotalParameters), (plan.Cost.Macs, plan.Cost.Flops, plan.Cost.Parameters));

        // The removed channels carry nothing: the masked copy, the generated variant and the dense model agree.
        dense.eval();
        using var masked = Copy(dense);
        using var mask = plan.Apply(masked);
        using var variant = PlanNetPlanned.FromDense(dense);
        variant.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(4, 3, 16, 16);
        var expected = dense.call(x);
        AssertClose(expected, masked.call(x));
        AssertClose(expected, variant.call(x));
        Assert.True(expected.abs().max().item<float>() > 1e-3f, "the dense output is not trivially zero");
    }

    [Fact]
    public void BelowTheZeroedChannelsTheRankingRemovesThemFirstThenTheLeastImportantOthers()
    {
        using var dense = new PlanNet();
        ZeroedGroups(dense, seed: 12);
        var plan = dense.PlanBudget(maxMMacs: Macs(4, 6) / 1e6);

        // Zero-importance steps come first (ties to the earlier width: a's two, then b's eight), then the others.
        Assert.Equal(new[] { 0, 0, 1, 1, 1, 1, 1, 1, 1, 1 }, plan.Steps.Take(10));
        Assert.True(plan.Cost.Macs <= Macs(4, 6));
        foreach (var (group, tensor) in Tensors)
        {
            Assert.Subset(Live(dense, tensor).ToHashSet(), plan.Kept[Group(group)].ToHashSet());
        }
    }

    [Fact]
    public void TheGeneratedVariantsFromDenseKeepsExactlyThePlansChannels()
    {
        // Trained-like weights: random, with 2 of a's and 8 of b's channels' convolution weights scaled to a hundredth, so that the plan at
        // Macs(6, 8) narrows the variant's widths but the kept channels come from the weights, not from exact zeros.
        manual_seed(21);
        using var dense = new PlanNet();
        using (no_grad())
        {
            var random = new Random(13);
            foreach (var (prefixes, live) in Groups)
            {
                var state = dense.state_dict();
                var members = state.Where(e => prefixes.Any(p => e.Key.StartsWith(p, StringComparison.Ordinal)) && e.Value.dim() > 1).ToList();
                var channels = (int)members[0].Value.shape[0];
                var faint = Enumerable.Range(0, channels).OrderBy(_ => random.Next()).Take(channels - live).Select(c => (long)c).ToArray();
                using var index = tensor(faint);
                foreach (var (_, t) in members)
                {
                    t.index_copy_(0, index, t.index_select(0, index).mul(0.01));
                }
            }
        }

        var plan = dense.PlanBudget(maxMMacs: Macs(6, 8) / 1e6);
        Assert.Equal(new[] { 6, 8 }, plan.Widths);
        using var variant = PlanNetPlanned.FromDense(dense, plan.Criterion);
        var kept = plan.Kept[Group("down.conv1.weight")];
        var stream = plan.Kept[Group("stem.0.weight")];
        using (no_grad())
        {
            var expected = dense.state_dict()["down.conv1.weight"].index_select(0, tensor(kept)).index_select(1, tensor(stream));
            Assert.True(expected.allclose(variant.state_dict()["down.conv1.weight"], rtol: 0, atol: 0), "FromDense kept other channels than the plan");
        }

        dense.eval();
        variant.eval();
        using var masked = Copy(dense);
        using var mask = plan.Apply(masked);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(4, 3, 16, 16);
        AssertClose(masked.call(x), variant.call(x));
        Assert.True((dense.call(x) - variant.call(x)).abs().max().item<float>() > 1e-6f, "the removed channels were not faint but zero");
    }

    [Fact]
    public void AMaskedCopyFineTunedWithItsMaskHeldBecomesTheVariantByFromDense()
    {
        // The user's path: plan on the trained model (here one whose least important channels are zero, so the plan is
        // PlanNetPlanned's widths), mask a copy, fine-tune it with the mask held, then build the declared variant from the
        // fine-tuned copy: FromDense drops the masked channels (score 0) and nothing else.
        manual_seed(31);
        using var dense = new PlanNet();
        ZeroedGroups(dense, seed: 15);
        var plan = dense.PlanBudget(maxMMacs: Macs(6, 8) / 1e6);
        Assert.Equal(new[] { 6, 8 }, plan.Widths);
        using var tuned = Copy(dense);
        using var mask = plan.Apply(tuned);
        tuned.train();
        using var optimizer = optim.SGD(tuned.parameters(), 0.05, momentum: 0.9, weight_decay: 1e-4);
        for (var step = 0; step < 5; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(tuned.call(randn(8, 3, 16, 16)), randint(0, 10, [8]));
            loss.backward();
            mask.MaskGradients();
            optimizer.step();
            mask.Apply();
        }

        tuned.eval();
        using var variant = PlanNetPlanned.FromDense(tuned);
        variant.eval();
        using (var scope = NewDisposeScope())
        using (var noGrad = no_grad())
        {
            var x = randn(4, 3, 16, 16);
            AssertClose(tuned.call(x), variant.call(x));
            // Fine-tuning moved the live weights: the variant is the tuned model's, not the dense one's.
            Assert.True((dense.call(x) - variant.call(x)).abs().max().item<float>() > 1e-4f, "fine-tuning changed nothing");
        }

        Assert.Equal(plan.Kept[Group("down.conv1.weight")], Live(tuned, "down.conv1.weight"));
    }

    [Fact]
    public void TaylorRanksByTheCalibrationGradientsAndSaysWhenThereAreNone()
    {
        // A zeroed channel has w = 0, so |w·∂L/∂w| = 0: Taylor removes the zeroed channels first, as L1 does.
        using var dense = new PlanNet();
        ZeroedGroups(dense, seed: 14);
        var error = Assert.Throws<ArgumentException>(() => dense.PlanBudget(maxMMacs: Macs(6, 8) / 1e6, criterion: PruningCriterion.Taylor));
        Assert.Contains("no gradient to rank by Taylor", error.Message);

        dense.eval();
        manual_seed(4);
        using (var scope = NewDisposeScope())
        {
            nn.functional.cross_entropy(dense.call(randn(8, 3, 16, 16)), randint(0, 10, [8])).backward();
        }

        var plan = dense.PlanBudget(maxMMacs: Macs(6, 8) / 1e6, criterion: PruningCriterion.Taylor);
        Assert.Equal(new[] { 6, 8 }, plan.Widths);
        foreach (var (group, tensor) in Tensors)
        {
            Assert.Equal(Live(dense, tensor), plan.Kept[Group(group)]);
        }
    }

    [Fact]
    public void WithNoLimitGivenThePlanIsForTheDeclaredBudget()
    {
        // By hand (FlatNet's formula): 1,728·8 + 16·8·16 + 10·16 = 16,032 MACs, over the declared 12,000.
        Assert.Equal(16_032, BudgetedFlatNet.TotalMacs);
        manual_seed(44);
        using var dense = new BudgetedFlatNet();
        var declared = dense.PlanBudget();
        var explicitly = dense.PlanBudget(maxMMacs: 0.012);
        Assert.Equal(explicitly.Widths, declared.Widths);
        Assert.Equal(explicitly.KeepLayers, declared.KeepLayers);
        Assert.InRange(declared.Cost.Macs, 1, 12_000);

        // A limit given replaces the declared one.
        Assert.InRange(dense.PlanBudget(maxMMacs: 0.006).Cost.Macs, 1, 6_000);
        Assert.True(dense.PlanBudget(maxMMacs: 0.015).Cost.Macs > 12_000);
    }

    [Fact]
    public void ALinearAfterFlattenLosesEachRemovedChannelsWholeWindowOfInputs()
    {
        // By hand: the convolution 3→a 3×3 at 8² is 64·27a MACs, the Linear reads 16a inputs (a channels of 4·4), 16a·b,
        // the classifier 10b.
        static long FlatMacs(long a, long b) => (1_728 * a) + (16 * a * b) + (10 * b);
        Assert.True(FlatNet.TotalMacs == FlatMacs(8, 16), FlatNet.TotalMacs + " MACs");
        Assert.True(FlatNetPlanned.TotalMacs == FlatMacs(4, 4), FlatNetPlanned.TotalMacs + " MACs");
        Assert.Equal(FlatMacs(3, 5), FlatNet.PrunableStructure.Cost([3, 5]).Macs);

        // Random weights with 4 of the 8 channels and 12 of the 16 neurons faint (every tensor of their producers a
        // hundredth): the plan at FlatMacs(4, 4) removes exactly those, FlatNetPlanned's widths.
        manual_seed(41);
        using var dense = new FlatNet();
        using (no_grad())
        {
            var random = new Random(43);
            foreach (var (prefix, channels, live) in new[] { ("features.0.", 8, 4), ("hidden.0.", 16, 4) })
            {
                var faint = Enumerable.Range(0, channels).OrderBy(_ => random.Next()).Take(channels - live).Select(c => (long)c).ToArray();
                using var index = tensor(faint);
                foreach (var (_, t) in dense.state_dict().Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal)))
                {
                    t.index_copy_(0, index, t.index_select(0, index).mul(0.01));
                }
            }
        }

        var plan = dense.PlanBudget(maxMMacs: FlatMacs(4, 4) / 1e6);
        Assert.Equal(new[] { 4, 4 }, plan.Widths);
        Assert.Equal("features.0 = 0.5, hidden.0 = 0.25", plan.KeepLayers);

        // The masked copy zeroes the hidden Linear's 16 input columns of each removed channel (and its faint rows): it
        // computes what the variant computes.
        dense.eval();
        using var masked = new FlatNet();
        masked.load_state_dict(dense.state_dict());
        masked.eval();
        using var mask = plan.Apply(masked);
        using var variant = FlatNetPlanned.FromDense(dense);
        variant.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(4, 3, 8, 8);
        AssertClose(masked.call(x), variant.call(x));
        Assert.True((dense.call(x) - variant.call(x)).abs().max().item<float>() > 1e-6f, "the removed channels were not faint but zero");
        var columns = masked.state_dict()["hidden.0.weight"].abs().sum(0L);   // [128]: channel c is columns 16c … 16c + 15
        var kept = plan.Kept[0].ToHashSet();
        for (var c = 0; c < 8; c++)
        {
            var live = columns.narrow(0, 16 * c, 16).gt(0).sum().item<long>();
            Assert.Equal(kept.Contains(c) ? 16 : 0, live);
        }
    }

    [Fact]
    public void OverRandomBudgetsThePlanIsNeverOverWithinOneStepAndDeterministic()
    {
        manual_seed(7);
        using var dense = new PlanNet();
        var structure = PlanNet.PrunableStructure;
        var gen = Gen.Select(Gen.Double[0.0, 1.1], Gen.Int[0, 2], Gen.Double[0.0, 0.5], Gen.Bool);
        gen.Sample((fraction, rounding, minKeep, byFlops) =>
        {
            var roundTo = 1 << rounding;   // 1, 2 or 4
            var least = new[] { Least(8, minKeep, roundTo), Least(16, minKeep, roundTo) };
            var floor = byFlops ? Flops(least[0], least[1]) : Macs(least[0], least[1]);
            var top = byFlops ? Flops(8, 16) : Macs(8, 16);
            var budget = floor + (fraction * (top - floor));
            BudgetPlan Plan() => byFlops
                ? dense.PlanBudget(maxMFlops: budget / 1e6, minKeep: minKeep, roundTo: roundTo)
                : dense.PlanBudget(maxMMacs: budget / 1e6, minKeep: minKeep, roundTo: roundTo);
            var plan = Plan();
            long Figure(int a, int b) => byFlops ? Flops(a, b) : Macs(a, b);

            // Never over; the widths allowed (at least minKeep, a multiple of roundTo unless dense).
            Assert.True(Figure(plan.Widths[0], plan.Widths[1]) / 1e6 <= budget / 1e6, "over the budget");
            for (var i = 0; i < 2; i++)
            {
                var width = plan.Widths[i];
                var full = structure.Widths[i].Width;
                Assert.InRange(width, least[i], full);
                Assert.True(width == full || width % roundTo == 0, $"width {width} is not a multiple of {roundTo}");
            }

            // Within one step: undoing the last step is over the budget.
            if (plan.Steps.Count > 0)
            {
                var before = plan.Widths.ToArray();
                var last = plan.Steps[^1];
                before[last] = Undo(before[last], structure.Widths[last].Width, roundTo, plan.Steps.Count(s => s == last));
                Assert.True(Figure(before[0], before[1]) / 1e6 > budget / 1e6, "the last step was not needed");
            }
            else
            {
                Assert.True(top / 1e6 <= budget / 1e6);
            }

            AssertKeepLayersGivesTheWidths(plan);

            // Deterministic: the same weights and budget, the same plan.
            var again = Plan();
            Assert.Equal(plan.Widths, again.Widths);
            Assert.Equal(plan.Steps, again.Steps);
            Assert.Equal(plan.Kept, again.Kept);
        }, iter: 60);
    }

    [Fact]
    public void APlanNeverMakesAStrideOneProjectionsTwoSidesMeet()
    {
        // By hand, a = the stem's width, b = the block's, all at 8²: stem 64·27a; conv1 a→b 64·9ab; conv2 b→b 64·9b²;
        // projection a→b 64ab; fc 10b. At a = b the projection would not be inferred: another network.
        static long GuardMacs(long a, long b) => (1_728 * a) + (576 * a * b) + (576 * b * b) + (64 * a * b) + (10 * b);
        var structure = GuardNet.PrunableStructure;
        var guard = Assert.Single(structure.Guards);
        Assert.Equal("wide", guard.Path);
        Assert.False(structure.Allows([7, 7]));
        Assert.True(structure.Allows([7, 6]));
        Assert.Equal(GuardMacs(7, 6), structure.Cost([7, 6]).Macs);

        // Zero channels leading the ranking straight to a = b = 6, at a budget of exactly that cost: the plan steps past it.
        using (var zeroed = new GuardNet())
        {
            ModelDsl.Testing.ZeroChannelGroups.Apply(zeroed, seed: 19, new (string[], int?)[]
            {
                (["stem.0.", "stem.1."], 6),
                (["wide.conv1.", "wide.bn1."], 6),
                (["wide.conv2.", "wide.bn2.", "wide.downsample.0.", "wide.downsample.1."], 6),
            });
            var plan = zeroed.PlanBudget(maxMMacs: GuardMacs(6, 6) / 1e6);
            Assert.NotEqual(plan.Widths[0], plan.Widths[1]);
            Assert.True(plan.Cost.Macs <= GuardMacs(6, 6), plan.Cost.Macs + " MACs");
            Assert.Equal(GuardMacs(plan.Widths[0], plan.Widths[1]), plan.Cost.Macs);
        }

        manual_seed(51);
        using var dense = new GuardNet();
        var met = 0;
        Gen.Select(Gen.Double[0.0, 1.0], Gen.Int[0, 3]).Sample((fraction, seed) =>
        {
            using (no_grad())
            {
                // Another random scale per layer for each sample, so the ranking passes many (a, b) paths.
                manual_seed(seed);
                foreach (var (_, p) in dense.named_parameters().Where(p => p.name.EndsWith("weight", StringComparison.Ordinal) && p.parameter.dim() > 1))
                {
                    p.mul_(rand(1).add(0.5));
                }
            }

            var budget = GuardMacs(1, 2) + (fraction * (GuardMacs(8, 12) - GuardMacs(1, 2)));
            var plan = dense.PlanBudget(maxMMacs: budget / 1e6);
            Assert.NotEqual(plan.Widths[0], plan.Widths[1]);
            Assert.True(GuardMacs(plan.Widths[0], plan.Widths[1]) <= budget, "over the budget");
            Assert.Equal(GuardMacs(plan.Widths[0], plan.Widths[1]), plan.Cost.Macs);
            AssertKeepLayersGivesTheWidths(plan);   // twelfths: 5/12 is written 0.4 (12 · 0.4 = 4.8 → 5)
            met += plan.Steps.Count > 0 ? 1 : 0;
        }, iter: 60);
        Assert.True(met > 30, $"only {met} budgets narrowed anything");
    }

    [Fact]
    public void ABudgetBelowTheSmallestWidthsIsAClearError()
    {
        using var dense = new PlanNet();
        var error = Assert.Throws<ArgumentException>(() => dense.PlanBudget(maxMMacs: 0.01));
        Assert.Contains("maxMMacs = 0.01", error.Message);
        Assert.Contains((Macs(1, 1) / 1e6).ToString("R", System.Globalization.CultureInfo.InvariantCulture) + " MMACs", error.Message);

        Assert.Contains("at least one limit", Assert.Throws<ArgumentException>(() => dense.PlanBudget()).Message);
        Assert.Contains("minKeep", Assert.Throws<ArgumentException>(() => dense.PlanBudget(maxMMacs: 1, minKeep: 1)).Message);
    }

    // The dependency groups by hand, as tensor-name prefixes, with the channels each keeps live.
    private static readonly (string[] Prefixes, int Live)[] Groups =
    [
        (["stem.0.", "stem.1.", "layer1.0.conv2.", "layer1.0.bn2."], 6),
        (["layer1.0.conv1.", "layer1.0.bn1."], 6),
        (["down.conv1.", "down.bn1."], 8),
        (["down.conv2.", "down.bn2.", "down.downsample.0.", "down.downsample.1."], 8),
    ];

    // Each group by its first producer, with a tensor whose non-zero rows are its live channels.
    private static readonly (string Group, string Tensor)[] Tensors =
    [
        ("stem.0.weight", "stem.0.weight"),
        ("layer1.0.conv1.weight", "layer1.0.conv1.weight"),
        ("down.conv1.weight", "down.conv1.weight"),
        ("down.conv2.weight", "down.conv2.weight"),
    ];

    private static void ZeroedGroups(PlanNet dense, int seed) =>
        ModelDsl.Testing.ZeroChannelGroups.Apply(dense, seed, Groups.Select(g => (g.Prefixes, (int?)g.Live)));

    private static long[] Live(PlanNet dense, string name)
    {
        using var scope = NewDisposeScope();
        var weight = dense.state_dict()[name];
        var rows = weight.reshape(weight.shape[0], -1).abs().sum(1);
        return Enumerable.Range(0, (int)weight.shape[0]).Where(c => rows[c].item<float>() > 0).Select(c => (long)c).ToArray();
    }

    private static int Group(string producer)
    {
        var groups = PlanNet.PrunableStructure.Groups;
        for (var g = 0; g < groups.Count; g++)
        {
            if (groups[g].Producers.Contains(producer))
            {
                return g;
            }
        }

        throw new ArgumentException(producer + " produces no group");
    }

    private static PlanNet Copy(PlanNet dense)
    {
        var copy = new PlanNet();
        copy.load_state_dict(dense.state_dict());
        copy.eval();
        return copy;
    }

    // The smallest width BudgetFit allows, by its documented rule: ⌈minKeep · dense⌉, at least 1, up to a multiple of roundTo.
    private static int Least(int dense, double minKeep, int roundTo)
    {
        var least = Math.Max(1, (int)Math.Ceiling(minKeep * dense));
        if (roundTo > 1)
        {
            least = Math.Max(roundTo, (least + roundTo - 1) / roundTo * roundTo);
        }

        return Math.Min(dense, least);
    }

    // The width before the last of `steps` narrowings of this width: one channel more, or with rounding the next multiple
    // up (the dense width when it was the first step from it).
    private static int Undo(int width, int dense, int roundTo, int steps) =>
        roundTo <= 1 ? width + 1 : steps == 1 ? dense : width + roundTo;

    // The plan's KeepLayers text as the generator reads it (the Spec library's parser and rounding): every narrowed width's
    // layers with a ratio that rounds back to exactly the planned width, no other layer.
    private static void AssertKeepLayersGivesTheWidths(BudgetPlan plan)
    {
        var structure = plan.Structure;
        if (plan.KeepLayers.Length == 0)
        {
            Assert.Equal(structure.Widths.Select(w => w.Width), plan.Widths);
            return;
        }

        Assert.Null(global::ModelDsl.Spec.LayerWidths.Parse(plan.KeepLayers, out var ratios));
        var byLayer = ratios.ToDictionary(r => r.Layer, r => r.Keep);
        for (var i = 0; i < structure.Widths.Count; i++)
        {
            foreach (var layer in structure.Widths[i].Layers)
            {
                var kept = byLayer.TryGetValue(layer, out var ratio) ? global::ModelDsl.Spec.WidthScaling.Scale(structure.Widths[i].Width, ratio) : structure.Widths[i].Width;
                Assert.Equal(plan.Widths[i], kept);
            }
        }
    }

    private static void AssertClose(Tensor expected, Tensor actual)
    {
        var difference = (expected - actual).abs().max().item<float>();
        Assert.True(difference < 1e-5f, "largest difference " + difference);
    }
}
