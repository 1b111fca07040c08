using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// The two steps generated <c>forward</c> methods take between layers. A generated forward frees each intermediate as
/// soon as the next layer has consumed it (a dispose scope frees them too, but only at its end, so peak memory would
/// hold every activation of the pass); the caller's input and the result are never freed here.
/// </summary>
public static class Forward
{
    /// <summary>Runs <paramref name="module"/> on <paramref name="x"/>, an intermediate the caller owns, and frees it.</summary>
    public static Tensor Then(nn.Module<Tensor, Tensor> module, Tensor x) => Consumed(x, Call(module, x));

    /// <summary>
    /// Runs <paramref name="module"/> on <paramref name="x"/>, which stays the caller's: <c>module.call(x)</c>, or the
    /// folded form where <see cref="BatchNormFolding"/> has folded its batch norms (eval mode only).
    /// </summary>
    public static Tensor Call(nn.Module<Tensor, Tensor> module, Tensor x) =>
        BatchNormFolding.TryForward(module, x, out var y) ? y : module.call(x);

    /// <summary>
    /// <see cref="Then(nn.Module{Tensor, Tensor}, Tensor)"/> for the member <paramref name="name"/> of a generated module:
    /// an input the layer cannot take is a <see cref="LayerInputException"/> naming the layer's path.
    /// </summary>
    public static Tensor Then(nn.Module<Tensor, Tensor> module, Tensor x, string name) => Consumed(x, Call(module, x, name));

    // The layer's input x, an intermediate, is freed once the layer has made y (unless the layer returned it as is).
    private static Tensor Consumed(Tensor x, Tensor y)
    {
        if (!ReferenceEquals(y, x))
        {
            x.Dispose();
        }

        return y;
    }

    /// <summary>
    /// <see cref="Call(nn.Module{Tensor, Tensor}, Tensor)"/> for the member <paramref name="name"/> of a generated module:
    /// an input the layer cannot take (libtorch's shape errors, a layer's own checks) is a
    /// <see cref="LayerInputException"/> naming the layer's path, the input's shape and the first line of the error.
    /// </summary>
    public static Tensor Call(nn.Module<Tensor, Tensor> module, Tensor x, string name)
    {
        try
        {
            return Call(module, x);
        }
        catch (LayerInputException inner)
        {
            throw inner.Under(name, module);
        }
        catch (Exception error) when (LayerInputException.IsInputError(error))
        {
            throw InSequence(module, x, name) ?? LayerInputException.Of(name, module, x, error);
        }
    }

    // A property of several layers is an nn.Sequential, which runs its children itself, so the failing child is not
    // known. In eval mode a forward changes no state (no running statistics, no dropout), so the children are run again
    // one by one on the same input, without gradients, to name the one that fails (`hidden.0`). Null in training mode,
    // or when the replay does not fail the same way: the Sequential is named.
    private static LayerInputException? InSequence(nn.Module<Tensor, Tensor> module, Tensor x, string name)
    {
        if (module is not TorchSharp.Modules.Sequential sequential || module.training)
        {
            return null;
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var y = x;
        for (var i = 0; i < sequential.Count; i++)
        {
            try
            {
                y = Call((nn.Module<Tensor, Tensor>)sequential[i], y, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            catch (LayerInputException inner)
            {
                return inner.Under(name, module);
            }
            catch (Exception)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>
    /// A gate's product (squeeze-excitation): <paramref name="input"/> times <paramref name="gate"/>, broadcast over it
    /// ([N, C, 1, 1] over [N, C, H, W]). Frees the gate, an intermediate, and the input when it is one (never the
    /// caller's).
    /// </summary>
    public static Tensor Gate(Tensor gate, Tensor input, bool disposeInput)
    {
        var broadcasts = gate.dim() == input.dim() && Enumerable.Range(0, (int)input.dim()).All(i => gate.shape[i] == input.shape[i] || gate.shape[i] == 1);
        if (!broadcasts)
        {
            throw new ArgumentException($"gate: {LayerBase.FormatShape(gate.shape)} does not broadcast over the input {LayerBase.FormatShape(input.shape)}");
        }

        var product = input.mul(gate);
        gate.Dispose();
        if (disposeInput)
        {
            input.Dispose();
        }

        return product;
    }

    /// <summary>
    /// A concatenating residual's join: <c>torch.cat([shortcut, branch], 1)</c> (DenseNet's dense layer, ShuffleNetV2's
    /// units). Frees the branch output, an intermediate, and the shortcut when it is one (never the caller's input).
    /// </summary>
    public static Tensor Concat(Tensor shortcut, Tensor branch, bool disposeShortcut)
    {
        var joins = shortcut.dim() == branch.dim() && shortcut.dim() >= 2 && shortcut.shape[0] == branch.shape[0] &&
            shortcut.shape.AsSpan(2).SequenceEqual(branch.shape.AsSpan(2));
        if (!joins)
        {
            throw new ArgumentException($"residual concat: the shortcut {LayerBase.FormatShape(shortcut.shape)} and the branch {LayerBase.FormatShape(branch.shape)} differ beyond the channels");
        }

        var joined = cat(new[] { shortcut, branch }, 1);
        branch.Dispose();
        if (disposeShortcut)
        {
            shortcut.Dispose();
        }

        return joined;
    }

    /// <summary>
    /// ShuffleNetV2's <c>x.chunk(2, dim=1)</c>: the first and second half of the channels, views of
    /// <paramref name="input"/> (which stays the caller's); the caller frees the two handles.
    /// </summary>
    public static (Tensor First, Tensor Second) Halves(Tensor input)
    {
        if (input.dim() < 2 || input.shape[1] % 2 != 0)
        {
            throw new ArgumentException($"split in two: {LayerBase.FormatShape(input.shape)} has no even channel count");
        }

        var halves = input.chunk(2, 1);
        return (halves[0], halves[1]);
    }

    /// <summary>
    /// Adds the shortcut to the branch output in place (as torchvision's <c>out += identity</c>) and returns it; frees
    /// the shortcut when it is an intermediate (a projection's output, a saved branch input), never the caller's input.
    /// </summary>
    public static Tensor AddResidual(Tensor x, Tensor shortcut, bool disposeShortcut)
    {
        if (!x.shape.AsSpan().SequenceEqual(shortcut.shape))
        {
            throw new ArgumentException($"residual add: the branch gives {LayerBase.FormatShape(x.shape)}, the shortcut {LayerBase.FormatShape(shortcut.shape)}");
        }

        var sum = x.add_(shortcut);
        if (disposeShortcut)
        {
            shortcut.Dispose();
        }

        return sum;
    }
}
