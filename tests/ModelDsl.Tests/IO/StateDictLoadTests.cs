using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelDsl.Tests.IO;

/// <summary>A load either fits completely or changes nothing, and says what did not fit.</summary>
public sealed class StateDictLoadTests : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    public void Dispose() => directory.Dispose();

    private static Sequential Model() => nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2));

    private static Dictionary<string, Tensor> Snapshot(nn.Module module) => module.state_dict().ToDictionary(e => e.Key, e => e.Value.clone());

    private static void AssertUnchanged(Dictionary<string, Tensor> before, nn.Module module)
    {
        var after = module.state_dict();
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (key, value) in after)
        {
            Assert.True(value.allclose(before[key], 0, 0), $"{key} was changed by a failed load");
        }
    }

    [Fact]
    public void A_state_dict_holding_a_disposed_tensor_is_rejected_before_any_weight_changes()
    {
        using var scope = NewDisposeScope();
        var module = Model();
        var before = Snapshot(module);
        // Keys in state-dict order; the disposed one is last, so a loader that copies as it goes would have written the others.
        var source = module.state_dict().ToDictionary(e => e.Key, e => (e.Value + 1).detach());
        source["2.bias"].Dispose();

        var error = Assert.Throws<ObjectDisposedException>(() => module.LoadStateDictChecked(source));
        Assert.Contains("'2.bias' has been disposed", error.Message);
        AssertUnchanged(before, module);
    }

    [Fact]
    public void A_failed_strict_load_lists_missing_unexpected_and_mis_shaped_keys_and_changes_nothing()
    {
        using var scope = NewDisposeScope();
        var module = Model();
        var before = Snapshot(module);
        var source = new Dictionary<string, Tensor>
        {
            ["0.weight"] = ones(3, 4),          // fits: would be written first by a copy-as-you-go loader
            ["0.bias"] = ones(3),
            ["2.weight"] = ones(2, 5),          // mis-shaped (and broadcast could not hide it)
            ["extra.weight"] = ones(1),         // unexpected; 2.bias is missing
        };

        var error = Assert.Throws<StateDictMismatchException>(() => module.LoadStateDictChecked(source));
        Assert.Equal(["2.bias"], error.Missing);
        Assert.Equal(["extra.weight"], error.Unexpected);
        Assert.Equal(["2.weight: expected [2, 3], got [2, 5]"], error.MisShaped);
        Assert.Contains("missing keys: 2.bias", error.Message);
        Assert.Contains("unexpected keys: extra.weight", error.Message);
        AssertUnchanged(before, module);
    }

    [Fact]
    public void A_broadcastable_but_mis_shaped_tensor_is_rejected_even_when_not_strict()
    {
        // copy_ would silently broadcast [1, 4] over [3, 4].
        using var scope = NewDisposeScope();
        var module = Model();
        var before = Snapshot(module);
        var error = Assert.Throws<StateDictMismatchException>(() => module.LoadStateDictChecked(new Dictionary<string, Tensor> { ["0.weight"] = ones(1, 4) }, strict: false));
        Assert.Equal(["0.weight: expected [3, 4], got [1, 4]"], error.MisShaped);
        AssertUnchanged(before, module);
    }

    [Fact]
    public void A_float_tensor_for_an_integer_one_or_the_reverse_is_rejected_even_when_not_strict()
    {
        // copy_ would truncate a dense checkpoint's weights (|w| < 1) to int8 zeros, or turn int8 values into weights of
        // ±127, silently; a float type for another (float64 for float32) is a conversion and loads.
        using var scope = NewDisposeScope();
        var quantised = nn.Sequential(("fc", new Int8Linear(4, 3)));
        quantised.state_dict()["fc.weight"].copy_(tensor(new sbyte[] { 1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12 }).view(3, 4));
        var before = Snapshot(quantised);
        var dense = new Dictionary<string, Tensor> { ["fc.weight"] = rand(3, 4).sub_(0.5), ["fc.bias"] = zeros(3) };
        var error = Assert.Throws<StateDictMismatchException>(() => quantised.LoadStateDictChecked(dense, strict: false));
        Assert.Equal(["fc.weight: expected Int8, got Float32"], error.MisTyped);
        Assert.Contains("mis-typed: fc.weight: expected Int8, got Float32", error.Message);
        AssertUnchanged(before, quantised);

        var module = Model();
        before = Snapshot(module);
        error = Assert.Throws<StateDictMismatchException>(() => module.LoadStateDictChecked(new Dictionary<string, Tensor> { ["0.weight"] = ones(3, 4, dtype: ScalarType.Int8) }, strict: false));
        Assert.Equal(["0.weight: expected Float32, got Int8"], error.MisTyped);
        AssertUnchanged(before, module);

        module.LoadStateDictChecked(new Dictionary<string, Tensor> { ["0.bias"] = full(3, 0.25, ScalarType.Float64) }, strict: false);
        Assert.Equal(new float[] { 0.25f, 0.25f, 0.25f }, module.state_dict()["0.bias"].data<float>().ToArray());
    }

    [Fact]
    public void A_safetensors_file_that_does_not_fit_changes_nothing_and_names_the_file()
    {
        using var scope = NewDisposeScope();
        var path = directory.File("other.safetensors");
        nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 5)).SaveSafeTensors(path);
        var module = Model();
        var before = Snapshot(module);

        var error = Assert.Throws<StateDictMismatchException>(() => module.LoadSafeTensors(path));
        Assert.StartsWith(path, error.Message);
        Assert.Equal(["2.bias: expected [2], got [5]", "2.weight: expected [2, 3], got [5, 3]"], error.MisShaped);
        AssertUnchanged(before, module);
    }

    [Fact]
    public void A_strict_load_can_leave_out_named_file_keys_and_still_checks_every_other_key()
    {
        // A file with one entry the model does not have (as nanoGPT's attn.bias mask buffers are in a state dict saved
        // by PyTorch before 2.0), written both ways a user gets weights.
        using var scope = NewDisposeScope();
        var saved = Model();
        var tensors = saved.state_dict().ToDictionary(e => e.Key, e => e.Value);
        tensors["0.attn.bias"] = ones(1, 1, 4, 4);
        var safetensors = directory.File("extra.safetensors");
        var pytorch = directory.File("extra.pt");
        Weights.WriteSafeTensors(safetensors, tensors);
        using (var file = File.Create(pytorch))
        {
            TorchSharp.PyBridge.PyTorchPickler.PickleStateDict(file, tensors);
        }

        static bool Mask(string key) => key.EndsWith(".attn.bias", StringComparison.Ordinal);
        foreach (var (path, load) in new (string, Action<nn.Module, Func<string, bool>?>)[]
        {
            (safetensors, (m, ignore) => m.LoadSafeTensors(safetensors, ignore: ignore)),
            (pytorch, (m, ignore) => m.LoadPyTorch(pytorch, ignore: ignore)),
            ("the state dict", (m, ignore) => m.LoadStateDictChecked(tensors, ignore: ignore)),
        })
        {
            // Strict without it: the extra key is unexpected, and nothing changes.
            var module = Model();
            var before = Snapshot(module);
            var error = Assert.Throws<StateDictMismatchException>(() => load(module, null));
            Assert.Equal(["0.attn.bias"], error.Unexpected);
            AssertUnchanged(before, module);

            // Strict, leaving it out: every model key loads.
            load(module, Mask);
            foreach (var (key, value) in saved.state_dict())
            {
                Assert.True(value.allclose(module.state_dict()[key], 0, 0), $"{path}: {key} was not loaded");
            }

            // Leaving out a key the model has makes it missing: the strict check still covers the model's keys.
            var other = Model();
            var missing = Assert.Throws<StateDictMismatchException>(() => load(other, key => key == "2.bias" || Mask(key)));
            Assert.Equal(["2.bias"], missing.Missing);
            Assert.Empty(missing.Unexpected);
        }
    }

    [Fact]
    public void A_float_checkpoint_loaded_into_an_int8_variant_says_to_use_FromDense()
    {
        using var scope = NewDisposeScope();
        var path = directory.File("dense.safetensors");
        Model().SaveSafeTensors(path);
        var int8 = nn.Sequential(("0", new Int8Linear(4, 3)), ("1", nn.ReLU()), ("2", new Int8Linear(3, 2)));
        var before = Snapshot(int8);

        var error = Assert.Throws<StateDictMismatchException>(() => int8.LoadSafeTensors(path));
        Assert.Equal(["0.weight_scale", "2.weight_scale"], error.Missing);
        Assert.Contains("load it into the dense model and make this variant from that with its FromDense", error.Message);
        AssertUnchanged(before, int8);

        // Any other missing key: no such advice.
        var other = Assert.Throws<StateDictMismatchException>(() => Model().LoadStateDictChecked(new Dictionary<string, Tensor>(), strict: true));
        Assert.DoesNotContain("FromDense", other.Message);
    }

    [Fact]
    public void Non_strict_load_fills_the_shared_keys_only()
    {
        using var scope = NewDisposeScope();
        var module = Model();
        var before = Snapshot(module);
        module.LoadStateDictChecked(new Dictionary<string, Tensor> { ["0.bias"] = full(3, 7f), ["unknown"] = ones(2) }, strict: false);
        Assert.Equal(new float[] { 7, 7, 7 }, module.state_dict()["0.bias"].data<float>().ToArray());
        Assert.True(module.state_dict()["0.weight"].allclose(before["0.weight"], 0, 0));
    }

    [Fact]
    public void Save_then_load_round_trips_every_tensor_exactly_and_overwrites_a_longer_file()
    {
        using var scope = NewDisposeScope();
        var path = directory.File("model.safetensors");
        File.WriteAllBytes(path, new byte[1 << 20]); // PyBridge's Safetensors.SaveStateDict(path) would leave this file's tail
        var saved = Model();
        saved.SaveSafeTensors(path);
        var loaded = Model();
        loaded.LoadSafeTensors(path);
        foreach (var (key, value) in saved.state_dict())
        {
            Assert.True(value.allclose(loaded.state_dict()[key], 0, 0), key);
        }
    }

    [Fact]
    public void A_pytorch_file_we_write_loads_back_exactly()
    {
        using var scope = NewDisposeScope();
        var path = directory.File("model.pt");
        var saved = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.Flatten(), nn.Linear(4 * 4 * 4, 2));
        ChannelsLast.Apply(saved);
        saved.SavePyTorch(path);
        var loaded = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.Flatten(), nn.Linear(4 * 4 * 4, 2));
        loaded.LoadPyTorch(path);
        foreach (var (key, value) in saved.state_dict())
        {
            Assert.True(value.allclose(loaded.state_dict()[key], 0, 0), key);
        }
    }
}
