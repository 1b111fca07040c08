using ModelDsl.Zoo.Transformers;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.Zoo.Tests;

/// <summary>
/// ViT-B/16's generated head- and MLP-pruned variant ([Variant("Half", KeepHeads = 0.5, KeepHidden = 0.5)]): 6 of
/// each layer's 12 heads (head width 64) and 1536 of its 3072 MLP neurons, the model width 768 kept.
/// </summary>
public class VitB16HalfVariantTests
{
    // 196 patch tokens and the class token; model width 768.
    private const long T = 197, D = 768;

    [Fact]
    public void TheHalfVariantsConstantsAreTheHandDerivation()
    {
        // torchvision's vit_b_16 convention (docs/cost-convention.md): per encoder layer, attention 4·T·D·I + 2·T²·I with
        // I = heads · 64, and the MLP 2·T·D·hidden; the patch embedding 196 · 768 · 3·16·16 = 115,605,504; the head
        // 768 · 1000. Dense: I = 768, hidden 3072, 1,453,954,560 per layer, 17,563,828,224 in all (torchvision's
        // 17.564 GFLOPS). Half: I = 384, hidden 1536: 262,195,968 + 464,781,312 = 726,977,280 per layer.
        const long patch = 196 * 768 * 768, head = 768 * 1000;
        static long Layer(long inner, long hidden) => (4 * T * D * inner) + (2 * T * T * inner) + (2 * T * D * hidden);
        long[] expected = [patch + head + (12 * Layer(768, 3072)), patch + head + (12 * Layer(384, 1536))];
        Assert.Equal([17_563_828_224, 8_840_100_864], expected);
        Assert.Equal(expected, new[] { VitB16.TotalMacs, VitB16Half.TotalMacs });

        // Parameters per layer of Half: ln_1 1536; in_proj 1152·768 + 1152; out_proj 768·384 + 768; ln_2 1536;
        // mlp.0 1536·768 + 1536; mlp.3 768·1536 + 768 = 3,546,240. Outside the layers (as dense): conv_proj 590,592,
        // class token 768, position embedding 197·768, ln 1536, head 769,000 = 1,513,192.
        Assert.Equal([(12 * 3_546_240) + 1_513_192], new[] { VitB16Half.TotalParameters });
    }

    [Fact]
    public void TheHalfVariantsConstantsAreTheBuiltModules()
    {
        using var half = new VitB16Half();
        Assert.Equal(VitB16Half.TotalParameters, half.parameters().Sum(p => p.numel()));
        var state = half.state_dict();
        Assert.Equal(new long[] { 3 * 384, 768 }, state["encoder.layers.encoder_layer_0.self_attention.in_proj_weight"].shape);
        Assert.Equal(new long[] { 768, 384 }, state["encoder.layers.encoder_layer_11.self_attention.out_proj.weight"].shape);
        Assert.Equal(new long[] { 1536, 768 }, state["encoder.layers.encoder_layer_5.mlp.0.weight"].shape);
        Assert.Equal(new long[] { 768, 1536 }, state["encoder.layers.encoder_layer_5.mlp.3.weight"].shape);

        // The MACs recomputed from the modules built: each attention's own widths, each Linear's weight at T tokens
        // (the classifier at one), the patch embedding's weight at its 196 positions.
        long macs = 0;
        foreach (var (name, module) in half.named_modules())
        {
            macs += module switch
            {
                MultiheadAttention a => (4 * T * a.EmbedDim * a.InnerDim) + (2 * T * T * a.InnerDim),
                TorchSharp.Modules.Linear when name.EndsWith("out_proj", StringComparison.Ordinal) => 0,
                TorchSharp.Modules.Linear l => (name.StartsWith("heads", StringComparison.Ordinal) ? 1 : T) * l.in_features * l.out_features,
                PatchEmbedding p => 196 * p.parameters().First().numel(),
                _ => 0,
            };
        }

        Assert.Equal(VitB16Half.TotalMacs, macs);
    }

    [Fact]
    public void FromDenseKeepsTheMostImportantHeadsOfTheDenseModel()
    {
        // Layer 0's heads 0–5 are scaled down tenfold in the dense model: L1 must drop exactly them and keep 6–11,
        // whose q, k, v rows and out_proj columns the variant then holds unchanged.
        using var dense = new VitB16();
        var weights = dense.state_dict();
        const string attention = "encoder.layers.encoder_layer_0.self_attention.";
        using (no_grad())
        {
            weights[attention + "in_proj_weight"].view(3, 12, 64, 768).narrow(1, 0, 6).mul_(0.1);
            weights[attention + "out_proj.weight"].view(768, 12, 64).narrow(1, 0, 6).mul_(0.1);
        }

        using var half = VitB16Half.FromDense(dense);
        var pruned = half.state_dict();
        var expectedRows = weights[attention + "in_proj_weight"].view(3, 12, 64, 768).narrow(1, 6, 6).reshape(3 * 384, 768);
        Assert.True(pruned[attention + "in_proj_weight"].equal(expectedRows).all().item<bool>());
        Assert.True(pruned[attention + "out_proj.weight"].equal(weights[attention + "out_proj.weight"].view(768, 12, 64).narrow(1, 6, 6).reshape(768, 384)).all().item<bool>());
        Assert.True(pruned["encoder.ln.weight"].equal(weights["encoder.ln.weight"]).all().item<bool>());
    }
}
