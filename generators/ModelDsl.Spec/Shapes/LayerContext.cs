using System.Globalization;

namespace ModelDsl.Spec;

// What a shape rule sees: the layer's path, its resolved arguments (which the rule may update with the
// effective value, e.g. groups of a depthwise conv) and its input. Also the one place that builds errors.
internal sealed class LayerContext
{
    private readonly List<ResolvedArg> args;

    public LayerContext(string path, LayerKind kind, List<ResolvedArg> args, Shape input)
    {
        Path = path;
        Kind = kind;
        this.args = args;
        Input = input;
    }

    public string Path { get; }

    public LayerKind Kind { get; }

    public Shape Input { get; }

    public IReadOnlyList<ResolvedArg> Args => args;

    public int Int(string name)
    {
        var value = Find(name).Value;
        if (value > int.MaxValue || value < int.MinValue)
        {
            throw Fail(ShapeErrorKind.InvalidArgument, name, "a value that fits in 32 bits", value.ToString(CultureInfo.InvariantCulture));
        }

        return (int)value;
    }

    public int Positive(string name)
    {
        var value = Int(name);
        if (value <= 0)
        {
            throw Fail(ShapeErrorKind.InvalidArgument, name, "a positive integer", value.ToString(CultureInfo.InvariantCulture));
        }

        return value;
    }

    public int NonNegative(string name)
    {
        var value = Int(name);
        if (value < 0)
        {
            throw Fail(ShapeErrorKind.InvalidArgument, name, "a non-negative integer", value.ToString(CultureInfo.InvariantCulture));
        }

        return value;
    }

    public bool Bool(string name) => Find(name).Value != 0;

    public string Text(string name) => Find(name).Text ?? string.Empty;

    public void Set(string name, long value)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i].Name == name)
            {
                args[i] = args[i] with { Value = value };
                return;
            }
        }

        args.Add(new ResolvedArg(name, value));
    }

    public void RequireRank(params int[] ranks)
    {
        if (Array.IndexOf(ranks, Input.Rank) < 0)
        {
            var expected = string.Join(" or ", ranks.Select(r => Describe(r)));
            throw Fail(ShapeErrorKind.ShapeMismatch, null, expected, "rank " + Input.Rank.ToString(CultureInfo.InvariantCulture) + " " + Input);
        }
    }

    public string Name(string tensor) => Path + "." + tensor;

    // The submodule name of a composite layer's part (InnerNames): declared, else the reference module's.
    public string? Part(string argument) =>
        InnerNames.Resolve(Kind, Kind == LayerKind.MultiheadAttention ? Text("layout") : string.Empty, argument, Text(argument));

    public ShapeException Fail(ShapeErrorKind kind, string? argument, string expected, string actual) =>
        new(new ShapeError(kind, Path, argument, expected, actual));

    private string Describe(int rank) => rank switch
    {
        1 => "a vector [F]",
        2 => Kind is LayerKind.Conv1d or LayerKind.BatchNorm1d ? "a signal [C, L]" : "a sequence [T, D]",
        3 => "an image [C, H, W]",
        _ => "rank " + rank.ToString(CultureInfo.InvariantCulture),
    };

    private ResolvedArg Find(string name)
    {
        foreach (var arg in args)
        {
            if (arg.Name == name)
            {
                return arg;
            }
        }

        // Only reachable through a bug in a rule: every argument a rule reads is in LayerArguments.
        throw new InvalidOperationException(Path + ": no argument '" + name + "'");
    }
}
