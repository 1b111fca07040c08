using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.Testing;

/// <summary>
/// Zero-channel models for the pruning tests: for each dependency group (written by hand in the test, as tensor-name
/// prefixes), one random half of its channels is zeroed in every tensor of the group — conv weights, norm scales,
/// shifts and running means (running variances stay positive). Such channels carry nothing, so a variant that drops
/// exactly them must reproduce the dense output.
/// </summary>
internal static class ZeroChannelGroups
{
    public static void Apply(nn.Module model, int seed, IEnumerable<string[]> groups) => Apply(model, seed, groups.Select(g => (g, (int?)null)));

    /// <summary>As above, zeroing all but <c>Live</c> channels of each group (half where it is null).</summary>
    public static void Apply(nn.Module model, int seed, IEnumerable<(string[] Prefixes, int? Live)> groups)
    {
        var random = new Random(seed);
        using var noGrad = no_grad();
        var state = model.state_dict();
        foreach (var (prefixes, live) in groups)
        {
            var members = state.Where(e => prefixes.Any(p => e.Key.StartsWith(p, StringComparison.Ordinal)) &&
                !e.Key.EndsWith("num_batches_tracked", StringComparison.Ordinal) && !e.Key.EndsWith("running_var", StringComparison.Ordinal)).ToList();
            if (members.Count == 0 || members.Any(m => m.Value.shape[0] != members[0].Value.shape[0]))
            {
                throw new ArgumentException("group " + string.Join(", ", prefixes) + " names no tensors, or tensors of different widths");
            }

            var channels = (int)members[0].Value.shape[0];
            var zeroed = Enumerable.Range(0, channels).OrderBy(_ => random.Next()).Take(live is { } kept ? channels - kept : channels / 2).Select(c => (long)c).ToArray();
            using var index = tensor(zeroed);
            foreach (var (_, t) in members)
            {
                t.index_fill_(0, index, 0);
            }
        }
    }

    /// <summary>
    /// torchvision's ResNet-18 coupling, by hand: each stage's residual stream is one group (every block's conv2 and bn2,
    /// the stage's downsample; for layer1 the stem too, which layer1 adds without projection); each block's conv1/bn1 is
    /// its own group.
    /// </summary>
    public static List<string[]> ResNet18()
    {
        var groups = new List<string[]> { new[] { "conv1.", "bn1.", "layer1.0.conv2.", "layer1.0.bn2.", "layer1.1.conv2.", "layer1.1.bn2." } };
        for (var stage = 2; stage <= 4; stage++)
        {
            groups.Add([$"layer{stage}.0.conv2.", $"layer{stage}.0.bn2.", $"layer{stage}.0.downsample.0.", $"layer{stage}.0.downsample.1.", $"layer{stage}.1.conv2.", $"layer{stage}.1.bn2."]);
        }

        for (var stage = 1; stage <= 4; stage++)
        {
            for (var block = 0; block < 2; block++)
            {
                groups.Add([$"layer{stage}.{block}.conv1.", $"layer{stage}.{block}.bn1."]);
            }
        }

        return groups;
    }
}
