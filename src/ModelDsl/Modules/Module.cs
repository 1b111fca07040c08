using System.Globalization;

namespace ModelDsl;

/// <summary>
/// Base of every layer and model: named child modules, parameters and buffers, with PyTorch's
/// state-dict naming (<c>layer1.0.conv1.weight</c>, <c>bn1.running_mean</c>). Register members in the
/// constructor in the order PyTorch's <c>__init__</c> does, so state dicts list keys in the same order.
/// </summary>
public abstract class Module : IDisposable
{
    private readonly List<(string Name, Tensor? Tensor)> parameters = [];
    private readonly List<(string Name, Tensor? Tensor)> buffers = [];
    private readonly List<(string Name, Module Module)> children = [];
    private Module? parent;
    private string? localName;

    /// <summary>True in training mode (dropout active, batch norm uses batch statistics).</summary>
    public bool Training { get; private set; } = true;

    /// <summary>The dotted path from the root module (<c>layer1.0.conv1</c>), or the type name for a root.</summary>
    public string Path
    {
        get
        {
            if (parent is null)
            {
                return localName ?? GetType().Name;
            }
            var prefix = parent.parent is null && parent.localName is null ? "" : parent.Path + ".";
            return prefix + localName;
        }
    }

    /// <summary>
    /// Registers a child module under <paramref name="name"/> and returns it. A <see cref="ParameterLayer"/> is a bare
    /// parameter of this module instead (PyTorch's <c>nn.Parameter</c> attribute): its tensor is registered here under
    /// <paramref name="name"/>, and it is not a child.
    /// </summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        CheckName(name);
        module.parent = this;
        module.localName = name;
        if (module is ParameterLayer bare)
        {
            RegisterParameter(name, bare.Parameter);
            return module;
        }

        children.Add((name, module));
        return module;
    }

    /// <summary>Registers a trainable parameter (takes it out of any dispose scope and turns on gradients).</summary>
    protected Tensor RegisterParameter(string name, Tensor tensor)
    {
        CheckName(name);
        DisposeScope.Detach(tensor);
        tensor.RequiresGrad = tensor.DType.IsFloatingPoint();
        parameters.Add((name, tensor));
        return tensor;
    }

    /// <summary>Registers a buffer: state that is saved and loaded but not trained (running statistics).</summary>
    protected Tensor RegisterBuffer(string name, Tensor tensor)
    {
        CheckName(name);
        DisposeScope.Detach(tensor);
        buffers.Add((name, tensor));
        return tensor;
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
        {
            throw new ArgumentException($"'{name}' is not a valid member name: it must be non-empty and contain no '.'", nameof(name));
        }
        if (parameters.Any(p => p.Name == name) || buffers.Any(b => b.Name == name) || children.Any(c => c.Name == name))
        {
            throw new ArgumentException($"{GetType().Name} already has a member named '{name}'", nameof(name));
        }
    }

    /// <summary>The direct children in registration order.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => children;

    /// <summary>This module (name "") and every descendant with its dotted path.</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "")
    {
        yield return (prefix, this);
        foreach (var (name, child) in children)
        {
            foreach (var item in child.NamedModules(Join(prefix, name)))
            {
                yield return item;
            }
        }
    }

    /// <summary>
    /// Every parameter of this module and its descendants with its state-dict name; a parameter shared by several
    /// modules (a tied head) is yielded once, under its first name, as PyTorch's <c>named_parameters()</c>.
    /// </summary>
    public IEnumerable<(string Name, Tensor Tensor)> NamedParameters()
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        return Named(m => m.parameters).Where(p => seen.Add(p.Item2));
    }

    /// <summary>Every buffer of this module and its descendants with its state-dict name.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> NamedBuffers() => Named(m => m.buffers);

    /// <summary>Every parameter, in state-dict order.</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Tensor);

    private IEnumerable<(string, Tensor)> Named(Func<Module, List<(string Name, Tensor? Tensor)>> members)
    {
        foreach (var (path, module) in NamedModules())
        {
            foreach (var (name, tensor) in members(module))
            {
                if (tensor is not null)
                {
                    yield return (Join(path, name), tensor);
                }
            }
        }
    }

    /// <summary>Number of parameter elements (<c>sum(p.numel() for p in model.parameters())</c>).</summary>
    public long ParameterCount(bool trainableOnly = false) =>
        Parameters().Where(p => !trainableOnly || p.RequiresGrad).Sum(p => p.NumEl);

    /// <summary>Switches this module and its descendants to training mode; returns this.</summary>
    public Module Train(bool on = true)
    {
        foreach (var (_, module) in NamedModules())
        {
            module.Training = on;
        }
        return this;
    }

    /// <summary>Switches to evaluation mode (<c>Train(false)</c>); returns this.</summary>
    public Module Eval() => Train(false);

    /// <summary>
    /// Moves parameters and buffers to <paramref name="device"/> and converts floating-point ones to
    /// <paramref name="dtype"/> (integer buffers such as <c>num_batches_tracked</c> keep their type), in place.
    /// </summary>
    public Module To(Device? device = null, DType? dtype = null)
    {
        foreach (var (_, module) in NamedModules())
        {
            foreach (var (_, tensor) in module.parameters.Concat(module.buffers))
            {
                if (tensor is null)
                {
                    continue;
                }
                var targetDevice = device ?? tensor.Device;
                var targetType = dtype is { } d && tensor.DType.IsFloatingPoint() ? d : tensor.DType;
                using var moved = tensor.Detach().To(targetDevice, targetType);
                tensor.SetData(moved);
            }
        }
        return this;
    }

    /// <summary>
    /// Stores every 4-d parameter and buffer channels-last (NHWC in memory), like PyTorch's
    /// <c>model.to(memory_format=torch.channels_last)</c>: convolutions on channels-last input then run
    /// oneDNN's fastest kernels on CPU. Values and shapes are unchanged.
    /// </summary>
    public Module ToChannelsLast()
    {
        foreach (var (_, module) in NamedModules())
        {
            foreach (var (_, tensor) in module.parameters.Concat(module.buffers))
            {
                if (tensor is { Dim: 4 })
                {
                    using var converted = tensor.Detach().ContiguousChannelsLast();
                    tensor.SetData(converted);
                }
            }
        }
        return this;
    }

    /// <summary>
    /// Parameters then buffers of each module, depth first — PyTorch's <c>state_dict()</c> order and names. A shared
    /// (tied) parameter appears under each of its names, as in PyTorch.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, Tensor>> StateDict()
    {
        var entries = new List<KeyValuePair<string, Tensor>>();
        foreach (var (path, module) in NamedModules())
        {
            foreach (var (name, tensor) in module.parameters.Concat(module.buffers))
            {
                if (tensor is not null)
                {
                    entries.Add(new(Join(path, name), tensor));
                }
            }
        }
        return entries;
    }

    /// <summary>
    /// Copies values from <paramref name="stateDict"/> into the parameters and buffers. Every key is checked
    /// before anything is copied: with <paramref name="strict"/>, missing and unexpected keys are errors; a shape
    /// mismatch always is. On error nothing has changed and the exception lists every problem.
    /// </summary>
    public void LoadStateDict(IEnumerable<KeyValuePair<string, Tensor>> stateDict, bool strict = true)
    {
        var own = StateDict().ToDictionary(e => e.Key, e => e.Value);
        var given = new Dictionary<string, Tensor>();
        foreach (var (key, value) in stateDict)
        {
            given[key] = value;
        }

        var missing = own.Keys.Where(k => !given.ContainsKey(k)).ToList();
        var unexpected = given.Keys.Where(k => !own.ContainsKey(k)).ToList();
        var misShaped = given.Where(e => own.TryGetValue(e.Key, out var t) && !t.ShapeView.SequenceEqual(e.Value.ShapeView))
            .Select(e => $"{e.Key}: expected {Tensor.FormatShape(own[e.Key].ShapeView)}, got {Tensor.FormatShape(e.Value.ShapeView)}")
            .ToList();
        if (misShaped.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
        {
            throw new StateDictException(GetType().Name, missing, unexpected, misShaped);
        }

        using var noGrad = Torch.NoGrad();
        foreach (var (key, value) in given)
        {
            if (own.TryGetValue(key, out var target))
            {
                target.CopyFrom(value);
            }
        }
    }

    /// <summary>Drops the accumulated gradients of every parameter.</summary>
    public void ZeroGrad()
    {
        foreach (var parameter in Parameters())
        {
            parameter.ZeroGrad();
        }
    }

    /// <summary>Frees every parameter and buffer of this module and its descendants.</summary>
    public void Dispose()
    {
        foreach (var (_, module) in NamedModules().ToList())
        {
            foreach (var (_, tensor) in module.parameters.Concat(module.buffers))
            {
                // A shared parameter is disposed once per name; disposing a tensor again does nothing.
                tensor?.Dispose();
            }
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>An exception for an input that does not fit this layer, naming the layer and both shapes.</summary>
    protected TorchException ShapeError(string expected, Tensor actual) =>
        new($"{GetType().Name} '{Path}' expects input {expected}, got {Tensor.FormatShape(actual.ShapeView)}");

    /// <summary>Wraps a libtorch error raised inside this layer's forward with the layer's name and input shape.</summary>
    protected TorchException LayerError(TorchException inner, Tensor input) =>
        new($"{GetType().Name} '{Path}' failed on input {Tensor.FormatShape(input.ShapeView)}: {inner.Message}", inner);

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    /// <summary>Formats an integer with the invariant culture.</summary>
    protected static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
