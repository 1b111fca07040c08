using System.Globalization;
using ModelDsl;
using ModelDsl.Zoo.MobileNets;
using ModelDsl.Zoo.ResNets;
using ModelDsl.Zoo.Transformers;
using static TorchSharp.torch;

// Prints a model's compile-time summary, then, for each model, builds it, runs one random input and checks the built
// module against the compile-time parameter count.
Console.WriteLine(ResNet18.Summary());
Console.WriteLine();

Run(new ResNet18(), [1, 3, 224, 224], ResNet18.TotalParameters, ResNet18.TotalMacs);
Run(new ResNet50(), [1, 3, 224, 224], ResNet50.TotalParameters, ResNet50.TotalMacs);
Run(new MobileNetV2(), [1, 3, 224, 224], MobileNetV2.TotalParameters, MobileNetV2.TotalMacs);
Run(new VitB16Encoder(), [1, 197, 768], VitB16Encoder.TotalParameters, VitB16Encoder.TotalMacs);

static void Run(Layer model, long[] input, long parameters, long macs)
{
    using (model)
    {
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var output = model.call(randn(input));
        var built = model.parameters().Sum(p => p.numel());
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{model.GetType().Name}: {LayerBase.FormatShape(input)} -> {LayerBase.FormatShape(output.shape)}, {macs:N0} MACs, {parameters:N0} parameters ({(built == parameters ? "equal to" : "NOT equal to")} the {built:N0} built)"));
    }
}
