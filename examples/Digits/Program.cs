// ModelDsl demo: a small CNN declared with the DSL (DigitsNet.cs) shows its compile-time cost, is trained on
// the 8×8 digits, reports accuracy, saves its weights as safetensors, and a fresh model loads them and agrees.
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

// Known at compile time, before anything is built or run:
Console.WriteLine();
Console.WriteLine(DigitsNet.Summary());
Console.WriteLine($"per image: {DigitsNet.TotalMacs:N0} MACs, {DigitsNet.TotalFlops:N0} FLOPs, {DigitsNet.TotalParameters:N0} parameters");
Console.WriteLine();

Torch.ManualSeed(0);
using var model = new DigitsNet();
if (model.ParameterCount() != DigitsNet.TotalParameters)
{
    throw new InvalidOperationException("the built model disagrees with its compile-time parameter count");
}

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
using var reloaded = new DigitsNet();
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
