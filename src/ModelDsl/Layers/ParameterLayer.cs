using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// A layer that is one bare parameter of its parent, as PyTorch's <c>nn.Parameter</c> attributes are (ViT's
/// <c>class_token</c>, <c>encoder.pos_embedding</c>): the state dict holds <c>class_token</c>, not
/// <c>class_token.weight</c>. On its own the layer holds the parameter under <see cref="DefaultName"/>;
/// <see cref="AttachTo"/> moves it to the parent under a name of the parent's choosing. The layer then reads the
/// parameter from the parent on every call, so the parent's <c>to(device)</c>, which replaces it there, is followed.
/// </summary>
public abstract class ParameterLayer : LayerBase
{
    private nn.Module? owner;
    private string registeredName;

    /// <summary>Creates the layer around <paramref name="initial"/>, registered on itself under <paramref name="defaultName"/>.</summary>
    private protected ParameterLayer(string typeName, string defaultName, Tensor initial) : base(typeName)
    {
        DefaultName = defaultName;
        registeredName = defaultName;
        RegisterParameter(defaultName, initial);
    }

    /// <summary>The parameter's name while the layer stands alone (PyTorch's attribute name for it).</summary>
    public string DefaultName { get; }

    /// <summary>The parameter, wherever it is registered now.</summary>
    public Parameter Parameter => owner is null ? ParameterNamed(registeredName)
        : owner.get_parameter(registeredName) ?? throw new InvalidOperationException($"{GetType().Name}: its parent no longer has a parameter '{registeredName}'");

    /// <summary>
    /// Registers the parameter on <paramref name="parent"/> as <paramref name="parameterName"/> and removes it from
    /// this layer, so the parent's state dict lists it under that name and this layer contributes nothing of its own.
    /// Do not also register this layer as a module of the parent.
    /// </summary>
    public T AttachTo<T>(T parent, string parameterName) where T : nn.Module
    {
        if (owner is not null)
        {
            throw new InvalidOperationException($"{GetType().Name} is already the parameter '{registeredName}' of another module");
        }
        var parameter = ParameterNamed(registeredName);
        parent.register_parameter(parameterName, parameter);
        _internal_params.Remove(registeredName);
        (owner, registeredName) = (parent, parameterName);
        return parent;
    }
}
