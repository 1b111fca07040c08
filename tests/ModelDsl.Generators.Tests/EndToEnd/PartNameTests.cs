using static TorchSharp.torch;

namespace ModelDsl.Generators.Tests.EndToEnd;

/// <summary>
/// A composite layer's parts under another implementation's names (<c>QkvName = "qkv"</c> …): the generated module
/// registers them so, a checkpoint with those keys loads strictly, and the forward is the reference's.
/// </summary>
public class PartNameTests
{
    [Fact]
    public void ARenamedAttentionLoadsATimmStyleBlockStrictlyAndGivesItsOutput()
    {
        using var model = new TimmBlockNet();
        var keys = model.state_dict().Keys.ToArray();
        Assert.Equal(
            new[]
            {
                "block.norm1.weight", "block.norm1.bias", "block.attn.qkv.weight", "block.attn.qkv.bias", "block.attn.proj.weight", "block.attn.proj.bias",
                "block.norm2.weight", "block.norm2.bias", "block.mlp.fc1.weight", "block.mlp.fc1.bias", "block.mlp.fc2.weight", "block.mlp.fc2.bias",
            },
            keys);
        // Libtorch 1.13's explicit softmax(q kᵀ) v and 2.10's fused attention kernel round differently (~1e-6 per
        // layer), so the outputs agree to DESIGN.md's layer tolerance, 1e-5.
        AssertMatchesReference(model, "block");
    }

    [Fact]
    public void ARenamedCausalAttentionLoadsItsCheckpointAndMasksTheFuture()
    {
        using var model = new RenamedCausalNet();
        Assert.Equal(new[] { "attn.qkv.weight", "attn.qkv.bias", "attn.proj.weight", "attn.proj.bias" }, model.state_dict().Keys.ToArray());
        AssertMatchesReference(model, "causal");
    }

    [Fact]
    public void RenamedSwinAndMambaPartsAreTheNamesTheModulesRegister()
    {
        // torchvision's PatchMergingV2 and ShiftedWindowAttentionV2 keys, Mamba's reference keys, with the parts renamed:
        // the bare parameters and buffers (logit_scale, the two tables, A_log, D) keep their names.
        using var swin = new RenamedPartsNet();
        Assert.Equal(
            new[]
            {
                "merge.down.weight", "merge.ln.weight", "merge.ln.bias",
                "attn.logit_scale", "attn.to_qkv.weight", "attn.to_qkv.bias", "attn.out.weight", "attn.out.bias",
                "attn.bias_mlp.0.weight", "attn.bias_mlp.0.bias", "attn.bias_mlp.2.weight",
                "attn.relative_coords_table", "attn.relative_position_index",
            }.Order(),
            swin.state_dict().Keys.Order());
        using var mamba = new RenamedMambaNet();
        Assert.Equal(
            new[]
            {
                "mixer.A_log", "mixer.D", "mixer.w_in.weight", "mixer.conv.weight", "mixer.conv.bias", "mixer.w_x.weight",
                "mixer.w_dt.weight", "mixer.w_dt.bias", "mixer.w_out.weight",
            }.Order(),
            mamba.state_dict().Keys.Order());

        // The compile-time parameter count is the module's, so the costed tensors are the registered ones.
        Assert.Equal(RenamedPartsNet.TotalParameters, swin.parameters().Sum(p => p.numel()));
        Assert.Equal(RenamedMambaNet.TotalParameters, mamba.parameters().Sum(p => p.numel()));
        using var noGrad = no_grad();
        using var output = swin.call(randn(2, 8, 8, 16));
        Assert.Equal(new long[] { 2, 4, 4, 32 }, output.shape);
        using var mixed = mamba.call(randn(2, 6, 16));
        Assert.Equal(new long[] { 2, 6, 16 }, mixed.shape);
    }

    private static void AssertMatchesReference(nn.Module<Tensor, Tensor> model, string name)
    {
        var folder = Directory.CreateTempSubdirectory("modeldsl-parts-").FullName;
        try
        {
            Python.Run("timm_attention_reference.py", folder);
            model.LoadSafeTensors(Path.Combine(folder, name + ".safetensors"));
            model.eval();
            var io = Weights.ReadSafeTensors(Path.Combine(folder, name + "_io.safetensors"));
            using var noGrad = no_grad();
            using var actual = model.call(io["input"]);
            var worst = (actual - io["output"]).abs().max().item<float>();
            Assert.True(actual.allclose(io["output"], 1e-5, 1e-5), "max |diff| " + worst);
            foreach (var tensor in io.Values)
            {
                tensor.Dispose();
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
