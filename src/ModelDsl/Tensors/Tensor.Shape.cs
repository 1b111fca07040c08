using ModelDsl.Native;

namespace ModelDsl;

public sealed partial class Tensor
{
    private unsafe Tensor ApplyShape(ShapeOp op, long[] dims)
    {
        fixed (long* d = dims)
        {
            return From(NativeMethods.mdsl_shape_op((int)op, Native, d, dims.Length, out var r), r);
        }
    }

    internal Tensor ApplyDim(DimOp op, long a, long b) => From(NativeMethods.mdsl_dim_op((int)op, Native, a, b, out var r), r);

    private Tensor ApplyLayout(LayoutOp op) => From(NativeMethods.mdsl_layout_op((int)op, Native, out var r), r);

    /// <summary>Same data in a new shape (a view when possible, else a copy); one size may be -1.</summary>
    public Tensor Reshape(params long[] shape) => ApplyShape(ShapeOp.Reshape, shape);
    /// <summary>Same storage in a new shape; fails when the layout does not allow a view.</summary>
    public Tensor View(params long[] shape) => ApplyShape(ShapeOp.View, shape);
    /// <summary>Reorders the dimensions.</summary>
    public Tensor Permute(params long[] dims) => ApplyShape(ShapeOp.Permute, dims);
    /// <summary>Broadcasts size-1 dimensions to the given sizes without copying (-1 keeps a size).</summary>
    public Tensor Expand(params long[] shape) => ApplyShape(ShapeOp.Expand, shape);
    /// <summary>Reverses the order along the given dimensions.</summary>
    public Tensor Flip(params long[] dims) => ApplyShape(ShapeOp.Flip, dims);
    /// <summary>Tiles the tensor the given number of times along each dimension.</summary>
    public Tensor Repeat(params long[] repeats) => ApplyShape(ShapeOp.Repeat, repeats);

    /// <summary>Swaps two dimensions.</summary>
    public Tensor Transpose(long dim0, long dim1) => ApplyDim(DimOp.Transpose, dim0, dim1);
    /// <summary>The transpose of a matrix (last two dimensions swapped).</summary>
    public Tensor T => Transpose(-2, -1);
    /// <summary>Removes a dimension of size 1.</summary>
    public Tensor Squeeze(long dim) => ApplyDim(DimOp.Squeeze, dim, 0);
    /// <summary>Removes every dimension of size 1.</summary>
    public Tensor Squeeze() => ApplyDim(DimOp.SqueezeAll, 0, 0);
    /// <summary>Inserts a dimension of size 1.</summary>
    public Tensor Unsqueeze(long dim) => ApplyDim(DimOp.Unsqueeze, dim, 0);
    /// <summary>Merges dimensions <paramref name="startDim"/>..<paramref name="endDim"/> into one.</summary>
    public Tensor Flatten(long startDim = 0, long endDim = -1) => ApplyDim(DimOp.Flatten, startDim, endDim);
    /// <summary>The slice at <paramref name="index"/> along <paramref name="dim"/>, without that dimension.</summary>
    public Tensor Select(long dim, long index) => ApplyDim(DimOp.Select, dim, index);
    /// <summary>Upper triangle (elements below the given diagonal zeroed).</summary>
    public Tensor Triu(long diagonal = 0) => ApplyDim(DimOp.Triu, diagonal, 0);
    /// <summary>Lower triangle (elements above the given diagonal zeroed).</summary>
    public Tensor Tril(long diagonal = 0) => ApplyDim(DimOp.Tril, diagonal, 0);

    /// <summary>Elements start, start + step, … below end along <paramref name="dim"/> (a view).</summary>
    public Tensor Slice(long dim, long start, long end, long step = 1) =>
        From(NativeMethods.mdsl_slice(Native, dim, start, end, step, out var r), r);

    /// <summary><paramref name="length"/> elements from <paramref name="start"/> along <paramref name="dim"/> (a view).</summary>
    public Tensor Narrow(long dim, long start, long length) => Slice(dim, start, start + length);

    /// <summary>The entries at the int64 <paramref name="index"/> positions along <paramref name="dim"/> (a copy).</summary>
    public Tensor IndexSelect(long dim, Tensor index) => From(NativeMethods.mdsl_index_select(Native, dim, index.Native, out var r), r);

    /// <summary>out[i][j] = this[i][index[i][j]] for dim 1 (<c>torch.gather</c>).</summary>
    public Tensor Gather(long dim, Tensor index) => From(NativeMethods.mdsl_gather(Native, dim, index.Native, out var r), r);

    /// <summary>Splits into <paramref name="chunks"/> nearly equal views along <paramref name="dim"/>.</summary>
    public unsafe Tensor[] Chunk(int chunks, long dim = 0)
    {
        var handles = stackalloc nint[chunks];
        NativeError.Check(NativeMethods.mdsl_chunk(Native, chunks, dim, handles, chunks, out var count));
        var parts = new Tensor[count];
        for (var i = 0; i < count; i++)
        {
            parts[i] = new Tensor(handles[i]);
        }
        return parts;
    }

    /// <summary>Concatenates along an existing dimension.</summary>
    public static Tensor Cat(IReadOnlyList<Tensor> tensors, long dim = 0) => Join(0, tensors, dim);

    /// <summary>Stacks along a new dimension.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, long dim = 0) => Join(1, tensors, dim);

    private static unsafe Tensor Join(int op, IReadOnlyList<Tensor> tensors, long dim)
    {
        var handles = new nint[tensors.Count];
        for (var i = 0; i < handles.Length; i++)
        {
            handles[i] = tensors[i].Native;
        }
        fixed (nint* p = handles)
        {
            return From(NativeMethods.mdsl_join(op, p, handles.Length, dim, out var r), r);
        }
    }

    /// <summary>A row-major copy unless already contiguous.</summary>
    public Tensor Contiguous() => ApplyLayout(LayoutOp.Contiguous);
    /// <summary>A channels-last (NHWC in memory) copy of a 4-d tensor unless already so.</summary>
    public Tensor ContiguousChannelsLast() => ApplyLayout(LayoutOp.ChannelsLast);
    /// <summary>A copy that records into autograd like the original.</summary>
    public Tensor Clone() => ApplyLayout(LayoutOp.Clone);
    /// <summary>A view sharing storage but cut from the autograd graph.</summary>
    public Tensor Detach() => ApplyLayout(LayoutOp.Detach);

    /// <summary>True when the elements are laid out row-major (or channels-last when asked).</summary>
    public bool IsContiguous(bool channelsLast = false)
    {
        NativeError.Check(NativeMethods.mdsl_is_contiguous(Native, channelsLast ? 1 : 0, out var result));
        return result != 0;
    }

    /// <summary>Another handle to this same tensor (same data, same autograd identity) that the caller owns.</summary>
    public Tensor Alias() => From(NativeMethods.mdsl_tensor_new_ref(Native, out var r), r);

    /// <summary>Converts to another dtype (a new tensor, or this data when nothing changes).</summary>
    public Tensor To(DType dtype) => To(Device, dtype);

    /// <summary>Moves to another device.</summary>
    public Tensor To(Device device) => To(device, DType);

    /// <summary>Moves to another device and converts the dtype.</summary>
    public Tensor To(Device device, DType dtype)
    {
        device.EnsureAvailable();
        return From(NativeMethods.mdsl_to(Native, (int)dtype, (int)device.Type, device.Index, out var r), r);
    }
}
