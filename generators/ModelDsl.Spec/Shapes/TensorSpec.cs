namespace ModelDsl.Spec;

/// <summary>A parameter or buffer a layer registers, under its PyTorch state-dict name.</summary>
/// <param name="Name">Full state-dict key, e.g. <c>layer1.0.conv1.weight</c> or <c>class_token</c>.</param>
/// <param name="Dims">Its shape.</param>
/// <param name="IsBuffer">True for buffers (BatchNorm running statistics): in the state dict, not in the parameter count.</param>
/// <param name="TiedTo">
/// For a tied weight (GPT-2's <c>lm_head.weight</c>): the name of the tensor it shares storage with. PyTorch's
/// state dict lists both names; the parameter count and weight bytes count the storage once.
/// </param>
/// <param name="Role">The layer's own weight or bias, or something else (<see cref="TensorRole"/>).</param>
public sealed record TensorSpec(string Name, EquatableArray<int> Dims, bool IsBuffer = false, string? TiedTo = null, TensorRole Role = TensorRole.Other)
{
    /// <summary>True when this tensor adds to the parameter count (a parameter, not a buffer, not tied).</summary>
    public bool CountsAsParameter => !IsBuffer && TiedTo is null;

    /// <summary>Number of elements (1 for a scalar buffer).</summary>
    public long Elements
    {
        get
        {
            long n = 1;
            foreach (var d in Dims)
            {
                n *= d;
            }

            return n;
        }
    }
}
