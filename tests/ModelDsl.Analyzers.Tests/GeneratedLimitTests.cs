using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;

namespace ModelDsl.Analyzers.Tests;

/// <summary>
/// Issue 7: deeply nested blocks once generated a model file whose string constants (layer paths in the table, the
/// summary and the tensor names) passed the compiler's limit, and the build failed with CS8103 in generated code. Now the
/// model gets MDSL2007 on its [Model] and a completion, and the compilation emits.
/// </summary>
public class GeneratedLimitTests
{
    // The compiler's limit: 2^24 bytes of user strings, UTF-16, so about 2^23 characters.
    private const long CompilerLimit = 1L << 23;

    [Fact]
    public void NestedBlocksBeyondTheCompilersStringLimit_AreReportedAndStillEmit()
    {
        // 24 levels, each use named with 16,000 characters (beside a ReLU, so that the name is the use's own): the layer at
        // depth d has a path of about 16,007·d characters,
        // so the paths alone sum to about 16,007 · 300 = 4.8 million, and the table, the summary and the two tensor names
        // of each Linear repeat them: far above 2^23 characters, as 1,000 levels of short names were.
        const int depth = 24;
        var segment = new string('n', 16_000);
        var source = new StringBuilder("using ModelDsl;\nnamespace Demo;\n");
        for (var i = 0; i < depth; i++)
        {
            source.Append(CultureInfo.InvariantCulture, $"[Block] public partial class Nest{i} {{ [Linear(4)] public partial Layer Fc {{ get; }}");
            if (i + 1 < depth)
            {
                source.Append(CultureInfo.InvariantCulture, $" [Block(typeof(Nest{i + 1}), Name = \"{segment}\"), ReLU] public partial Layer Inner {{ get; }}");
            }

            source.Append(" }\n");
        }

        source.Append("[Model(InputShape = [4])]\npublic partial class Deep\n{\n    [Block(typeof(Nest0))] public partial Layer Root { get; }\n}\n");
        var text = source.ToString();

        var run = AnalyzerHarness.Analyze(text);

        var limit = Assert.Single(run.AnalyzerDiagnostics, d => d.Id == "MDSL2007");
        Assert.Equal("Model(InputShape = [4])", text.Substring(limit.Location.SourceSpan.Start, limit.Location.SourceSpan.Length));
        var message = limit.GetMessage(CultureInfo.InvariantCulture);
        Assert.StartsWith("Model 'Deep' would need ", message, StringComparison.Ordinal);
        var characters = long.Parse(message["Model 'Deep' would need ".Length..message.IndexOf(" characters", StringComparison.Ordinal)], NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        Assert.True(characters > CompilerLimit, characters + " characters would not have reached CS8103: the test does not test the limit");
        Assert.DoesNotContain(run.AnalyzerDiagnostics, d => d.Severity == DiagnosticSeverity.Error && d.Id != "MDSL2007");

        // CS8103 is an emit error: GetDiagnostics does not report it, so emit.
        using var image = new MemoryStream();
        var emitted = run.Compilation.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(5)));
        Assert.Contains(run.Compilation.SyntaxTrees, t => t.FilePath.EndsWith("Demo.Deep.g.cs", StringComparison.Ordinal) && t.ToString().Contains("ModelDsl could not generate", StringComparison.Ordinal));
    }
}
