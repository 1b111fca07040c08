using ModelDsl;

namespace ModelDsl.Tests.Modules;

public class TrainingTests
{
    [Fact]
    public void Plain_sgd_on_autograd_fits_a_linear_function()
    {
        // y = 3 x0 - 2 x1 + 0.5: gradient descent on MSE must recover the coefficients.
        Torch.ManualSeed(0);
        using var model = new Linear(2, 1);
        using var data = Tensor.Randn([256, 2]);
        using var target = Target(data);
        for (var step = 0; step < 300; step++)
        {
            using var scope = Torch.NewDisposeScope();
            model.ZeroGrad();
            var loss = Functional.MseLoss(model.Forward(data), target);
            loss.Backward();
            using var noGrad = Torch.NoGrad();
            foreach (var p in model.Parameters())
            {
                p.Add_(p.Grad!, alpha: -0.1);
            }
        }
        var w = model.Weight.ToArray<float>();
        Assert.Equal(3.0, w[0], 2);
        Assert.Equal(-2.0, w[1], 2);
        Assert.Equal(0.5, model.Bias!.ToArray<float>()[0], 2);
    }

    private static Tensor Target(Tensor x)
    {
        using var scope = Torch.NewDisposeScope();
        var y = x[.., 0] * 3 - x[.., 1] * 2 + 0.5;
        return scope.MoveToOuter(y.Unsqueeze(1));
    }

    [Fact]
    public void No_grad_scope_stops_recording_and_restores_the_previous_mode()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Tensor.Ones([2]).RequiresGrad_();
        using (Torch.NoGrad())
        {
            Assert.False((x * 2).RequiresGrad);
            Assert.False(Torch.IsGradEnabled);
        }
        Assert.True(Torch.IsGradEnabled);
        Assert.True((x * 2).RequiresGrad);
    }
}
