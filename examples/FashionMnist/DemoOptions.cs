namespace FashionMnist;

/// <summary>What the command line asks for.</summary>
/// <param name="Dataset">The folder of Fashion-MNIST's IDX files.</param>
/// <param name="Epochs">Epochs of dense training.</param>
/// <param name="FineTuneEpochs">Epochs of fine-tuning for each variant.</param>
/// <param name="Seed">Seeds the initial weights and every shuffle.</param>
/// <param name="Variants">The catalog rows to build, in catalog order.</param>
/// <param name="Output">Where the charts and the dense weights are written.</param>
/// <param name="TrainSamples">Training images per epoch (all 60,000 by default; fewer for a quick look).</param>
internal sealed record DemoOptions(string Dataset, int Epochs, int FineTuneEpochs, int Seed, IReadOnlyList<VariantDefinition> Variants, string Output, long TrainSamples);
