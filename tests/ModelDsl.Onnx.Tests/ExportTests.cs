using ModelDsl.Zoo.Classic;
using ModelDsl.Zoo.Decoders;
using ModelDsl.Zoo.MobileNets;
using ModelDsl.Zoo.ResNets;
using ModelDsl.Zoo.Transformers;

namespace ModelDsl.Onnx.Tests;

/// <summary>
/// Each zoo model and each test model exported with its generated <c>ExportOnnx</c>, run by ONNX Runtime, against the
/// TorchSharp module on the same random input: equal within 1e-4 (relative to the output's scale where it is above 1).
/// </summary>
public class ExportTests
{
    private const float Tolerance = 1e-4f;

    [Fact]
    public void MlpMatchesTorchSharp()
    {
        using var model = new Mlp();
        Assert.InRange(Harness.Compare(model, model.ExportOnnx, [784], batches: [1, 5]), 0, Tolerance);
    }

    [Fact]
    public void ResNet18MatchesTorchSharpAtTwoBatchSizesFromOneFile()
    {
        using var model = new ResNet18();
        Assert.InRange(Harness.Compare(model, model.ExportOnnx, [3, 224, 224], batches: [1, 2]), 0, Tolerance);
    }

    [Fact]
    public void ResNet50WithBottlenecksMatchesTorchSharp()
    {
        using var model = new ResNet50();
        Assert.InRange(Harness.Compare(model, model.ExportOnnx, [3, 224, 224], batches: [1]), 0, Tolerance);
    }

    [Fact]
    public void TheStructuredVariantResNet18HalfExportsItsSmallerGraphAndMatches()
    {
        using var model = new ResNet18Half();
        Assert.InRange(Harness.Compare(model, model.ExportOnnx, [3, 224, 224]), 0, Tolerance);
    }

    [Fact]
    public void MobileNetV2MatchesTorchSharp()
    {
        using var model = new MobileNetV2();
        Assert.InRange(Harness.Compare(model, model.ExportOnnx, [3, 224, 224]), 0, Tolerance);
    }

    [Fact]
    public void AttentionWithRenamedPartsExportsUnderItsNamesAndMatches()
    {
        using var model = new RenamedAttentionCoverage();
        Assert.Contains("mixer.1.qkv.weight", model.state_dict().Keys);
        Assert.InRange(Harness.Compare(model, model.ExportOnnx, [12, 32], batches: [1, 3]), 0, Tolerance);
    }

    [Fact]
    public void VitB16MatchesTorchSharp()
    {
        using var model = new VitB16();
        Assert.InRange(Harness.Compare(model, model.ExportOnnx, [3, 224, 224], batches: [1]), 0, Tolerance);
    }

    [Fact]
    public void VitB16EncoderOnASequenceMatchesTorchSharp()
    {
        using var model = new VitB16Encoder();
        Assert.InRange(Harness.Compare(model, model.ExportOnnx, [197, 768], batches: [1]), 0, Tolerance);
    }

    [Fact]
    public void AHeadPrunedVariantMatchesTorchSharp()
    {
        using var dense = new HeadPrunedSeq();
        using var model = HeadPrunedSeqHalf.FromDense(dense);
        Assert.InRange(Harness.Compare(model, model.ExportOnnx, [5, 16]), 0, Tolerance);
    }

    [Fact]
    public void Gpt2TinyOnTokenIdsMatchesTorchSharp()
    {
        using var model = new Gpt2Tiny();
        Assert.InRange(Harness.Compare(model, model.ExportOnnx, [16], vocabulary: 97), 0, Tolerance);
    }

    // The zoo's full-size GPT-2 small (124M parameters, T = 1024, tied head) and its transformer body: one batch each,
    // the logits alone are 1 × 1024 × 50,257 floats (Gpt2Tiny covers the dynamic batch of the same blocks).
    [Fact]
    public void Gpt2SmallOnTokenIdsMatchesTorchSharp()
    {
        using var model = new Gpt2Small();
        Assert.InRange(Harness.Compare(model, model.ExportOnnx, [1024], vocabulary: 50257, batches: [1]), 0, Tolerance);
    }

    [Fact]
    public void Gpt2BodyMatchesTorchSharp()
    {
        using var model = new Gpt2Body();
        Assert.InRange(Harness.Compare(model, model.ExportOnnx, [1024, 768], batches: [1]), 0, Tolerance);
    }

    [Fact]
    public void VggWhoseAdaptivePoolUpsamplesMatchesTorchSharp()
    {
        using var model = new SmallVgg11();
        Assert.InRange(Harness.Compare(model, model.ExportOnnx, [3, 32, 32]), 0, Tolerance);
    }

    [Fact]
    public void GatesGroupNormAndTheOtherImageLayersMatchTorchSharp()
    {
        using var model = new ImageCoverage();
        Assert.InRange(Harness.Compare(model, model.ExportOnnx, [3, 24, 24]), 0, Tolerance);
    }

    [Fact]
    public void Conv1dSignalModelMatchesTorchSharp()
    {
        using var model = new SignalCoverage();
        Assert.InRange(Harness.Compare(model, model.ExportOnnx, [4, 32]), 0, Tolerance);
    }

    [Fact]
    public void CausalAttentionAndRmsNormMatchTorchSharp()
    {
        using var model = new SequenceCoverage();
        Assert.InRange(Harness.Compare(model, model.ExportOnnx, [12, 32], batches: [1, 3]), 0, Tolerance);
    }

    [Fact]
    public void AUsersCustomModuleIsUnmappedAndItsExportFailsNamingThePathAndKindAndWritesNothing()
    {
        using var model = new CustomCoverage();
        using var directory = new TemporaryDirectory();
        var path = directory.File("custom.onnx");
        var error = Assert.Throws<NotSupportedException>(() => model.ExportOnnx(path));
        Assert.Equal("ONNX export of CustomCoverage: layer 'scale' (Custom) has no ONNX mapping", error.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void ACustomModuleThatWritesItsOwnNodesExportsAndMatchesTorchSharp()
    {
        using var model = new ExportableCustomCoverage();
        Assert.InRange(Harness.Compare(model, model.ExportOnnx, [3, 8, 8], batches: [1, 3]), 0, Tolerance);

        // The module's nodes sit under its path, its parameters are initializers under their state-dict names.
        using var directory = new TemporaryDirectory();
        var path = directory.File("custom.onnx");
        model.ExportOnnx(path);
        var graph = Harness.Inspect(path);
        var nodes = graph.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()).ToList();
        Assert.Equal(["affine/Mul", "affine/Add", "affine/Mul_1"], nodes.Where(n => n!.StartsWith("affine/", StringComparison.Ordinal)));
        var initializers = graph.GetProperty("initializers");
        Assert.Equal([4, 1, 1], initializers.GetProperty("affine.gamma").EnumerateArray().Select(d => d.GetInt32()));
        Assert.Equal([4, 1, 1], initializers.GetProperty("affine.beta").EnumerateArray().Select(d => d.GetInt32()));
        // The layer's output carries its declared shape, batch symbolic.
        Assert.Equal(4, graph.GetProperty("value_info").GetProperty("affine/Mul_1").GetArrayLength());
    }

    [Fact]
    public void AnInt8VariantSaysItsQdqFormDoesNotTakeACustomModulesOwnNodes()
    {
        using var dense = new ExportableCustomCoverage();
        using var int8 = ExportableCustomCoverageInt8.FromDense(dense);
        using var directory = new TemporaryDirectory();
        var path = directory.File("custom_int8.onnx");
        using var calibration = TorchSharp.torch.randn(4, 3, 8, 8);
        var error = Assert.Throws<NotSupportedException>(() => int8.ExportOnnx(path, calibration));
        Assert.Equal(
            "ONNX export of ExportableCustomCoverageInt8: layer 'affine' (Custom) has no ONNX mapping in an int8 variant's QDQ form: the nodes its IOnnxExportable module writes are exported by the float models only",
            error.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void ACustomModulesWrongMappingFailsNamingTheLayerAndTensorAndWritesNothing()
    {
        using var model = new MisnamedCustomCoverage();
        using var directory = new TemporaryDirectory();
        var path = directory.File("misnamed.onnx");
        var error = Assert.Throws<ArgumentException>(() => model.ExportOnnx(path));
        Assert.StartsWith("ONNX export of MisnamedCustomCoverage: the model has no tensor 'twice.scale'", error.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void ALowRankVariantExportsAsItsTwoFactorsAndMatches()
    {
        // Rank factors are ordinary Linears in the rewritten spec: the export writes them as two products.
        using var model = new WideMlpLr();
        Assert.InRange(Harness.Compare(model, model.ExportOnnx, [64], batches: [1, 3]), 0, Tolerance);
    }

    [Fact]
    public void AnInt4VariantExportsItsDequantisedWeightsAndMatches()
    {
        // The int4 Linears compute with their dequantised float32 weights in TorchSharp; the export writes those weights.
        TorchSharp.torch.manual_seed(6);
        using var dense = new WideMlp();
        using var model = WideMlpInt4.FromDense(dense);
        Assert.InRange(Harness.Compare(model, model.ExportOnnx, [64], batches: [1, 3]), 0, Tolerance);
    }

    [Fact]
    public void AnNMVariantExportsItsDecompressedWeightsAndMatches()
    {
        // NMLinear and NMConv2d compute with their decompressed dense weights on CPU; the export writes those weights
        // (zeros included) as ordinary Gemm and Conv initializers.
        TorchSharp.torch.manual_seed(8);
        using var dense = new SmallVgg11();
        using var model = SmallVgg11Nm24.FromDense(dense);
        Assert.Contains("features.3.weight_values", model.state_dict().Keys);
        Assert.InRange(Harness.Compare(model, model.ExportOnnx, [3, 32, 32], batches: [1, 2]), 0, Tolerance);
    }
}
