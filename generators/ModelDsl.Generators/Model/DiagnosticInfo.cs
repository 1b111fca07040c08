using ModelDsl.Spec;

namespace ModelDsl.Generators;

/// <summary>
/// One diagnostic the parser found, as plain values (CommunityToolkit.Mvvm's <c>DiagnosticInfo</c>, without the syntax
/// tree): the analyzers report it on the compilation they analyse; the generator only needs to know there was one.
/// </summary>
/// <param name="Id">The descriptor's id (<c>MDSL0005</c>); <c>DiagnosticDescriptors.ById</c> finds the descriptor.</param>
/// <param name="Location">The attribute, argument or declaration at fault; null for none.</param>
/// <param name="Arguments">The message arguments, formatted in the invariant culture.</param>
internal sealed record DiagnosticInfo(string Id, SourceLocation? Location, EquatableArray<string> Arguments);
