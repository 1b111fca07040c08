namespace ModelDsl;

/// <summary>
/// A Mamba selective state-space block over [N, T, D] (or [T, D]) input, with the parameter layout of the
/// reference implementation (<c>mamba_simple.Mamba</c>: <c>in_proj</c>, depthwise causal <c>conv1d</c>,
/// <c>x_proj</c>, <c>dt_proj</c>, <c>A_log</c>, <c>D</c>, <c>out_proj</c>). The selective scan runs step by
/// step over time, so its cost is linear in T; there is no fused kernel on CPU.
/// </summary>
public sealed class Mamba : Layer
{
    /// <summary>Creates the block with the reference initialisation (S4D-real A, inverse-softplus Δ bias).</summary>
    public Mamba(long dModel, long dState = 16, long dConv = 4, long expand = 2, long dtRank = 0, bool convBias = true, bool bias = false)
    {
        (DModel, DState, DConv) = (dModel, dState, dConv);
        DInner = expand * dModel;
        DtRank = dtRank > 0 ? dtRank : (dModel + 15) / 16;   // "auto": ceil(d_model / 16)
        ALog = RegisterParameter("A_log", Tensor.Empty([DInner, dState]));
        D = RegisterParameter("D", Tensor.Ones([DInner]));
        InProj = RegisterModule("in_proj", new Linear(dModel, 2 * DInner, bias));
        Conv = RegisterModule("conv1d", new Conv1d(DInner, DInner, dConv, padding: dConv - 1, groups: DInner, bias: convBias));
        XProj = RegisterModule("x_proj", new Linear(DInner, DtRank + 2 * dState, bias: false));
        DtProj = RegisterModule("dt_proj", new Linear(DtRank, DInner, bias: true));
        OutProj = RegisterModule("out_proj", new Linear(DInner, dModel, bias));
        ResetSsmParameters();
    }

    /// <summary>Model width D.</summary>
    public long DModel { get; }
    /// <summary>State size per channel N.</summary>
    public long DState { get; }
    /// <summary>Width of the causal convolution.</summary>
    public long DConv { get; }
    /// <summary>Inner width E = expand · D.</summary>
    public long DInner { get; }
    /// <summary>Rank of the Δ projection.</summary>
    public long DtRank { get; }
    /// <summary>log(−A), [E, N].</summary>
    public Tensor ALog { get; }
    /// <summary>Skip connection weights, [E].</summary>
    public Tensor D { get; }
    /// <summary>Projects D to the branch x and the gate z (2E).</summary>
    public Linear InProj { get; }
    /// <summary>Depthwise causal convolution over time.</summary>
    public Conv1d Conv { get; }
    /// <summary>Projects x to Δ (low rank), B and C.</summary>
    public Linear XProj { get; }
    /// <summary>Expands Δ from its rank to E.</summary>
    public Linear DtProj { get; }
    /// <summary>Projects E back to D.</summary>
    public Linear OutProj { get; }

    private void ResetSsmParameters()
    {
        using var noGrad = Torch.NoGrad();
        using var scope = Torch.NewDisposeScope();
        // A = −[1, 2, …, N] for every channel (S4D-real).
        ALog.CopyFrom(Tensor.Arange(1, DState + 1, dtype: DType.Float32).Log().Expand(DInner, DState));
        // Δ starts log-uniform in [0.001, 0.1]; the bias is its inverse softplus.
        var std = 1 / Math.Sqrt(DtRank);
        DtProj.Weight.Uniform_(-std, std);
        var dt = (Tensor.Rand([DInner]) * (Math.Log(0.1) - Math.Log(0.001)) + Math.Log(0.001)).Exp().Clamp(min: 1e-4);
        DtProj.Bias!.CopyFrom(dt + (-(-dt).Exp() + 1).Log());   // dt + log(1 − e^−dt) = softplus⁻¹(dt)
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        var shape = input.ShapeView;
        if (shape.Length is not (2 or 3) || shape[^1] != DModel)
        {
            throw ShapeError($"[N, T, {Invariant(DModel)}]", input);
        }
        using var scope = Torch.NewDisposeScope();
        var batched = shape.Length == 3 ? input : input.Unsqueeze(0);
        var length = batched.Size(1);
        var xz = InProj.Forward(batched).Chunk(2, -1);                        // x, z: [N, T, E]
        var u = Conv.Forward(xz[0].Transpose(1, 2))                            // [N, E, T + k − 1]
            .Slice(2, 0, length).Silu().Transpose(1, 2);                      // causal part: [N, T, E]
        var parts = XProj.Forward(u);                                          // [N, T, r + 2N]
        var delta = Functional.Linear(parts.Narrow(-1, 0, DtRank), DtProj.Weight, DtProj.Bias).Softplus();
        var b = parts.Narrow(-1, DtRank, DState);                              // [N, T, S]
        var c = parts.Narrow(-1, DtRank + DState, DState);
        var y = SelectiveScan(u, delta, -ALog.Exp(), b, c);                    // [N, T, E]
        var gated = (y + u * D) * xz[1].Silu();
        var output = OutProj.Forward(gated);
        return scope.MoveToOuter(shape.Length == 3 ? output : output.Squeeze(0));
    }

    /// <summary>h_t = exp(Δ_t A) h_{t−1} + Δ_t B_t u_t, y_t = C_t · h_t, one step per time position.</summary>
    private static Tensor SelectiveScan(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c)
    {
        var decay = (delta.Unsqueeze(-1) * a).Exp();                          // [N, T, E, S]
        var input = (delta * u).Unsqueeze(-1) * b.Unsqueeze(2);               // [N, T, E, S]
        var steps = new Tensor[u.Size(1)];
        Tensor? state = null;
        for (var t = 0; t < steps.Length; t++)
        {
            var x = input.Select(1, t);
            state = state is null ? x : decay.Select(1, t) * state + x;
            steps[t] = state.MatMul(c.Select(1, t).Unsqueeze(-1)).Squeeze(-1); // [N, E]
        }
        return Tensor.Stack(steps, 1);
    }
}
