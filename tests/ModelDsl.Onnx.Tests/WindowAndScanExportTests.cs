using ModelDsl.Zoo.StateSpace;
using ModelDsl.Zoo.Swin;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.Onnx.Tests;

/// <summary>
/// Swin V2's shifted window attention and patch merging, and Mamba's selective scan, through the generated ExportOnnx and
/// ONNX Runtime against the TorchSharp module on the same random input, batch 1 and a larger batch from one file: equal
/// within 1e-4 (as <see cref="ExportTests"/>; Mamba's small outputs relative to their own scale, below 1 too).
/// </summary>
public class WindowAndScanExportTests
{
    private const float Tolerance = 1e-4f;

    [Fact]
    public void SwinV2TMatchesTorchSharp()
    {
        using var model = new SwinV2T();
        RandomiseSwin(model);
        Assert.InRange(Harness.Compare(model, model.ExportOnnx, [3, 256, 256], batches: [1, 2]), 0, Tolerance);
    }

    [Fact]
    public void ShiftedBlocksOnMapsPaddedToWholeWindowsAndOddPatchMergingMatchTorchSharp()
    {
        using var model = new SmallSwin();
        RandomiseSwin(model);
        Assert.InRange(Harness.Compare(model, model.ExportOnnx, [3, 40, 40], batches: [1, 3]), 0, Tolerance);
    }

    [Fact]
    public void AWindowCoveringTheHeightShiftsOnlyTheWidthAndNormFirstMergingMatches()
    {
        using var model = new WideSwin();
        RandomiseSwin(model);
        Assert.InRange(Harness.Compare(model, model.ExportOnnx, [3, 32, 64], batches: [1, 3]), 0, Tolerance);
    }

    [Fact]
    public void PatchMergingAloneMatchesTorchSharp()
    {
        using var model = new MergeOnly();
        Assert.InRange(Harness.Compare(model, model.ExportOnnx, [7, 6, 8], batches: [1, 3]), 0, Tolerance);
    }

    [Fact]
    public void MambaBlocksWithAndWithoutBiasesMatchTorchSharp()
    {
        using var model = new MambaCoverage();
        RandomiseMamba(model);
        Assert.InRange(Harness.Compare(model, model.ExportOnnx, [8, 16], batches: [1, 3], relative: true), 0, Tolerance);
    }

    [Fact]
    public void MambaStackMatchesTorchSharp()
    {
        using var model = new MambaStack();
        RandomiseMamba(model);
        Assert.InRange(Harness.Compare(model, model.ExportOnnx, [1024, 768], batches: [1, 2], relative: true), 0, Tolerance);
    }

    [Fact]
    public void EveryExactVariantKindOfASwinModelMatchesTorchSharp()
    {
        manual_seed(12);
        using var dense = new SwinVariants();
        RandomiseSwin(dense);
        using var lowRank = SwinVariantsLr.FromDense(dense);
        using var int4 = SwinVariantsInt4.FromDense(dense);
        using var nm = SwinVariantsNm24.FromDense(dense);
        using var sparse = SwinVariantsSparse.FromDense(dense);
        Assert.InRange(Harness.Compare(lowRank, lowRank.ExportOnnx, [3, 40, 40], batches: [1, 2]), 0, Tolerance);
        Assert.InRange(Harness.Compare(int4, int4.ExportOnnx, [3, 40, 40], batches: [1, 2]), 0, Tolerance);
        Assert.InRange(Harness.Compare(nm, nm.ExportOnnx, [3, 40, 40], batches: [1, 2]), 0, Tolerance);
        Assert.InRange(Harness.Compare(sparse, sparse.ExportOnnx, [3, 40, 40], batches: [1, 2]), 0, Tolerance);
    }

    [Fact]
    public void EveryExactVariantKindOfAMambaModelMatchesTorchSharp()
    {
        manual_seed(13);
        using var dense = new MambaVariants();
        RandomiseMamba(dense);
        using var lowRank = MambaVariantsLr.FromDense(dense);
        using var int4 = MambaVariantsInt4.FromDense(dense);
        using var nm = MambaVariantsNm24.FromDense(dense);
        using var sparse = MambaVariantsSparse.FromDense(dense);
        Assert.InRange(Harness.Compare(lowRank, lowRank.ExportOnnx, [8, 16], batches: [1, 2], relative: true), 0, Tolerance);
        Assert.InRange(Harness.Compare(int4, int4.ExportOnnx, [8, 16], batches: [1, 2], relative: true), 0, Tolerance);
        Assert.InRange(Harness.Compare(nm, nm.ExportOnnx, [8, 16], batches: [1, 2], relative: true), 0, Tolerance);
        Assert.InRange(Harness.Compare(sparse, sparse.ExportOnnx, [8, 16], batches: [1, 2], relative: true), 0, Tolerance);
    }

    [Fact]
    public void Int8VariantsAroundSwinAndMambaExportInQdqFormWithTheLayersInFloatAndOnnxRuntimeRunsThem()
    {
        // Their Linears quantised, the window attention and the scan float: the checker passes, ONNX Runtime runs the
        // file at two batch sizes. (How close their output comes to TorchSharp's int8 module is QuantizedExportTests'.)
        manual_seed(14);
        using var directory = new TemporaryDirectory();
        using var swinDense = new SwinVariants();
        using var swin = SwinVariantsInt8.FromDense(swinDense);
        using var mambaDense = new MambaVariants();
        using var mamba = MambaVariantsInt8.FromDense(mambaDense);
        foreach (var (name, export, shape, op) in new (string, Action<string, Tensor>, long[], string)[]
        {
            ("swin", swin.ExportOnnx, [3, 40, 40], "Softmax"),
            ("mamba", mamba.ExportOnnx, [8, 16], "Scan"),
        })
        {
            var path = directory.File(name + ".onnx");
            using (var calibration = randn([16, .. shape]))
            {
                export(path, calibration);
            }

            var ops = Harness.Inspect(path).GetProperty("op_counts");
            Assert.True(ops.TryGetProperty("QuantizeLinear", out _), name + ": no QuantizeLinear");
            Assert.True(ops.TryGetProperty(op, out _), name + ": no " + op);
            using var onnx = OnnxModel.Load(path);
            foreach (var batch in new[] { 1, 3 })
            {
                using var x = randn([batch, .. shape]);
                using var y = onnx.Run(x);
                Assert.Equal(batch, y.shape[0]);
                Assert.True(y.isfinite().all().item<bool>(), name + ": a non-finite output");
            }
        }
    }

    // Values the defaults would hide: a temperature per head, some above the ln 100 clamp; a key bias the attention must
    // ignore (torchvision zeroes it in the forward); a position bias MLP whose output differs by head.
    private static void RandomiseSwin(nn.Module model)
    {
        using var noGrad = no_grad();
        manual_seed(3);
        foreach (var (name, tensor) in model.named_parameters())
        {
            if (name.EndsWith(".logit_scale", StringComparison.Ordinal))
            {
                tensor.uniform_(1.0, 5.5);
            }
            else if (name.EndsWith(".qkv.bias", StringComparison.Ordinal))
            {
                tensor.uniform_(-0.5, 0.5);
            }
            else if (name.Contains(".cpb_mlp.", StringComparison.Ordinal))
            {
                tensor.normal_(0, 0.5);
            }
        }
    }

    // A state decay and skip weight per channel and state, instead of the S4D-real A = −[1 … S] and D = 1 of every channel,
    // and Δ near 1 (softplus of a bias in [−1, 1]) rather than the initial 0.001 … 0.1, so that the state carries across steps.
    private static void RandomiseMamba(nn.Module model)
    {
        using var noGrad = no_grad();
        manual_seed(4);
        foreach (var (name, tensor) in model.named_parameters())
        {
            if (name.EndsWith(".A_log", StringComparison.Ordinal))
            {
                tensor.add_(rand_like(tensor) - 0.5);
            }
            else if (name == "mixer.D")
            {
                // MambaCoverage's last block without its skip term: the model's output is that block's scan alone (gated, projected).
                tensor.zero_();
            }
            else if (name.EndsWith(".D", StringComparison.Ordinal))
            {
                tensor.uniform_(0.5, 1.5);
            }
            else if (name.EndsWith(".dt_proj.bias", StringComparison.Ordinal))
            {
                tensor.uniform_(-1.0, 1.0);
            }
        }
    }
}
