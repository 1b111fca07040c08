using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelDsl.Tests.Layers;

/// <summary>A small ViT-style model of our layers trains with torch.optim.AdamW and survives a save/load round trip.</summary>
public sealed class TrainingTests
{
    [Fact]
    public void AdamW_fits_a_tiny_vit_and_the_saved_weights_reproduce_it()
    {
        torch.manual_seed(3);
        using var model = new TinyVit();
        // Task: is the top-left quadrant brighter than the rest? Fixed inputs and labels.
        using var images = rand(32, 1, 8, 8);
        using var labels = (images.narrow(2, 0, 4).narrow(3, 0, 4).mean([1L, 2, 3]) > images.mean([1L, 2, 3])).to(ScalarType.Int64);
        using var optimizer = optim.AdamW(model.parameters(), lr: 0.01);
        using var lossFunction = nn.CrossEntropyLoss();
        model.train();

        double Step()
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = lossFunction.forward(model.forward(images), labels);
            loss.backward();
            optimizer.step();
            return loss.item<float>();
        }

        var first = Step();
        var last = first;
        for (var i = 0; i < 60; i++)
        {
            last = Step();
        }
        Assert.True(last < first / 2, $"loss went from {first:G4} to {last:G4}");

        model.eval();
        Assert.False(model.Attention.training, "eval() reaches our child layers");
        using var directory = new IO.TemporaryDirectory();
        var path = directory.File("vit.safetensors");
        model.SaveSafeTensors(path);
        using var reloaded = new TinyVit();
        reloaded.LoadSafeTensors(path);
        reloaded.eval();
        using var noGrad = no_grad();
        using var expected = model.forward(images);
        using var actual = reloaded.forward(images);
        Assert.True(expected.allclose(actual, 0, 0));
    }

    private sealed class TinyVit : LayerBase
    {
        private readonly PatchEmbedding patches;
        private readonly ClassToken token;
        private readonly PositionParameter positions;
        private readonly RMSNorm norm;
        private readonly TakeToken take;
        private readonly Linear head;

        public TinyVit() : base(nameof(TinyVit))
        {
            patches = Register("conv_proj", new PatchEmbedding(1, 16, 4));
            token = new ClassToken(16);
            token.AttachTo(this, "class_token");
            positions = new PositionParameter(5, 16);
            positions.AttachTo(this, "pos_embedding");
            norm = Register("ln", new RMSNorm(16));
            Attention = Register("attention", new MultiheadAttention(16, 4, dropout: 0.1));
            take = Register("take", new TakeToken(0));
            head = Register("head", nn.Linear(16, 2));
        }

        public MultiheadAttention Attention { get; }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            var x = positions.forward(token.forward(patches.forward(input)));
            x = x + Attention.forward(norm.forward(x));
            return head.forward(take.forward(x)).MoveToOuterDisposeScope();
        }
    }
}
