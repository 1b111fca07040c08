using Microsoft.CodeAnalysis;
using ModelDsl.Spec;

namespace ModelDsl.Generators;

// Which spec layer kind a layer attribute declares, and the arguments the attribute implies. One place for the
// generator and the analyzers (which link this folder): most attributes are named after their kind; a few are a kind
// in a fixed form.
internal static class LayerAttributeKinds
{
    /// <summary>The kind <paramref name="attribute"/> declares and its implied arguments, or false for no layer kind.</summary>
    public static bool TryGet(INamedTypeSymbol attribute, out LayerKind kind, out Arg[] implied)
    {
        var name = attribute.Name.EndsWith("Attribute", StringComparison.Ordinal)
            ? attribute.Name.Substring(0, attribute.Name.Length - "Attribute".Length)
            : attribute.Name;
        implied = Array.Empty<Arg>();
        if (name == "CausalSelfAttention")
        {
            // The spec has one attention kind; nanoGPT's module is its causal form with the gpt2 state-dict layout.
            kind = LayerKind.MultiheadAttention;
            implied = new[] { Arg.Of("causal", true), Arg.Of("layout", "gpt2") };
            return true;
        }

        return Enum.TryParse(name, ignoreCase: false, out kind) &&
            kind is not (LayerKind.Block or LayerKind.Stage or LayerKind.Sequential or LayerKind.Residual or LayerKind.ResidualAdd or LayerKind.ResidualMultiply or LayerKind.ResidualConcat);
    }
}
