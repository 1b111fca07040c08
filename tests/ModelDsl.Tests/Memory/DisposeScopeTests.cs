using System.Diagnostics;
using ModelDsl;

namespace ModelDsl.Tests.Memory;

/// <summary>Runs alone, after the parallel tests, so that resident memory reflects this test only.</summary>
[CollectionDefinition(nameof(MemoryCollection), DisableParallelization = true)]
public sealed class MemoryCollection;

[Collection(nameof(MemoryCollection))]
public class DisposeScopeTests
{
    [Fact]
    public void Scope_disposes_temporaries_and_keeps_what_is_moved_out()
    {
        Tensor kept, temporary;
        using (var scope = Torch.NewDisposeScope())
        {
            temporary = Tensor.Ones([3]) * 2;
            kept = scope.MoveToOuter(temporary + 1);
        }
        Assert.True(temporary.IsDisposed);
        Assert.False(kept.IsDisposed);
        Assert.Equal(new float[] { 3, 3, 3 }, kept.ToArray<float>());
        kept.Dispose();
    }

    [Fact]
    public void Moving_out_of_a_nested_scope_hands_the_tensor_to_the_outer_one()
    {
        Tensor inner;
        using (var outer = Torch.NewDisposeScope())
        {
            using (var nested = Torch.NewDisposeScope())
            {
                inner = nested.MoveToOuter(Tensor.Zeros([1]));
            }
            Assert.False(inner.IsDisposed);
            Assert.Equal(1, outer.Count);
        }
        Assert.True(inner.IsDisposed);
    }

    [Fact]
    public void Using_a_disposed_tensor_throws_object_disposed()
    {
        var t = Tensor.Zeros([1]);
        t.Dispose();
        Assert.Throws<ObjectDisposedException>(() => t.Sum());
    }

    /// <summary>
    /// 100,000 forward passes of a small MLP, each in a dispose scope: resident memory after the loop stays
    /// within 10% of what it was after the first 1,000 (the acceptance criterion of the runtime issue).
    /// </summary>
    [Fact]
    public void Forward_loop_in_dispose_scopes_does_not_grow_resident_memory()
    {
        using var mlp = new Sequential(new Linear(64, 128), new ReLU(), new Linear(128, 128), new GELU(), new Linear(128, 10), new Softmax(-1));
        mlp.Eval();
        using var input = Tensor.Randn([8, 64]);
        using var noGrad = Torch.NoGrad();

        void Run(int count)
        {
            for (var i = 0; i < count; i++)
            {
                using var scope = Torch.NewDisposeScope();
                var y = mlp.Forward(input);
                _ = y.Sum() + y.Max();
            }
        }

        Run(1_000);
        var afterWarmUp = ResidentBytes();
        Run(99_000);
        var afterLoop = ResidentBytes();
        Assert.True(afterLoop <= afterWarmUp * 1.10,
            $"resident memory grew from {afterWarmUp / 1e6:F1} MB after 1,000 passes to {afterLoop / 1e6:F1} MB after 100,000");
    }

    private static long ResidentBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64;
    }
}
