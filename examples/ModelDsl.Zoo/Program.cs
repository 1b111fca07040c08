using System.Globalization;
using ModelDsl;
using ModelDsl.Zoo.MobileNets;
using ModelDsl.Zoo.ResNets;
using ModelDsl.Zoo.Transformers;

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
        model.Eval();
        using var noGrad = Torch.NoGrad();
        using var scope = Torch.NewDisposeScope();
        var output = model.Forward(Tensor.Randn(input));
        var built = model.ParameterCount();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{model.GetType().Name}: {Tensor.FormatShape(input)} -> {Tensor.FormatShape(output.Shape)}, {macs:N0} MACs, {parameters:N0} parameters ({(built == parameters ? "equal to" : "NOT equal to")} the {built:N0} built)"));
    }
}
