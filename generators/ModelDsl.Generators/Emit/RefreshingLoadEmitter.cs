using ModelDsl.Spec;

namespace ModelDsl.Generators;

// A quantised or sparse variant's load_state_dict: TorchSharp's copies the stored tensors into place and knows nothing of
// the run-time forms derived from them (a dequantised or packed weight, a CUDA kernel's layout), so a variant loaded
// through it would compute with the weights it had before. The override rebuilds them, as ModelDsl's loaders do.
internal static class RefreshingLoadEmitter
{
    private const string Strings = "global::System.Collections.Generic.IList<string>";

    public static void Write(SourceWriter writer, VariantRewrite rewrite)
    {
        if (rewrite.Weights == Spec.Precision.Float32 && rewrite.Sparse is null)
        {
            return;
        }

        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// TorchSharp's <c>load_state_dict</c>, then every quantised and sparse layer rebuilds its run-time form from what was");
        writer.Line("/// copied (<see cref=\"global::ModelDsl.QuantizedLayers.RefreshAll\"/>), as <c>LoadSafeTensors</c> does.");
        writer.Line("/// </summary>");
        // The tuple names are the base method's, spelling included: an override cannot rename them.
        writer.Open("public override (" + Strings + " missing_keys, " + Strings + " unexpected_keyes) load_state_dict(global::System.Collections.Generic.Dictionary<string, global::TorchSharp.torch.Tensor> source, bool strict = true, " + Strings + "? skip = null)");
        writer.Line("var result = base.load_state_dict(source, strict, skip);");
        writer.Line("global::ModelDsl.QuantizedLayers.RefreshAll(this);");
        writer.Line("return result;");
        writer.Close();
    }
}
