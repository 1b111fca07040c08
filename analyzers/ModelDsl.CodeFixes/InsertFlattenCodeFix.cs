using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using ModelDsl.Analyzers;

namespace ModelDsl.CodeFixes;

/// <summary>
/// MDSL1007: puts a <c>[Flatten]</c> before the Linear. A Linear that starts its member gets a member of its own on the
/// line before (<c>[Flatten] public partial Layer Flatten { get; }</c>, named apart from the class's members, indented as
/// the Linear's; just before it where other code shares the Linear's line); a Linear after other layers of its member gets <c>Flatten, </c> before it in the same list (torchvision's
/// <c>nn.Sequential(pool, flatten, linear)</c>; the member's later layers move up one index). Not offered inside a block,
/// where the warning is on the use: the fix belongs in the block class, and changes every use of it.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(InsertFlattenCodeFix))]
[Shared]
public sealed class InsertFlattenCodeFix : CodeFixProvider
{
    /// <summary>The code action's title (and equivalence key).</summary>
    public const string Title = "Add [Flatten] before the Linear";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.LinearOnFeatureMap.Id);

    /// <inheritdoc />
    public override FixAllProvider? GetFixAllProvider() => null;   // two fixes in one class would pick the same member name

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var text = await context.Document.GetTextAsync(context.CancellationToken).ConfigureAwait(false);
        var attribute = root?.FindNode(context.Span).AncestorsAndSelf().OfType<AttributeSyntax>().FirstOrDefault();
        if (attribute is not { Parent: AttributeListSyntax list } || !IsLinear(attribute) ||
            list.Parent is not PropertyDeclarationSyntax property || property.Parent is not ClassDeclarationSyntax declaration)
        {
            return;
        }

        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (model?.GetDeclaredSymbol(declaration, context.CancellationToken) is not INamedTypeSymbol type)
        {
            return;
        }

        var change = property.AttributeLists[0] == list && list.Attributes[0] == attribute
            ? NewMember(text, property, type)
            : new TextChange(new TextSpan(attribute.SpanStart, 0), "Flatten, ");
        context.RegisterCodeFix(
            CodeAction.Create(Title, _ => Task.FromResult(context.Document.WithText(text.WithChanges(change))), Title),
            context.Diagnostics);
    }

    // The diagnostic is on a [Linear] or on a [Block]/[Stage] use; only the first is fixed here.
    private static bool IsLinear(AttributeSyntax attribute)
    {
        var name = attribute.Name switch
        {
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => string.Empty,
        };
        return name is "Linear" or "LinearAttribute";
    }

    // The new member on its own line just above the property (below any comment on it, which stays with the Linear),
    // with the property's indentation and line break; where the property shares its line with other code (members
    // written on one line), just before it on that line.
    private static TextChange NewMember(SourceText text, PropertyDeclarationSyntax property, INamedTypeSymbol type)
    {
        var line = text.Lines.GetLineFromPosition(property.SpanStart);
        var indentation = text.ToString(TextSpan.FromBounds(line.Start, property.SpanStart));
        if (indentation.Any(c => !char.IsWhiteSpace(c)))
        {
            return new TextChange(new TextSpan(property.SpanStart, 0), "[Flatten] public partial Layer " + FreeName(type) + " { get; } ");
        }

        var lineBreak = text.ToString(TextSpan.FromBounds(line.End, line.EndIncludingLineBreak));
        var member = indentation + "[Flatten] public partial Layer " + FreeName(type) + " { get; }" + (lineBreak.Length > 0 ? lineBreak : "\n");
        return new TextChange(new TextSpan(line.Start, 0), member);
    }

    // Flatten, Flatten2, Flatten3 …: apart from every member of the class (in any of its parts, the generated one too)
    // and the class itself, compared as the state-dict names are (case and '_' aside), so that the new member cannot
    // collide with one (MDSL0002).
    private static string FreeName(INamedTypeSymbol type)
    {
        var taken = new HashSet<string>(type.MemberNames.Append(type.Name).Select(Key), StringComparer.Ordinal);
        var name = "Flatten";
        for (var i = 2; taken.Contains(Key(name)); i++)
        {
            name = "Flatten" + i.ToString(CultureInfo.InvariantCulture);
        }

        return name;
    }

    private static string Key(string name) => name.Replace("_", string.Empty).ToLowerInvariant();
}
