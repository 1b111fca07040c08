using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ModelDsl.Generators.Tests;

/// <summary>An edit that does not touch a model leaves every named step cached: nothing is re-parsed into new records or re-emitted.</summary>
public class CachingTests
{
    private const string Unrelated = """
        namespace Demo;

        /// <summary>Not a model.</summary>
        public static class Helpers
        {
            /// <summary>Twice the value.</summary>
            public static int Twice(int x) => 2 * x;
        }
        """;

    [Fact]
    public void UnrelatedEditLeavesEveryStepCachedOrUnchanged()
    {
        var compilation = GeneratorHarness.Compilation(Sources.SmallResNet, Sources.BasicBlock, Unrelated);
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);

        // Edit the unrelated file (a new method) and add a file: the model and block targets compare equal to the last run's.
        var tree = compilation.SyntaxTrees.Last();
        var edited = CSharpSyntaxTree.ParseText(Unrelated.Replace("=> 2 * x;", "=> 2 * x;\n    /// <summary>Thrice.</summary>\n    public static int Thrice(int x) => 3 * x;", StringComparison.Ordinal), GeneratorHarness.ParseOptions, tree.FilePath);
        var next = compilation.ReplaceSyntaxTree(tree, edited)
            .AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Demo; internal sealed class Other { }", GeneratorHarness.ParseOptions, "Other.cs"));
        driver = driver.RunGenerators(next);

        var steps = driver.GetRunResult().Results.Single().TrackedSteps;
        foreach (var name in new[] { ModelGenerator.Steps.Models, ModelGenerator.Steps.ModelSources, ModelGenerator.Steps.Blocks, ModelGenerator.Steps.BlockSources })
        {
            Assert.True(steps.ContainsKey(name), "step " + name + " was not tracked");
            var reasons = steps[name].SelectMany(step => step.Outputs).Select(output => output.Reason).ToList();
            Assert.NotEmpty(reasons);
            Assert.All(reasons, reason => Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, name + ": " + reason));
        }
    }

    [Fact]
    public void EditingAModelReEmitsIt()
    {
        // The control: a real change (Linear(10) → Linear(12)) does reach the output.
        var compilation = GeneratorHarness.Compilation(Sources.Mlp);
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);
        var tree = compilation.SyntaxTrees.Last();
        var edited = CSharpSyntaxTree.ParseText(Sources.Mlp.Replace("[Linear(10)]", "[Linear(12)]", StringComparison.Ordinal), GeneratorHarness.ParseOptions, tree.FilePath);
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, edited));

        var outputs = driver.GetRunResult().Results.Single().TrackedSteps[ModelGenerator.Steps.ModelSources].SelectMany(s => s.Outputs).ToList();
        Assert.Contains(outputs, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("Linear(128, 12, hasBias: true)", driver.GetRunResult().GeneratedTrees.Single().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EditingABlockInAnotherFileReEmitsTheModelThatUsesIt()
    {
        // The model's target holds the block's spec, so a change to the block (another file) must reach the model.
        var compilation = GeneratorHarness.Compilation(Sources.SmallResNet, Sources.BasicBlock);
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);
        var blockTree = compilation.SyntaxTrees.Last();
        var edited = CSharpSyntaxTree.ParseText(Sources.BasicBlock.Replace("[ReLU] public partial Layer Out", "[ReLU6] public partial Layer Out", StringComparison.Ordinal), GeneratorHarness.ParseOptions, blockTree.FilePath);
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(blockTree, edited));

        var run = driver.GetRunResult();
        var outputs = run.Results.Single().TrackedSteps[ModelGenerator.Steps.ModelSources].SelectMany(s => s.Outputs).ToList();
        Assert.Contains(outputs, o => o.Reason == IncrementalStepRunReason.Modified);
        var model = run.GeneratedTrees.Single(t => t.FilePath.EndsWith("Demo.SmallResNet.g.cs", StringComparison.Ordinal)).ToString();
        Assert.Contains("new(\"layer1.0.out\", \"ReLU6\"", model, StringComparison.Ordinal);
    }
}
