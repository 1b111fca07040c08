using System.Runtime.InteropServices;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.Benchmarks.ZooSpeed;

/// <summary>
/// Whether a Winograd convolution built from libtorch's own operators could beat oneDNN's direct one on ResNet-18's
/// 3x3 stride-1 convolutions (83 % of its multiply-adds), the one fp32 change left that computes fewer of them.
/// F(m, 3) (Lavin and Gray, 2016) turns each m x m output tile into (m + 2)² elementwise products: the input tiles are
/// transformed by one GEMM with the Kronecker product of Bᵀ, the products are (m + 2)² batched GEMMs of
/// [tiles, C] x [C, K] over the transformed weights (computed once), and the output tiles by one GEMM with that of Aᵀ.
/// For each stage's shape it prints the direct convolution's time (channels-last, as the generated model runs) and each
/// phase of F(2, 3) and F(4, 3), and their error against a float64 convolution next to the direct one's; and libtorch's
/// own NNPACK convolution (Winograd F(6, 3) kernels) on the same NCHW tensors.
/// </summary>
internal static class Winograd
{
    public static void Run(int batch)
    {
        using var noGrad = no_grad();
        var nnpack = NnpackAvailable();
        foreach (var m in new[] { 2, 4 })
        {
            var (bt, g, at) = Matrices(m);
            using var inputTransform = kron(bt, bt).contiguous();
            using var weightTransform = kron(g, g).contiguous();
            using var outputTransform = kron(at, at).contiguous();
            foreach (var (channels, size) in new[] { (64, 56), (128, 28), (256, 14), (512, 7) })
            {
                using var scope = NewDisposeScope();
                manual_seed(0);
                var x = ChannelsLast.Contiguous(randn(batch, channels, size, size));
                var w = randn(channels, channels, 3, 3).mul(Math.Sqrt(2.0 / (9 * channels)));
                var bias = randn(channels);
                var a = m + 2;
                long tilesH = (size + m - 1) / m, tiles = batch * tilesH * tilesH;
                var u = weightTransform.mm(w.reshape(channels * channels, 9).t()).view(a * a, channels, channels).transpose(1, 2).contiguous();

                // The phases, each a function of the previous one's result, so each can be timed alone.
                Tensor Pad() => nn.functional.pad(x.permute(0, 2, 3, 1), [0, 0, 1, (m * tilesH) + 1 - size, 1, (m * tilesH) + 1 - size]);
                var padded = Pad();
                Tensor Tiles() => padded.unfold(1, a, m).unfold(2, a, m).reshape(tiles * channels, a * a);
                var tileRows = Tiles();
                Tensor In() => inputTransform.mm(tileRows.t());
                var v = In().view(a * a, tiles, channels);
                Tensor Products() => v.bmm(u);
                var products = Products();
                Tensor Out() => outputTransform.mm(products.view(a * a, -1));
                var outTiles = Out();
                Tensor Assemble()
                {
                    var y = outTiles.view(m, m, batch, tilesH, tilesH, channels).permute(2, 3, 0, 4, 1, 5).reshape(batch, m * tilesH, m * tilesH, channels);
                    return (m * tilesH == size ? y : y[.., ..size, ..size, ..]).add(bias).permute(0, 3, 1, 2);
                }

                var wl = ChannelsLast.Contiguous(w);
                Tensor Direct() => nn.functional.conv2d(x, wl, bias, padding: [1, 1]);
                using var exact = nn.functional.conv2d(x.to(float64), w.to(float64), bias.to(float64), padding: [1, 1]);
                var (nnpackMs, nnpackError, nnpackFailure) = nnpack ? Nnpack(x, w, bias, exact) : (null, null, "not available");
                var phases = new[] { ("pad", (Func<Tensor>)Pad), ("tiles", Tiles), ("input_transform", In), ("products", Products), ("output_transform", Out), ("assemble", Assemble) }
                    .Select(p => (p.Item1, Ms: ModelDsl.Benchmarks.Shared.Forwards.MedianOfCalls(p.Item2))).ToList();
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    side = "winograd",
                    f = $"F({m},3)",
                    channels,
                    size,
                    batch,
                    direct_ms = ModelDsl.Benchmarks.Shared.Forwards.MedianOfCalls(Direct),
                    winograd_ms = phases.Sum(p => p.Ms),
                    phases_ms = phases.ToDictionary(p => p.Item1, p => Math.Round(p.Ms, 3)),
                    transformed_weight_mb = u.NumberOfElements * 4 / 1e6,
                    winograd_max_error = Assemble().to(float64).sub(exact).abs().max().item<double>(),
                    direct_max_error = Direct().to(float64).sub(exact).abs().max().item<double>(),
                    nnpack_ms = nnpackMs,
                    nnpack_max_error = nnpackError,
                    nnpack_failure = nnpackFailure,
                }));
            }
        }
    }

    // libtorch ships NNPACK, whose 3x3 convolutions are Winograd kernels (on NCHW tensors). Its scripts are fixed and
    // compile (a script that does not would abort the process); a failing call throws. NNPACK is initialised by
    // torch._nnpack_available(): before that first call every convolution fails ("SpatialConvolution_updateOutput failed").
    private const string NnpackScript =
        "def available() -> bool:\n    return torch._nnpack_available()\n" +
        "def conv(x: Tensor, w: Tensor, b: Tensor) -> Tensor:\n    return torch._nnpack_spatial_convolution(x, w, b, [1, 1], [1, 1])\n";

    private static readonly Lazy<jit.CompilationUnit> NnpackUnit = new(() => jit.compile(NnpackScript));

    private static bool NnpackAvailable() => NnpackUnit.Value.invoke<Scalar>("available").ToBoolean();

    private static (double? Ms, double? Error, string? Failure) Nnpack(Tensor x, Tensor w, Tensor bias, Tensor exact)
    {
        try
        {
            using var input = x.contiguous();
            using var weight = w.contiguous();
            Tensor Conv() => NnpackUnit.Value.invoke<Tensor>("conv", input, weight, bias);
            using var y = Conv();
            return (ModelDsl.Benchmarks.Shared.Forwards.MedianOfCalls(Conv), y.to(float64).sub(exact).abs().max().item<double>(), null);
        }
        catch (ExternalException e)
        {
            return (null, null, e.Message.Split('\n').Last(l => l.Length > 0).Trim());
        }
    }

    // Bᵀ, G and Aᵀ of F(2, 3) and F(4, 3) (points 0, ±1 and 0, ±1, ±2), as Lavin and Gray give them.
    private static (Tensor Bt, Tensor G, Tensor At) Matrices(int m) => m == 2
        ? (Matrix(new double[,] { { 1, 0, -1, 0 }, { 0, 1, 1, 0 }, { 0, -1, 1, 0 }, { 0, 1, 0, -1 } }),
           Matrix(new double[,] { { 1, 0, 0 }, { 0.5, 0.5, 0.5 }, { 0.5, -0.5, 0.5 }, { 0, 0, 1 } }),
           Matrix(new double[,] { { 1, 1, 1, 0 }, { 0, 1, -1, -1 } }))
        : (Matrix(new double[,] { { 4, 0, -5, 0, 1, 0 }, { 0, -4, -4, 1, 1, 0 }, { 0, 4, -4, -1, 1, 0 }, { 0, -2, -1, 2, 1, 0 }, { 0, 2, -1, -2, 1, 0 }, { 0, 4, 0, -5, 0, 1 } }),
           Matrix(new double[,] { { 1 / 4.0, 0, 0 }, { -1 / 6.0, -1 / 6.0, -1 / 6.0 }, { -1 / 6.0, 1 / 6.0, -1 / 6.0 }, { 1 / 24.0, 1 / 12.0, 1 / 6.0 }, { 1 / 24.0, -1 / 12.0, 1 / 6.0 }, { 0, 0, 1 } }),
           Matrix(new double[,] { { 1, 1, 1, 1, 1, 0 }, { 0, 1, -1, 2, -2, 0 }, { 0, 1, 1, 4, 4, 0 }, { 0, 1, -1, 8, -8, 1 } }));

    private static Tensor Matrix(double[,] values)
    {
        int rows = values.GetLength(0), columns = values.GetLength(1);
        var flat = new float[rows * columns];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < columns; j++)
            {
                flat[(i * columns) + j] = (float)values[i, j];
            }
        }

        return tensor(flat).view(rows, columns);
    }
}
