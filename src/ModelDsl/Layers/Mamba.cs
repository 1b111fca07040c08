using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// A Mamba selective state-space block over [N, T, D] (or [T, D]) input, with the parameter layout of the reference
/// implementation (<c>mamba_simple.Mamba</c>: <c>in_proj</c>, depthwise causal <c>conv1d</c>, <c>x_proj</c>,
/// <c>dt_proj</c>, <c>A_log</c>, <c>D</c>, <c>out_proj</c>). The selective scan runs step by step over time
/// (<c>selective_scan_ref</c>), so its cost is linear in T; there is no fused kernel on CPU.
/// </summary>
public sealed class Mamba : LayerBase
{
    /// <summary>Creates the block with the reference initialisation, in its draw order (S4D-real A, inverse-softplus Δ bias).</summary>
    /// <param name="dModel">Model width D.</param>
    /// <param name="dState">State size per channel N.</param>
    /// <param name="dConv">Width of the causal convolution.</param>
    /// <param name="expand">Inner width as a multiple of D.</param>
    /// <param name="dtRank">Rank of the Δ projection; 0 for ceil(D / 16).</param>
    /// <param name="convBias">Whether the convolution has a bias.</param>
    /// <param name="bias">Whether the in and out projections have biases.</param>
    /// <param name="inProjName">The input projection's name.</param>
    /// <param name="conv1dName">The causal convolution's name.</param>
    /// <param name="xProjName">The Δ/B/C projection's name.</param>
    /// <param name="dtProjName">The Δ expansion's name.</param>
    /// <param name="outProjName">The output projection's name.</param>
    public Mamba(
        long dModel, long dState = 16, long dConv = 4, long expand = 2, long dtRank = 0, bool convBias = true, bool bias = false,
        string inProjName = "in_proj", string conv1dName = "conv1d", string xProjName = "x_proj", string dtProjName = "dt_proj", string outProjName = "out_proj")
        : base(nameof(Mamba))
    {
        (DModel, DState, DConv) = (dModel, dState, dConv);
        DInner = expand * dModel;
        DtRank = dtRank > 0 ? dtRank : (dModel + 15) / 16;   // "auto": ceil(d_model / 16)
        InProj = Register(inProjName, nn.Linear(dModel, 2 * DInner, bias));
        Conv = Register(conv1dName, nn.Conv1d(DInner, DInner, dConv, padding: dConv - 1, groups: DInner, bias: convBias));
        XProj = Register(xProjName, nn.Linear(DInner, DtRank + 2 * dState, hasBias: false));
        DtProj = Register(dtProjName, nn.Linear(DtRank, DInner, hasBias: true));
        using (no_grad())
        using (NewDisposeScope())
        {
            // Δ's projection: uniform ±dt_rank^−½; Δ itself starts log-uniform in [0.001, 0.1], and the bias is its
            // inverse softplus, dt + log(−expm1(−dt)), so that softplus(bias) = dt.
            var std = 1 / Math.Sqrt(DtRank);
            nn.init.uniform_(DtProj.weight!, -std, std);
            var dt = (rand(DInner) * (Math.Log(0.1) - Math.Log(0.001)) + Math.Log(0.001)).exp().clamp_min(1e-4);
            DtProj.bias!.copy_(dt + (-(-dt).expm1()).log());
        }
        // A = −[1, 2, …, N] for every channel (S4D-real), stored as log(−A).
        RegisterParameter("A_log", arange(1, dState + 1, dtype: ScalarType.Float32).log().expand(DInner, dState).contiguous());
        RegisterParameter("D", ones(DInner));
        OutProj = Register(outProjName, nn.Linear(DInner, dModel, bias));
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
    public Parameter ALog => ParameterNamed("A_log");

    /// <summary>Skip connection weights, [E].</summary>
    public Parameter D => ParameterNamed("D");

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

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (input.dim() is not (2 or 3) || input.shape[^1] != DModel)
        {
            throw ShapeError($"[N, T, {DModel}]", input);
        }
        using var scope = NewDisposeScope();
        var batched = input.dim() == 3 ? input : input.unsqueeze(0);
        var length = batched.shape[1];
        var xz = InProj.forward(batched).chunk(2, -1);                        // x, z: [N, T, E]
        var u = nn.functional.silu(Conv.forward(xz[0].transpose(1, 2))         // [N, E, T + k − 1]
            .narrow(2, 0, length)).transpose(1, 2);                           // causal part: [N, T, E]
        var parts = XProj.forward(u);                                          // [N, T, r + 2S]
        var delta = nn.functional.softplus(DtProj.forward(parts.narrow(-1, 0, DtRank)));
        var b = parts.narrow(-1, DtRank, DState);                              // [N, T, S]
        var c = parts.narrow(-1, DtRank + DState, DState);
        var y = SelectiveScan(u, delta, -ALog.exp(), b, c);                    // [N, T, E]
        var gated = (y + u * D) * nn.functional.silu(xz[1]);
        var output = OutProj.forward(gated);
        return (input.dim() == 3 ? output : output.squeeze(0)).MoveToOuterDisposeScope();
    }

    /// <summary>h_t = exp(Δ_t A) h_{t−1} + Δ_t B_t u_t, y_t = C_t · h_t, one step per time position.</summary>
    private static Tensor SelectiveScan(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c)
    {
        var decay = (delta.unsqueeze(-1) * a).exp();                          // [N, T, E, S]
        var drive = (delta * u).unsqueeze(-1) * b.unsqueeze(2);               // [N, T, E, S]
        var steps = new Tensor[u.shape[1]];
        Tensor? state = null;
        for (var t = 0; t < steps.Length; t++)
        {
            var x = drive.select(1, t);
            state = state is null ? x : decay.select(1, t) * state + x;
            // [N, E, S] · [N, S, 1]: shapes fixed by construction above, so this matmul cannot mismatch.
            steps[t] = state.matmul(c.select(1, t).unsqueeze(-1)).squeeze(-1); // [N, E]
        }
        return stack(steps, 1);
    }
}
