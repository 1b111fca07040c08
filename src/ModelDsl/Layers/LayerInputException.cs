using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// A layer of a generated model could not take its input: the layer's state-dict path in the model (<c>head</c>,
/// <c>layer2.0.conv1</c>), the shape it was given, and what the layer or libtorch said — its first line, without
/// libtorch's native stack frames, which stay in <see cref="Exception.InnerException"/>. Generated forwards name each
/// member as they call it, and an enclosing block's call prefixes its own name, so the path is the whole one.
/// </summary>
public sealed class LayerInputException : ArgumentException
{
    private LayerInputException(string path, nn.Module origin, string layer, long[] inputShape, string reason, Exception inner)
        : base($"layer '{path}'{layer} cannot take input {LayerBase.FormatShape(inputShape)}: {reason}", inner)
    {
        (Path, Origin, Layer, InputShape, Reason) = (path, origin, layer, inputShape, reason);
    }

    /// <summary>The layer's state-dict path in the model.</summary>
    public string Path { get; }

    /// <summary>The input the layer was given, batch first.</summary>
    public IReadOnlyList<long> InputShape { get; }

    // The module that failed: each enclosing call finds it among its own modules to name the path (a stage's
    // Sequential runs its blocks itself, so the block's index is known only from the module tree).
    private nn.Module Origin { get; }

    private string Layer { get; }

    private string Reason { get; }

    /// <summary>The failure of <paramref name="module"/>, called as <paramref name="name"/> on <paramref name="input"/>.</summary>
    internal static LayerInputException Of(string name, nn.Module module, Tensor input, Exception error)
    {
        // A Sequential's type says nothing the path does not; a layer's (Linear, Conv2d, a block class) does.
        var kind = module.GetType() == typeof(TorchSharp.Modules.Sequential) ? string.Empty : " (" + module.GetType().Name + ")";
        var message = error.Message;
        var end = message.IndexOf('\n');
        return new LayerInputException(name, module, kind, input is null || input.IsInvalid ? [] : input.shape, (end < 0 ? message : message[..end]).TrimEnd(), error);
    }

    /// <summary>This failure seen from <paramref name="holder"/>, called as <paramref name="name"/>: the path from there.</summary>
    internal LayerInputException Under(string name, nn.Module holder)
    {
        var inside = holder.named_modules().FirstOrDefault(m => ReferenceEquals(m.module, Origin)).name;
        return new(name + "." + (inside ?? Path), Origin, Layer, (long[])InputShape, Reason, InnerException!);
    }

    /// <summary>Whether <paramref name="error"/> is what a layer throws for an input it cannot take (libtorch's errors, shape checks).</summary>
    internal static bool IsInputError(Exception error) => error is ExternalException or ArgumentException && error is not LayerInputException;
}
