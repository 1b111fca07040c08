using ModelDsl.Native;

namespace ModelDsl;

public sealed partial class Tensor
{
    /// <summary>Whether operations on this tensor are recorded for <see cref="Backward"/>.</summary>
    public bool RequiresGrad
    {
        get => NativeMethods.mdsl_requires_grad(Native) != 0;
        set => NativeError.Check(NativeMethods.mdsl_set_requires_grad(Native, value ? 1 : 0));
    }

    /// <summary>Sets <see cref="RequiresGrad"/> and returns this (for initialisers).</summary>
    public Tensor RequiresGrad_(bool value = true)
    {
        RequiresGrad = value;
        return this;
    }

    /// <summary>Back-propagates from this scalar (or with an explicit output gradient), accumulating into <see cref="Grad"/> of the leaves.</summary>
    public void Backward(Tensor? gradient = null) => NativeError.Check(NativeMethods.mdsl_backward(Native, gradient?.Native ?? 0));

    /// <summary>The accumulated gradient, or null before any backward pass. Each read returns a new handle to the same storage.</summary>
    public Tensor? Grad
    {
        get
        {
            NativeError.Check(NativeMethods.mdsl_grad(Native, out var result));
            return result == 0 ? null : new Tensor(result);
        }
    }

    /// <summary>Drops the accumulated gradient (like <c>zero_grad(set_to_none=True)</c>).</summary>
    public void ZeroGrad() => NativeError.Check(NativeMethods.mdsl_zero_grad(Native));

    /// <summary>Replaces this tensor's data with <paramref name="data"/>'s, keeping the tensor's identity (used by Module.To).</summary>
    internal void SetData(Tensor data)
    {
        NativeError.Check(NativeMethods.mdsl_set_data(Native, data.Native));
        shape = null;
    }
}
