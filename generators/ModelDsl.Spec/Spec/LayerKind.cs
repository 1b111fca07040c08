namespace ModelDsl.Spec;

/// <summary>
/// What a <see cref="LayerSpec"/> is. Argument names are listed per kind (see also
/// <see cref="LayerArguments.For"/>); shapes are per sample, batch excluded.
/// </summary>
public enum LayerKind
{
    /// <summary><c>nn.Linear</c> on the last dimension. Args: <c>out</c>, <c>in</c> (0 = inferred), <c>bias</c>.</summary>
    Linear,

    /// <summary><c>nn.Conv1d</c> on [C, L]. Args: <c>out</c>, <c>kernel</c>, <c>stride</c>, <c>padding</c>, <c>dilation</c>, <c>groups</c>, <c>depthwise</c>, <c>bias</c>, <c>in</c>.</summary>
    Conv1d,

    /// <summary><c>nn.Conv2d</c> on [C, H, W] (square kernels). Args as <see cref="Conv1d"/>; <c>depthwise = true</c> sets groups = in channels and out defaults to in channels.</summary>
    Conv2d,

    /// <summary><c>nn.BatchNorm1d</c> on [F] or [C, L]. No args.</summary>
    BatchNorm1d,

    /// <summary><c>nn.BatchNorm2d</c> on [C, H, W]. No args.</summary>
    BatchNorm2d,

    /// <summary><c>nn.LayerNorm</c> over the last dimension. Args: <c>bias</c>, <c>eps</c> (default 1e-5; ViT uses 1e-6).</summary>
    LayerNorm,

    /// <summary>
    /// LayerNorm over the channels of an image [C, H, W] at each position (torchvision's ConvNeXt <c>LayerNorm2d</c>:
    /// permute to channels-last, normalise, permute back). Args: <c>eps</c>. State dict: <c>weight</c>, <c>bias</c> [C].
    /// </summary>
    LayerNorm2d,

    /// <summary><c>nn.GroupNorm</c> over the channel dimension. Args: <c>groups</c>.</summary>
    GroupNorm,

    /// <summary><c>nn.RMSNorm</c> over the last dimension. No args.</summary>
    RMSNorm,

    /// <summary><c>nn.Embedding</c> of token ids. Args: <c>dim</c>, <c>vocab</c> (0 = the input's vocabulary).</summary>
    Embedding,

    /// <summary><c>nn.Dropout</c>; identity at inference. Args: <c>p</c>.</summary>
    Dropout,

    /// <summary><c>nn.MaxPool2d</c>. Args: <c>kernel</c>, <c>stride</c> (0 = kernel), <c>padding</c>, <c>dilation</c>.</summary>
    MaxPool2d,

    /// <summary><c>nn.AvgPool2d</c>. Args: <c>kernel</c>, <c>stride</c> (0 = kernel), <c>padding</c>.</summary>
    AvgPool2d,

    /// <summary><c>nn.AdaptiveAvgPool2d</c> to a square output. Args: <c>size</c>.</summary>
    AdaptiveAvgPool2d,

    /// <summary>Flattens all per-sample dimensions (<c>torch.flatten(x, 1)</c>). No args.</summary>
    Flatten,

    /// <summary>
    /// Interleaves an image's channels across <c>groups</c> (ShuffleNet's <c>channel_shuffle</c>: view as [g, C/g, H, W],
    /// swap the first two, flatten back). Args: <c>groups</c>, dividing the channels.
    /// </summary>
    ChannelShuffle,

    /// <summary>
    /// Reorders the per-sample dimensions (torchvision's <c>Permute</c>, batch excluded): an image [C, H, W] to
    /// channels-last [H, W, C] with (1, 2, 0), back with (2, 0, 1). Args: <c>dim0</c>, <c>dim1</c>, <c>dim2</c> (−1 for rank 2).
    /// </summary>
    Permute,

    /// <summary>
    /// Swin's patch merging on channels-last [H, W, C]: 2x2 neighbourhoods to 4C, a linear <c>reduction</c> to 2C (no
    /// bias) and a LayerNorm <c>norm</c> after it (V2) or before it (<c>norm_first</c>, V1): [⌈H/2⌉, ⌈W/2⌉, 2C].
    /// </summary>
    PatchMerging,

    /// <summary>
    /// Swin V2's (shifted) window attention on channels-last [H, W, C] (torchvision's <c>ShiftedWindowAttentionV2</c>):
    /// cosine attention per window with a learned logit scale and a continuous relative position bias. Args:
    /// <c>heads</c>, <c>window</c>, <c>shift</c>.
    /// </summary>
    ShiftedWindowAttentionV2,

    /// <summary><c>nn.ReLU</c>.</summary>
    ReLU,

    /// <summary><c>nn.ReLU6</c>.</summary>
    ReLU6,

    /// <summary><c>nn.GELU</c> (exact, erf form).</summary>
    GELU,

    /// <summary><c>nn.SiLU</c>.</summary>
    SiLU,

    /// <summary><c>nn.Sigmoid</c>.</summary>
    Sigmoid,

    /// <summary><c>nn.Hardswish</c>: x · ReLU6(x + 3) / 6 (MobileNetV3).</summary>
    Hardswish,

    /// <summary><c>nn.Hardsigmoid</c>: ReLU6(x + 3) / 6 (MobileNetV3's squeeze-excitation gate).</summary>
    Hardsigmoid,

    /// <summary><c>nn.Tanh</c>.</summary>
    Tanh,

    /// <summary><c>nn.Softmax</c>. Args: <c>dim</c> (per-sample, negative counts from the end).</summary>
    Softmax,

    /// <summary><c>nn.LogSoftmax</c>. Args: <c>dim</c>.</summary>
    LogSoftmax,

    /// <summary>
    /// Multi-head self-attention on [T, D]. Args: <c>heads</c>, <c>causal</c>, <c>bias</c>, <c>layout</c>:
    /// <c>"torch"</c> (<c>nn.MultiheadAttention</c>: <c>in_proj_weight</c>, <c>out_proj</c>) or
    /// <c>"gpt2"</c> (<c>c_attn</c>, <c>c_proj</c>, as nanoGPT).
    /// </summary>
    MultiheadAttention,

    /// <summary>ViT patch embedding: Conv2d(C, dim, patch, stride patch) then flatten to tokens [N, dim]. Args: <c>dim</c>, <c>patch</c>, <c>bias</c>.</summary>
    PatchEmbedding,

    /// <summary>Prepends a learned class token: [N, D] to [N + 1, D]. The parameter is named by the layer's path ([1, 1, D]).</summary>
    ClassToken,

    /// <summary>
    /// Layer scale: the input times a learned per-channel vector, a bare parameter of the enclosing module named by the
    /// path ([C, 1, 1] on an image, as ConvNeXt's <c>layer_scale</c>; [D] on tokens or vectors). Args: <c>value</c> (its initial value).
    /// </summary>
    LayerScale,

    /// <summary>
    /// Adds a learned position embedding to [T, D]. Args: <c>max_len</c> (0 = T), <c>layout</c>:
    /// <c>"parameter"</c> (a bare [1, max_len, D] parameter named by the path, as ViT's <c>pos_embedding</c>) or
    /// <c>"embedding"</c> (an <c>nn.Embedding(max_len, D)</c>, as GPT-2's <c>wpe</c>).
    /// Token + position embedding is <see cref="Embedding"/> followed by this layer.
    /// </summary>
    PositionEmbedding,

    /// <summary>Selects one token: [T, D] to [D] (ViT takes the class token). Args: <c>index</c>.</summary>
    TakeToken,

    /// <summary>A linear head whose weight is an <see cref="Embedding"/>'s (tied LM head). Args: <c>tied_to</c> (path of the embedding), <c>bias</c>.</summary>
    TiedLinear,

    /// <summary>
    /// Mamba selective state-space block on [T, D] (<c>mamba_simple.Mamba</c>): in_proj, depthwise causal conv1d,
    /// x_proj to dt/B/C, dt_proj, selective scan, gated out_proj. Args: <c>d_state</c>, <c>d_conv</c>,
    /// <c>expand</c>, <c>dt_rank</c> (0 = ceil(D / 16)), <c>conv_bias</c>, <c>bias</c>.
    /// </summary>
    Mamba,

    /// <summary>
    /// A user's own module (<c>[Custom(typeof(T), …)]</c>). Args: <c>type</c> (the class, fully qualified),
    /// <c>arguments</c> (its constructor's, see <see cref="CustomLayer"/>), <c>output</c> (declared per-sample shape;
    /// empty = the input's), <c>parameters</c>, <c>macs</c>, <c>flops</c> (declared costs). Resolved rows hold
    /// <c>arg{i}</c> and <c>out{i}</c> too.
    /// </summary>
    Custom,

    /// <summary>The addition that closes a <see cref="Residual"/>; produced by shape inference, not declared.</summary>
    ResidualAdd,

    /// <summary>A gate's product, input · branch output broadcast (created by shape inference, never declared).</summary>
    ResidualMultiply,

    /// <summary>
    /// A concatenating residual's join, shortcut then branch along the channels (DenseNet, ShuffleNetV2; created by shape
    /// inference, never declared).
    /// </summary>
    ResidualConcat,

    /// <summary>A named group of <see cref="LayerSpec.Children"/> (<c>nn.Sequential</c>); children without a name are numbered.</summary>
    Sequential,

    /// <summary>
    /// A residual connection around <see cref="LayerSpec.Children"/> (the branch). Transparent for naming.
    /// Args: <c>shortcut</c>: <c>"identity"</c> (shapes must agree), <c>"projection"</c> (1x1 conv + BatchNorm2d
    /// inferred when the branch changes shape, as torchvision's <c>downsample</c>), <c>"if-same"</c> (add only
    /// when shapes agree, as MobileNetV2) or <c>"split"</c> (the first half of the channels is the shortcut, the second
    /// half feeds the branch; concatenation only); <c>shortcut_name</c> (default <c>"downsample"</c>); <c>combine</c>:
    /// <c>"add"</c>, <c>"multiply"</c> (a gate) or <c>"concat"</c> (shortcut then branch along the channels);
    /// <c>shortcut_members</c>: how many of the first children are a declared shortcut path, run on the same input as the
    /// branch (ShuffleNetV2's <c>branch1</c>; 0: none).
    /// </summary>
    Residual,

    /// <summary>One use of a <see cref="BlockSpec"/>. Args: <c>block</c> (its name) plus the block's parameters.</summary>
    Block,

    /// <summary>
    /// A block repeated <c>blocks</c> times. Args: <c>block</c>, <c>blocks</c>, <c>item</c> (name pattern, default
    /// <c>"{i}"</c>) plus the block's parameters; a <c>stride</c> parameter applies to the first block only, the
    /// others get 1 (torchvision's <c>_make_layer</c>). An unnamed stage numbers its blocks in its parent's sequence.
    /// </summary>
    Stage,
}
