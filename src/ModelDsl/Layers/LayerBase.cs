using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// Base of ModelDsl's TorchSharp layers. Every submodule and parameter is registered explicitly under its PyTorch
/// state-dict name, so <see cref="RegisterComponents"/> (TorchSharp's reflection over fields, which names by C# field
/// and loses the state dict under NativeAOT) is turned off. Parameters are read back from the module's own table on
/// every access, so <c>module.to(device)</c>, which replaces them there, never leaves a property on a stale tensor.
/// </summary>
public abstract class LayerBase : nn.Module<Tensor, Tensor>
{
    private LayerBase? parent;
    private string? localName;

    /// <summary>Creates the layer; <paramref name="name"/> is TorchSharp's module name (the type name by convention).</summary>
    protected LayerBase(string name) : base(name) { }

    /// <summary>The dotted path from the outermost <see cref="LayerBase"/> that registered this one ("blocks.0.attn"), or null at the root.</summary>
    public string? Path => parent is null ? null : parent.Path is { } above ? $"{above}.{localName}" : localName;

    /// <summary>Explicit registration only: no reflection over fields.</summary>
    protected override void RegisterComponents() { }

    /// <inheritdoc />
    public override void register_module(string name, nn.Module submodule)
    {
        base.register_module(name, submodule);
        if (submodule is LayerBase layer)
        {
            (layer.parent, layer.localName) = (this, name);
        }
    }

    /// <inheritdoc />
    public override void register_parameter(string name, Parameter param)
    {
        base.register_parameter(name, param);
        // A parameter created while a dispose scope is open belongs to that scope and would be disposed with it,
        // leaving a layer built inside `using (NewDisposeScope())` with dead weights; the module owns it instead.
        param.DetachFromDisposeScope();
    }

    /// <summary>Registers <paramref name="module"/> under <paramref name="name"/> and returns it.</summary>
    protected T Register<T>(string name, T module) where T : nn.Module
    {
        register_module(name, module);
        return module;
    }

    /// <summary>Wraps <paramref name="value"/> as a parameter, registers it under <paramref name="name"/> and returns it.</summary>
    protected Parameter RegisterParameter(string name, Tensor value)
    {
        var parameter = value as Parameter ?? new Parameter(value, requires_grad: true);
        register_parameter(name, parameter);
        return parameter;
    }

    /// <summary>The parameter registered on this module under <paramref name="name"/> (the current one after <c>to(...)</c>).</summary>
    protected Parameter ParameterNamed(string name) =>
        _internal_params.TryGetValue(name, out var parameter) ? parameter
            : throw new InvalidOperationException($"{Describe()} has no parameter '{name}'");

    /// <summary>The parameter under <paramref name="name"/>, or null when the layer was built without it.</summary>
    protected Parameter? OptionalParameterNamed(string name) =>
        _internal_params.TryGetValue(name, out var parameter) ? parameter : null;

    /// <summary>"Mamba 'blocks.0.mixer'" once registered, else "Mamba".</summary>
    protected string Describe() => Path is { } path ? $"{GetType().Name} '{path}'" : GetType().Name;

    /// <summary>
    /// The exception for an input of the wrong shape, naming the layer, the expected and the actual shape
    /// (<c>Mamba 'mixer' expects input [N, T, 16], got [2, 9]</c>). Thrown before any native call that could
    /// abort the process on a mismatch (matmul, for one, terminates instead of throwing).
    /// </summary>
    protected ArgumentException ShapeError(string expected, Tensor input, string what = "input") =>
        new($"{Describe()} expects {what} {expected}, got {FormatShape(input.shape)}");

    /// <summary>"[2, 3, 4]".</summary>
    public static string FormatShape(ReadOnlySpan<long> shape)
    {
        var parts = new string[shape.Length];
        for (var i = 0; i < shape.Length; i++)
        {
            parts[i] = shape[i].ToString(CultureInfo.InvariantCulture);
        }
        return "[" + string.Join(", ", parts) + "]";
    }

    /// <summary>A size in an expected-shape text.</summary>
    protected static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
