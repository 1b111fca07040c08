using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// Swin V2's (shifted) window attention on channels-last tokens [N, H, W, C], as torchvision's
/// <c>ShiftedWindowAttentionV2</c>: the map padded to whole windows, rolled by the shift (none where a window covers the
/// map), split into window × window token groups, cosine attention per head scaled by the learned
/// <c>logit_scale</c> (clamped at ln 100), plus a continuous relative position bias (<c>cpb_mlp</c> over the log-spaced
/// <c>relative_coords_table</c>, gathered by <c>relative_position_index</c>, 16 · sigmoid), masked across the shifted
/// regions, then <c>proj</c>, the windows merged back, the roll undone and the padding cut. The query and value biases of
/// <c>qkv</c> are used, its key bias is not (torchvision zeroes it in the forward). State dict: <c>logit_scale</c>
/// [heads, 1, 1], buffers <c>relative_coords_table</c> [1, 2w − 1, 2w − 1, 2] and <c>relative_position_index</c> [w⁴],
/// <c>qkv</c>, <c>proj</c>, <c>cpb_mlp.0</c> (2 → 512), <c>cpb_mlp.2</c> (512 → heads, no bias).
/// </summary>
public sealed class ShiftedWindowAttentionV2 : LayerBase
{
    /// <summary>Creates the layer: PyTorch's default Linear initialisation, <c>logit_scale</c> = ln 10, the tables as torchvision computes them.</summary>
    /// <param name="dim">Token width C.</param>
    /// <param name="heads">Attention heads, dividing C.</param>
    /// <param name="window">Window height and width.</param>
    /// <param name="shift">The cyclic shift, below the window.</param>
    /// <param name="qkvName">The query, key and value projection's name.</param>
    /// <param name="projName">The output projection's name.</param>
    /// <param name="cpbMlpName">The position bias MLP's name.</param>
    public ShiftedWindowAttentionV2(long dim, long heads, long window, long shift, string qkvName = "qkv", string projName = "proj", string cpbMlpName = "cpb_mlp")
        : base(nameof(ShiftedWindowAttentionV2))
    {
        if (dim % heads != 0 || window < 2 || shift < 0 || shift >= window)
        {
            throw new ArgumentException($"ShiftedWindowAttentionV2: width {dim} over {heads} heads, window {window}, shift {shift} (heads must divide the width, 0 ≤ shift < window, window ≥ 2)");
        }

        (Dim, Heads, Window, Shift) = (dim, heads, window, shift);
        using (no_grad())
        {
            RegisterParameter("logit_scale", log(ones(heads, 1, 1) * 10));
        }

        // Log-spaced relative coordinates in [-8, 8] per axis, as torchvision's define_relative_position_bias_table.
        var span = arange(-(window - 1), window, dtype: float32) / (window - 1) * 8;
        var grid = meshgrid([span, span], indexing: "ij");
        var table = stack(grid).permute(1, 2, 0).contiguous().unsqueeze(0);
        table = sign(table) * log2(table.abs() + 1.0) / 3.0;
        register_buffer("relative_coords_table", table.DetachFromDisposeScope());

        // Pairwise relative positions inside a window, flattened to an index into the (2w − 1)² table.
        var coords = stack(meshgrid([arange(window), arange(window)], indexing: "ij")).flatten(1);
        var relative = (coords.unsqueeze(2) - coords.unsqueeze(1)).permute(1, 2, 0).contiguous();
        var index = ((relative[TensorIndex.Colon, TensorIndex.Colon, 0] + window - 1) * (2 * window - 1)) + relative[TensorIndex.Colon, TensorIndex.Colon, 1] + window - 1;
        register_buffer("relative_position_index", index.flatten().DetachFromDisposeScope());

        Qkv = Register(qkvName, nn.Linear(dim, 3 * dim));
        Proj = Register(projName, nn.Linear(dim, dim));
        CpbMlp = Register(cpbMlpName, nn.Sequential(("0", nn.Linear(2, 512)), ("1", nn.ReLU()), ("2", nn.Linear(512, heads, hasBias: false))));
        using (no_grad())
        {
            Qkv.bias![TensorIndex.Slice(dim, 2 * dim)].zero_();
        }
    }

    /// <summary>Token width C.</summary>
    public long Dim { get; }

    /// <summary>Attention heads.</summary>
    public long Heads { get; }

    /// <summary>Window height and width, in tokens.</summary>
    public long Window { get; }

    /// <summary>The cyclic shift (0: plain windows; torchvision shifts every second block by half a window).</summary>
    public long Shift { get; }

    /// <summary>The query, key and value projection.</summary>
    public TorchSharp.Modules.Linear Qkv { get; }

    /// <summary>The output projection.</summary>
    public TorchSharp.Modules.Linear Proj { get; }

    /// <summary>The continuous position bias MLP.</summary>
    public TorchSharp.Modules.Sequential CpbMlp { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 4 || input.shape[3] != Dim)
        {
            throw ShapeError($"[N, H, W, {Invariant(Dim)}]", input);
        }

        using var scope = NewDisposeScope();
        long batch = input.shape[0], height = input.shape[1], width = input.shape[2], w = Window, n = Window * Window;
        long padBottom = (w - (height % w)) % w, padRight = (w - (width % w)) % w;
        var x = padBottom + padRight > 0 ? nn.functional.pad(input, [0, 0, 0, padRight, 0, padBottom]) : input;
        long paddedH = height + padBottom, paddedW = width + padRight;

        // A window as large as the map sees all of it: nothing to shift there.
        long shiftH = w >= paddedH ? 0 : Shift, shiftW = w >= paddedW ? 0 : Shift;
        var shifted = shiftH + shiftW > 0;
        if (shifted)
        {
            x = roll(x, [-shiftH, -shiftW], [1, 2]);
        }

        long rows = paddedH / w, columns = paddedW / w, windows = rows * columns;
        x = x.view(batch, rows, w, columns, w, Dim).permute(0, 1, 3, 2, 4, 5).reshape(batch * windows, n, Dim);

        var qkv = nn.functional.linear(x, Qkv.weight!, Qkv.bias!.clone().index_fill_(0, arange(Dim, 2 * Dim), 0))
            .reshape(batch * windows, n, 3, Heads, Dim / Heads).permute(2, 0, 3, 1, 4);
        var (q, k, v) = (qkv[0], qkv[1], qkv[2]);
        var attention = nn.functional.normalize(q, dim: -1).matmul(nn.functional.normalize(k, dim: -1).transpose(-2, -1));
        attention = (attention * get_parameter("logit_scale")!.clamp_max(Math.Log(100.0)).exp()) + PositionBias(n);
        if (shifted)
        {
            attention = (attention.view(batch, windows, Heads, n, n) + Mask(paddedH, paddedW, shiftH, shiftW).unsqueeze(1).unsqueeze(0)).view(-1, Heads, n, n);
        }

        x = attention.softmax(-1).matmul(v).transpose(1, 2).reshape(batch * windows, n, Dim);
        x = Proj.call(x);
        x = x.view(batch, rows, columns, w, w, Dim).permute(0, 1, 3, 2, 4, 5).reshape(batch, paddedH, paddedW, Dim);
        if (shifted)
        {
            x = roll(x, [shiftH, shiftW], [1, 2]);
        }

        if (padBottom + padRight > 0)
        {
            x = x.index(TensorIndex.Colon, TensorIndex.Slice(0, height), TensorIndex.Slice(0, width), TensorIndex.Colon);
        }

        return x.contiguous().MoveToOuterDisposeScope();
    }

    // [1, heads, n, n]: 16 · sigmoid of the MLP's bias for each pair of positions in a window.
    private Tensor PositionBias(long n)
    {
        var table = CpbMlp.call(get_buffer("relative_coords_table")!).view(-1, Heads);
        var bias = table.index_select(0, get_buffer("relative_position_index")!).view(n, n, Heads).permute(2, 0, 1).contiguous().unsqueeze(0);
        return 16 * sigmoid(bias);
    }

    // [windows, n, n]: 0 between tokens of one region of the rolled map, −100 across regions (torchvision's mask).
    private Tensor Mask(long paddedH, long paddedW, long shiftH, long shiftW)
    {
        var w = Window;
        var regions = zeros(paddedH, paddedW);
        long[] hCuts = [0, paddedH - w, paddedH - shiftH, paddedH], wCuts = [0, paddedW - w, paddedW - shiftW, paddedW];
        var count = 0;
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                if (hCuts[i + 1] > hCuts[i] && wCuts[j + 1] > wCuts[j])
                {
                    regions[TensorIndex.Slice(hCuts[i], hCuts[i + 1]), TensorIndex.Slice(wCuts[j], wCuts[j + 1])].fill_(count);
                }

                count++;
            }
        }

        var windows = regions.view(paddedH / w, w, paddedW / w, w).permute(0, 2, 1, 3).reshape(-1, w * w);
        var difference = windows.unsqueeze(1) - windows.unsqueeze(2);
        return zeros_like(difference).masked_fill(difference.ne(0), -100.0);
    }
}
