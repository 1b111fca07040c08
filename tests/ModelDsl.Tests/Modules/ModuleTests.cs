using ModelDsl;

namespace ModelDsl.Tests.Modules;

public class ModuleTests
{
    /// <summary>A two-level model shaped like the start of torchvision's ResNet, to pin state-dict naming.</summary>
    private sealed class TinyResNet : Layer
    {
        public TinyResNet()
        {
            Conv1 = RegisterModule("conv1", new Conv2d(3, 4, 3, padding: 1, bias: false));
            Bn1 = RegisterModule("bn1", new BatchNorm2d(4));
            Layer1 = RegisterModule("layer1", new Sequential(new Sequential(("conv1", new Conv2d(4, 4, 3, padding: 1, bias: false)), ("bn1", new BatchNorm2d(4)))));
            Fc = RegisterModule("fc", new Linear(4, 2));
        }

        public Conv2d Conv1 { get; }
        public BatchNorm2d Bn1 { get; }
        public Sequential Layer1 { get; }
        public Linear Fc { get; }

        public override Tensor Forward(Tensor input)
        {
            using var scope = Torch.NewDisposeScope();
            var x = Bn1.Forward(Conv1.Forward(input)).Relu();
            x = Layer1.Forward(x).Mean([2, 3]);
            return scope.MoveToOuter(Fc.Forward(x));
        }
    }

    [Fact]
    public void State_dict_uses_pytorch_names_and_order()
    {
        using var model = new TinyResNet();
        // The order torch.nn.Module.state_dict() produces: own parameters, own buffers, then children depth first.
        string[] expected =
        [
            "conv1.weight",
            "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var", "bn1.num_batches_tracked",
            "layer1.0.conv1.weight",
            "layer1.0.bn1.weight", "layer1.0.bn1.bias", "layer1.0.bn1.running_mean", "layer1.0.bn1.running_var", "layer1.0.bn1.num_batches_tracked",
            "fc.weight", "fc.bias",
        ];
        Assert.Equal(expected, model.StateDict().Select(e => e.Key));
        Assert.Equal("layer1.0.bn1", model.Layer1[0].NamedChildren().Single(c => c.Name == "bn1").Module.Path);
    }

    [Fact]
    public void Parameter_count_matches_a_hand_count()
    {
        using var model = new TinyResNet();
        // conv1 3*4*9 = 108; bn1 4+4 = 8; layer1 conv 4*4*9 = 144; bn 4+4 = 8; fc 4*2 + 2 = 10 → 278
        Assert.Equal(278, model.ParameterCount());
        Assert.Equal(5, model.NamedModules().Count(m => m.Module is Conv2d or BatchNorm2d or Linear));
    }

    [Fact]
    public void Strict_load_lists_missing_unexpected_and_misshaped_keys_and_changes_nothing()
    {
        using var model = new TinyResNet();
        using var scope = Torch.NewDisposeScope();
        var before = model.Fc.Weight.ToArray<float>();
        var state = model.StateDict().Where(e => e.Key != "bn1.running_var")
            .Select(e => e.Key == "fc.weight" ? new KeyValuePair<string, Tensor>(e.Key, Tensor.Zeros([3, 4])) : e)
            .Append(new("fc.extra", Tensor.Zeros([1])))
            .ToList();
        // a second, well-shaped change that must not be applied either
        state[state.FindIndex(e => e.Key == "fc.bias")] = new("fc.bias", Tensor.Full([2], 7));

        var error = Assert.Throws<StateDictException>(() => model.LoadStateDict(state));
        Assert.Equal(["bn1.running_var"], error.Missing);
        Assert.Equal(["fc.extra"], error.Unexpected);
        Assert.Equal(["fc.weight: expected [2, 4], got [3, 4]"], error.MisShaped);
        Assert.Contains("bn1.running_var", error.Message);
        Assert.Equal(before, model.Fc.Weight.ToArray<float>());
        Assert.NotEqual(7f, model.Fc.Bias!.ToArray<float>()[0]);
    }

    [Fact]
    public void Load_state_dict_copies_values_into_a_second_model()
    {
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(1);
        using var a = new TinyResNet();
        Torch.ManualSeed(2);
        using var b = new TinyResNet();
        a.Eval();
        b.Eval();
        var x = Tensor.Randn(3, 2, 3, 5, 5);
        Assert.False(a.Forward(x).AllClose(b.Forward(x)));
        b.LoadStateDict(a.StateDict());
        Assert.True(a.Forward(x).AllClose(b.Forward(x), 0, 0));
    }

    [Fact]
    public void To_converts_floating_point_state_and_keeps_integer_buffers()
    {
        using var model = new TinyResNet();
        model.To(dtype: DType.Float64);
        Assert.Equal(DType.Float64, model.Fc.Weight.DType);
        Assert.Equal(DType.Float64, model.Bn1.RunningMean!.DType);
        Assert.Equal(DType.Int64, model.Bn1.NumBatchesTracked!.DType);
        using var scope = Torch.NewDisposeScope();
        var y = model.Forward(Tensor.Randn([2, 3, 4, 4], DType.Float64));
        Assert.Equal(DType.Float64, y.DType);
        Assert.True(model.Fc.Weight.RequiresGrad);
    }

    [Fact]
    public void Train_and_eval_switch_every_descendant()
    {
        using var model = new TinyResNet();
        model.Eval();
        Assert.All(model.NamedModules(), m => Assert.False(m.Module.Training));
        model.Train();
        Assert.All(model.NamedModules(), m => Assert.True(m.Module.Training));
    }

    [Fact]
    public void Wrong_input_shape_names_the_layer_and_both_shapes_and_the_next_forward_works()
    {
        using var model = new Sequential(new Linear(8, 16), new ReLU(), new Linear(16, 4));
        using var scope = Torch.NewDisposeScope();
        var error = Assert.Throws<TorchException>(() => model.Forward(Tensor.Randn([2, 9])));
        Assert.Equal("Linear '0' expects input [*, 8], got [2, 9]", error.Message);

        // The second Linear is reached with the wrong width when the first is bypassed.
        var inner = Assert.Throws<TorchException>(() => model[2].Forward(Tensor.Randn([2, 15])));
        Assert.Equal("Linear '2' expects input [*, 16], got [2, 15]", inner.Message);

        var ok = model.Forward(Tensor.Randn([2, 8]));
        Assert.Equal([2L, 4L], ok.Shape);
    }

    [Fact]
    public void Kernel_larger_than_padded_input_is_reported_with_layer_and_shape()
    {
        using var conv = new Conv2d(3, 4, 5);
        using var scope = Torch.NewDisposeScope();
        var error = Assert.Throws<TorchException>(() => conv.Forward(Tensor.Randn([1, 3, 3, 3])));
        Assert.StartsWith("Conv2d 'Conv2d' failed on input [1, 3, 3, 3]:", error.Message);
        Assert.Contains("Kernel size", error.Message, StringComparison.OrdinalIgnoreCase);
        var channels = Assert.Throws<TorchException>(() => conv.Forward(Tensor.Randn([1, 2, 8, 8])));
        Assert.Equal("Conv2d 'Conv2d' expects input [N, 3, H, W], got [1, 2, 8, 8]", channels.Message);
    }

    [Fact]
    public void Channels_last_keeps_values_and_outputs_and_changes_the_layout()
    {
        using var scope = Torch.NewDisposeScope();
        using var model = new TinyResNet();
        model.Eval();
        var x = Tensor.Randn([2, 3, 6, 6]);
        var before = model.Forward(x);
        var weight = model.Conv1.Weight.Clone();
        model.ToChannelsLast();
        Assert.True(model.Conv1.Weight.IsContiguous(channelsLast: true));
        Assert.False(model.Conv1.Weight.IsContiguous());
        Assert.True(weight.AllClose(model.Conv1.Weight, 0, 0));
        Close.Equal(before, model.Forward(x.ContiguousChannelsLast()), what: "channels-last output");
    }

    [Fact]
    public void Libtorch_errors_in_any_export_arrive_as_exceptions()
    {
        using var scope = Torch.NewDisposeScope();
        var ints = Tensor.Arange(3);
        var error = Assert.Throws<TorchException>(() => ints.RequiresGrad = true);
        Assert.Contains("floating point", error.Message);
        Assert.Throws<TorchException>(() => Tensor.Ones([2, 3]).View(4));
        Assert.Throws<TorchException>(() => Tensor.Cat([Tensor.Ones([2, 3]), Tensor.Ones([2, 4])], 0));
        Assert.Equal(3, ints.NumEl);
    }

    [Fact]
    public void Mamba_follows_the_reference_layout_and_initialisation()
    {
        using var scope = Torch.NewDisposeScope();
        using var mamba = new Mamba(32, dState: 4);
        // mamba_simple: d_inner = 2 * 32 = 64, dt_rank = ceil(32 / 16) = 2, x_proj out = 2 + 2 * 4 = 10
        Assert.Equal(
            ["A_log", "D", "in_proj.weight", "conv1d.weight", "conv1d.bias", "x_proj.weight", "dt_proj.weight", "dt_proj.bias", "out_proj.weight"],
            mamba.StateDict().Select(e => e.Key));
        Assert.Equal([10L, 64L], mamba.XProj.Weight.Shape);
        // S4D-real: A_log[c] = log(1, 2, 3, 4) for every channel c
        Close.Equal(Tensor.From(new float[] { 0, MathF.Log(2), MathF.Log(3), MathF.Log(4) }), mamba.ALog[5], what: "A_log row");
        // Δ = softplus(bias) starts in [0.001, 0.1]
        var dt = mamba.DtProj.Bias!.Softplus();
        Assert.True(dt.Min().Item() >= 0.001 * 0.999 && dt.Max().Item() <= 0.1 * 1.001);
        Assert.Equal([3L, 7L, 32L], mamba.Forward(Tensor.Randn([3, 7, 32])).Shape);
    }
}
