using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelDsl.Benchmarks.ZooSpeed;

/// <summary>
/// The machine's fp32 multiply-add peak: each of <c>threads</c> threads runs independent 512-bit fused multiply-adds
/// with no memory traffic, twelve chains deep so the FMA units never wait on a result. No convolution can exceed it;
/// how close the ResNet-18 sides come shows what any faster implementation could still win. AVX-512 only (the
/// machines here have it); elsewhere it reports no peak.
/// </summary>
internal static class FmaPeak
{
    /// <summary>Billions of fp32 multiply-adds per second over <paramref name="threads"/> threads (best of three), or null without AVX-512.</summary>
    public static double? GigaMacsPerSecond(int threads)
    {
        const long iterations = 200_000_000;
        const int lanes = 16;
        if (!Avx512F.IsSupported)
        {
            return null;
        }

        Chains512(1_000);
        var best = 0.0;
        for (var round = 0; round < 3; round++)
        {
            var clock = Stopwatch.StartNew();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ => Chains512(iterations));
            best = Math.Max(best, threads * iterations * 12.0 * lanes / clock.Elapsed.TotalSeconds / 1e9);
        }

        return best;
    }

    private static float Chains512(long iterations)
    {
        var (m, c) = (Vector512.Create(0.999999f), Vector512.Create(1e-7f));
        Vector512<float> a0 = Vector512<float>.One, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Avx512F.FusedMultiplyAdd(a0, m, c); a1 = Avx512F.FusedMultiplyAdd(a1, m, c); a2 = Avx512F.FusedMultiplyAdd(a2, m, c);
            a3 = Avx512F.FusedMultiplyAdd(a3, m, c); a4 = Avx512F.FusedMultiplyAdd(a4, m, c); a5 = Avx512F.FusedMultiplyAdd(a5, m, c);
            a6 = Avx512F.FusedMultiplyAdd(a6, m, c); a7 = Avx512F.FusedMultiplyAdd(a7, m, c); a8 = Avx512F.FusedMultiplyAdd(a8, m, c);
            a9 = Avx512F.FusedMultiplyAdd(a9, m, c); a10 = Avx512F.FusedMultiplyAdd(a10, m, c); a11 = Avx512F.FusedMultiplyAdd(a11, m, c);
        }

        // The sum keeps every chain alive, so the JIT cannot drop any of them.
        return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).ToScalar();
    }
}
