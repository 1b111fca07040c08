using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelDsl.Tests.Layers;

/// <summary>State-dict names, tied and bare parameters, and moving a model: what code loading PyTorch weights relies on.</summary>
public sealed class RegistrationTests
{
    [Fact]
    public void Tied_weight_counts_once_in_parameters_but_appears_under_both_names_in_the_state_dict()
    {
        using var model = new TiedModel();
        // PyTorch's state_dict() of nanoGPT lists transformer.wte.weight and lm_head.weight; parameters() yields it once.
        Assert.Equal(["head.weight", "wte.weight"], model.state_dict().Keys.Order());
        Assert.Single(model.parameters());
        Assert.Equal(11 * 8, model.parameters().Sum(p => p.numel()));
        Assert.Same(model.state_dict()["wte.weight"], model.state_dict()["head.weight"]);

        // A training step through both uses updates the one tensor.
        using var optimizer = optim.SGD(model.parameters(), 0.1);
        using var loss = model.forward(tensor(new long[] { 1, 2 })).sum();
        loss.backward();
        optimizer.step();
        Assert.Equal(model.state_dict()["wte.weight"].data<float>().ToArray(), model.state_dict()["head.weight"].data<float>().ToArray());
    }

    [Fact]
    public void Tied_weight_stays_tied_after_the_model_moves_to_float64()
    {
        using var model = new TiedModel();
        model.to(ScalarType.Float64);
        Assert.Single(model.parameters());
        Assert.Equal(ScalarType.Float64, model.state_dict()["head.weight"].dtype);
        using var y = model.forward(tensor(new long[] { 3 }));
        Assert.Equal(ScalarType.Float64, y.dtype);
    }

    [Fact]
    public void An_attached_class_token_is_a_bare_parameter_of_its_parent()
    {
        using var model = new VitStem();
        Assert.Equal(["class_token", "pos_embedding"], model.state_dict().Keys.Order());
        using var tokens = randn(2, 5, 8);
        using var y = model.forward(tokens);
        Assert.Equal([2L, 6, 8], y.shape);
    }

    [Fact]
    public void Moving_a_model_to_float64_is_followed_by_every_property_and_forward()
    {
        using var model = new VitStem();
        using var attention = new MultiheadAttention(8, 2);
        model.to(ScalarType.Float64);
        attention.to(ScalarType.Float64);
        Assert.Equal(ScalarType.Float64, model.Token.Parameter.dtype);
        Assert.Equal(ScalarType.Float64, attention.InProjWeight.dtype);
        Assert.Equal(ScalarType.Float64, attention.OutProj.weight!.dtype);
        using var x = randn(2, 5, 8, dtype: ScalarType.Float64);
        using var y = attention.forward(model.forward(x));
        Assert.Equal(ScalarType.Float64, y.dtype);
    }

    [Fact]
    public void A_layer_built_inside_a_dispose_scope_keeps_its_parameters_after_the_scope()
    {
        Mamba mamba;
        MultiheadAttention attention;
        VitStem stem;
        using (NewDisposeScope())
        {
            mamba = new Mamba(16, dState: 4);
            attention = new MultiheadAttention(16, 4);
            stem = new VitStem();
        }
        using var x = randn(1, 3, 16);
        using var y = attention.forward(mamba.forward(x));
        Assert.Equal([1L, 3, 16], y.shape);
        Assert.All(mamba.parameters().Concat(attention.parameters()).Concat(stem.parameters()), p => Assert.False(p.IsInvalid));
        mamba.Dispose();
        attention.Dispose();
        stem.Dispose();
    }

    [Fact]
    public void Fields_that_are_not_registered_stay_out_of_the_state_dict()
    {
        // RegisterComponents (TorchSharp's reflection over fields) is off: only explicit registrations count.
        using var model = new WithUnregisteredField();
        Assert.Equal(["kept.bias", "kept.weight"], model.state_dict().Keys.Order());
    }

    [Fact]
    public void Mamba_registers_the_reference_state_dict_names()
    {
        using var mamba = new Mamba(16, dState: 8);
        Assert.Equal(
            ["A_log", "D", "conv1d.bias", "conv1d.weight", "dt_proj.bias", "dt_proj.weight", "in_proj.weight", "out_proj.weight", "x_proj.weight"],
            mamba.state_dict().Keys.Order(StringComparer.Ordinal));
        Assert.Equal([32L, 8], mamba.state_dict()["A_log"].shape);
    }

    private sealed class TiedModel : LayerBase
    {
        private readonly Embedding wte;
        private readonly TiedLinear head;

        public TiedModel() : base(nameof(TiedModel))
        {
            wte = Register("wte", nn.Embedding(11, 8));
            head = Register("head", new TiedLinear(wte));
        }

        public override Tensor forward(Tensor input)
        {
            using var e = wte.forward(input);
            return head.forward(e);
        }
    }

    private sealed class VitStem : LayerBase
    {
        public VitStem() : base(nameof(VitStem))
        {
            Token = new ClassToken(8);
            Token.AttachTo(this, "class_token");
            Positions = new PositionParameter(6, 8);
            Positions.AttachTo(this, "pos_embedding");
        }

        public ClassToken Token { get; }

        public PositionParameter Positions { get; }

        public override Tensor forward(Tensor input)
        {
            using var withToken = Token.forward(input);
            return Positions.forward(withToken);
        }
    }

    private sealed class WithUnregisteredField : LayerBase
    {
        private readonly Linear kept;
#pragma warning disable IDE0052 // Held on purpose: it must not be registered by reflection.
        private readonly Linear ignored = nn.Linear(2, 2);
#pragma warning restore IDE0052

        public WithUnregisteredField() : base(nameof(WithUnregisteredField)) => kept = Register("kept", nn.Linear(2, 2));

        public override Tensor forward(Tensor input) => kept.forward(input);
    }
}
