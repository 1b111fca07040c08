namespace ModelDsl;

/// <summary>Saving and loading a module's state dict as a safetensors file.</summary>
public static class ModuleSafeTensorsExtensions
{
    /// <summary>Writes every parameter and buffer under its PyTorch state-dict name.</summary>
    public static void SaveSafeTensors(this Module module, string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafeTensors.Save(path, module.StateDict(), metadata);

    /// <summary>Loads a safetensors file into the module with <see cref="Module.LoadStateDict"/>'s checks (nothing changes on error).</summary>
    public static void LoadSafeTensors(this Module module, string path, bool strict = true)
    {
        using var scope = Torch.NewDisposeScope();
        module.LoadStateDict(SafeTensors.Load(path), strict);
    }
}
