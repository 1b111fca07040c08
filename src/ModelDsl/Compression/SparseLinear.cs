using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// A Linear whose weight is unstructured-sparse (magnitude-pruned): stored as the masked dense float32 weight, the state
/// dict PyTorch's <c>torch.nn.utils.prune.remove</c> leaves (<c>weight</c>, <c>bias</c>, here buffers). When it is
/// loaded or set (<see cref="Refresh"/>) a layer sparse enough also keeps the weight as a CSR matrix, and each forward
/// computes <c>(W_csr · xᵀ)ᵀ</c> where that was measured faster than the dense <c>linear</c> (<see cref="UsesCsr"/>),
/// the dense weight otherwise. Both give the same outputs up to float32 summation order (about 1e-5 relative).
/// </summary>
public sealed class SparseLinear : LayerBase, IQuantizedLayer
{
    /// <summary>Weights below which CSR never pays here: 256×784 at 95 % zeros gained at most 1.4× (docs/benchmarks.md §12).</summary>
    public const long MinCsrElements = 1 << 20;

    /// <summary>Largest input rows for CSR: at 64 rows and 90 % zeros it still gains 2–2.5×; above that it was not measured to pay.</summary>
    public const long MaxCsrRows = 64;

    // Compiled once per process: TorchSharp 0.107 has no to_sparse_csr, libtorch does.
    private const string Script = "def to_csr(weight: Tensor) -> Tensor:\n    return weight.to_sparse_csr()\n";

    private static readonly Lazy<jit.CompilationUnit> Unit = new(() => jit.compile(Script));

    private Tensor? csr;

    /// <summary>A sparse linear of the given size with zero weights (load or <see cref="Quantize"/> its weights).</summary>
    public SparseLinear(long inFeatures, long outFeatures, bool hasBias = true) : base(nameof(SparseLinear))
    {
        if (inFeatures < 1 || outFeatures < 1)
        {
            throw new ArgumentException($"SparseLinear needs at least one input and one output feature, got {inFeatures} → {outFeatures}");
        }
        (InFeatures, OutFeatures) = (inFeatures, outFeatures);
        register_buffer("weight", zeros(outFeatures, inFeatures).DetachFromDisposeScope());
        if (hasBias)
        {
            register_buffer("bias", zeros(outFeatures).DetachFromDisposeScope());
        }
    }

    /// <summary>Input features.</summary>
    public long InFeatures { get; }

    /// <summary>Output features.</summary>
    public long OutFeatures { get; }

    /// <summary>The masked dense weight [out, in].</summary>
    public Tensor Weight => get_buffer("weight")!;

    /// <summary>The float32 bias [out], or null.</summary>
    public Tensor? Bias => get_buffer("bias");

    /// <summary>The fraction of non-zero weights, as of the last <see cref="Refresh"/>.</summary>
    public double Density { get; private set; } = 1;

    /// <summary>Non-zero weights, as of the last <see cref="Refresh"/>.</summary>
    public long NonZeros { get; private set; }

    /// <summary>True when the layer holds a CSR copy of its weight (some batch sizes run it).</summary>
    public bool HasCsr => csr is not null;

    /// <summary>
    /// The measured crossover (docs/benchmarks.md §12, libtorch 2.10, 2 threads): CSR <c>W·xᵀ</c> beats the dense
    /// <c>linear</c> for a weight of at least <see cref="MinCsrElements"/> elements and at most <see cref="MaxCsrRows"/>
    /// input rows, at density ≤ 0.1 from one row and ≤ 0.2 from two rows (at one row 80 % zeros was 0.65× dense).
    /// </summary>
    /// <param name="elements">Weight elements.</param>
    /// <param name="density">Fraction of non-zero weights.</param>
    /// <param name="rows">Input rows (batch × tokens).</param>
    public static bool UsesCsr(long elements, double density, long rows) =>
        elements >= MinCsrElements && rows >= 1 && rows <= MaxCsrRows && density <= (rows == 1 ? 0.1 : 0.2);

    /// <summary>Copies the (already masked) <paramref name="weight"/> [out, in] and <paramref name="bias"/> into the layer, then refreshes.</summary>
    public void Quantize(Tensor weight, Tensor? bias)
    {
        QuantizedLayers.CheckWeight(Describe(), [OutFeatures, InFeatures], weight, bias, Bias is not null);
        using var noGrad = no_grad();
        Weight.copy_(weight);
        Bias?.copy_(bias!);
        Refresh();
    }

    /// <inheritdoc />
    public void Refresh()
    {
        csr?.Dispose();
        csr = null;
        using (var scope = NewDisposeScope())
        {
            NonZeros = Weight.count_nonzero().item<long>();
        }
        Density = (double)NonZeros / Weight.numel();
        // Only where some batch size would run it: the CSR copy costs memory.
        if (UsesCsr(Weight.numel(), Density, 2))
        {
            csr = Unit.Value.invoke<Tensor>("to_csr", Weight).DetachFromDisposeScope();
        }
    }

    /// <inheritdoc />
    public Tensor Dequantize() => Weight.clone();

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (input.dim() == 0 || input.shape[^1] != InFeatures)
        {
            throw ShapeError($"[*, {InFeatures}]", input);
        }
        var rows = input.numel() / InFeatures;
        if (csr is null || !QuantizedLayers.SameDevice(csr, Weight) || !UsesCsr(Weight.numel(), Density, rows))
        {
            return nn.functional.linear(input, Weight, Bias);
        }
        using var scope = NewDisposeScope();
        var y = csr.mm(input.reshape(rows, InFeatures).t()).t();
        if (Bias is { } bias)
        {
            y = y.add(bias);
        }
        var shape = input.shape.ToArray();
        shape[^1] = OutFeatures;
        return y.reshape(shape).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            csr?.Dispose();
        }
        base.Dispose(disposing);
    }
}
