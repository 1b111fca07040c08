using static TorchSharp.torch;

namespace ModelDsl.Tests.Training;

/// <summary>The cubic sparsity ramp and the distillation loss against values worked out by hand.</summary>
public sealed class ScheduleAndDistillationTests
{
    [Fact]
    public void The_cubic_schedule_follows_s_f_plus_s_i_minus_s_f_times_one_minus_t_over_n_cubed()
    {
        var schedule = new GradualPruningSchedule(initialSparsity: 0.2, finalSparsity: 0.8, steps: 10, startStep: 4);
        Assert.Equal(0.2, schedule.SparsityAt(0), 12);        // before the ramp: s_i
        Assert.Equal(0.2, schedule.SparsityAt(4), 12);        // t = 0
        Assert.Equal(0.8 - 0.6 * 0.125, schedule.SparsityAt(9), 12);   // t = 5: (1 − 1/2)³ = 1/8
        Assert.Equal(0.8 - 0.6 * 0.001, schedule.SparsityAt(13), 12);  // t = 9: (1/10)³
        Assert.Equal(0.8, schedule.SparsityAt(14), 12);       // t = n
        Assert.Equal(0.8, schedule.SparsityAt(1000), 12);
    }

    [Theory]
    [InlineData(0.9, 0.5, 10, "final sparsity")]
    [InlineData(0.0, 1.0, 10, "final sparsity")]
    [InlineData(0.0, 0.5, 0, "at least one step")]
    public void A_schedule_out_of_range_is_an_error_saying_which_argument(double initial, double final, int steps, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => new GradualPruningSchedule(initial, final, steps));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Distillation_loss_is_t_squared_kl_of_the_softened_distributions_plus_the_weighted_cross_entropy()
    {
        // Student logits [0, 0] (uniform); teacher [ln 3, 0]. At T = 2 the teacher's softened distribution is
        // [√3, 1] / (√3 + 1); KL(p‖u) = Σ p ln(2p); the loss weights it by T² = 4. Cross entropy of label 0 is ln 2.
        using var student = zeros(1, 2);
        using var teacher = tensor(new[] { (float)Math.Log(3), 0f }).reshape(1, 2);
        using var labels = tensor(new long[] { 0 });
        var p = new[] { Math.Sqrt(3) / (Math.Sqrt(3) + 1), 1 / (Math.Sqrt(3) + 1) };
        var kl = p.Sum(x => x * Math.Log(2 * x));
        using var soft = Distillation.Loss(student, teacher, labels, temperature: 2, softWeight: 1);
        Assert.Equal(4 * kl, soft.item<float>(), 5);
        using var mixed = Distillation.Loss(student, teacher, labels, temperature: 2, softWeight: 0.25);
        Assert.Equal(0.25 * 4 * kl + 0.75 * Math.Log(2), mixed.item<float>(), 5);
    }

    [Fact]
    public void Distillation_gradients_reach_the_student_only()
    {
        using var student = zeros(new long[] { 2, 3 }, requires_grad: true);
        using var teacher = tensor(new[] { 1f, 2f, 3f, 3f, 2f, 1f }).reshape(2, 3).requires_grad_(true);
        using var labels = tensor(new long[] { 2, 0 });
        using var loss = Distillation.Loss(student, teacher, labels);
        loss.backward();
        Assert.NotNull(student.grad);
        Assert.Null(teacher.grad);
    }

    [Fact]
    public void Distillation_with_logits_of_different_shapes_is_an_error_naming_both()
    {
        using var student = zeros(2, 3);
        using var teacher = zeros(2, 4);
        using var labels = zeros(2, dtype: ScalarType.Int64);
        var error = Assert.Throws<ArgumentException>(() => Distillation.Loss(student, teacher, labels));
        Assert.Contains("[2, 3]", error.Message);
        Assert.Contains("[2, 4]", error.Message);
    }
}
