using ModelDsl;

namespace ModelDsl.Tests.Parity;

/// <summary>
/// Every layer against PyTorch 1.13 on the same libtorch: same state dict and inputs in, same outputs
/// (and gradients, running statistics, default initialisation) out, within 1e-5. The cases and their
/// constructor arguments mirror layer_reference.py one to one.
/// </summary>
[Collection(PyTorchReferenceCollection.Name)]
public sealed class LayerParityTests(PyTorchReference reference)
{
    private const ulong InitSeed = 1234;    // INIT_SEED in layer_reference.py
    private const ulong DropoutSeed = 77;   // DROPOUT_SEED in layer_reference.py

    private static readonly Dictionary<string, Func<Layer>> Cases = new()
    {
        ["linear"] = () => new Linear(16, 8),
        ["linear_nobias"] = () => new Linear(16, 8, bias: false),
        ["conv1d"] = () => new Conv1d(4, 6, 3, stride: 2, padding: 1),
        ["conv1d_depthwise"] = () => new Conv1d(6, 6, 4, padding: 3, groups: 6),
        ["conv2d"] = () => new Conv2d(3, 8, 3, stride: 2, padding: 1),
        ["conv2d_dilated_grouped"] = () => new Conv2d(8, 12, 3, padding: 2, dilation: 2, groups: 4),
        ["conv2d_depthwise"] = () => new Conv2d(8, 8, 3, padding: 1, groups: 8, bias: false),
        ["conv2d_rect"] = () => new Conv2d(3, 4, (3, 1), stride: (2, 1), padding: (1, 0)),
        ["batchnorm1d_train"] = () => new BatchNorm1d(6),
        ["batchnorm1d_eval"] = () => new BatchNorm1d(6),
        ["batchnorm2d_train"] = () => new BatchNorm2d(4, momentum: 0.3),
        ["batchnorm2d_eval"] = () => new BatchNorm2d(4),
        ["layernorm"] = () => new LayerNorm(10),
        ["layernorm_2d_noaffine"] = () => new LayerNorm([5, 10], elementwiseAffine: false),
        ["groupnorm"] = () => new GroupNorm(2, 6),
        ["rmsnorm"] = () => new RMSNorm(10, eps: 1e-6),
        ["embedding"] = () => new Embedding(20, 7, paddingIdx: 0),
        ["dropout_train"] = () => new Dropout(0.3),
        ["dropout_eval"] = () => new Dropout(0.3),
        ["maxpool2d"] = () => new MaxPool2d(3, stride: 2, padding: 1),
        ["maxpool2d_ceil"] = () => new MaxPool2d(2, ceilMode: true),
        ["avgpool2d"] = () => new AvgPool2d(3, stride: 2, padding: 1, countIncludePad: false),
        ["adaptiveavgpool2d"] = () => new AdaptiveAvgPool2d((3, 2)),
        ["flatten"] = () => new Flatten(),
        ["identity"] = () => new Identity(),
        ["relu"] = () => new ReLU(),
        ["relu6"] = () => new ReLU6(),
        ["gelu"] = () => new GELU(),
        ["gelu_tanh"] = () => new GELU("tanh"),
        ["silu"] = () => new SiLU(),
        ["sigmoid"] = () => new Sigmoid(),
        ["tanh"] = () => new Tanh(),
        ["softmax"] = () => new Softmax(-1),
        ["logsoftmax"] = () => new LogSoftmax(1),
        ["mha"] = () => new MultiheadAttention(16, 4),
        ["mha_causal"] = () => new MultiheadAttention(16, 4, causal: true),
        ["mha_nobias"] = () => new MultiheadAttention(16, 2, bias: false),
        ["mamba"] = () => new Mamba(16, dState: 8),
        ["causal_self_attention"] = () => new CausalSelfAttention(16, 4),
        ["causal_self_attention_nobias"] = () => new CausalSelfAttention(16, 4, bias: false),
        ["patch_embedding"] = () => new PatchEmbedding(3, 8, 4),
        ["class_token"] = () => new Sequential(("class_token", new ClassToken(8))),
        ["position_parameter"] = () => new Sequential(("pos_embedding", new PositionParameter(7, 8))),
        ["position_embedding"] = () => new PositionEmbedding(7, 8),
        ["take_token"] = () => new TakeToken(1),
        ["tied_linear"] = TiedHead,
        ["sequential"] = () => new Sequential(new Linear(8, 16), new ReLU(), new Linear(16, 4)),
    };

    // nanoGPT's wte and tied lm_head: the head registered on the embedding's parent, reading its weight.
    private static Layer TiedHead()
    {
        var embedding = new Embedding(11, 8);
        return new Sequential(("wte", embedding), ("head", new TiedLinear(embedding, "weight")));
    }

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Forward_and_backward_match_pytorch(string name)
    {
        using var scope = Torch.NewDisposeScope();
        using var layer = Cases[name]();
        layer.LoadStateDict(reference.WithPrefix($"{name}.param."));
        layer.Train(name.EndsWith("_train", StringComparison.Ordinal));

        var withGrad = reference.Contains($"{name}.grad_output");
        var input = reference[$"{name}.input"].Clone();
        if (withGrad)
        {
            input.RequiresGrad = true;
        }
        if (name.StartsWith("dropout", StringComparison.Ordinal))
        {
            Torch.ManualSeed(DropoutSeed);
        }

        var output = layer.Forward(input);
        Close.Equal(reference[$"{name}.output"], output, what: $"{name} output");

        foreach (var (key, expected) in reference.WithPrefix($"{name}.after."))
        {
            var actual = layer.StateDict().Single(e => e.Key == key).Value;
            Close.Equal(expected, actual, what: $"{name} {key} after forward");
        }

        if (withGrad)
        {
            output.Backward(reference[$"{name}.grad_output"]);
            Close.Equal(reference[$"{name}.grad.input"], input.Grad!, what: $"{name} input gradient");
            foreach (var (key, parameter) in layer.NamedParameters())
            {
                Close.Equal(reference[$"{name}.grad.{key}"], parameter.Grad!, what: $"{name} gradient of {key}");
            }
        }
    }

    public static TheoryData<string> InitCases => ["linear", "conv2d", "embedding", "mha"];

    [Theory]
    [MemberData(nameof(InitCases))]
    public void Default_initialisation_draws_the_same_values_as_pytorch(string name)
    {
        Torch.ManualSeed(InitSeed);
        using var layer = Cases[name]();
        var expected = reference.WithPrefix($"{name}.init.");
        Assert.Equal(expected.Select(e => e.Key).Order(), layer.StateDict().Select(e => e.Key).Order());
        foreach (var (key, tensor) in layer.StateDict())
        {
            Close.Equal(expected.Single(e => e.Key == key).Value, tensor, rtol: 0, atol: 1e-7, what: $"{name} init {key}");
        }
    }

    [Fact]
    public void Every_public_layer_type_has_a_parity_case()
    {
        var covered = Cases.Values.SelectMany(make =>
        {
            using var layer = make();

            // A ParameterLayer is a parameter of its parent, not a child module: count the Sequential's elements too.
            var elements = layer is Sequential sequential ? Enumerable.Range(0, sequential.Count).Select(i => sequential[i].GetType()) : [];
            return layer.NamedModules().Select(m => m.Module.GetType()).Concat(elements).ToList();
        }).ToHashSet();
        var all = typeof(Layer).Assembly.GetExportedTypes().Where(t => t.IsSubclassOf(typeof(Layer)) && !t.IsAbstract);
        Assert.Empty(all.Where(t => !covered.Contains(t)).Select(t => t.Name));
    }
}
