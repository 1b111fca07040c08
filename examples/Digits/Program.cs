// ModelDsl demo: a small CNN declared with the DSL (DigitsNet.cs) shows its compile-time cost, is trained on the 8×8
// digits with TorchSharp's AdamW, reports accuracy, saves its weights as safetensors, and a fresh model loads them and
// agrees. The generated DigitsNet is an ordinary TorchSharp Module<Tensor, Tensor>.
using System.Diagnostics;
using System.Globalization;
using Digits;
using ModelDsl;
using TorchSharp;
using static TorchSharp.torch;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var epochs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 30;
var data = DigitsDataset.Load(DigitsDataset.DefaultPath);
var (train, test) = data.Split(testFraction: 0.2, seed: 0);
// The tensors here are tiny (batches of 64 8×8 images): splitting an op across threads costs more in synchronisation
// than it saves, and on a shared machine a waiting intra-op thread stalls every op (measured on 2 cores: 1.0 s of training
// with one thread, 1.2 s with TorchSharp's default of one per core, 13–22 s with that default while another build ran). OMP_NUM_THREADS overrides.
if (Environment.GetEnvironmentVariable("OMP_NUM_THREADS") is null)
{
    torch.set_num_threads(1);
}
Console.WriteLine($"ModelDsl demo — TorchSharp on libtorch, {torch.get_num_threads()} intra-op thread(s), CUDA available: {torch.cuda.is_available()}");
Console.WriteLine($"digits: {train.Count} training and {test.Count} test images of 8×8 pixels");

// Known at compile time, before anything is built or run:
Console.WriteLine();
Console.WriteLine(DigitsNet.Summary());
Console.WriteLine($"per image: {DigitsNet.TotalMacs:N0} MACs, {DigitsNet.TotalFlops:N0} FLOPs, {DigitsNet.TotalParameters:N0} parameters");
Console.WriteLine();

torch.manual_seed(0);
using var model = new DigitsNet();
if (model.parameters().Sum(p => p.numel()) != DigitsNet.TotalParameters)
{
    throw new InvalidOperationException("the built model disagrees with its compile-time parameter count");
}

var optimizer = torch.optim.AdamW(model.parameters(), lr: 0.01, weight_decay: 1e-4);
const int batchSize = 64;
var clock = Stopwatch.StartNew();
for (var epoch = 1; epoch <= epochs; epoch++)
{
    model.train();
    double lossSum = 0;
    var steps = 0;
    for (var start = 0; start + batchSize <= train.Count; start += batchSize)
    {
        using var scope = torch.NewDisposeScope();   // frees every temporary of this step
        var (images, labels) = train.Batch(start, batchSize);
        optimizer.zero_grad();
        var loss = nn.functional.cross_entropy(model.call(images), labels);
        loss.backward();
        optimizer.step();
        lossSum += loss.item<float>();
        steps++;
    }
    if (epoch == 1 || epoch % 5 == 0 || epoch == epochs)
    {
        Console.WriteLine($"epoch {epoch,3}: mean training loss {lossSum / steps:F4}, test accuracy {Accuracy(model, test):P1}");
    }
}
Console.WriteLine($"trained in {clock.Elapsed.TotalSeconds:F1} s");

var path = Path.Combine(Path.GetTempPath(), "modeldsl-digits.safetensors");
model.SaveSafeTensors(path);
torch.manual_seed(1);   // different initial weights, so agreement below comes from the file
using var reloaded = new DigitsNet();
reloaded.LoadSafeTensors(path);   // strict: every key and shape must match
var agree = Predictions(model, test).SequenceEqual(Predictions(reloaded, test));
Console.WriteLine($"saved {new FileInfo(path).Length:N0} bytes to {path}; reloaded model agrees on every test prediction: {agree}");
return agree ? 0 : 1;

static long[] Predictions(nn.Module<Tensor, Tensor> model, DigitsDataset set)
{
    model.eval();
    using var noGrad = torch.no_grad();
    using var scope = torch.NewDisposeScope();
    var (images, _) = set.Batch(0, set.Count);
    return model.call(images).argmax(1).data<long>().ToArray();
}

static double Accuracy(nn.Module<Tensor, Tensor> model, DigitsDataset set) =>
    Predictions(model, set).Zip(set.Labels).Count(p => p.First == p.Second) / (double)set.Count;
