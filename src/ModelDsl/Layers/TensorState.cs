using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// Some tensors by identity and the sum of their version counters, which libtorch bumps at every in-place write: what a
/// form derived from them (a folded weight, a packed kernel) was made from. An unchanged state means the same tensors,
/// unwritten (a counter only grows); a replaced tensor (a new parameter, a module moved) changes it as a write does.
/// </summary>
internal readonly record struct TensorState(IntPtr[] Handles, long Versions)
{
    // Reads the version counter libtorch keeps on every tensor (TorchSharp does not expose it); a fixed, tested script,
    // since a script compile error aborts the process.
    private const string VersionScript =
        "def versions(xs: List[Tensor]) -> int:\n    s = 0\n    for x in xs:\n        s += x._version()\n    return s\n";

    private static readonly Lazy<jit.CompilationUnit> Script = new(() => jit.compile(VersionScript));

    /// <summary>The state of <paramref name="tensors"/> now.</summary>
    public static TensorState Of(Tensor[] tensors)
    {
        using var sum = Script.Value.invoke<Scalar>("versions", new object[] { tensors });
        return new(Array.ConvertAll(tensors, t => t.Handle), sum.ToInt64());
    }

    public bool Equals(TensorState other) => Versions == other.Versions && Handles.AsSpan().SequenceEqual(other.Handles);

    public override int GetHashCode() => Versions.GetHashCode();
}
