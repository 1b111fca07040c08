namespace ModelDsl;

/// <summary>
/// Disposes every tensor created on this thread while it is the innermost scope, except the ones moved
/// out with <see cref="MoveToOuter"/> or <see cref="Detach"/>. Wrap each step of a training or inference
/// loop in one so that temporaries are freed at once instead of waiting for the garbage collector:
/// <code>
/// using var scope = Torch.NewDisposeScope();
/// var logits = model.Forward(x);
/// return scope.MoveToOuter(logits);
/// </code>
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? current;

    private readonly DisposeScope? outer;
    private readonly List<Tensor> tensors = [];
    private bool disposed;

    internal DisposeScope()
    {
        outer = current;
        current = this;
    }

    /// <summary>The innermost open scope of this thread, or null.</summary>
    public static DisposeScope? Current => current;

    /// <summary>Number of tensors this scope will dispose.</summary>
    public int Count => tensors.Count(t => t.Scope == this && !t.IsDisposed);

    internal void Attach(Tensor tensor)
    {
        tensor.Scope = this;
        tensors.Add(tensor);
    }

    /// <summary>Hands the tensor to the enclosing scope (or to no scope: then the caller owns it) and returns it.</summary>
    public Tensor MoveToOuter(Tensor tensor)
    {
        if (tensor.Scope == this)
        {
            tensor.Scope = null;
            outer?.Attach(tensor);
        }
        return tensor;
    }

    /// <summary>Takes the tensor out of every scope: the caller owns it and must dispose it.</summary>
    public static Tensor Detach(Tensor tensor)
    {
        tensor.Scope = null;
        return tensor;
    }

    /// <summary>Disposes the tensors still owned by this scope and reopens the enclosing one.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }
        disposed = true;
        foreach (var tensor in tensors)
        {
            // A tensor moved out (or already disposed) has another owner now.
            if (tensor.Scope == this)
            {
                tensor.Dispose();
            }
        }
        tensors.Clear();
        if (current == this)
        {
            current = outer;
        }
    }
}
