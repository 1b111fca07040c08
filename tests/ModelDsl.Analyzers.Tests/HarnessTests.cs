using System.Globalization;
using Xunit.Abstractions;

namespace ModelDsl.Analyzers.Tests;

/// <summary>The harness itself: a wrong span or a missing diagnostic must fail a test.</summary>
public class HarnessTests(ITestOutputHelper output)
{
    private const string OverBudget = """
        using ModelDsl;
        [Model(InputShape = [784])]
        [FlopBudget(MaxMFlops = 0.1)]
        public partial class Mlp
        {
            [Linear(128), ReLU] public partial Layer Hidden { get; }
            [Linear(10)] public partial Layer Output { get; }
        }
        """;

    [Fact]
    public void AWrongSpanFails() =>
        Assert.ThrowsAny<Exception>(() => Verify.Diagnostics(OverBudget.Replace("[FlopBudget(MaxMFlops = 0.1)]", "{|MDSL2001:[FlopBudget(MaxMFlops = 0.1)]|}")));

    [Fact]
    public void AnUnexpectedDiagnosticFails() => Assert.ThrowsAny<Exception>(() => Verify.Silent(OverBudget));

    [Fact]
    public void MessagesReadAsDocumented()
    {
        var run = AnalyzerHarness.Analyze(OverBudget);
        foreach (var diagnostic in run.AnalyzerDiagnostics)
        {
            output.WriteLine(diagnostic.ToString());
        }

        var message = run.AnalyzerDiagnostics.Single(d => d.Id == "MDSL2001").GetMessage(CultureInfo.InvariantCulture);
        Assert.StartsWith("Model 'Mlp' needs 0.204 MFLOPs, over its budget of 0.1 MFLOPs by ", message);
    }
}
