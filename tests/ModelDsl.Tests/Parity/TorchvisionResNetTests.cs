using ModelDsl;
using ModelDsl.Tests.IO;

namespace ModelDsl.Tests.Parity;

/// <summary>
/// torchvision's resnet18 written by hand on the runtime (as a TorchSharp user would) loads torchvision's
/// own state dict strictly — every key matched by name and shape — and reproduces its logits.
/// </summary>
public sealed class TorchvisionResNetTests
{
    private sealed class BasicBlock : Layer
    {
        private readonly Conv2d conv1, conv2;
        private readonly BatchNorm2d bn1, bn2;
        private readonly Sequential? downsample;

        public BasicBlock(long inChannels, long channels, long stride)
        {
            conv1 = RegisterModule("conv1", new Conv2d(inChannels, channels, 3, stride: stride, padding: 1, bias: false));
            bn1 = RegisterModule("bn1", new BatchNorm2d(channels));
            conv2 = RegisterModule("conv2", new Conv2d(channels, channels, 3, padding: 1, bias: false));
            bn2 = RegisterModule("bn2", new BatchNorm2d(channels));
            if (stride != 1 || inChannels != channels)
            {
                downsample = RegisterModule("downsample", new Sequential(new Conv2d(inChannels, channels, 1, stride: stride, bias: false), new BatchNorm2d(channels)));
            }
        }

        public override Tensor Forward(Tensor input)
        {
            using var scope = Torch.NewDisposeScope();
            var x = bn2.Forward(conv2.Forward(bn1.Forward(conv1.Forward(input)).Relu()));
            var identity = downsample?.Forward(input) ?? input;
            return scope.MoveToOuter((x + identity).Relu());
        }
    }

    private sealed class ResNet18 : Layer
    {
        private readonly List<Layer> pipeline = [];

        public ResNet18()
        {
            // torchvision registers conv1, bn1, relu, maxpool, layer1..4, avgpool, fc on the model itself.
            Add("conv1", new Conv2d(3, 64, 7, stride: 2, padding: 3, bias: false));
            Add("bn1", new BatchNorm2d(64));
            Add("relu", new ReLU());
            Add("maxpool", new MaxPool2d(3, stride: 2, padding: 1));
            long channels = 64;
            foreach (var (i, width, stride) in new[] { (1, 64L, 1L), (2, 128L, 2L), (3, 256L, 2L), (4, 512L, 2L) })
            {
                Add($"layer{i}", new Sequential(new BasicBlock(channels, width, stride), new BasicBlock(width, width, 1)));
                channels = width;
            }
            Add("avgpool", new AdaptiveAvgPool2d(1));
            pipeline.Add(new Flatten());   // torch.flatten(x, 1) in torchvision's forward: no module, no state
            Add("fc", new Linear(512, 1000));
        }

        private void Add(string name, Layer layer) => pipeline.Add(RegisterModule(name, layer));

        public override Tensor Forward(Tensor input)
        {
            using var scope = Torch.NewDisposeScope();
            var x = input;
            foreach (var layer in pipeline)
            {
                x = layer.Forward(x);
            }
            return scope.MoveToOuter(x);
        }
    }

    [Fact]
    public void Hand_written_resnet18_loads_torchvision_weights_strictly_and_matches_its_logits()
    {
        using var directory = new TemporaryDirectory();
        using var scope = Torch.NewDisposeScope();
        var input = Tensor.Randn(7, 2, 3, 224, 224);
        SafeTensors.Save(directory.File("input.safetensors"), [new("input", input)]);
        // The zoo tests' exporter: torchvision's seeded resnet18 (batch norms given their own statistics) and its logits.
        Python.Run("torchvision_reference.py", "resnet18", directory.File("weights.safetensors"), directory.File("input.safetensors"), directory.File("output.safetensors"));

        using var model = new ResNet18();
        model.LoadStateDict(SafeTensors.Load(directory.File("weights.safetensors")));
        var expected = SafeTensors.Load(directory.File("output.safetensors"))["output"];
        model.Eval();
        using var noGrad = Torch.NoGrad();
        Close.Equal(expected, model.Forward(input), rtol: 1e-4, atol: 1e-4, what: "resnet18 logits");
        model.ToChannelsLast();
        Close.Equal(expected, model.Forward(input.ContiguousChannelsLast()), rtol: 1e-4, atol: 1e-4, what: "resnet18 logits, channels-last");
    }
}
