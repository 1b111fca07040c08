using System.Globalization;
using ModelDsl.Spec;
using static ModelDsl.Generators.Literals;

namespace ModelDsl.Generators;

// A dense model's load-time budget fit: its PrunableStructure (the narrowable widths, their dependency groups, how each
// tensor is cut, and the exact cost as a quadratic of the widths, all from the Spec library that costs its variants) and
// PlanBudget, which ranks the trained weights with ModelDsl.BudgetFit.
internal static class PrunableEmitter
{
    public static void Write(SourceWriter writer, PrunableStructure? structure, BudgetSpec? budget)
    {
        if (structure is null)
        {
            return;
        }

        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// The widths a load-time budget fit may narrow (each the layers a <c>KeepLayers</c> ratio names), the dependency groups they");
        writer.Line("/// set, how each tensor is cut, the channel counts that must stay apart (a stride-1 projection's two sides), and the exact");
        writer.Line("/// MACs, FLOPs and parameters as functions of the widths (compile time).");
        writer.Line("/// </summary>");
        writer.Line("public static global::ModelDsl.PrunableStructure PrunableStructure { get; } = new(");
        writer.Indent();
        writer.Line("[");
        writer.Indent();
        foreach (var unit in structure.Units)
        {
            writer.Line("new(" + Strings(unit.Layers) + ", " + N(unit.Width) + ", [" + string.Join(", ", unit.Groups.Select(g => N(g))) + "], [" + string.Join(", ", unit.Multiples.Select(m => N(m))) + "]),");
        }

        writer.Outdent();
        writer.Line("],");
        writer.Line("[");
        writer.Indent();
        foreach (var group in structure.Groups)
        {
            writer.Line("new(" + N(group.DenseSize) + ", " + N(group.DenseSize) + ", " + Strings(group.Producers) + ", " + Strings(group.Norms) + "),");
        }

        writer.Outdent();
        writer.Line("],");
        writer.Line("[");
        writer.Indent();
        foreach (var tensor in structure.Tensors)
        {
            foreach (var slice in tensor.Slices)
            {
                var extra = slice.Repeat == 1 && slice.Blocks == 1 ? string.Empty : ", " + N(slice.Repeat) + (slice.Blocks == 1 ? string.Empty : ", " + N(slice.Blocks));
                writer.Line("new(" + Quote(tensor.Name) + ", " + N(slice.Dim) + ", " + N(slice.Group) + extra + "),");
            }
        }

        writer.Outdent();
        writer.Line("],");
        writer.Line("[");
        writer.Indent();
        foreach (var guard in structure.Guards)
        {
            writer.Line("new(" + Quote(guard.Path) + ", " + N(guard.Input) + ", " + Longs(guard.InputLoss) + ", " + N(guard.Output) + ", " + Longs(guard.OutputLoss) + "),");
        }

        writer.Outdent();
        writer.Line("],");
        writer.Line(Cost(structure.Macs) + ",");
        writer.Line(Cost(structure.Flops) + ",");
        writer.Line(Cost(structure.Parameters) + ");");
        writer.Outdent();

        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// Plans the channels this trained model keeps under a budget: a global ranking across its dependency groups removes the");
        writer.Line("/// least important, each step costed exactly, until every limit is met (<see cref=\"global::ModelDsl.BudgetFit.Plan\"/>).");
        writer.Line("/// The plan's <c>KeepLayers</c> declares the generated variant with its widths; <c>Apply</c> zeroes the removed channels of a copy.");

        // The declared budget is what a user plans for first: with no limit given, it is the limit (weight bytes are not a
        // plan limit: narrowing widths is not how a byte budget is usually met, and int8/int4 variants are).
        var declared = budget is { } b && (b.MaxMFlops is not null || b.MaxMMacs is not null || b.MaxParams is not null) ? b : null;
        if (declared is not null)
        {
            writer.Line("/// With no limit given, the model's declared budget is the limit (" + Describe(declared) + ").");
        }

        writer.Line("/// </summary>");
        writer.Line("public global::ModelDsl.BudgetPlan PlanBudget(");
        writer.Indent();
        writer.Line("double? maxMFlops = null,");
        writer.Line("double? maxMMacs = null,");
        writer.Line("long? maxParams = null,");
        writer.Line("global::ModelDsl.PruningCriterion criterion = global::ModelDsl.PruningCriterion.L1,");
        writer.Line("double minKeep = 0,");
        writer.Line("int roundTo = 1) =>");
        if (declared is null)
        {
            writer.Line("global::ModelDsl.BudgetFit.Plan(this, PrunableStructure, maxMFlops, maxMMacs, maxParams, criterion, minKeep, roundTo);");
        }
        else
        {
            writer.Line("maxMFlops is null && maxMMacs is null && maxParams is null");
            writer.Indent();
            writer.Line("? global::ModelDsl.BudgetFit.Plan(this, PrunableStructure, " + Real(declared.MaxMFlops) + ", " + Real(declared.MaxMMacs) + ", " +
                (declared.MaxParams is { } p ? N(p) : "null") + ", criterion, minKeep, roundTo)");
            writer.Line(": global::ModelDsl.BudgetFit.Plan(this, PrunableStructure, maxMFlops, maxMMacs, maxParams, criterion, minKeep, roundTo);");
            writer.Outdent();
        }

        writer.Outdent();
    }

    private static string Describe(BudgetSpec budget) => string.Join(", ", new[]
    {
        budget.MaxMFlops is { } flops ? "MaxMFlops = " + Real(flops) : null,
        budget.MaxMMacs is { } macs ? "MaxMMacs = " + Real(macs) : null,
        budget.MaxParams is { } parameters ? "MaxParams = " + N(parameters) : null,
    }.Where(t => t is not null));

    private static string Real(double? value) => value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "null";

    private static string Cost(WidthCost cost) =>
        "new(" + Numbers.Literal(cost.Constant) + ", [" + string.Join(", ", cost.Linear.Select(Numbers.Literal)) + "], [" + string.Join(", ", cost.Quadratic.Select(Numbers.Literal)) + "])";

    private static string Longs(IEnumerable<long> values) => "[" + string.Join(", ", values.Select(N)) + "]";

    private static string Strings(IEnumerable<string> names) => "[" + string.Join(", ", names.Select(Quote)) + "]";


    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}
