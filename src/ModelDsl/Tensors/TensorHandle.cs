using System.Runtime.InteropServices;
using ModelDsl.Native;

namespace ModelDsl;

/// <summary>Owns one native <c>at::Tensor*</c>; releasing it drops libtorch's reference to the storage.</summary>
internal sealed class TensorHandle : SafeHandle
{
    internal TensorHandle(nint handle) : base(0, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        NativeMethods.mdsl_tensor_free(handle);
        return true;
    }
}
