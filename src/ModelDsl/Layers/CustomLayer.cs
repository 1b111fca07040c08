using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// What a generated model checks of a <c>[Custom]</c> layer (a user's own module): when the model is built, that the
/// module registers the parameters its attribute declares; at every forward, that it returns the declared shape — so
/// a wrong declaration is an exception naming the layer, never wrong compile-time costs taken silently or a wrong
/// shape passed on to a layer that cannot check it.
/// </summary>
public static class CustomLayer
{
    /// <summary>
    /// Checks <paramref name="module"/>'s parameter count against the declaration and installs the output-shape check
    /// (a forward hook, so it runs on <c>call</c>, as the generated forward calls every layer); returns the module.
    /// </summary>
    /// <typeparam name="T">The user's module class.</typeparam>
    /// <param name="module">The module, just constructed.</param>
    /// <param name="path">Its state-dict path in the model, for the messages.</param>
    /// <param name="parameters">The declared trainable parameter count.</param>
    /// <param name="output">The declared per-sample output shape (batch excluded).</param>
    /// <exception cref="InvalidOperationException">The module registers another number of parameters.</exception>
    public static T Checked<T>(T module, string path, long parameters, long[] output)
        where T : nn.Module<Tensor, Tensor>
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(output);
        var count = module.parameters().Sum(p => p.numel());
        if (count != parameters)
        {
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"custom layer '{path}' ({typeof(T).FullName}) registers {count} parameters, but its [Custom] declares Parameters = {parameters}; fix the declaration so the model's costs are right"));
        }

        var declared = (long[])output.Clone();
        module.register_forward_hook((_, _, result) =>
        {
            var shape = result.shape;
            if (shape.Length != declared.Length + 1 || !shape.AsSpan(1).SequenceEqual(declared))
            {
                throw new InvalidOperationException(
                    $"custom layer '{path}' ({typeof(T).FullName}) returned {LayerBase.FormatShape(shape)}, but its [Custom] declares {LayerBase.FormatShape(declared)} per sample (batch first); fix Output");
            }

            return null!;
        });
        return module;
    }
}
