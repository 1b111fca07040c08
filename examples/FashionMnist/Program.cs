// ModelDsl's main demo: FashionNet (FashionNet.cs) is declared with the DSL over its FLOP budget; the generator writes it,
// its variants (one fitted to the budget) and their costs at compile time. The run trains the dense model on Fashion-MNIST, builds
// the variants of VariantCatalog from it, fine-tunes each with distillation while its structure is held, and prints and
// charts what it measured.
using System.CommandLine;
using System.Globalization;
using FashionMnist;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var dataset = new Option<string>("--dataset")
{
    Description = "Folder of Fashion-MNIST's IDX files (Debian's package dataset-fashion-mnist)",
    DefaultValueFactory = _ => FashionMnistData.DefaultDirectory,
};
var epochs = new Option<int>("--epochs")
{
    Description = "Epochs of dense training",
    DefaultValueFactory = _ => 3,
};
var fineTuneEpochs = new Option<int>("--finetune-epochs")
{
    Description = "Epochs of fine-tuning for each variant",
    DefaultValueFactory = _ => 1,
};
var seed = new Option<int>("--seed")
{
    Description = "Seed of the initial weights and of every shuffle",
    DefaultValueFactory = _ => 0,
};
var variants = new Option<string>("--variants")
{
    Description = $"Comma-separated variants to build: {string.Join(", ", VariantCatalog.All.Select(v => v.Key))}, or all",
    DefaultValueFactory = _ => "all",
};
var output = new Option<string>("--output")
{
    Description = "Folder for the charts (PNG and SVG) and the trained dense weights",
    DefaultValueFactory = _ => "fashion-mnist-demo",
};
var trainSamples = new Option<long>("--train-samples")
{
    Description = "Training images per epoch (a quick look with fewer; at most 60,000)",
    DefaultValueFactory = _ => 60_000,
};
foreach (var option in new[] { epochs, fineTuneEpochs })
{
    option.Validators.Add(result =>
    {
        if (result.GetValueOrDefault<int>() < 1)
        {
            result.AddError($"{result.Option.Name} must be at least 1");
        }
    });
}
trainSamples.Validators.Add(result =>
{
    if (result.GetValueOrDefault<long>() < 128)
    {
        result.AddError("--train-samples must be at least 128 (one batch)");
    }
});
variants.Validators.Add(result =>
{
    if (Select(result.GetValueOrDefault<string>()!) is { Unknown: { Count: > 0 } unknown })
    {
        result.AddError($"unknown variant(s) {string.Join(", ", unknown)}; known: {string.Join(", ", VariantCatalog.All.Select(v => v.Key))}, all");
    }
});

var root = new RootCommand("ModelDsl demo: train a DSL-declared CNN on Fashion-MNIST, compress it (budget-fitted, int8, budget-fitted + int8, low-rank, 80 % gradual unstructured pruning, 2:4), fine-tune each with distillation, and print and chart accuracy, cost and latency measured in this run.")
{
    dataset, epochs, fineTuneEpochs, seed, variants, output, trainSamples,
};
root.SetAction(parse => Demo.Run(new DemoOptions(
    parse.GetValue(dataset)!,
    parse.GetValue(epochs),
    parse.GetValue(fineTuneEpochs),
    parse.GetValue(seed),
    Select(parse.GetValue(variants)!).Selected,
    parse.GetValue(output)!,
    parse.GetValue(trainSamples))));
return root.Parse(args).Invoke();

static (List<VariantDefinition> Selected, List<string> Unknown) Select(string list)
{
    var keys = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    if (keys.Contains("all", StringComparer.OrdinalIgnoreCase))
    {
        return ([.. VariantCatalog.All], []);
    }
    var unknown = keys.Where(k => !VariantCatalog.All.Any(v => string.Equals(v.Key, k, StringComparison.OrdinalIgnoreCase))).ToList();
    var selected = VariantCatalog.All.Where(v => keys.Contains(v.Key, StringComparer.OrdinalIgnoreCase)).ToList();
    return (selected, unknown);
}
