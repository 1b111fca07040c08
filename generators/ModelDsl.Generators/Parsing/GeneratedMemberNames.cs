namespace ModelDsl.Generators;

// The members the generator writes on a model class beside its layer properties (ModelEmitter's cost constants, shapes,
// table and summary; OnnxEmitter's export; PrunableEmitter's load-time budget fit). A layer property of one of these
// names would be a second member of that name in the generated file (CS0102), a compiler error there, after which the
// build runs no analyzer: the parser rejects the name instead, so the class gets a completion and MDSL0002 says why.
internal static class GeneratedMemberNames
{
    public static readonly IReadOnlyList<string> OnModels =
    [
        "TotalMacs", "TotalFlops", "ElementwiseFlops", "TotalParameters", "WeightBytes", "ActivationBytes",
        "InputShape", "OutputShape", "CostTable", "Summary", "SummaryText", "ExportOnnx", "PrunableStructure", "PlanBudget",
    ];
}
