namespace ModelDsl;

/// <summary>
/// Declares a compressed variant of a model, generated as its own class named model + <paramref name="name"/>
/// (<c>[Variant("Slim", KeepChannels = 0.5)]</c> on <c>CifarNet</c> gives <c>CifarNetSlim</c>).
/// </summary>
/// <param name="name">The suffix of the variant's class name.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class VariantAttribute(string name) : Attribute
{
    /// <summary>The suffix of the variant's class name.</summary>
    public string Name { get; } = name;

    /// <summary>Structured pruning: the fraction of channels kept, in (0, 1].</summary>
    public double KeepChannels { get; set; }

    /// <summary>
    /// Structured pruning, per layer: keep ratios for named layers (their state-dict names, as in the model's
    /// <c>Summary()</c>), e.g. <c>"layer3 = 0.5, layer4 = 0.25"</c>; the other layers keep <see cref="KeepChannels"/> (1 when
    /// it is not set). A stage's ratio applies to the widths its arguments give every block in it.
    /// </summary>
    public string? KeepLayers { get; set; }

    /// <summary>
    /// Structured pruning: round every pruned width to a multiple of this (at least one multiple, never above the dense
    /// width), e.g. 8 for vector-friendly channel counts; 0 or 1 rounds to the nearest channel.
    /// </summary>
    public int RoundTo { get; set; }

    /// <summary>
    /// N:M sparsity, e.g. <c>"2:4"</c>: in every group of M consecutive weights along each eligible layer's reduction
    /// dimension the N of largest |w| are kept; stored compressed (values + packed in-group indices).
    /// </summary>
    public string? Sparsity { get; set; }

    /// <summary>
    /// Unstructured magnitude pruning: the fraction of each Linear's and convolution's weights set to zero, in (0, 1)
    /// (torch.nn.utils.prune's <c>amount</c>); the smallest |w| go first. Layer by layer unless <see cref="GlobalRanking"/>.
    /// </summary>
    public double Prune { get; set; }

    /// <summary>With <see cref="Prune"/>: rank the weights of all pruned layers together (Torch-Pruning's <c>global_pruning</c>), so layers lose different fractions.</summary>
    public bool GlobalRanking { get; set; }

    /// <summary>With <see cref="Prune"/> and <see cref="GlobalRanking"/>: the fraction of every layer's weights kept at least, in [0, 1) (default 0.02).</summary>
    public double MinKeep { get; set; }

    /// <summary>Weight storage precision.</summary>
    public Precision Weights { get; set; }

    /// <summary>Low-rank factorisation rank.</summary>
    public int Rank { get; set; }

    /// <summary>
    /// Structured pruning fitted to the variant's own budget (<see cref="MaxMFlops"/> and the other limits on this attribute) or, when it
    /// declares none, the model's budget (<c>[FlopBudget]</c>, <c>[ParameterBudget]</c>): per-layer widths
    /// chosen at compile time — the largest uniform keep ratio that fits, then a channel back to the width that kept the
    /// smallest share wherever it still fits — so the variant is never over the budget and within one channel of it.
    /// </summary>
    public bool FitBudget { get; set; }

    /// <summary>
    /// The variant's own FLOP budget, in millions (as <see cref="FlopBudgetAttribute.MaxMFlops"/>): the analyzers check the
    /// variant's exact cost against it (MDSL2008), and a <see cref="FitBudget"/> variant fits its own budget instead of the model's.
    /// </summary>
    public double MaxMFlops { get; set; }

    /// <summary>The variant's own MAC budget, in millions (as <see cref="FlopBudgetAttribute.MaxMMacs"/>; see <see cref="MaxMFlops"/>).</summary>
    public double MaxMMacs { get; set; }

    /// <summary>The variant's own parameter budget (as <see cref="ParameterBudgetAttribute.MaxParams"/>; see <see cref="MaxMFlops"/>).</summary>
    public long MaxParams { get; set; }

    /// <summary>
    /// The variant's own weight-byte budget, in its storage format (as <see cref="ParameterBudgetAttribute.MaxWeightBytes"/>;
    /// see <see cref="MaxMFlops"/>).
    /// </summary>
    public long MaxWeightBytes { get; set; }
}
