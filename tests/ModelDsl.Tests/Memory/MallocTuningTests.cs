namespace ModelDsl.Tests.Memory;

/// <summary>
/// ModelDsl raises glibc's malloc thresholds when it loads (MallocTuning, measured in docs/benchmarks.md: a ResNet-18
/// forward stops re-faulting its activations), unless the user opts out or chose the thresholds through GLIBC_TUNABLES.
/// </summary>
public sealed class MallocTuningTests
{
    [Fact]
    public void The_thresholds_are_set_in_a_process_that_did_not_opt_out()
    {
        // This test process runs on Linux with glibc (Debian 12); mallopt accepting both values is what Applied reports.
        Assert.True(OperatingSystem.IsLinux());
        var expected = MallocTuning.ShouldApply(Environment.GetEnvironmentVariable("MODELDSL_MALLOC_TUNING"), Environment.GetEnvironmentVariable("GLIBC_TUNABLES"));
        Assert.Equal(expected, MallocTuning.Applied);
    }

    [Theory]
    [InlineData(null, null, true)]
    [InlineData("1", null, true)]
    [InlineData("0", null, false)]
    [InlineData(null, "glibc.malloc.mmap_threshold=1048576", false)]
    [InlineData(null, "glibc.pthread.rseq=0:glibc.malloc.trim_threshold=0", false)]
    [InlineData(null, "glibc.malloc.mmap_max=65536", false)]
    [InlineData(null, "glibc.pthread.rseq=0", true)]
    public void Opting_out_or_choosing_the_thresholds_yourself_leaves_glibc_alone(string? setting, string? tunables, bool applied) =>
        Assert.Equal(applied, MallocTuning.ShouldApply(setting, tunables));
}
