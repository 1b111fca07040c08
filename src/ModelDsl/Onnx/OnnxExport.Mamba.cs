using Attribute = ModelDsl.Onnx.OnnxGraph.Attribute;

namespace ModelDsl.Onnx;

// The Mamba selective state-space block: its projections and causal convolution as ordinary nodes, its recurrence over
// time as an ONNX Scan.
public sealed partial class OnnxExport
{
    /// <summary>
    /// A Mamba block (<see cref="Mamba"/>) on [N, T, D]: <c>in_proj</c> split into x and the gate z; the depthwise
    /// <c>conv1d</c> padded on the left only (its causal part, which is what the module keeps of its symmetric padding),
    /// SiLU; <c>x_proj</c> split into Δ's low-rank part, B and C; Δ = softplus(<c>dt_proj</c>); A = −exp(<c>A_log</c>);
    /// then the selective scan h_t = exp(Δ_t A) ⊙ h_{t−1} + Δ_t u_t B_t, y_t = h_t C_t as one Scan over the T time steps
    /// (its body one step; the state [N, E, S] starts at zero, the batch dynamic); finally (y + D ⊙ u) ⊙ SiLU(z) and
    /// <c>out_proj</c>.
    /// </summary>
    /// <param name="path">The layer's state-dict path.</param>
    /// <param name="x">Its input [N, T, D].</param>
    /// <param name="output">Its per-sample shape [T, D].</param>
    /// <param name="inProj">The input projection's state-dict name (D → 2E).</param>
    /// <param name="conv1d">The causal convolution's name.</param>
    /// <param name="xProj">The Δ/B/C projection's name (E → r + 2S).</param>
    /// <param name="dtProj">The Δ expansion's name (r → E).</param>
    /// <param name="outProj">The output projection's name (E → D).</param>
    /// <param name="inner">The inner width E.</param>
    /// <param name="dState">The state size per channel S.</param>
    /// <param name="dConv">The convolution's width.</param>
    /// <param name="dtRank">Δ's rank r.</param>
    /// <param name="bias">Whether the in and out projections have biases.</param>
    /// <param name="convBias">Whether the convolution has a bias.</param>
    public string Mamba(
        string path, string x, int[] output, string inProj, string conv1d, string xProj, string dtProj, string outProj,
        int inner, int dState, int dConv, int dtRank, bool bias, bool convBias)
    {
        var length = output[0];
        var xz = Project(path + "/in_proj", x, inProj + ".weight", bias ? inProj + ".bias" : null);
        var halves = graph.Node("Split", path + "/Split_xz", [path + "/x", path + "/z"], [xz, Ints([inner, inner], [2])], Attribute.Of("axis", -1L));

        // Depthwise convolution over time on [N, E, T], padded by k − 1 on the left: the module's first T outputs.
        var channels = graph.Node("Transpose", path + "/Transpose_conv_in", path + "/x_channels", [halves[0]], Attribute.Of("perm", 0, 2, 1));
        string[] convInputs = convBias ? [channels, Weight(conv1d + ".weight"), Weight(conv1d + ".bias")] : [channels, Weight(conv1d + ".weight")];
        var convolved = graph.Node(
            "Conv",
            path + "/conv1d",
            path + "/conv1d",
            convInputs,
            Attribute.Of("kernel_shape", [(long)dConv]),
            Attribute.Of("pads", dConv - 1, 0),
            Attribute.Of("group", (long)inner));
        var timeMajor = graph.Node("Transpose", path + "/Transpose_conv_out", path + "/conv_t", [convolved], Attribute.Of("perm", 0, 2, 1));
        var u = graph.Node("Mul", path + "/SiLU_u", path + "/u", [timeMajor, graph.Node("Sigmoid", path + "/Sigmoid_u", path + "/u_sigmoid", [timeMajor])]);

        var parts = Project(path + "/x_proj", u, xProj + ".weight", bias: null);
        var split = graph.Node("Split", path + "/Split_dbc", [path + "/dt_low", path + "/B", path + "/C"], [parts, Ints([dtRank, dState, dState], [3])], Attribute.Of("axis", -1L));
        var delta = graph.Node("Softplus", path + "/Softplus", path + "/delta", [Project(path + "/dt_proj", split[0], dtProj + ".weight", dtProj + ".bias")]);

        // The scan's inputs over time, [N, T, E, S] (C as [N, T, S, 1]), and its state [N, E, S], zeros of the input's batch.
        var a = graph.Node("Neg", path + "/Neg_A", path + "/A", [graph.Node("Exp", path + "/Exp_A", path + "/A_exp", [Weight(path + ".A_log")])]);
        var decay = graph.Node("Exp", path + "/Exp_decay", path + "/decay", [graph.Node("Mul", path + "/Mul_delta_A", path + "/delta_A", [Unsqueezed(path, delta, -1), a])]);
        var driven = graph.Node("Mul", path + "/Mul_delta_u", path + "/delta_u", [delta, u]);
        var drive = graph.Node("Mul", path + "/Mul_drive", path + "/drive", [Unsqueezed(path, driven, -1), Unsqueezed(path, split[1], 2)]);
        var readout = Unsqueezed(path, split[2], -1);
        var batch = graph.Node("Shape", path + "/Shape", path + "/batch", [x], Attribute.Of("start", 0L), Attribute.Of("end", 1L));
        var stateShape = graph.Node("Concat", path + "/Concat_state", path + "/state_shape", [batch, Ints([inner, dState], [2])], Attribute.Of("axis", 0L));
        var initial = graph.Node("ConstantOfShape", path + "/ConstantOfShape", path + "/state0", [stateShape]);

        var body = graph.Body(path + "/scan_step");
        var previous = body.Input(path + "/h_previous", OnnxGraph.Float, [inner, dState]);
        var decayT = body.Input(path + "/decay_t", OnnxGraph.Float, [inner, dState]);
        var driveT = body.Input(path + "/drive_t", OnnxGraph.Float, [inner, dState]);
        var readoutT = body.Input(path + "/C_t", OnnxGraph.Float, [dState, 1]);
        var decayed = body.Node("Mul", path + "/step/Mul", path + "/step/decayed", [decayT, previous]);
        var state = body.Node("Add", path + "/step/Add", path + "/h", [decayed, driveT]);
        var step = body.Node("MatMul", path + "/step/MatMul", path + "/y_t", [state, readoutT]);
        body.Output(state, [inner, dState]);
        body.Output(step, [inner, 1]);

        var scanned = graph.Node(
            "Scan",
            path + "/Scan",
            [path + "/h_last", path + "/y_steps"],
            [initial, decay, drive, readout],
            Attribute.Of("body", body),
            Attribute.Of("num_scan_inputs", 3L),
            Attribute.Of("scan_input_axes", 1, 1, 1),
            Attribute.Of("scan_output_axes", [1L]));
        var y = graph.Node("Squeeze", path + "/Squeeze_y", path + "/y", [scanned[1], Ints([-1], [1])]);

        var skipped = graph.Node("Add", path + "/Add_skip", path + "/y_skip", [y, graph.Node("Mul", path + "/Mul_D", path + "/u_D", [u, Weight(path + ".D")])]);
        var z = halves[1];
        var gate = graph.Node("Mul", path + "/SiLU_z", path + "/gate", [z, graph.Node("Sigmoid", path + "/Sigmoid_z", path + "/z_sigmoid", [z])]);
        var gated = graph.Node("Mul", path + "/Mul_gate", path + "/gated", [skipped, gate]);
        graph.Annotate(gated, [length, inner]);
        return Linear(path, gated, output, outProj + ".weight", bias ? outProj + ".bias" : null);
    }

    private string Unsqueezed(string path, string value, long axis) =>
        graph.Node("Unsqueeze", path + "/Unsqueeze", value + "/unsqueezed", [value, Ints([axis], [1])]);
}
