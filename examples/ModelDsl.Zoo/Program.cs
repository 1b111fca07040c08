using ModelDsl;
using ModelDsl.Zoo.ResNets;

// Prints each model's compile-time summary, then checks it against the module actually built and runs one image.
Console.WriteLine(ResNet18.Summary());
Console.WriteLine();
Console.WriteLine(ResNet50.Summary());
Console.WriteLine();

Run(new ResNet18(), "ResNet18", ResNet18.TotalParameters);
Run(new ResNet50(), "ResNet50", ResNet50.TotalParameters);

static void Run(Layer model, string name, long compileTimeParameters)
{
    using (model)
    {
        model.Eval();
        using var noGrad = Torch.NoGrad();
        using var scope = Torch.NewDisposeScope();
        var logits = model.Forward(Tensor.Randn([1, 3, 224, 224]));
        Console.WriteLine($"{name}: output {Tensor.FormatShape(logits.Shape)}, {model.ParameterCount():N0} parameters built, {compileTimeParameters:N0} at compile time");
    }
}
