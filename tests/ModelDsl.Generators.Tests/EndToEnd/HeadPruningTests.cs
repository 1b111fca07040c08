using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.Generators.Tests.EndToEnd;

/// <summary>
/// Head and MLP pruning ([Variant("Half", KeepHeads = 0.5, KeepHidden = 0.5)]) on a small ViT: the variant class keeps
/// the model width, drops whole heads of each attention and half of each MLP's hidden neurons, is costed exactly at
/// compile time, and is built by FromDense from the dense weights.
/// </summary>
public class HeadPruningTests
{
    // TinyVit: 16 patch tokens + the class token, model width 16, 4 heads of width 4, MLP 64, two layers.
    private const long T = 17, D = 16;

    [Fact]
    public void TheVariantsConstantsAreTheHandDerivation()
    {
        // By hand (docs/cost-convention.md: attention 3·T·D·I + 2·T²·I + T·I·D with I = heads · head width; a Linear T·in·out):
        // patch embedding 16 tokens · 16 · 3·4·4 = 12,288; classifier 16·10 = 160.
        const long patch = 16 * 16 * 48, head = 160;
        long Layer(long inner, long hidden) => (4 * T * D * inner) + (2 * T * T * inner) + (2 * T * D * hidden);
        // Dense 135,392; Half 73,920 (2 of 4 heads, 32 of 64 neurons); Heads 95,408 (round(4 · 0.25) = 1 head, MLP whole).
        long[] expected = [patch + head + (2 * Layer(16, 64)), patch + head + (2 * Layer(8, 32)), patch + head + (2 * Layer(4, 64))];
        Assert.Equal(expected, new[] { TinyVit.TotalMacs, TinyVitHalf.TotalMacs, TinyVitHeads.TotalMacs });
        Assert.Equal([135_392, 73_920, 95_408], expected);

        // Parameters by hand, per layer of Half: ln_1 32, in_proj 24·16 + 24, out_proj 16·8 + 16, ln_2 32,
        // mlp.0 32·16 + 32, mlp.2 16·32 + 16 = 1,688; patch 16·48 + 16, class token 16, positions 17·16, ln 32, head 170.
        Assert.Equal([(2 * 1_688) + 784 + 16 + 272 + 32 + 170], new[] { TinyVitHalf.TotalParameters });
    }

    [Fact]
    public void TheConstantsAreTheCostOfTheBuiltModule()
    {
        // The MACs recomputed from the module actually built: its attention layers' own widths and its Linears' weights.
        foreach (var (model, macs, parameters) in new (nn.Module<Tensor, Tensor>, long, long)[]
        {
            (new TinyVitHalf(), TinyVitHalf.TotalMacs, TinyVitHalf.TotalParameters),
            (new TinyVitHeads(), TinyVitHeads.TotalMacs, TinyVitHeads.TotalParameters),
            (new TinyVit(), TinyVit.TotalMacs, TinyVit.TotalParameters),
        })
        {
            using (model)
            {
                Assert.Equal(parameters, model.parameters().Sum(p => p.numel()));
                Assert.Equal(macs, BuiltMacs(model));
                Assert.Equal(new long[] { 2, 10 }, model.call(randn(2, 3, 16, 16)).shape);
            }
        }
    }

    [Fact]
    public void AttentionOfTheVariantHasFewerHeadsOfTheDenseWidth()
    {
        using var variant = new TinyVitHalf();
        var attention = variant.modules().OfType<MultiheadAttention>().ToList();
        Assert.Equal(2, attention.Count);
        Assert.All(attention, a => Assert.Equal((16L, 2L, 4L, 8L), (a.EmbedDim, a.NumHeads, a.HeadDim, a.InnerDim)));
        Assert.Equal(new long[] { 24, 16 }, attention[0].InProjWeight.shape);
        Assert.Equal(new long[] { 16, 8 }, attention[0].OutProj.weight!.shape);
    }

    [Theory]
    [InlineData(PruningCriterion.L1)]
    [InlineData(PruningCriterion.L2)]
    public void PruningZeroHeadsAndNeuronsReproducesTheDenseViT(PruningCriterion criterion)
    {
        // In each layer, the heads chosen here by hand get zero q, k, v rows (weights and biases) and zero out_proj
        // columns, and the hidden neurons chosen get zero mlp.0 rows and biases and zero mlp.2 columns: they carry
        // nothing into the residual stream, and they are the lowest-scoring (zero) heads and neurons, so FromDense must
        // drop exactly them. Only then — q, k, v blocks cut by whole heads, out_proj's columns with them, mlp.2's inputs
        // with mlp.0's outputs — does the variant give the dense output.
        using var dense = new TinyVit();
        var zeroHeads = new[] { new long[] { 1, 3 }, new long[] { 0, 2 } };
        var zeroNeurons = new[] { Enumerable.Range(0, 64).Where(i => i % 2 == 0).Select(i => (long)i).ToArray(), Enumerable.Range(32, 32).Select(i => (long)i).ToArray() };
        ZeroHeads(dense, zeroHeads, zeroNeurons);
        dense.eval();
        using var variant = TinyVitHalf.FromDense(dense, criterion);
        variant.eval();

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(4, 3, 16, 16);
        var expected = dense.call(x);
        var actual = variant.call(x);

        // The kept heads and neurons compute the same products; only the order of float32 sums differs (fewer, zero
        // terms removed from each out_proj and mlp.2 dot product, of 8 to 64 terms of size about 1): a few units of
        // float32 rounding (1.2e-7) on outputs of size about 1, far below 1e-5. A wrong head or neuron is off by 1e-2 or more.
        var difference = (expected - actual).abs().max().item<float>();
        Assert.True(difference < 1e-5f, "largest difference " + difference);
        Assert.True(expected.abs().max().item<float>() > 1e-2f, "the dense output is not trivially zero");
    }

    [Fact]
    public void KeepingLiveHeadsInsteadOfTheZeroOnesChangesTheOutput()
    {
        // The zero-head test's counterpart, so that it can fail: heads 1 and 3 of layer 0 are silenced by their out_proj
        // columns alone while their q, k, v rows are made large, so they rank highest by L1 and are kept, and the live
        // heads 0 and 2 are dropped: the variant must then differ from the dense model.
        using var dense = new TinyVit();
        ZeroHeads(dense, [[1, 3], [0, 2]], [Enumerable.Range(0, 32).Select(i => (long)i).ToArray(), Enumerable.Range(0, 32).Select(i => (long)i).ToArray()]);
        using (var noGradFill = no_grad())
        {
            var weights = dense.state_dict();
            weights["layers.0.attention.in_proj_weight"].view(3, 4, 4, 16).index_fill_(1, tensor(new long[] { 1, 3 }), 10);
        }

        dense.eval();
        using var variant = TinyVitHalf.FromDense(dense);
        variant.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(4, 3, 16, 16);
        Assert.True((dense.call(x) - variant.call(x)).abs().max().item<float>() > 1e-4f);
    }

    [Fact]
    public void ARewriteThatRemovesNothingReproducesTheDenseAttention()
    {
        // Every head kept (KeptHeads = DenseHeads), the layer built with its head width written out: the same cut code
        // (q, k, v blocks by whole heads, out_proj columns) must copy the layer exactly.
        using var dense = new MultiheadAttention(16, 4);
        using var copy = new MultiheadAttention(16, 4, headDim: 4);
        var weights = dense.state_dict();
        var keep = Pruning.SelectHeads(weights, new HeadGroup(4, 4, 4, ["in_proj_weight", "in_proj_bias"], ["out_proj.weight"]), PruningCriterion.L1);
        Assert.Equal(new long[] { 0, 1, 2, 3 }, keep);
        Pruning.Copy(copy, weights, "in_proj_weight", new Slice(0, keep, 4, 3));
        Pruning.Copy(copy, weights, "in_proj_bias", new Slice(0, keep, 4, 3));
        Pruning.Copy(copy, weights, "out_proj.weight", new Slice(1, keep, 4));
        Pruning.Copy(copy, weights, "out_proj.bias");
        dense.eval();
        copy.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(3, 9, 16);
        Assert.True((dense.call(x) - copy.call(x)).abs().max().item<float>() < 1e-6f);
    }

    [Fact]
    public void ThePrunedAttentionIsPyTorchsAttentionOnTheKeptHeads()
    {
        // From outside: softmax(q kᵀ/√d) v per kept head, concatenated and projected, written here with plain matmuls on
        // the dense weights' rows of heads 1 and 3 (not through the layer).
        using var dense = new MultiheadAttention(16, 4);
        using var pruned = new MultiheadAttention(16, 2, headDim: 4);
        var weights = dense.state_dict();
        long[] keep = [1, 3];
        Pruning.Copy(pruned, weights, "in_proj_weight", new Slice(0, keep, 4, 3));
        Pruning.Copy(pruned, weights, "in_proj_bias", new Slice(0, keep, 4, 3));
        Pruning.Copy(pruned, weights, "out_proj.weight", new Slice(1, keep, 4));
        Pruning.Copy(pruned, weights, "out_proj.bias");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(2, 5, 16);
        var w = weights["in_proj_weight"];
        var b = weights["in_proj_bias"];
        var heads = keep.Select(h =>
        {
            Tensor Part(int block) => x.matmul(w.narrow(0, (block * 16) + (h * 4), 4).t()) + b.narrow(0, (block * 16) + (h * 4), 4);
            var scores = Part(0).matmul(Part(1).transpose(1, 2)) / Math.Sqrt(4);
            return scores.softmax(-1).matmul(Part(2));
        }).ToArray();
        var outW = weights["out_proj.weight"];
        var expected = cat(heads, -1).matmul(cat(keep.Select(h => outW.narrow(1, h * 4, 4)).ToArray(), 1).t()) + weights["out_proj.bias"];
        Assert.True((expected - pruned.call(x)).abs().max().item<float>() < 1e-5f);
    }

    [Fact]
    public void AVariantSavedToSafeTensorsLoadsIntoAFreshInstanceWithIdenticalOutputs()
    {
        using var dense = new TinyVit();
        using var variant = TinyVitHalf.FromDense(dense, PruningCriterion.L2);
        variant.eval();
        var path = Path.Combine(Path.GetTempPath(), "modeldsl-vit-" + Guid.NewGuid().ToString("N") + ".safetensors");
        try
        {
            variant.SaveSafeTensors(path);
            using var loaded = new TinyVitHalf();
            loaded.LoadSafeTensors(path);
            loaded.eval();
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var x = randn(2, 3, 16, 16);
            Assert.Equal(0f, (variant.call(x) - loaded.call(x)).abs().max().item<float>());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TaylorRanksHeadsByTheDenseGradients()
    {
        using var dense = new TinyVit();
        var loss = dense.call(randn(4, 3, 16, 16)).square().sum();
        loss.backward();
        using var variant = TinyVitHalf.FromDense(dense, PruningCriterion.Taylor);
        Assert.Equal(TinyVitHalf.TotalParameters, variant.parameters().Sum(p => p.numel()));
    }

    // Zeroes, per layer i, the q, k, v rows and biases and out_proj columns of heads[i], and the mlp.0 rows and biases
    // and mlp.2 columns of neurons[i].
    private static void ZeroHeads(TinyVit model, long[][] heads, long[][] neurons)
    {
        using var noGrad = no_grad();
        var weights = model.state_dict();
        for (var i = 0; i < heads.Length; i++)
        {
            var prefix = "layers." + i + ".";
            using var h = tensor(heads[i]);
            weights[prefix + "attention.in_proj_weight"].view(3, 4, 4, 16).index_fill_(1, h, 0);
            weights[prefix + "attention.in_proj_bias"].view(3, 4, 4).index_fill_(1, h, 0);
            weights[prefix + "attention.out_proj.weight"].view(16, 4, 4).index_fill_(1, h, 0);
            using var n = tensor(neurons[i]);
            weights[prefix + "mlp.0.weight"].index_fill_(0, n, 0);
            weights[prefix + "mlp.0.bias"].index_fill_(0, n, 0);
            weights[prefix + "mlp.2.weight"].index_fill_(1, n, 0);
        }
    }

    // MACs of a built TinyVit-like module from its own layers: attention by its widths, Linears by their weights at T
    // tokens (the classifier at one), the patch embedding's convolution at its 16 positions.
    private static long BuiltMacs(nn.Module model)
    {
        long macs = 0;
        foreach (var (name, module) in model.named_modules())
        {
            switch (module)
            {
                case MultiheadAttention a:
                    macs += (4 * T * a.EmbedDim * a.InnerDim) + (2 * T * T * a.InnerDim);
                    break;
                case TorchSharp.Modules.Linear l when !name.Contains("out_proj", StringComparison.Ordinal):
                    macs += (name.StartsWith("head", StringComparison.Ordinal) ? 1 : T) * l.in_features * l.out_features;
                    break;
                case PatchEmbedding p:
                    macs += 16 * p.parameters().First().numel();
                    break;
            }
        }

        return macs;
    }
}
