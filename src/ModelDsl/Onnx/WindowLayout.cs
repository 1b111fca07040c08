namespace ModelDsl.Onnx;

/// <summary>
/// How Swin's shifted window attention lays an H × W map out in windows (torchvision's <c>shifted_window_attention</c>,
/// as <see cref="ShiftedWindowAttentionV2"/> computes it): padded at the bottom and right to whole windows, rolled up and
/// left by the shift (none along an axis one window covers), cut into windows in row-major order, each window's tokens in
/// row-major order. Everything here depends on the shape alone, so the ONNX export writes it as constants.
/// </summary>
internal sealed class WindowLayout
{
    private readonly int window;

    public WindowLayout(int height, int width, int window, int shift)
    {
        (Height, Width, this.window) = (height, width, window);
        PadBottom = (window - (height % window)) % window;
        PadRight = (window - (width % window)) % window;
        PaddedHeight = height + PadBottom;
        PaddedWidth = width + PadRight;
        ShiftHeight = window >= PaddedHeight ? 0 : shift;
        ShiftWidth = window >= PaddedWidth ? 0 : shift;
        Rows = PaddedHeight / window;
        Columns = PaddedWidth / window;
    }

    public int Height { get; }

    public int Width { get; }

    public int PadBottom { get; }

    public int PadRight { get; }

    public int PaddedHeight { get; }

    public int PaddedWidth { get; }

    public int ShiftHeight { get; }

    public int ShiftWidth { get; }

    public int Rows { get; }

    public int Columns { get; }

    public int Windows => Rows * Columns;

    /// <summary>Whether the map is rolled (and the attention masked across the rolled regions).</summary>
    public bool Shifted => ShiftHeight + ShiftWidth > 0;

    /// <summary>
    /// For each token of each window, in window order, its position in the padded map flattened row-major: the roll and
    /// the partition into windows as one gather. Token (r, c, i, j) is the rolled map's (r·w + i, c·w + j), which is the
    /// padded map's ((r·w + i + shift) mod H', (c·w + j + shift) mod W').
    /// </summary>
    public long[] WindowOrder()
    {
        var order = new long[Windows * window * window];
        var next = 0;
        for (var r = 0; r < Rows; r++)
        {
            for (var c = 0; c < Columns; c++)
            {
                for (var i = 0; i < window; i++)
                {
                    for (var j = 0; j < window; j++)
                    {
                        var h = ((r * window) + i + ShiftHeight) % PaddedHeight;
                        var w = ((c * window) + j + ShiftWidth) % PaddedWidth;
                        order[next++] = ((long)h * PaddedWidth) + w;
                    }
                }
            }
        }

        return order;
    }

    /// <summary>
    /// For each position of the unpadded H × W map, row-major, the index of its token in window order: the inverse of
    /// <see cref="WindowOrder"/> (the windows merged, the roll undone) with the padding cut, as one gather.
    /// </summary>
    public long[] MapOrder()
    {
        var order = new long[Height * Width];
        for (var h = 0; h < Height; h++)
        {
            for (var w = 0; w < Width; w++)
            {
                // The rolled map's position that holds padded position (h, w).
                var rh = (h - ShiftHeight + PaddedHeight) % PaddedHeight;
                var rw = (w - ShiftWidth + PaddedWidth) % PaddedWidth;
                var windowIndex = ((rh / window) * Columns) + (rw / window);
                order[(h * Width) + w] = ((long)windowIndex * window * window) + ((rh % window) * window) + (rw % window);
            }
        }

        return order;
    }

    /// <summary>
    /// [windows, 1, n, n] row-major: 0 between two tokens of a window that come from one region of the rolled map, −100
    /// between tokens of different regions (torchvision's mask; the regions are cut at H' − w and H' − shift, and likewise
    /// along the width).
    /// </summary>
    public float[] Mask()
    {
        int[] hCuts = [0, PaddedHeight - window, PaddedHeight - ShiftHeight, PaddedHeight];
        int[] wCuts = [0, PaddedWidth - window, PaddedWidth - ShiftWidth, PaddedWidth];
        int Region(int[] cuts, int position)
        {
            var region = 0;
            while (position >= cuts[region + 1])
            {
                region++;
            }

            return region;
        }

        var n = window * window;
        var mask = new float[Windows * n * n];
        var labels = new int[n];
        for (var r = 0; r < Rows; r++)
        {
            for (var c = 0; c < Columns; c++)
            {
                for (var t = 0; t < n; t++)
                {
                    labels[t] = (3 * Region(hCuts, (r * window) + (t / window))) + Region(wCuts, (c * window) + (t % window));
                }

                var offset = ((r * Columns) + c) * n * n;
                for (var a = 0; a < n; a++)
                {
                    for (var b = 0; b < n; b++)
                    {
                        mask[offset + (a * n) + b] = labels[a] == labels[b] ? 0f : -100f;
                    }
                }
            }
        }

        return mask;
    }
}
