using System.Globalization;
using System.Runtime.InteropServices;
using ModelDsl.Native;

namespace ModelDsl;

/// <summary>
/// An n-dimensional array on a device, backed by a libtorch tensor. Dispose it, or create it inside a
/// <see cref="DisposeScope"/> that disposes it for you; an undisposed tensor is freed by the finalizer
/// of its <see cref="SafeHandle"/>, later than you would like.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    private readonly TensorHandle handle;
    private long[]? shape;

    /// <summary>The scope that will dispose this tensor, if any.</summary>
    internal DisposeScope? Scope;

    internal Tensor(nint native)
    {
        handle = new TensorHandle(native);
        DisposeScope.Current?.Attach(this);
    }

    /// <summary>The native handle; throws when the tensor was disposed.</summary>
    internal nint Native
    {
        get
        {
            if (handle.IsClosed)
            {
                throw new ObjectDisposedException(nameof(Tensor), "the tensor was disposed (by you or by its DisposeScope)");
            }
            return handle.DangerousGetHandle();
        }
    }

    /// <summary>Wraps the result of a native call, throwing libtorch's error if it failed.</summary>
    internal static Tensor From(int status, nint result)
    {
        NativeError.Check(status);
        return new Tensor(result);
    }

    /// <summary>True once disposed.</summary>
    public bool IsDisposed => handle.IsClosed;

    /// <summary>Frees the native tensor now.</summary>
    public void Dispose()
    {
        Scope = null;
        handle.Dispose();
    }

    /// <summary>Number of dimensions.</summary>
    public int Dim => NativeMethods.mdsl_tensor_dim(Native);

    /// <summary>The sizes of every dimension (a copy; the array is cached per tensor).</summary>
    public long[] Shape => (long[])ShapeView.Clone();

    /// <summary>The cached sizes, not copied: callers inside the library must not mutate it.</summary>
    internal unsafe long[] ShapeView
    {
        get
        {
            if (shape is null)
            {
                var native = Native;
                var sizes = new long[NativeMethods.mdsl_tensor_dim(native)];
                fixed (long* p = sizes)
                {
                    NativeError.Check(NativeMethods.mdsl_tensor_sizes(native, p));
                }
                shape = sizes;
            }
            return shape;
        }
    }

    /// <summary>Size of one dimension; negative indices count from the end.</summary>
    public long Size(int dim)
    {
        var sizes = ShapeView;
        var d = dim < 0 ? dim + sizes.Length : dim;
        if (d < 0 || d >= sizes.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(dim), dim, $"tensor of shape {FormatShape(sizes)} has {sizes.Length} dimensions");
        }
        return sizes[d];
    }

    /// <summary>Number of elements.</summary>
    public long NumEl => NativeMethods.mdsl_tensor_numel(Native);

    /// <summary>Element type.</summary>
    public DType DType => (DType)NativeMethods.mdsl_tensor_dtype(Native);

    /// <summary>The device holding the data.</summary>
    public Device Device
    {
        get
        {
            NativeError.Check(NativeMethods.mdsl_tensor_device(Native, out var type, out var index));
            return new Device((DeviceType)type, index);
        }
    }

    /// <summary>The value of a one-element tensor.</summary>
    public double Item()
    {
        NativeError.Check(NativeMethods.mdsl_tensor_item(Native, out var value));
        return value;
    }

    /// <summary>The value of a one-element tensor as <typeparamref name="T"/>.</summary>
    public T Item<T>() where T : unmanaged => ToArray<T>() is [var only] ? only
        : throw new InvalidOperationException($"Item<T>() needs one element, the tensor has shape {FormatShape(ShapeView)}");

    /// <summary>Copies the elements (row-major, moved to CPU) into a new array; <typeparamref name="T"/> must match <see cref="DType"/>.</summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        var expected = DTypeExtensions.Of<T>();
        var actual = DType;
        if (expected != actual)
        {
            throw new InvalidOperationException($"ToArray<{typeof(T).Name}>() on a {actual} tensor; convert with To(DType.{expected}) first");
        }
        var result = new T[NumEl];
        CopyTo(MemoryMarshal.AsBytes(result.AsSpan()));
        return result;
    }

    /// <summary>Copies the raw element bytes (row-major, on CPU) into <paramref name="destination"/>, which must have exactly the tensor's byte size.</summary>
    public unsafe void CopyTo(Span<byte> destination)
    {
        fixed (byte* p = destination)
        {
            NativeError.Check(NativeMethods.mdsl_tensor_copy_to(Native, p, destination.Length));
        }
    }

    /// <summary>Byte size of the elements.</summary>
    public long ByteSize => NumEl * DType.ElementSize();

    /// <summary>libtorch's printout of the values.</summary>
    public unsafe string ToString(bool values)
    {
        if (!values)
        {
            return ToString();
        }
        NativeError.Check(NativeMethods.mdsl_tensor_to_string(Native, null, 0, out var length));
        var buffer = new byte[length + 1];
        fixed (byte* p = buffer)
        {
            NativeError.Check(NativeMethods.mdsl_tensor_to_string(Native, p, buffer.Length, out _));
        }
        return System.Text.Encoding.UTF8.GetString(buffer, 0, length);
    }

    /// <inheritdoc />
    public override string ToString() =>
        IsDisposed ? "Tensor(disposed)" : $"Tensor({FormatShape(ShapeView)}, {DType}, {Device})";

    /// <summary>Formats a shape as <c>[2, 3, 4]</c>.</summary>
    public static string FormatShape(IEnumerable<long> shape) =>
        "[" + string.Join(", ", shape.Select(s => s.ToString(CultureInfo.InvariantCulture))) + "]";
}
