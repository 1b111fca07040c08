using Microsoft.ML.OnnxRuntime;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.Onnx;

/// <summary>
/// An ONNX model loaded into ONNX Runtime (CPU provider, every graph optimisation, intra-op threads = the machine's
/// cores): one input, one output, as a generated model's <c>ExportOnnx</c> writes them. Dispose it to free the session.
/// </summary>
/// <example>
/// <code>
/// model.ExportOnnx("resnet18.onnx");
/// using var onnx = OnnxModel.Load("resnet18.onnx");
/// using var logits = onnx.Run(images);   // a TorchSharp tensor [N, 3, 224, 224] → [N, 1000]
/// </code>
/// </example>
public sealed class OnnxModel : IDisposable
{
    private readonly SessionOptions options;
    private readonly InferenceSession session;
    private readonly RunOptions runOptions = new();
    private readonly string inputName;
    private readonly string outputName;
    private readonly string path;
    private bool disposed;

    private OnnxModel(string path, SessionOptions options, InferenceSession session)
    {
        (this.path, this.options, this.session) = (path, options, session);
        if (session.InputMetadata.Count != 1 || session.OutputMetadata.Count != 1)
        {
            Dispose();
            throw new InvalidDataException($"{path}: OnnxModel runs models with one input and one output; this one has {session.InputMetadata.Count} and {session.OutputMetadata.Count}");
        }

        (inputName, var input) = session.InputMetadata.Single();
        (outputName, var output) = session.OutputMetadata.Single();
        InputShape = input.Dimensions.Select(d => (long)d).ToArray();
        OutputShape = output.Dimensions.Select(d => (long)d).ToArray();
        InputType = input.ElementDataType;
    }

    /// <summary>The input's shape; -1 for a dynamic dimension (the batch).</summary>
    public IReadOnlyList<long> InputShape { get; }

    /// <summary>The output's shape; -1 for a dynamic dimension (the batch).</summary>
    public IReadOnlyList<long> OutputShape { get; }

    /// <summary>The input's element type (float, or int64 for token ids).</summary>
    public TensorElementType InputType { get; }

    /// <summary>Loads <paramref name="path"/> into an ONNX Runtime session.</summary>
    /// <param name="path">An .onnx file.</param>
    /// <param name="threads">Intra-op threads; default the machine's cores (<see cref="Environment.ProcessorCount"/>).</param>
    /// <param name="spinWait">
    /// Whether ONNX Runtime's worker threads spin after a run, waiting for the next (its default: lower latency for
    /// back-to-back runs). Pass false where the process also computes with TorchSharp between runs: spinning threads take
    /// the cores libtorch needs.
    /// </param>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">ONNX Runtime cannot load the file (the message says why).</exception>
    public static OnnxModel Load(string path, int? threads = null, bool spinWait = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such ONNX file", path);
        }

        if (threads is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be positive");
        }

        var options = new SessionOptions
        {
            IntraOpNumThreads = threads ?? Environment.ProcessorCount,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        if (!spinWait)
        {
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        }

        try
        {
            return new OnnxModel(path, options, new InferenceSession(path, options));
        }
        catch (OnnxRuntimeException e)
        {
            options.Dispose();
            throw new InvalidDataException($"{path}: ONNX Runtime cannot load it: {e.Message}", e);
        }
    }

    /// <summary>Runs the model on a float input of <paramref name="shape"/> (batch first); returns the output and its shape.</summary>
    /// <exception cref="ArgumentException">The data does not fill the shape, or the shape is not the model's input shape.</exception>
    public (float[] Data, long[] Shape) Run(float[] data, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        Check(shape, data.LongLength, TensorElementType.Float);
        using var input = OrtValue.CreateTensorValueFromMemory(data, shape);
        return Run(input);
    }

    /// <summary>Runs the model on int64 token ids of <paramref name="shape"/> (batch first); returns the output and its shape.</summary>
    /// <exception cref="ArgumentException">The ids do not fill the shape, or the shape is not the model's input shape.</exception>
    public (float[] Data, long[] Shape) Run(long[] ids, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(ids);
        Check(shape, ids.LongLength, TensorElementType.Int64);
        using var input = OrtValue.CreateTensorValueFromMemory(ids, shape);
        return Run(input);
    }

    /// <summary>Runs the model on a TorchSharp tensor (float32, or int64 token ids; any device); the result is a new CPU tensor the caller owns.</summary>
    /// <exception cref="ArgumentException">The tensor's dtype or shape is not the model's input.</exception>
    public Tensor Run(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var type = input.dtype switch
        {
            ScalarType.Float32 => TensorElementType.Float,
            ScalarType.Int64 => TensorElementType.Int64,
            _ => throw new ArgumentException($"{path}: the input is {input.dtype}; the model takes {InputType}", nameof(input)),
        };
        Check(input.shape, input.numel(), type);
        using var dense = input.detach().cpu().contiguous();
        using var value = type == TensorElementType.Float
            ? OrtValue.CreateTensorValueFromMemory(dense.data<float>().ToArray(), dense.shape)
            : OrtValue.CreateTensorValueFromMemory(dense.data<long>().ToArray(), dense.shape);
        var (data, shape) = Run(value);
        return torch.tensor(data, shape);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        runOptions.Dispose();
        session.Dispose();
        options.Dispose();
    }

    private (float[] Data, long[] Shape) Run(OrtValue input)
    {
        using var results = session.Run(runOptions, [inputName], [input], [outputName]);
        var output = results[0];
        var info = output.GetTensorTypeAndShape();
        if (info.ElementDataType != TensorElementType.Float)
        {
            throw new InvalidDataException($"{path}: the output is {info.ElementDataType}; OnnxModel returns float outputs");
        }

        return (output.GetTensorDataAsSpan<float>().ToArray(), info.Shape);
    }

    // The input's shape and type against the model's, before any native call: a clear message instead of ORT's.
    private void Check(long[] shape, long elements, TensorElementType type)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(shape);
        if (type != InputType)
        {
            throw new ArgumentException($"{path}: the input is {type}; the model takes {InputType}");
        }

        var fits = shape.Length == InputShape.Count && shape.Select((d, i) => d > 0 && (InputShape[i] < 0 || InputShape[i] == d)).All(ok => ok);
        if (!fits)
        {
            throw new ArgumentException($"{path}: input shape [{string.Join(", ", shape)}] does not match the model's [{string.Join(", ", InputShape.Select(d => d < 0 ? "batch" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]");
        }

        if (shape.Aggregate(1L, (n, d) => n * d) != elements)
        {
            throw new ArgumentException($"{path}: {elements} values do not fill the shape [{string.Join(", ", shape)}]");
        }
    }
}
