using ModelDsl;

namespace ModelDsl.Tests.Parity;

/// <summary>Tensor operations against PyTorch: the expressions mirror ops() in layer_reference.py.</summary>
[Collection(PyTorchReferenceCollection.Name)]
public sealed class OpParityTests(PyTorchReference reference)
{
    private static readonly Dictionary<string, Func<Tensor, Tensor, Tensor, Tensor, Tensor>> Ops = new()
    {
        ["add_broadcast"] = (a, b, _, _) => a + b,
        ["sub_scalar_mul"] = (a, b, _, _) => (a - 0.5) * b,
        ["div"] = (a, b, _, _) => a / (b.Abs() + 1),
        ["rsub_rdiv"] = (a, b, _, _) => (2 - a) + 1 / (b.Abs() + 1),
        ["matmul_batched"] = (_, _, m1, m2) => m1.MatMul(m2),
        ["sum_dim"] = (a, _, _, _) => a.Sum(1),
        ["mean_keepdim"] = (a, _, _, _) => a.Mean([0, 2], keepDim: true),
        ["amax"] = (a, _, _, _) => a.Max(-1),
        ["std"] = (a, _, _, _) => a.Std(1),
        ["exp_log"] = (a, _, _, _) => (a.Exp() + 1).Log(),
        ["pow_sqrt"] = (a, _, _, _) => a.Abs().Pow(1.5).Sqrt(),
        ["transpose_reshape"] = (a, _, _, _) => a.Transpose(0, 2).Reshape(5, 12),
        ["permute"] = (a, _, _, _) => a.Permute(2, 0, 1).Contiguous(),
        ["cat"] = (a, _, _, _) => Tensor.Cat([a, a * 2], 1),
        ["stack"] = (_, b, _, _) => Tensor.Stack([b, b + 1], 0),
        ["where"] = (a, b, _, _) => a.Where(a.Gt(0), b * 10),
        ["slice_step"] = (a, _, _, _) => a[.., 1..3, TensorIndex.Slice(.., 2)],
        ["index_last"] = (a, _, _, _) => a[TensorIndex.Ellipsis, -1],
        ["argmax"] = (a, _, _, _) => a.ArgMax(2),
        ["cumsum"] = (a, _, _, _) => a.CumSum(2),
        ["clamp"] = (a, _, _, _) => a.Clamp(-0.5, 0.5),
        ["triu"] = (_, _, m1, _) => m1.Triu(1),
        ["index_select"] = (a, _, _, _) => a.IndexSelect(2, Tensor.From(new long[] { 4, 0, 2 })),
        ["softmax_dim0"] = (a, _, _, _) => a.Softmax(0),
        ["masked_fill"] = (a, _, _, _) => a.MaskedFill(a.Lt(0), -1.0),
    };

    public static TheoryData<string> OpNames => [.. Ops.Keys];

    [Theory]
    [MemberData(nameof(OpNames))]
    public void Op_matches_pytorch(string name)
    {
        using var scope = Torch.NewDisposeScope();
        var result = Ops[name](reference["op.input.a"], reference["op.input.b"], reference["op.input.m1"], reference["op.input.m2"]);
        var expected = reference[$"op.output.{name}"];
        Assert.Equal(expected.DType, result.DType);
        Close.Equal(expected, result, what: name);
    }

    [Fact]
    public void Matmul_gradients_match_pytorch()
    {
        using var scope = Torch.NewDisposeScope();
        var x = reference["op.input.m1"].Clone().RequiresGrad_();
        var y = reference["op.input.m2"].Clone().RequiresGrad_();
        x.MatMul(y).Pow(2).Sum().Backward();
        Close.Equal(reference["op.grad.matmul.m1"], x.Grad!, what: "d/dm1");
        Close.Equal(reference["op.grad.matmul.m2"], y.Grad!, what: "d/dm2");
    }

    [Fact]
    public void Cross_entropy_and_its_gradient_match_pytorch()
    {
        using var scope = Torch.NewDisposeScope();
        var logits = reference["op.input.logits"].Clone().RequiresGrad_();
        var loss = Functional.CrossEntropy(logits, reference["op.input.target"]);
        Close.Equal(reference["op.output.cross_entropy"], loss, what: "loss");
        loss.Backward();
        Close.Equal(reference["op.grad.cross_entropy.logits"], logits.Grad!, what: "d loss / d logits");
    }

    [Fact]
    public void Sgd_with_momentum_and_weight_decay_takes_the_same_steps_as_torch_optim()
    {
        using var layer = new Linear(4, 3);
        layer.LoadStateDict(reference.WithPrefix("sgd.param."));
        using var optimizer = new SGD(layer.Parameters(), learningRate: 0.1, momentum: 0.9, weightDecay: 0.01);
        var x = reference["sgd.input"];
        for (var step = 0; step < 3; step++)
        {
            using var scope = Torch.NewDisposeScope();
            optimizer.ZeroGrad();
            layer.Forward(x).Pow(2).Mean().Backward();
            optimizer.Step();
        }
        Close.Equal(reference["sgd.after.weight"], layer.Weight, what: "weight after 3 steps");
        Close.Equal(reference["sgd.after.bias"], layer.Bias!, what: "bias after 3 steps");
    }

    [Fact]
    public void AdamW_takes_the_same_steps_as_torch_optim()
    {
        using var layer = new Linear(4, 3);
        layer.LoadStateDict(reference.WithPrefix("sgd.param."));
        using var optimizer = new AdamW(layer.Parameters(), learningRate: 0.05, weightDecay: 0.1);
        var x = reference["sgd.input"];
        for (var step = 0; step < 3; step++)
        {
            using var scope = Torch.NewDisposeScope();
            optimizer.ZeroGrad();
            layer.Forward(x).Pow(2).Mean().Backward();
            optimizer.Step();
        }
        Close.Equal(reference["adamw.after.weight"], layer.Weight, what: "weight after 3 steps");
        Close.Equal(reference["adamw.after.bias"], layer.Bias!, what: "bias after 3 steps");
    }
}
