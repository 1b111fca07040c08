using ModelDsl.Zoo.Decoders;
using ModelDsl.Zoo.StateSpace;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelDsl.Zoo.Tests;

/// <summary>GPT-2's transformer body and a Mamba stack against nanoGPT's and mamba_ssm's names and nanoGPT's published cost.</summary>
public class DecoderTests
{
    private const long T = 1024, D = 768, Vocabulary = 50_257;

    [Fact]
    public void Gpt2BodyPlusEmbeddingsAndTiedHeadIsNanoGptsCost()
    {
        // nanoGPT's 291,648,307,200 matmul FLOPs at T = 1024 are 145,824,153,600 MACs; the body plus the tied head's
        // T·D·V (the embeddings are lookups) must give exactly that.
        Assert.Equal(145_824_153_600, Gpt2Body.TotalMacs + (T * D * Vocabulary));

        // 124,337,664 parameters with the head tied to wte: body + wte (V·D) + wpe (T·D).
        Assert.Equal(124_337_664, Gpt2Body.TotalParameters + (Vocabulary * D) + (T * D));
    }

    [Fact]
    public void Gpt2SmallIsNanoGptsCostAtCompileTime()
    {
        // The whole model as declared (embeddings, body, tied head): the generated constants themselves.
        const long macs = Gpt2Small.TotalMacs, parameters = Gpt2Small.TotalParameters;
        Assert.Equal(145_824_153_600, macs);
        Assert.Equal(124_337_664, parameters);
        Assert.Equal(new[] { 1024, 50_257 }, Gpt2Small.OutputShape);
    }

    [Fact]
    public void Gpt2TinyHasNanoGptsNamesWithTheTiedHeadUnderBoth()
    {
        using var model = new Gpt2Tiny();
        var block = new[] { "ln_1.weight", "attn.c_attn.weight", "attn.c_proj.weight", "ln_2.weight", "mlp.c_fc.weight", "mlp.c_proj.weight" };
        var expected = new[] { "transformer.wte.weight", "transformer.wpe.weight" }
            .Concat(Enumerable.Range(0, 2).SelectMany(i => block.Select(n => $"transformer.h.{i}.{n}")))
            .Append("transformer.ln_f.weight")
            .Append("lm_head.weight");
        Assert.Equal(expected, model.state_dict().Keys);

        // named_parameters() lists the tied tensor once, under its first name, as PyTorch does.
        Assert.DoesNotContain("lm_head.weight", model.named_parameters().Select(p => p.name));
        Assert.Equal(Gpt2Tiny.TotalParameters, model.ParameterCount());
        Assert.Equal((97 * 64) + (16 * 64) + (2 * 12 * 64 * 64) + (2 * 2 * 64) + 64, Gpt2Tiny.TotalParameters);
    }

    [Fact]
    public void Gpt2BodyHasNanoGptsNames()
    {
        using var model = new Gpt2Body();

        // nanoGPT model.py (bias=False): transformer.h.{i}.ln_1, attn.c_attn, attn.c_proj, ln_2, mlp.c_fc, mlp.c_proj; transformer.ln_f.
        var expected = Enumerable.Range(0, 12)
            .SelectMany(i => new[] { "ln_1.weight", "attn.c_attn.weight", "attn.c_proj.weight", "ln_2.weight", "mlp.c_fc.weight", "mlp.c_proj.weight" }.Select(n => $"h.{i}.{n}"))
            .Append("ln_f.weight");
        Assert.Equal(expected, model.state_dict().Keys);
        Assert.Equal(Gpt2Body.TotalParameters, model.ParameterCount());
    }

    [Fact]
    public void MambaStackHasMambaSsmsNames()
    {
        using var model = new MambaStack();

        // mamba_ssm MixerModel: layers.{i}.norm, layers.{i}.mixer.{A_log, D, in_proj, conv1d, x_proj, dt_proj, out_proj}; norm_f.
        var mixer = new[] { "A_log", "D", "in_proj.weight", "conv1d.weight", "conv1d.bias", "x_proj.weight", "dt_proj.weight", "dt_proj.bias", "out_proj.weight" };
        var expected = Enumerable.Range(0, 4)
            .SelectMany(i => mixer.Select(n => $"layers.{i}.mixer.{n}").Prepend($"layers.{i}.norm.weight"))
            .Append("norm_f.weight");
        Assert.Equal(expected.Order(StringComparer.Ordinal), model.state_dict().Keys.Order(StringComparer.Ordinal));
        Assert.Equal(MambaStack.TotalParameters, model.ParameterCount());
    }

    [Fact]
    public void MambaLayerIsItsInputPlusTheMixedNorm()
    {
        using var model = new MambaStack();
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var layer = Assert.IsType<MambaLayer>(((Sequential)model.Layers)[0]);
        var x = Modules.SeededRandn(3, 1, 64, 768);

        // The block is exactly x + mixer(norm(x)); 1e-5 only allows for kernels that sum in another order.
        var expected = x + layer.Mixer.call(layer.Norm.call(x));
        Assert.True((layer.call(x) - expected).abs().max().item<float>() < 1e-5f);
    }
}
