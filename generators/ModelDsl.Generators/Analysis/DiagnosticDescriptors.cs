using Microsoft.CodeAnalysis;

namespace ModelDsl.Analyzers;

/// <summary>
/// Every diagnostic ModelDsl reports, in one place. Ids are fixed-width and grouped by family: 0xxx declaration,
/// 1xxx shape, 2xxx budget, 3xxx compression. Each links to its row in the README's diagnostics table,
/// whose anchors are the lower-case ids.
/// </summary>
public static class DiagnosticDescriptors
{
    /// <summary>Categories, one per family.</summary>
    public static class Categories
    {
        /// <summary>0xxx.</summary>
        public const string Declaration = "ModelDsl.Declaration";

        /// <summary>1xxx.</summary>
        public const string Shape = "ModelDsl.Shape";

        /// <summary>2xxx.</summary>
        public const string Budget = "ModelDsl.Budget";

        /// <summary>3xxx.</summary>
        public const string Compression = "ModelDsl.Compression";
    }

    /// <summary>MDSL0001: a [Model] or [Block] class is not partial.</summary>
    public static readonly DiagnosticDescriptor ClassNotPartial = new(
        "MDSL0001",
        "Model class must be partial",
        "'{0}' must be declared partial (and not nested, generic or static) so that ModelDsl can generate its implementation",
        Categories.Declaration,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl0001");

    /// <summary>MDSL0002: a layer member is not a <c>partial Layer Name { get; }</c> instance property.</summary>
    public static readonly DiagnosticDescriptor LayerMemberForm = new(
        "MDSL0002",
        "Layer member of the wrong form",
        "Layer member '{0}' {1}",
        Categories.Declaration,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl0002");

    /// <summary>MDSL0003: a [Block]/[Stage] use names a class that is not a block.</summary>
    public static readonly DiagnosticDescriptor UnknownBlock = new(
        "MDSL0003",
        "Unknown block type",
        "'{0}' is not a block: mark it [Block(...)] and make it partial",
        Categories.Declaration,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl0003");

    /// <summary>MDSL0004: a model declares no (or a contradictory) input.</summary>
    public static readonly DiagnosticDescriptor MissingInput = new(
        "MDSL0004",
        "Missing input shape",
        "Model '{0}' {1}",
        Categories.Declaration,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl0004");

    /// <summary>MDSL0005: an attribute argument is malformed or of the wrong type.</summary>
    public static readonly DiagnosticDescriptor MalformedArgument = new(
        "MDSL0005",
        "Malformed argument",
        "Argument '{0}' of [{1}] is malformed: {2}",
        Categories.Declaration,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl0005");

    /// <summary>MDSL0006: an expression argument uses a name that is not in scope.</summary>
    public static readonly DiagnosticDescriptor UnknownName = new(
        "MDSL0006",
        "Unknown name in an expression argument",
        "'{0}' in \"{1}\" is not a parameter of {2}",
        Categories.Declaration,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl0006");

    /// <summary>MDSL0007: a model or block has no layer members.</summary>
    public static readonly DiagnosticDescriptor NoLayers = new(
        "MDSL0007",
        "No layers",
        "'{0}' declares no layer members",
        Categories.Declaration,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl0007");

    /// <summary>MDSL0008: a block uses itself, directly or through other blocks.</summary>
    public static readonly DiagnosticDescriptor RecursiveBlock = new(
        "MDSL0008",
        "Block uses itself",
        "Block '{0}' uses itself through {1}: a block cannot contain itself",
        Categories.Declaration,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl0008");

    /// <summary>MDSL0009: a [Custom] layer's class cannot be used as a layer (not a module of tensors, abstract, or no constructor for its arguments).</summary>
    public static readonly DiagnosticDescriptor CustomLayerType = new(
        "MDSL0009",
        "Custom layer class not usable",
        "'{0}' cannot be a custom layer: {1}",
        Categories.Declaration,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl0009");

    /// <summary>MDSL0010: a composite layer's part (<c>QkvName = ""</c>) is given an empty name.</summary>
    public static readonly DiagnosticDescriptor EmptyPartName = new(
        "MDSL0010",
        "Empty name for a part of a layer",
        "{0} of {1} is empty: give the part a state-dict name, or leave {0} out for '{2}'",
        Categories.Declaration,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl0010");

    /// <summary>MDSL0011: a part's name is not one state-dict segment (a '.', a space …).</summary>
    public static readonly DiagnosticDescriptor PartNameNotSegment = new(
        "MDSL0011",
        "Name of a part of a layer is not one state-dict name",
        "{0} = \"{1}\" on {2} is not one state-dict name: use letters, digits and '_' only{3}",
        Categories.Declaration,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl0011");

    /// <summary>MDSL0012: two parts of one layer are given the same name.</summary>
    public static readonly DiagnosticDescriptor DuplicatePartName = new(
        "MDSL0012",
        "Two parts of a layer share a name",
        "{0} and {1} of {2} both name a part '{3}': the layer cannot register two modules under one name",
        Categories.Declaration,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl0012");

    /// <summary>MDSL0013: a part's name is one the layer registers already (another part's default, a bare parameter, a buffer).</summary>
    public static readonly DiagnosticDescriptor PartNameCollides = new(
        "MDSL0013",
        "Name of a part of a layer collides with a sibling",
        "{0} = \"{1}\" on {2} collides with {3}: choose a name the layer does not register already",
        Categories.Declaration,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl0013");

    /// <summary>
    /// MDSL0014: an attribute of a class the generator could not build does not compile. Reported by the generator, not
    /// the analyzers: a build with a declaration error stops before analyzers run, so this is the one line from ModelDsl
    /// the user sees then.
    /// </summary>
    public static readonly DiagnosticDescriptor AttributeDoesNotCompile = new(
        "MDSL0014",
        "Attribute of a model or block does not compile",
        "[{0}] on '{1}' does not compile, so ModelDsl cannot generate {2} '{3}'; fix the compiler's error on it first (the build runs ModelDsl's checks only once the declarations compile)",
        Categories.Declaration,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl0014");

    /// <summary>
    /// MDSL0015: a named argument a ModelDsl attribute does not have (a misspelt <c>Kernal = 3</c>). The compiler says only
    /// "the type or namespace name 'Kernal' could not be found" (CS0246), and that error stops the build before any
    /// analyzer runs, so the generator reports this one, with the closest argument the attribute has and the list of them.
    /// </summary>
    public static readonly DiagnosticDescriptor UnknownArgument = new(
        "MDSL0015",
        "Unknown argument of a ModelDsl attribute",
        "[{0}] has no argument '{1}'{2}; its named arguments are {3}",
        Categories.Declaration,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl0015");

    /// <summary>MDSL1001: the first layer whose input does not fit.</summary>
    public static readonly DiagnosticDescriptor ShapeMismatch = new(
        "MDSL1001",
        "Layer input does not fit",
        "Layer '{0}' does not fit its input: expected {1}, got {2}",
        Categories.Shape,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl1001");

    /// <summary>MDSL1002: the two sides of a residual connection disagree.</summary>
    public static readonly DiagnosticDescriptor ResidualMismatch = new(
        "MDSL1002",
        "Residual branches disagree",
        "Residual at '{0}': branches disagree: expected {1}, got {2}",
        Categories.Shape,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl1002");

    /// <summary>MDSL1003: a kernel or window is larger than the padded input.</summary>
    public static readonly DiagnosticDescriptor KernelTooLarge = new(
        "MDSL1003",
        "Kernel larger than the padded input",
        "Layer '{0}': kernel larger than its padded input: expected {1}, got {2}",
        Categories.Shape,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl1003");

    /// <summary>MDSL1004: a layer argument has an invalid value (non-positive size, indivisible groups or heads …).</summary>
    public static readonly DiagnosticDescriptor InvalidLayerArgument = new(
        "MDSL1004",
        "Invalid layer argument",
        "Layer '{0}'{1}: expected {2}, got {3}",
        Categories.Shape,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl1004");

    /// <summary>MDSL1005: the model input is malformed (non-positive or wrong-rank shape).</summary>
    public static readonly DiagnosticDescriptor InvalidInput = new(
        "MDSL1005",
        "Invalid model input",
        "Input of model '{0}': expected {1}, got {2}",
        Categories.Shape,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl1005");

    /// <summary>MDSL2001: over the FLOP budget.</summary>
    public static readonly DiagnosticDescriptor OverFlopBudget = new(
        "MDSL2001",
        "Model over its FLOP budget",
        "Model '{0}' needs {1} MFLOPs, over its budget of {2} MFLOPs by {3}%; most expensive layers: {4}; {5}",
        Categories.Budget,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl2001");

    /// <summary>MDSL2002: over the MAC budget.</summary>
    public static readonly DiagnosticDescriptor OverMacBudget = new(
        "MDSL2002",
        "Model over its MAC budget",
        "Model '{0}' needs {1} MMACs, over its budget of {2} MMACs by {3}%; most expensive layers: {4}; {5}",
        Categories.Budget,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl2002");

    /// <summary>MDSL2003: over the parameter budget.</summary>
    public static readonly DiagnosticDescriptor OverParameterBudget = new(
        "MDSL2003",
        "Model over its parameter budget",
        "Model '{0}' has {1} parameters, over its budget of {2} by {3}%; largest layers: {4}; {5}",
        Categories.Budget,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl2003");

    /// <summary>MDSL2004: over the weight-byte budget.</summary>
    public static readonly DiagnosticDescriptor OverWeightBudget = new(
        "MDSL2004",
        "Model over its weight-byte budget",
        "Model '{0}' stores {1} weight bytes, over its budget of {2} by {3}%; largest layers: {4}; {5}",
        Categories.Budget,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl2004");

    /// <summary>MDSL2005: the cost of every model, for the IDE and the build log.</summary>
    public static readonly DiagnosticDescriptor ModelCost = new(
        "MDSL2005",
        "Model cost",
        "Model '{0}': {1} MFLOPs, {2} MMACs, {3} parameters, {4} weight bytes per sample",
        Categories.Budget,
        DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl2005");

    /// <summary>MDSL2006: a cost or size beyond 64 bits, which would otherwise wrap into a wrong (even negative) constant.</summary>
    public static readonly DiagnosticDescriptor CostOverflow = new(
        "MDSL2006",
        "Cost beyond 64 bits",
        "Model '{0}' cannot be costed: a figure of {1} (MACs, FLOPs, parameters or bytes) exceeds 9,223,372,036,854,775,807",
        Categories.Budget,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl2006");

    /// <summary>MDSL2007: a model whose generated tables would exceed the compiler's limit on string constants.</summary>
    public static readonly DiagnosticDescriptor TooLargeToGenerate = new(
        "MDSL2007",
        "Model too large to generate",
        "Model '{0}' would need {1} characters of generated layer names and tables, over the {2} the compiler accepts for one model's string constants; split it into smaller models",
        Categories.Budget,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl2007");

    /// <summary>MDSL1006: a layer with options the runtime has no module for.</summary>
    public static readonly DiagnosticDescriptor UnsupportedLayer = new(
        "MDSL1006",
        "Layer the runtime cannot build",
        "Layer '{0}' ({1}) has no runtime module with these options: {2}",
        Categories.Shape,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl1006");

    /// <summary>MDSL1007: a Linear on a channel-first feature map, which maps its last axis (the forgotten <c>[Flatten]</c>).</summary>
    public static readonly DiagnosticDescriptor LinearOnFeatureMap = new(
        "MDSL1007",
        "Linear on a channel-first feature map",
        "Layer '{0}' (Linear) maps the last axis ({1}, {2}) of the channel-first {3} {4} from {5}; add [Flatten] before it to classify the whole {3}, or [{6}] before it if a Linear over the channels at each position is meant",
        Categories.Shape,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl1007");

    /// <summary>MDSL2008: a variant over its own budget.</summary>
    public static readonly DiagnosticDescriptor VariantOverBudget = new(
        "MDSL2008",
        "Variant over its own budget",
        "Variant '{0}' ({1}) {2} by {3}%",
        Categories.Budget,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl2008");

    /// <summary>
    /// MDSL2009: the model is over a budget that a declared variant meets. A warning, so `dotnet build` shows which
    /// class ships within the budget and at what cost; its own id, so a build that makes MDSL2001–2004 errors still
    /// passes once a variant meets the budget.
    /// </summary>
    public static readonly DiagnosticDescriptor OverBudgetMetByVariant = new(
        "MDSL2009",
        "Model over its budget, met by a variant",
        "Model '{0}' needs {1}, over its budget of {2} by {3}%; within the budget: {4}",
        Categories.Budget,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl2009");

    /// <summary>MDSL3001: an N:M pattern that is not one.</summary>
    public static readonly DiagnosticDescriptor InvalidSparsity = new(
        "MDSL3001",
        "Invalid N:M sparsity",
        "Sparsity \"{0}\" of variant '{1}' is not a valid N:M pattern: {2}",
        Categories.Compression,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl3001");

    /// <summary>MDSL3002: M does not divide a layer's reduction dimension.</summary>
    public static readonly DiagnosticDescriptor SparsityNotDividing = new(
        "MDSL3002",
        "N:M group size does not divide the reduction dimension",
        "Sparsity \"{0}\" of variant '{1}': M = {2} does not divide the reduction dimension {3} of layer '{4}'",
        Categories.Compression,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl3002");

    /// <summary>MDSL3003: a keep ratio outside (0, 1].</summary>
    public static readonly DiagnosticDescriptor KeepRatioOutOfRange = new(
        "MDSL3003",
        "Keep ratio outside (0, 1]",
        "KeepChannels = {0} of variant '{1}' is outside (0, 1]",
        Categories.Compression,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl3003");

    /// <summary>MDSL3004: a precision no variant supports.</summary>
    public static readonly DiagnosticDescriptor UnsupportedPrecision = new(
        "MDSL3004",
        "Unsupported precision",
        "Weights = {0} of variant '{1}' is not a supported precision (Float32, Int8, Int4)",
        Categories.Compression,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl3004");

    /// <summary>MDSL3005: a low-rank rank at which the factored layer costs more than the dense one.</summary>
    public static readonly DiagnosticDescriptor RankTooLarge = new(
        "MDSL3005",
        "Low-rank factorisation costs more than the dense layer",
        "Rank {0} of variant '{1}' makes layer '{2}' cost {3} MACs factored against {4} dense",
        Categories.Compression,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl3005");

    /// <summary>MDSL3006: a variant that changes nothing.</summary>
    public static readonly DiagnosticDescriptor VariantChangesNothing = new(
        "MDSL3006",
        "Variant changes nothing",
        "Variant '{0}' changes nothing: set KeepChannels below 1, KeepHeads or KeepHidden below 1, Sparsity, Prune, Weights = Int8/Int4 or Rank",
        Categories.Compression,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl3006");

    /// <summary>MDSL3007: structured pruning that would leave a layer with no channels.</summary>
    public static readonly DiagnosticDescriptor PruningEmptiesLayer = new(
        "MDSL3007",
        "Pruning would empty a layer",
        "KeepChannels = {0} of variant '{1}' leaves layer '{2}' with no channels (width {3})",
        Categories.Compression,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl3007");

    /// <summary>MDSL3008: a structured-pruning variant whose FromDense cannot cut the dense weights.</summary>
    public static readonly DiagnosticDescriptor VariantNotBuildableFromDense = new(
        "MDSL3008",
        "Variant cannot be built from the dense model",
        "Variant '{0}' is generated, but its FromDense cannot cut the dense weights: {1}",
        Categories.Compression,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl3008");

    /// <summary>MDSL3009: a variant the analyzers check but the generator does not (yet) make a class of.</summary>
    public static readonly DiagnosticDescriptor VariantNotGenerated = new(
        "MDSL3009",
        "Variant is not generated",
        "Variant '{0}' is checked, but no class is generated for it: {1}",
        Categories.Compression,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl3009");

    /// <summary>MDSL3010: a FitBudget variant has no budget to fit, meets it already, or no widths meet it.</summary>
    public static readonly DiagnosticDescriptor NothingToFit = new(
        "MDSL3010",
        "FitBudget variant has nothing to fit",
        "Variant '{0}' has FitBudget, but {1}; no class is generated for it",
        Categories.Compression,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl3010");

    /// <summary>MDSL3011: an unstructured pruning fraction outside (0, 1).</summary>
    public static readonly DiagnosticDescriptor PruneOutOfRange = new(
        "MDSL3011",
        "Prune fraction outside (0, 1)",
        "Prune = {0} of variant '{1}' is outside (0, 1): it is the fraction of each layer's weights set to zero",
        Categories.Compression,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl3011");

    /// <summary>MDSL3012: a minimum kept fraction outside [0, 1).</summary>
    public static readonly DiagnosticDescriptor MinKeepOutOfRange = new(
        "MDSL3012",
        "MinKeep outside [0, 1)",
        "MinKeep = {0} of variant '{1}' is outside [0, 1): it is the fraction of every layer's weights a global ranking keeps at least",
        Categories.Compression,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl3012");

    /// <summary>MDSL3013: GlobalRanking or MinKeep where they do nothing.</summary>
    public static readonly DiagnosticDescriptor PruneOptionIgnored = new(
        "MDSL3013",
        "Pruning option has no effect",
        "{0} of variant '{1}' has no effect: {2}",
        Categories.Compression,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl3013");

    /// <summary>MDSL3014: a global ranking whose minimum kept per layer leaves too few weights to reach the pruned fraction.</summary>
    public static readonly DiagnosticDescriptor MinKeepBlocksPrune = new(
        "MDSL3014",
        "MinKeep leaves too few weights to prune",
        "Variant '{0}' must prune {1} weights (Prune = {2}), but keeping MinKeep = {3} of every layer allows at most {4}",
        Categories.Compression,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl3014");

    /// <summary>MDSL3015: a KeepHeads or KeepHidden fraction outside (0, 1].</summary>
    public static readonly DiagnosticDescriptor KeepFractionOutOfRange = new(
        "MDSL3015",
        "Head or MLP keep fraction outside (0, 1]",
        "{0} = {1} of variant '{2}' is outside (0, 1]",
        Categories.Compression,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl3015");

    /// <summary>MDSL3016: KeepHeads or KeepHidden on a model with nothing it prunes.</summary>
    public static readonly DiagnosticDescriptor NothingToPrune = new(
        "MDSL3016",
        "Head or MLP pruning finds nothing to prune",
        "{0} = {1} of variant '{2}' prunes nothing: {3}",
        Categories.Compression,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl3016");

    /// <summary>MDSL3019: per-layer keep ratios that are malformed or name no prunable layer.</summary>
    public static readonly DiagnosticDescriptor InvalidLayerWidths = new(
        "MDSL3019",
        "Invalid per-layer keep ratios",
        "KeepLayers of variant '{0}': {1}",
        Categories.Compression,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl3019");

    /// <summary>MDSL3020: per-layer widths that do not make the dense network with narrower layers.</summary>
    public static readonly DiagnosticDescriptor LayerWidthsChangeTheNetwork = new(
        "MDSL3020",
        "Per-layer widths change the network",
        "The widths of variant '{0}' ({1}) do not prune the dense network: {2}; no class is generated for it",
        Categories.Compression,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/modeldsl/modeldsl/blob/main/README.md#mdsl3020");

    /// <summary>Every descriptor, for <c>SupportedDiagnostics</c>.</summary>
    public static IEnumerable<DiagnosticDescriptor> All => new[]
    {
        ClassNotPartial, LayerMemberForm, UnknownBlock, MissingInput, MalformedArgument, UnknownName, NoLayers, RecursiveBlock, CustomLayerType,
        EmptyPartName, PartNameNotSegment, DuplicatePartName, PartNameCollides, AttributeDoesNotCompile, UnknownArgument,
        ShapeMismatch, ResidualMismatch, KernelTooLarge, InvalidLayerArgument, InvalidInput, UnsupportedLayer, LinearOnFeatureMap,
        OverFlopBudget, OverMacBudget, OverParameterBudget, OverWeightBudget, ModelCost, CostOverflow, TooLargeToGenerate,
        InvalidSparsity, SparsityNotDividing, KeepRatioOutOfRange, UnsupportedPrecision, RankTooLarge, VariantChangesNothing, PruningEmptiesLayer, VariantNotBuildableFromDense,
        VariantNotGenerated, NothingToFit, VariantOverBudget, OverBudgetMetByVariant, InvalidLayerWidths, LayerWidthsChangeTheNetwork,
        PruneOutOfRange, MinKeepOutOfRange, PruneOptionIgnored, MinKeepBlocksPrune, KeepFractionOutOfRange, NothingToPrune,
    };

    /// <summary>The descriptor of <paramref name="id"/>, for diagnostics the parser found.</summary>
    /// <param name="id">A diagnostic id such as <c>MDSL0005</c>.</param>
    public static DiagnosticDescriptor ById(string id) => All.First(d => d.Id == id);

    /// <summary>The row of <paramref name="id"/> in the diagnostics table.</summary>
    /// <param name="id">A diagnostic id such as <c>MDSL2001</c>.</param>
    public static string HelpLink(string id) => "https://github.com/modeldsl/modeldsl/blob/main/README.md#" + id.ToLowerInvariant();
}
