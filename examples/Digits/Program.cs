// ModelDsl demo: train a small CNN on the 8×8 digits with the runtime API, report accuracy,
// save the weights as safetensors, load them into a fresh model and check the predictions agree.
using System.Diagnostics;
using System.Globalization;
using Digits;
using ModelDsl;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var epochs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 30;
var data = DigitsDataset.Load(DigitsDataset.DefaultPath);
var (train, test) = data.Split(testFraction: 0.2, seed: 0);
Console.WriteLine($"ModelDsl demo — libtorch {Torch.LibTorchVersion}, {Torch.Threads} thread(s), CUDA available: {Device.CudaAvailable}");
Console.WriteLine($"digits: {train.Count} training and {test.Count} test images of 8×8 pixels");

Layer NewModel() => new Sequential(
    new Conv2d(1, 16, 3, padding: 1), new BatchNorm2d(16), new ReLU(),
    new Conv2d(16, 32, 3, stride: 2, padding: 1), new BatchNorm2d(32), new ReLU(),
    new AdaptiveAvgPool2d(1), new Flatten(), new Linear(32, 10));

Torch.ManualSeed(0);
using var model = NewModel();
Console.WriteLine();
Console.WriteLine($"{"parameter",-12} {"shape",-16} {"count",8}");
foreach (var (name, tensor) in model.NamedParameters())
{
    Console.WriteLine($"{name,-12} {Tensor.FormatShape(tensor.Shape),-16} {tensor.NumEl,8:N0}");
}
Console.WriteLine($"{"total",-29} {model.ParameterCount(),8:N0}");
Console.WriteLine();

using var optimizer = new SGD(model.Parameters(), learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4);
const int batchSize = 64;
var clock = Stopwatch.StartNew();
for (var epoch = 1; epoch <= epochs; epoch++)
{
    model.Train();
    double lossSum = 0;
    for (var start = 0; start + batchSize <= train.Count; start += batchSize)
    {
        using var scope = Torch.NewDisposeScope();   // frees every temporary of this step
        var (images, labels) = train.Batch(start, batchSize);
        optimizer.ZeroGrad();
        var loss = Functional.CrossEntropy(model.Forward(images), labels);
        loss.Backward();
        optimizer.Step();
        lossSum += loss.Item();
    }
    if (epoch == 1 || epoch % 5 == 0 || epoch == epochs)
    {
        Console.WriteLine($"epoch {epoch,3}: mean training loss {lossSum / (train.Count / batchSize):F4}, test accuracy {Accuracy(model, test):P1}");
    }
}
Console.WriteLine($"trained in {clock.Elapsed.TotalSeconds:F1} s");

var path = Path.Combine(Path.GetTempPath(), "modeldsl-digits.safetensors");
model.SaveSafeTensors(path, new Dictionary<string, string> { ["model"] = "digits-cnn" });
Torch.ManualSeed(1);
using var reloaded = NewModel();
reloaded.LoadSafeTensors(path);
var agree = Predictions(model, test).SequenceEqual(Predictions(reloaded, test));
Console.WriteLine($"saved {new FileInfo(path).Length:N0} bytes to {path}; reloaded model agrees on every test prediction: {agree}");
return agree ? 0 : 1;

static long[] Predictions(Layer model, DigitsDataset set)
{
    model.Eval();
    using var noGrad = Torch.NoGrad();
    using var scope = Torch.NewDisposeScope();
    var (images, _) = set.Batch(0, set.Count);
    return model.Forward(images).ArgMax(1).ToArray<long>();
}

static double Accuracy(Layer model, DigitsDataset set) =>
    Predictions(model, set).Zip(set.Labels).Count(p => p.First == p.Second) / (double)set.Count;
