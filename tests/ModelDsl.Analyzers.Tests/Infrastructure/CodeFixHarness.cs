using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace ModelDsl.Analyzers.Tests;

/// <summary>Applies a code fix as the IDE does: a document in an <see cref="AdhocWorkspace"/>, the analyzer's diagnostic, the fix's first action.</summary>
internal static class CodeFixHarness
{
    /// <summary>The source after applying <paramref name="fix"/>'s first action to the first diagnostic with <paramref name="id"/>; null when it offers nothing.</summary>
    public static async Task<(string? Text, string? Title)> ApplyAsync(string source, string id, CodeFixProvider fix) =>
        await ApplyAsync(source, id, fix, 0);

    /// <summary>The titles of every action <paramref name="fix"/> offers for the first diagnostic with <paramref name="id"/>, in order.</summary>
    public static async Task<IReadOnlyList<string>> TitlesAsync(string source, string id, CodeFixProvider fix)
    {
        var titles = new List<string>();
        for (var i = 0; await ApplyAsync(source, id, fix, i) is { Title: { } title }; i++)
        {
            titles.Add(title);
        }

        return titles;
    }

    /// <summary>The source after applying action <paramref name="index"/> of <paramref name="fix"/>; null when it offers fewer.</summary>
    public static async Task<(string? Text, string? Title)> ApplyAsync(string source, string id, CodeFixProvider fix, int index)
    {
        using var workspace = new AdhocWorkspace();
        var project = workspace.AddProject(ProjectInfo.Create(
            ProjectId.CreateNewId(),
            VersionStamp.Default,
            "UserModels",
            "UserModels",
            LanguageNames.CSharp,
            compilationOptions: new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary),
            parseOptions: AnalyzerHarness.ParseOptions,
            metadataReferences: AnalyzerHarness.MetadataReferences));
        workspace.AddDocument(project.Id, "GlobalUsings.cs", SourceText.From(AnalyzerHarness.LayerAlias.ToString()));
        var document = workspace.AddDocument(project.Id, "Input0.cs", SourceText.From(source));
        var compilation = (await document.Project.GetCompilationAsync())!;
        var diagnostics = await compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new ModelAnalyzer()))
            .GetAnalyzerDiagnosticsAsync();
        var diagnostic = diagnostics.First(d => d.Id == id);

        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await fix.RegisterCodeFixesAsync(context);
        if (actions.Count <= index)
        {
            return (null, null);
        }

        var operations = await actions[index].GetOperationsAsync(CancellationToken.None);
        var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        var text = await changed.GetDocument(document.Id)!.GetTextAsync();
        return (text.ToString(), actions[index].Title);
    }
}
