using ModelDsl.Spec;

namespace ModelDsl.Generators;

/// <summary>
/// The implementing half of a class the generator cannot build (an invalid model, or a model using an invalid block):
/// every partial layer property with a body that throws, so that the compiler gets past the declarations (no CS9248) and
/// the MDSL diagnostics that say what is wrong reach the build output. Regex's generator completes a bad pattern's
/// partial method in the same spirit.
/// </summary>
/// <param name="Namespace">The class's namespace; null in the global namespace.</param>
/// <param name="Containers">The declarations of the types the class is nested in, outermost first (<c>partial class Outer</c>).</param>
/// <param name="ClassName">The class name as an identifier (escaped where it is a keyword), with its type parameters.</param>
/// <param name="DisplayName">The class name for messages.</param>
/// <param name="Properties">The partial layer properties, with the signature the implementation must repeat.</param>
/// <param name="IsLayer">
/// Whether the completion names <c>ModelDsl.Layer</c> as the base, as the generated class would: other generated code
/// (a block using this block) then still type-checks. False where the class declares a base of its own.
/// </param>
internal sealed record ClassCompletion(string? Namespace, EquatableArray<string> Containers, string ClassName, string DisplayName, EquatableArray<PartialProperty> Properties, bool IsLayer);

/// <summary>One partial property's signature, as its implementing declaration repeats it.</summary>
/// <param name="Modifiers">Accessibility and <c>static</c>, as written (<c>public</c>).</param>
/// <param name="TypeName">The property type, fully qualified.</param>
/// <param name="Name">The property name as an identifier (<c>@class</c> for a keyword).</param>
/// <param name="Accessors">The accessor list as the implementation writes it, each accessor throwing.</param>
internal sealed record PartialProperty(string Modifiers, string TypeName, string Name, string Accessors);
