using System.Diagnostics;
using System.Globalization;
using ModelDsl;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionMnist;

/// <summary>The demo's run: load, train dense, build and fine-tune each variant, measure, print the table, write the charts.</summary>
internal static class Demo
{
    private const int BatchSize = 128;

    public static int Run(DemoOptions options)
    {
        var clock = Stopwatch.StartNew();
        var console = AnsiConsole.Console;
        if (Console.IsOutputRedirected)
        {
            // A log or a pipe has no width; 80 columns would fold the table's ten columns into unreadable slivers.
            console.Profile.Width = 190;
        }
        console.MarkupLine($"[bold]ModelDsl demo[/] — Fashion-MNIST on TorchSharp (libtorch), {torch.get_num_threads()} intra-op thread(s)");

        FashionMnistData data;
        try
        {
            data = FashionMnistData.Load(options.Dataset);
        }
        catch (DatasetMissingException e)
        {
            console.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return 2;
        }
        catch (InvalidDataException e)
        {
            console.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return 1;
        }
        using var dataScope = data;
        var trainSamples = Math.Min(options.TrainSamples, data.TrainCount);
        console.MarkupLine($"{data.TrainCount:N0} training and {data.TestCount:N0} test images of 28×28 from {Markup.Escape(options.Dataset)}" +
            (trainSamples < data.TrainCount ? $"; {trainSamples:N0} training images per epoch" : ""));

        // Known at compile time, before anything is built or run.
        console.WriteLine();
        console.MarkupLine($"[bold]FashionNet[/] (declared in FashionNet.cs): {FashionNet.TotalFlops / 1e6:F2} MFLOPs ({FashionNet.TotalMacs:N0} MACs) per image, " +
            $"{FashionNet.TotalParameters:N0} parameters — over its [[FlopBudget(MaxMFlops = 2)]] by {(FashionNet.TotalFlops / 2e6 - 1) * 100:F0} %.");
        console.MarkupLine($"[bold]FashionNetFit[/] (generated from [[Variant(\"Fit\", FitBudget = true)]], widths {Widths(FashionNetFit.CostTable)} of {Widths(FashionNet.CostTable)}): " +
            $"{FashionNetFit.TotalFlops / 1e6:F2} MFLOPs ({FashionNetFit.TotalMacs:N0} MACs, {(double)FashionNet.TotalMacs / FashionNetFit.TotalMacs:F2}× fewer), {FashionNetFit.TotalParameters:N0} parameters — " +
            "meets the budget; the build's warning MDSL2009 names it with this cost. [bold]FashionNetFitInt8[/]: the same widths, int8 weights " +
            $"({FashionNetFitInt8.WeightBytes:N0} weight bytes instead of {FashionNetFit.WeightBytes:N0}).");
        console.WriteLine();

        torch.manual_seed(options.Seed);
        using var dense = new FashionNet();
        var densePlan = new TrainingPlan(options.Epochs, BatchSize, MaxLearningRate: 0.004, trainSamples);
        var tunePlan = new TrainingPlan(options.FineTuneEpochs, BatchSize, MaxLearningRate: 0.002, trainSamples);
        var prepared = new List<(VariantDefinition Definition, PreparedVariant Variant)>();
        var timings = new List<(string Phase, double Seconds)> { ("loading", clock.Elapsed.TotalSeconds) };
        try
        {
            console.Progress()
                .AutoClear(false)
                .HideCompleted(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(context =>
                {
                    var denseTask = context.AddTask(Describe("Dense FashionNet", null), maxValue: Trainer.StepsOf(densePlan, data));
                    var tasks = options.Variants.Select(v => context.AddTask(Describe(v.Title, null), autoStart: false, maxValue: Trainer.StepsOf(tunePlan, data))).ToList();
                    var phase = Stopwatch.StartNew();
                    Trainer.Train(dense, data, densePlan, options.Seed, masks: null, teacher: null, Reporter(denseTask, "Dense FashionNet"));
                    denseTask.StopTask();
                    timings.Add(("dense training", phase.Elapsed.TotalSeconds));
                    for (var i = 0; i < options.Variants.Count; i++)
                    {
                        var definition = options.Variants[i];
                        torch.manual_seed(options.Seed + 1 + i);
                        var variant = definition.FromDense(dense);
                        prepared.Add((definition, variant));
                        tasks[i].StartTask();
                        phase.Restart();
                        Trainer.Train(variant.Module, data, tunePlan, options.Seed + 1 + i, variant.Masks, teacher: dense, Reporter(tasks[i], definition.Title + " (distilled)"), variant.Quantization);
                        variant.Finish();
                        tasks[i].StopTask();
                        timings.Add((definition.Key + " fine-tuning", phase.Elapsed.TotalSeconds));
                    }
                });

            console.MarkupLine("measuring accuracy and latency …");
            var measuring = Stopwatch.StartNew();
            var onnxFolder = Path.Combine(options.Output, "onnx");
            Directory.CreateDirectory(onnxFolder);
            var results = new List<Result> { Measure("Dense", dense, FashionNet.TotalMacs, false, FashionNet.TotalParameters, FashionNet.WeightBytes, data, Path.Combine(onnxFolder, "dense.onnx")) };
            foreach (var (definition, variant) in prepared)
            {
                results.Add(Measure(definition.Title, variant.Module, variant.Macs, variant.EffectiveMacs, variant.Parameters, variant.WeightBytes, data,
                    Path.Combine(onnxFolder, definition.Key.Replace(':', '-') + ".onnx")));
            }

            timings.Add(("measuring", measuring.Elapsed.TotalSeconds));
            console.Write(Table(results));
            console.MarkupLine("[grey]† non-zero parameters. * effective MACs: the MACs of the non-zero weights (FashionNetSparse80.EffectiveMacs(), FashionNetNm24.TotalMacs); both classes compute " +
                "with dense kernels here (Sparse80's layers are below the CSR crossover; 2:4 kernels are CUDA-only), Nm24 stores its weights compressed. ONNX RT: the model's generated ExportOnnx run in ONNX Runtime, same threads " +
                "(int8 classes in QDQ form, activation scales from 256 training images).[/]");

            Directory.CreateDirectory(options.Output);
            var weights = Path.Combine(options.Output, "fashion-net.safetensors");
            dense.SaveSafeTensors(weights);
            foreach (var path in Charts.Write(results, options.Output))
            {
                console.MarkupLine($"chart: [link]{Markup.Escape(Path.GetFullPath(path))}[/]");
            }
            console.MarkupLine($"dense weights: {Markup.Escape(Path.GetFullPath(weights))}");
            console.MarkupLine($"whole run: {clock.Elapsed.TotalSeconds:F1} s (" + string.Join(", ", timings.Select(t => $"{t.Phase} {t.Seconds:F1} s")) + ")");
            return 0;
        }
        finally
        {
            foreach (var (_, variant) in prepared)
            {
                variant.Dispose();
            }
        }
    }

    // The convolutions' output channels, from a generated cost table: "16/32/64".
    private static string Widths(IReadOnlyList<LayerCostInfo> table) =>
        string.Join("/", table.Where(l => l.Kind == "Conv2d").Select(l => l.OutputShape[0].ToString(CultureInfo.InvariantCulture)));

    private static string Describe(string title, float? loss) =>
        Markup.Escape(title) + (loss is { } value ? $" [grey]loss {value.ToString("F3", CultureInfo.InvariantCulture)}[/]" : "");

    private static Action<float> Reporter(ProgressTask task, string title)
    {
        var steps = 0;
        return loss =>
        {
            task.Increment(1);
            if (++steps % 20 == 0)
            {
                task.Description = Describe(title, loss);
            }
        };
    }

    private static Result Measure(string title, nn.Module<Tensor, Tensor> model, long macs, bool effective, long parameters, long weightBytes, FashionMnistData data, string onnxPath)
    {
        var accuracy = Trainer.Accuracy(model, data);
        var batch1 = Trainer.LatencyMs(model, data, batch: 1, runs: 300);
        var batch256 = Trainer.LatencyMs(model, data, batch: 256, runs: 15);
        using (var calibration = data.TrainImages.narrow(0, 0, 256).contiguous())
        {
            Onnx.Export(model, onnxPath, calibration);
        }

        using var onnx = ModelDsl.Onnx.OnnxModel.Load(onnxPath, threads: torch.get_num_threads(), spinWait: false);
        return new(title, macs, effective, parameters, weightBytes, accuracy, batch1, batch256,
            Onnx.LatencyMs(onnx, data, batch: 1, runs: 300), Onnx.LatencyMs(onnx, data, batch: 256, runs: 15));
    }

    private static Table Table(IReadOnlyList<Result> results)
    {
        var table = new Table().Title("[bold]Fashion-MNIST: dense and compressed FashionNet, measured in this run[/]");
        table.AddColumn(new TableColumn("Variant").NoWrap());
        foreach (var column in new[] { "MACs/image", "Parameters", "Weight bytes", "Accuracy", "Δ dense", "Latency b=1", "Latency b=256", "Speedup b=1", "Speedup b=256", "ONNX RT b=1 / b=256" })
        {
            table.AddColumn(new TableColumn(column).RightAligned().NoWrap());
        }
        var dense = results[0];
        foreach (var r in results)
        {
            table.AddRow(
                Markup.Escape(r.Title),
                r.Macs.ToString("N0", CultureInfo.InvariantCulture) + (r.EffectiveMacs ? "*" : ""),
                r.Parameters.ToString("N0", CultureInfo.InvariantCulture) + (r.EffectiveMacs ? "†" : ""),
                r.WeightBytes.ToString("N0", CultureInfo.InvariantCulture),
                (r.Accuracy * 100).ToString("F2", CultureInfo.InvariantCulture) + " %",
                r == dense ? "" : ((r.Accuracy - dense.Accuracy) * 100).ToString("+0.00;-0.00", CultureInfo.InvariantCulture) + " pt",
                r.LatencyBatch1Ms.ToString("F3", CultureInfo.InvariantCulture) + " ms",
                r.LatencyBatch256Ms.ToString("F2", CultureInfo.InvariantCulture) + " ms",
                (dense.LatencyBatch1Ms / r.LatencyBatch1Ms).ToString("F2", CultureInfo.InvariantCulture) + "×",
                (dense.LatencyBatch256Ms / r.LatencyBatch256Ms).ToString("F2", CultureInfo.InvariantCulture) + "×",
                r.OnnxBatch1Ms is { } ort1 && r.OnnxBatch256Ms is { } ort256
                    ? ort1.ToString("F3", CultureInfo.InvariantCulture) + " / " + ort256.ToString("F2", CultureInfo.InvariantCulture) + " ms"
                    : "–");
        }
        return table;
    }
}
