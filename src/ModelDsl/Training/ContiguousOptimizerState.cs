using System.Reflection;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// For the time of one optimizer <c>save_state_dict</c> or <c>load_state_dict</c>, every state tensor that is not
/// contiguous is replaced by a contiguous copy; disposing puts the optimizer's own tensors back, after a load with the
/// values the load wrote.
/// </summary>
/// <remarks>
/// TorchSharp serialises an optimizer's state through the raw bytes of each state tensor, which it reads and writes for
/// contiguous tensors only ("Bytes() called on non-contiguous tensor"). A moment is <c>zeros_like</c> its parameter and
/// keeps its layout, and a generated convolutional model keeps its weights channels-last, so AdamW's state for it is
/// channels-last. The swap is by the state classes' public tensor fields (TorchSharp's <c>exp_avg</c>,
/// <c>momentum_buffer</c> …), so it covers every optimizer; the optimizer keeps its tensors and their layout, and the
/// steps after a load compute exactly as uninterrupted training does.
/// </remarks>
internal sealed class ContiguousOptimizerState : IDisposable
{
    private readonly List<(OptimizerState State, FieldInfo Field, Tensor Original, Tensor Copy)> swapped = [];
    private readonly bool copyBack;

    private ContiguousOptimizerState(OptimizerHelper optimizer, bool copyBack)
    {
        this.copyBack = copyBack;
        foreach (var state in optimizer.state_dict().State)
        {
            foreach (var field in state.GetType().GetFields(BindingFlags.Public | BindingFlags.Instance))
            {
                if (field.FieldType == typeof(Tensor) && field.GetValue(state) is Tensor { IsInvalid: false } original && !original.is_contiguous())
                {
                    var copy = original.contiguous();
                    swapped.Add((state, field, original, copy));
                    field.SetValue(state, copy);
                }
            }
        }
    }

    /// <summary>Swaps for a save: the optimizer's tensors come back unchanged.</summary>
    public static ContiguousOptimizerState ForSave(OptimizerHelper optimizer) => new(optimizer, copyBack: false);

    /// <summary>Swaps for a load: what the load (or a restore after a failed one) writes is copied into the optimizer's tensors.</summary>
    public static ContiguousOptimizerState ForLoad(OptimizerHelper optimizer) => new(optimizer, copyBack: true);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var (state, field, original, copy) in swapped)
        {
            var current = field.GetValue(state) as Tensor;
            if (copyBack && current is not null)
            {
                using (no_grad())
                {
                    original.copy_(current);
                }
            }
            field.SetValue(state, original);
            if (current is not null && !ReferenceEquals(current, copy))
            {
                current.Dispose();
            }
            copy.Dispose();
        }
        swapped.Clear();
    }
}
