using System.Runtime.InteropServices;

namespace ModelDsl.Native;

/// <summary>Turns the shim's error codes into .NET exceptions.</summary>
internal static class NativeError
{
    /// <summary>Throws a <see cref="TorchException"/> with libtorch's message when <paramref name="status"/> is non-zero.</summary>
    internal static void Check(int status)
    {
        if (status != 0)
        {
            Throw();
        }
    }

    private static void Throw()
    {
        var message = Marshal.PtrToStringUTF8(NativeMethods.mdsl_last_error()) ?? "unknown native error";
        throw new TorchException(message.Trim());
    }
}
