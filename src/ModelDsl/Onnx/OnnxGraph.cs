namespace ModelDsl.Onnx;

/// <summary>
/// An ONNX graph as it is built: nodes in topological order, initializers, annotated value shapes, one input and one
/// output with a symbolic batch dimension. <see cref="WriteTo"/> writes it as an ONNX ModelProto (IR version 8, opset 17).
/// A <see cref="Body"/> is a subgraph (a Scan's body) with several inputs and outputs of its own, written into its node's
/// graph attribute. Field numbers are onnx.proto's.
/// </summary>
internal sealed class OnnxGraph
{
    /// <summary>The default-domain opset the graph is written against (LayerNormalization needs 17).</summary>
    public const int Opset = 17;

    /// <summary>The ONNX IR version that goes with opset 17 (ONNX 1.12).</summary>
    public const int IrVersion = 8;

    /// <summary>The symbolic name of the batch dimension.</summary>
    public const string Batch = "batch";

    // TensorProto.DataType
    public const int Float = 1;
    public const int UInt8 = 2;
    public const int Int8 = 3;
    public const int Int32 = 6;
    public const int Int64 = 7;

    private readonly string name;
    private readonly List<ProtoMessage> nodes = [];
    private readonly List<ProtoMessage> initializers = [];
    private readonly List<ProtoMessage> valueInfo = [];
    private readonly HashSet<string> values;
    private readonly HashSet<string> nodeNames = new(StringComparer.Ordinal);
    private readonly List<ProtoMessage> inputs = [];
    private readonly List<ProtoMessage> outputs = [];

    public OnnxGraph(string name)
        : this(name, new HashSet<string>(StringComparer.Ordinal))
    {
    }

    // A body shares its parent's value names, so that no name inside it shadows one outside (ONNX's scoping rule).
    private OnnxGraph(string name, HashSet<string> values) => (this.name, this.values) = (name, values);

    /// <summary>A subgraph (a Scan's body): its value names are unique together with this graph's.</summary>
    public OnnxGraph Body(string bodyName) => new(bodyName, values);

    /// <summary>True when a value (an initializer or a node's output) of this name exists.</summary>
    public bool Has(string value) => values.Contains(value);

    /// <summary>A fresh value name: <paramref name="wanted"/>, or with a numeric suffix where it is taken.</summary>
    public string Fresh(string wanted)
    {
        var candidate = wanted;
        for (var i = 1; values.Contains(candidate); i++)
        {
            candidate = wanted + "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return candidate;
    }

    /// <summary>Declares a graph input (the model's one; a body's next): <c>[batch, ..dims]</c> of <paramref name="elementType"/>, named <paramref name="value"/> (made unique).</summary>
    public string Input(string value, int elementType, IReadOnlyList<int> dims)
    {
        value = Fresh(value);
        values.Add(value);
        inputs.Add(ValueInfo(value, elementType, dims));
        return value;
    }

    /// <summary>Declares <paramref name="value"/> a graph output (the model's one; a body's next), <c>[batch, ..dims]</c> float.</summary>
    public void Output(string value, IReadOnlyList<int> dims) => outputs.Add(ValueInfo(value, Float, dims));

    /// <summary>Annotates an intermediate value with its shape <c>[batch, ..dims]</c> (float).</summary>
    public void Annotate(string value, IReadOnlyList<int> dims) => valueInfo.Add(ValueInfo(value, Float, dims));

    /// <summary>Adds a float initializer (its data is written from this array, not copied).</summary>
    public string Initializer(string value, float[] data, IReadOnlyList<long> dims) => AddInitializer(value, Float, dims, tensor => tensor.Raw(9, data));

    /// <summary>Adds a uint8 initializer (a QuantizeLinear zero point).</summary>
    public string Initializer(string value, byte[] data, IReadOnlyList<long> dims) => AddInitializer(value, UInt8, dims, tensor => tensor.Raw(9, data));

    /// <summary>Adds an int8 initializer (a quantised weight or its zero points).</summary>
    public string Initializer(string value, sbyte[] data, IReadOnlyList<long> dims) => AddInitializer(value, Int8, dims, tensor => tensor.Raw(9, data));

    /// <summary>Adds an int32 initializer (a quantised bias or its zero points).</summary>
    public string Initializer(string value, int[] data, IReadOnlyList<long> dims) => AddInitializer(value, Int32, dims, tensor => tensor.Raw(9, data));

    /// <summary>Adds an int64 initializer.</summary>
    public string Initializer(string value, long[] data, IReadOnlyList<long> dims) => AddInitializer(value, Int64, dims, tensor => tensor.Raw(9, data));

    /// <summary>Adds a node; its output value is named <paramref name="outputValue"/> (made unique).</summary>
    /// <returns>The output value's name.</returns>
    public string Node(string opType, string nodeName, string outputValue, IReadOnlyList<string> inputs, params Attribute[] attributes) =>
        Node(opType, nodeName, [outputValue], inputs, attributes)[0];

    /// <summary>Adds a node with several outputs (Split); each output value is made unique.</summary>
    /// <returns>The output values' names.</returns>
    public string[] Node(string opType, string nodeName, IReadOnlyList<string> outputValues, IReadOnlyList<string> inputs, params Attribute[] attributes)
    {
        var results = new string[outputValues.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = Fresh(outputValues[i]);
            values.Add(results[i]);
        }

        var unique = nodeName;
        for (var i = 1; !nodeNames.Add(unique); i++)
        {
            unique = nodeName + "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var node = new ProtoMessage();
        foreach (var value in inputs)
        {
            node.String(1, value);
        }

        foreach (var result in results)
        {
            node.String(2, result);
        }

        node.String(3, unique).String(4, opType);
        foreach (var attribute in attributes)
        {
            node.Message(5, attribute.Proto);
        }

        nodes.Add(node);
        return results;
    }

    /// <summary>Writes the model to <paramref name="stream"/>.</summary>
    public void WriteTo(Stream stream, string producerVersion, string docString)
    {
        var model = new ProtoMessage()
            .Int(1, IrVersion)
            .String(2, "ModelDsl")
            .String(3, producerVersion)
            .String(6, docString)
            .Message(7, Proto())
            .Message(8, new ProtoMessage().String(1, string.Empty).Int(2, Opset));
        model.WriteTo(stream);
    }

    // The GraphProto: nodes, name, initializers, inputs, outputs, value shapes.
    private ProtoMessage Proto()
    {
        if (inputs.Count == 0 || outputs.Count == 0)
        {
            throw new InvalidOperationException("ONNX graph '" + name + "' has no input or output declared");
        }

        var graph = new ProtoMessage();
        foreach (var node in nodes)
        {
            graph.Message(1, node);
        }

        graph.String(2, name);
        foreach (var initializer in initializers)
        {
            graph.Message(5, initializer);
        }

        foreach (var info in inputs)
        {
            graph.Message(11, info);
        }

        foreach (var info in outputs)
        {
            graph.Message(12, info);
        }

        foreach (var info in valueInfo)
        {
            graph.Message(13, info);
        }

        return graph;
    }

    private string AddInitializer(string value, int elementType, IReadOnlyList<long> dims, Action<ProtoMessage> data)
    {
        if (!values.Add(value))
        {
            throw new InvalidOperationException("ONNX graph '" + name + "': initializer '" + value + "' is defined twice");
        }

        var tensor = new ProtoMessage().Ints(1, dims).Int(2, elementType).String(8, value);
        data(tensor);
        initializers.Add(tensor);
        return value;
    }

    private static ProtoMessage ValueInfo(string value, int elementType, IReadOnlyList<int> dims)
    {
        var shape = new ProtoMessage().Message(1, new ProtoMessage().String(2, Batch));
        foreach (var dim in dims)
        {
            shape.Message(1, new ProtoMessage().Int(1, dim));
        }

        var tensorType = new ProtoMessage().Int(1, elementType).Message(2, shape);
        return new ProtoMessage().String(1, value).Message(2, new ProtoMessage().Message(1, tensorType));
    }

    /// <summary>A node attribute (AttributeProto): name, type and value.</summary>
    public sealed class Attribute
    {
        private Attribute(ProtoMessage proto) => Proto = proto;

        public ProtoMessage Proto { get; }

        // AttributeProto.AttributeType: FLOAT = 1, INT = 2, GRAPH = 5, INTS = 7.
        public static Attribute Of(string name, long value) => new(new ProtoMessage().String(1, name).Int(3, value).Int(20, 2));

        public static Attribute Of(string name, float value) => new(new ProtoMessage().String(1, name).Float(2, value).Int(20, 1));

        public static Attribute Of(string name, params long[] values) => new(new ProtoMessage().String(1, name).Ints(8, values).Int(20, 7));

        /// <summary>A graph attribute (a Scan's body), written as the body stands now.</summary>
        public static Attribute Of(string name, OnnxGraph body) => new(new ProtoMessage().String(1, name).Message(6, body.Proto()).Int(20, 5));
    }
}
