using ModelDsl.Spec;
using static ModelDsl.Spec.LayerKind;

namespace ModelDsl.Spec.Tests.Zoo;

/// <summary>ViT-B/16 (torchvision names) and GPT-2 small (nanoGPT names) as specs.</summary>
internal static class Transformers
{
    // torchvision.models.vision_transformer.EncoderBlock: pre-norm attention and MLP, each residual.
    public static readonly BlockSpec EncoderBlock = new(
        "EncoderBlock",
        new[] { new BlockParameter("heads"), new BlockParameter("mlp") },
        new[]
        {
            LayerSpec.Residual(
                "identity",
                new LayerSpec("ln_1", LayerNorm),
                new LayerSpec("self_attention", MultiheadAttention, ("heads", "heads")),
                new LayerSpec("dropout", Dropout)),
            LayerSpec.Residual(
                "identity",
                new LayerSpec("ln_2", LayerNorm),
                LayerSpec.Sequential(
                    "mlp",
                    new LayerSpec(null, Linear, ("out", "mlp")),
                    new LayerSpec(null, GELU),
                    new LayerSpec(null, Dropout),
                    new LayerSpec(null, Linear, ("out", "in_channels")),
                    new LayerSpec(null, Dropout))),
        });

    // nanoGPT's Block with bias=False: LayerNorms without bias, CausalSelfAttention (c_attn, c_proj), MLP (c_fc, c_proj).
    public static readonly BlockSpec Gpt2Block = new(
        "Gpt2Block",
        new[] { new BlockParameter("heads") },
        new[]
        {
            LayerSpec.Residual(
                "identity",
                new LayerSpec("ln_1", LayerNorm, ("bias", false)),
                new LayerSpec("attn", MultiheadAttention, ("heads", "heads"), ("causal", true), ("bias", false), ("layout", "gpt2"))),
            LayerSpec.Residual(
                "identity",
                new LayerSpec("ln_2", LayerNorm, ("bias", false)),
                LayerSpec.Sequential(
                    "mlp",
                    new LayerSpec("c_fc", Linear, ("out", "4 * in_channels"), ("bias", false)),
                    new LayerSpec("gelu", GELU),
                    new LayerSpec("c_proj", Linear, ("out", "in_channels"), ("bias", false)),
                    new LayerSpec("dropout", Dropout))),
        });

    public static ModelSpec VitB16() => new(
        "VitB16",
        InputSpec.Image(3, 224, 224),
        new[]
        {
            new LayerSpec("conv_proj", PatchEmbedding, ("dim", 768), ("patch", 16)),
            new LayerSpec("class_token", ClassToken),
            LayerSpec.Sequential(
                "encoder",
                new LayerSpec("pos_embedding", PositionEmbedding),
                new LayerSpec("dropout", Dropout),
                new LayerSpec("layers", Stage, ("block", "EncoderBlock"), ("blocks", 12), ("item", "encoder_layer_{i}"), ("heads", 12), ("mlp", 3072)),
                new LayerSpec("ln", LayerNorm)),
            new LayerSpec("take_class_token", TakeToken),
            LayerSpec.Sequential("heads", new LayerSpec("head", Linear, ("out", 1000))),
        },
        new[] { EncoderBlock });

    public static ModelSpec Gpt2Small(int length = 1024) => new(
        "Gpt2Small",
        InputSpec.Tokens(length, 50257),
        new[]
        {
            LayerSpec.Sequential(
                "transformer",
                new LayerSpec("wte", Embedding, ("dim", 768)),
                new LayerSpec("wpe", PositionEmbedding, ("max_len", 1024), ("layout", "embedding")),
                new LayerSpec("drop", Dropout),
                new LayerSpec("h", Stage, ("block", "Gpt2Block"), ("blocks", 12), ("heads", 12)),
                new LayerSpec("ln_f", LayerNorm, ("bias", false))),
            new LayerSpec("lm_head", TiedLinear, ("tied_to", "transformer.wte")),
        },
        new[] { Gpt2Block });
}
