using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>Knowledge distillation (Hinton et al. 2015): a compressed student learns from the dense teacher's logits as a soft target.</summary>
public static class Distillation
{
    /// <summary>
    /// softWeight · T² · KL(softmax(teacher/T) ‖ softmax(student/T)) + (1 − softWeight) · cross_entropy(student, labels),
    /// the KL divergence averaged over the batch. T² keeps the soft term's gradients the size of the hard term's as T
    /// grows. The teacher's logits are detached (no gradient flows into the teacher).
    /// </summary>
    /// <param name="student">Student logits [batch, classes].</param>
    /// <param name="teacher">Teacher logits [batch, classes].</param>
    /// <param name="labels">Class indices [batch].</param>
    /// <param name="temperature">T &gt; 0.</param>
    /// <param name="softWeight">Weight of the soft term, in [0, 1].</param>
    /// <exception cref="ArgumentException">Shapes disagree, or T or the weight is out of range (checked before any native call).</exception>
    public static Tensor Loss(Tensor student, Tensor teacher, Tensor labels, double temperature = 4.0, double softWeight = 0.7)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(labels);
        if (student.Dimensions != 2 || !student.shape.SequenceEqual(teacher.shape))
        {
            throw new ArgumentException($"student logits {LayerBase.FormatShape(student.shape)} and teacher logits {LayerBase.FormatShape(teacher.shape)} must both be [batch, classes]", nameof(teacher));
        }
        if (labels.Dimensions != 1 || labels.shape[0] != student.shape[0])
        {
            throw new ArgumentException($"labels {LayerBase.FormatShape(labels.shape)} must be [batch] = [{student.shape[0]}]", nameof(labels));
        }
        if (!(temperature > 0) || double.IsInfinity(temperature))
        {
            throw new ArgumentException($"temperature {WeightMask.Invariant(temperature)} must be positive and finite", nameof(temperature));
        }
        if (!(softWeight >= 0 && softWeight <= 1))
        {
            throw new ArgumentException($"soft weight {WeightMask.Invariant(softWeight)} must be in [0, 1]", nameof(softWeight));
        }
        using var scope = NewDisposeScope();
        var teacherLogProbabilities = nn.functional.log_softmax(teacher.detach() / temperature, 1);
        var studentLogProbabilities = nn.functional.log_softmax(student / temperature, 1);
        var kl = (teacherLogProbabilities.exp() * (teacherLogProbabilities - studentLogProbabilities)).sum(1).mean();
        var hard = nn.functional.cross_entropy(student, labels);
        return (kl * (softWeight * temperature * temperature) + hard * (1 - softWeight)).MoveToOuterDisposeScope();
    }
}
