using ModelDsl;
using static TorchSharp.torch;

namespace FashionMnist;

/// <summary>
/// A compressed model ready to fine-tune: the module, the mask policy that holds its structure, and how its cost is
/// read (compile-time constants for a generated class; for a masked copy, the dense cost table scaled by each layer's
/// kept fraction, since the zeros are stored and multiplied by dense kernels).
/// </summary>
internal sealed class PreparedVariant(
    nn.Module<Tensor, Tensor> module,
    MaskPolicy? masks,
    Func<long> macs,
    bool effectiveMacs,
    Func<long> parameters,
    long weightBytes,
    FakeQuantization? quantization = null,
    Func<nn.Module<Tensor, Tensor>, nn.Module<Tensor, Tensor>>? convert = null) : IDisposable
{
    private nn.Module<Tensor, Tensor>? trained;

    /// <summary>The module fine-tuned, then (after <see cref="Finish"/>) the one measured.</summary>
    public nn.Module<Tensor, Tensor> Module { get; private set; } = module;

    public MaskPolicy? Masks { get; } = masks;

    /// <summary>For an int8 variant: the fake quantisation its fine-tuning runs under.</summary>
    public FakeQuantization? Quantization { get; } = quantization;

    /// <summary>After fine-tuning: builds the module to measure from the fine-tuned one (an int8 class from its weights).</summary>
    public void Finish()
    {
        if (convert is not null && trained is null)
        {
            trained = Module;
            Module = convert(trained);
        }
    }

    /// <summary>MACs per image, read after fine-tuning (a gradual mask changes as it trains).</summary>
    public long Macs => macs();

    /// <summary>True when <see cref="Macs"/> counts only the weights the masks keep.</summary>
    public bool EffectiveMacs { get; } = effectiveMacs;

    /// <summary>Parameters, not counting masked (zero) weights.</summary>
    public long Parameters => parameters();

    /// <summary>Bytes of weights the module stores (a masked copy stores its zeros).</summary>
    public long WeightBytes { get; } = weightBytes;

    public void Dispose()
    {
        Masks?.Dispose();
        Module.Dispose();
        trained?.Dispose();
    }
}

/// <summary>One row of the demo: a key for --variants, a title for the table and chart, and how it is made from the trained dense model.</summary>
internal sealed record VariantDefinition(string Key, string Title, string Description, Func<FashionNet, PreparedVariant> FromDense);

/// <summary>
/// The compressed variants the demo builds, as data: a variant that lands later (int8, int4, low-rank classes generated
/// from [Variant(...)] declarations) is one more row here.
/// </summary>
internal static class VariantCatalog
{
    public static readonly IReadOnlyList<VariantDefinition> All =
    [
        new("fit", "Budget-fitted (FitBudget)",
            "the generated FashionNetFit, its per-layer widths fitted to the 2 MFLOP budget at compile time, filled by FromDense with the L1-most-important channels",
            dense => new PreparedVariant(FashionNetFit.FromDense(dense, PruningCriterion.L1), masks: null,
                () => FashionNetFit.TotalMacs, effectiveMacs: false, () => FashionNetFit.TotalParameters, FashionNetFit.WeightBytes)),
        new("int8", "Int8",
            "a copy of the dense model fine-tuned with its weights fake-quantised to int8, then the generated FashionNetInt8 filled by FromDense",
            dense =>
            {
                var copy = Copy(dense);
                return new PreparedVariant(copy, masks: null, () => FashionNetInt8.TotalMacs, effectiveMacs: false, () => FashionNetInt8.TotalParameters,
                    FashionNetInt8.WeightBytes, new FakeQuantization(copy), trained => FashionNetInt8.FromDense((FashionNet)trained));
            }),
        new("fit-int8", "Budget-fitted + int8",
            "the generated FashionNetFit filled by FromDense, fine-tuned with its weights fake-quantised to int8, then quantised into the generated FashionNetFitInt8",
            dense =>
            {
                var fitted = FashionNetFit.FromDense(dense, PruningCriterion.L1);
                return new PreparedVariant(fitted, masks: null, () => FashionNetFitInt8.TotalMacs, effectiveMacs: false, () => FashionNetFitInt8.TotalParameters,
                    FashionNetFitInt8.WeightBytes, new FakeQuantization(fitted), trained => QuantizedFit((FashionNetFit)trained));
            }),
        new("lowrank", "Low-rank classifier, rank 8",
            "the generated FashionNetLr, its classifier factored at rank 8 by FromDense from the dense weights' SVD",
            dense => new PreparedVariant(FashionNetLr.FromDense(dense), masks: null,
                () => FashionNetLr.TotalMacs, effectiveMacs: false, () => FashionNetLr.TotalParameters, FashionNetLr.WeightBytes)),
        new("sparse80", "Unstructured 80 %",
            "a copy of the dense model pruned by global magnitude to 80 % of its conv and Linear weights on the cubic schedule, then the generated FashionNetSparse80 filled by FromDense (the same global ranking keeps the trained mask)",
            dense =>
            {
                var copy = Copy(dense);
                var masks = new GradualMask(copy, finalSparsity: 0.8, minKeptFraction: 0.05, every: 25, rampFraction: 0.6);
                FashionNetSparse80? built = null;
                return new PreparedVariant(copy, masks,
                    () => built?.EffectiveMacs() ?? masks.Final?.EffectiveMacs(FashionNet.CostTable) ?? FashionNet.TotalMacs, effectiveMacs: true,
                    () => FashionNet.TotalParameters - (masks.Final is { } mask ? mask.Total - mask.Kept : 0),
                    FashionNetSparse80.WeightBytes, convert: trained => built = FashionNetSparse80.FromDense((FashionNet)trained));
            }),
        new("2:4", "2:4 sparse",
            "a copy of the dense model with 2 of every 4 weights along each reduction dimension kept (the stem stays dense), fine-tuned with the mask held, then the generated FashionNetNm24 filled by FromDense (compressed values and positions)",
            dense =>
            {
                var copy = Copy(dense);
                var mask = NMSparsity.Mask(copy, 2, 4);
                mask.Apply();
                return new PreparedVariant(copy, new FixedMask(mask),
                    () => FashionNetNm24.TotalMacs, effectiveMacs: true,
                    () => FashionNet.TotalParameters - (mask.Total - mask.Kept),
                    FashionNetNm24.WeightBytes, convert: trained => FashionNetNm24.FromDense((FashionNet)trained));
            }),
    ];

    /// <summary>
    /// The composed variant from a fine-tuned <see cref="FashionNetFit"/>: FashionNetFitInt8.FromDense cuts and quantises a
    /// dense FashionNet, but here the pruned model has been fine-tuned since the cut. FashionNetFitInt8 has FashionNetFit's
    /// widths (the same fit, int8 storage), so the same state-dict names and shapes: each int8 layer quantises the
    /// fine-tuned float weight at its path, every other tensor is copied.
    /// </summary>
    internal static FashionNetFitInt8 QuantizedFit(FashionNetFit fitted)
    {
        var weights = fitted.state_dict();
        var variant = new FashionNetFitInt8();
        var quantised = new List<string>();
        foreach (var (path, module) in variant.named_modules())
        {
            if (module is IQuantizedLayer)
            {
                Compression.Quantize(variant, path, Compression.Dense(weights, path + ".weight"), weights.GetValueOrDefault(path + ".bias"));
                quantised.Add(path + ".");
            }
        }

        foreach (var name in variant.state_dict().Keys.Where(n => !quantised.Any(q => n.StartsWith(q, StringComparison.Ordinal))))
        {
            Pruning.Copy(variant, weights, name);
        }

        return variant;
    }

    private static FashionNet Copy(FashionNet dense)
    {
        var copy = new FashionNet();
        copy.LoadStateDictChecked(dense.state_dict());
        return copy;
    }
}
