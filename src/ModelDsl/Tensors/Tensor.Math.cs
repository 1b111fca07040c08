using ModelDsl.Native;

namespace ModelDsl;

public sealed partial class Tensor
{
    internal Tensor Unary(UnaryOp op) => From(NativeMethods.mdsl_unary((int)op, Native, out var r), r);

    internal Tensor Binary(BinaryOp op, Tensor other) => From(NativeMethods.mdsl_binary((int)op, Native, other.Native, out var r), r);

    internal Tensor Binary(BinaryOp op, double scalar) => From(NativeMethods.mdsl_binary_scalar((int)op, Native, scalar, out var r), r);

    internal Tensor Binary(BinaryOp op, long scalar) => From(NativeMethods.mdsl_binary_scalar_int((int)op, Native, scalar, out var r), r);

    // Integer overloads: C# picks them for int literals, so `indices % 10` stays int64 like Python's
    // `indices % 10`, while `x * 0.5` promotes as Python's float scalars do.

    /// <summary>Adds an integer to every element (integer tensors stay integral).</summary>
    public static Tensor operator +(Tensor a, long b) => a.Binary(BinaryOp.Add, b);
    /// <summary>Adds an integer to every element.</summary>
    public static Tensor operator +(long a, Tensor b) => b.Binary(BinaryOp.Add, a);
    /// <summary>Subtracts an integer from every element.</summary>
    public static Tensor operator -(Tensor a, long b) => a.Binary(BinaryOp.Sub, b);
    /// <summary>An integer minus every element.</summary>
    public static Tensor operator -(long a, Tensor b) => b.Binary(BinaryOp.ScalarMinusTensor, a);
    /// <summary>Multiplies every element by an integer.</summary>
    public static Tensor operator *(Tensor a, long b) => a.Binary(BinaryOp.Mul, b);
    /// <summary>Multiplies every element by an integer.</summary>
    public static Tensor operator *(long a, Tensor b) => b.Binary(BinaryOp.Mul, a);
    /// <summary>Divides every element by an integer (true division, as in PyTorch).</summary>
    public static Tensor operator /(Tensor a, long b) => a.Binary(BinaryOp.Div, b);
    /// <summary>Remainder by an integer.</summary>
    public static Tensor operator %(Tensor a, long b) => a.Binary(BinaryOp.Remainder, b);

    /// <summary>Element-wise sum with broadcasting.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => a.Binary(BinaryOp.Add, b);
    /// <summary>Adds a scalar to every element.</summary>
    public static Tensor operator +(Tensor a, double b) => a.Binary(BinaryOp.Add, b);
    /// <summary>Adds a scalar to every element.</summary>
    public static Tensor operator +(double a, Tensor b) => b.Binary(BinaryOp.Add, a);
    /// <summary>Element-wise difference with broadcasting.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => a.Binary(BinaryOp.Sub, b);
    /// <summary>Subtracts a scalar from every element.</summary>
    public static Tensor operator -(Tensor a, double b) => a.Binary(BinaryOp.Sub, b);
    /// <summary>Scalar minus every element.</summary>
    public static Tensor operator -(double a, Tensor b) => b.Binary(BinaryOp.ScalarMinusTensor, a);
    /// <summary>Element-wise product with broadcasting.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => a.Binary(BinaryOp.Mul, b);
    /// <summary>Multiplies every element by a scalar.</summary>
    public static Tensor operator *(Tensor a, double b) => a.Binary(BinaryOp.Mul, b);
    /// <summary>Multiplies every element by a scalar.</summary>
    public static Tensor operator *(double a, Tensor b) => b.Binary(BinaryOp.Mul, a);
    /// <summary>Element-wise quotient with broadcasting (true division).</summary>
    public static Tensor operator /(Tensor a, Tensor b) => a.Binary(BinaryOp.Div, b);
    /// <summary>Divides every element by a scalar.</summary>
    public static Tensor operator /(Tensor a, double b) => a.Binary(BinaryOp.Div, b);
    /// <summary>Scalar divided by every element.</summary>
    public static Tensor operator /(double a, Tensor b) => b.Binary(BinaryOp.ScalarDivTensor, a);
    /// <summary>Element-wise remainder (Python's sign convention, like <c>torch.remainder</c>).</summary>
    public static Tensor operator %(Tensor a, Tensor b) => a.Binary(BinaryOp.Remainder, b);
    /// <summary>Element-wise remainder by a scalar.</summary>
    public static Tensor operator %(Tensor a, double b) => a.Binary(BinaryOp.Remainder, b);
    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor a) => a.Unary(UnaryOp.Neg);

    /// <summary>Matrix product with PyTorch's <c>matmul</c> broadcasting rules.</summary>
    public Tensor MatMul(Tensor other) => Binary(BinaryOp.MatMul, other);
    /// <summary>Element-wise power.</summary>
    public Tensor Pow(double exponent) => Binary(BinaryOp.Pow, exponent);
    /// <summary>Element-wise power.</summary>
    public Tensor Pow(Tensor exponent) => Binary(BinaryOp.Pow, exponent);
    /// <summary>Element-wise maximum.</summary>
    public Tensor Maximum(Tensor other) => Binary(BinaryOp.Maximum, other);
    /// <summary>Element-wise minimum.</summary>
    public Tensor Minimum(Tensor other) => Binary(BinaryOp.Minimum, other);

    /// <summary>Element-wise <c>==</c> (bool tensor).</summary>
    public Tensor Eq(Tensor other) => Binary(BinaryOp.Eq, other);
    /// <summary>Element-wise <c>==</c> against a scalar.</summary>
    public Tensor Eq(double other) => Binary(BinaryOp.Eq, other);
    /// <summary>Element-wise <c>!=</c>.</summary>
    public Tensor Ne(Tensor other) => Binary(BinaryOp.Ne, other);
    /// <summary>Element-wise <c>!=</c> against a scalar.</summary>
    public Tensor Ne(double other) => Binary(BinaryOp.Ne, other);
    /// <summary>Element-wise <c>&lt;</c>.</summary>
    public Tensor Lt(Tensor other) => Binary(BinaryOp.Lt, other);
    /// <summary>Element-wise <c>&lt;</c> against a scalar.</summary>
    public Tensor Lt(double other) => Binary(BinaryOp.Lt, other);
    /// <summary>Element-wise <c>&lt;=</c>.</summary>
    public Tensor Le(Tensor other) => Binary(BinaryOp.Le, other);
    /// <summary>Element-wise <c>&lt;=</c> against a scalar.</summary>
    public Tensor Le(double other) => Binary(BinaryOp.Le, other);
    /// <summary>Element-wise <c>&gt;</c>.</summary>
    public Tensor Gt(Tensor other) => Binary(BinaryOp.Gt, other);
    /// <summary>Element-wise <c>&gt;</c> against a scalar.</summary>
    public Tensor Gt(double other) => Binary(BinaryOp.Gt, other);
    /// <summary>Element-wise <c>&gt;=</c>.</summary>
    public Tensor Ge(Tensor other) => Binary(BinaryOp.Ge, other);
    /// <summary>Element-wise <c>&gt;=</c> against a scalar.</summary>
    public Tensor Ge(double other) => Binary(BinaryOp.Ge, other);
    /// <summary>Element-wise logical and of bool tensors.</summary>
    public Tensor LogicalAnd(Tensor other) => Binary(BinaryOp.LogicalAnd, other);
    /// <summary>Element-wise logical or of bool tensors.</summary>
    public Tensor LogicalOr(Tensor other) => Binary(BinaryOp.LogicalOr, other);
    /// <summary>Element-wise logical not.</summary>
    public Tensor LogicalNot() => Unary(UnaryOp.LogicalNot);

    /// <summary>Absolute value.</summary>
    public Tensor Abs() => Unary(UnaryOp.Abs);
    /// <summary>e^x.</summary>
    public Tensor Exp() => Unary(UnaryOp.Exp);
    /// <summary>Natural logarithm.</summary>
    public Tensor Log() => Unary(UnaryOp.Log);
    /// <summary>Square root.</summary>
    public Tensor Sqrt() => Unary(UnaryOp.Sqrt);
    /// <summary>1 / sqrt(x).</summary>
    public Tensor Rsqrt() => Unary(UnaryOp.Rsqrt);
    /// <summary>Sine.</summary>
    public Tensor Sin() => Unary(UnaryOp.Sin);
    /// <summary>Cosine.</summary>
    public Tensor Cos() => Unary(UnaryOp.Cos);
    /// <summary>Hyperbolic tangent.</summary>
    public Tensor Tanh() => Unary(UnaryOp.Tanh);
    /// <summary>Logistic sigmoid.</summary>
    public Tensor Sigmoid() => Unary(UnaryOp.Sigmoid);
    /// <summary>max(x, 0).</summary>
    public Tensor Relu() => Unary(UnaryOp.Relu);
    /// <summary>min(max(x, 0), 6).</summary>
    public Tensor Relu6() => Unary(UnaryOp.Relu6);
    /// <summary>x · sigmoid(x).</summary>
    public Tensor Silu() => Unary(UnaryOp.Silu);
    /// <summary>GELU, exact (erf) or with the tanh approximation.</summary>
    public Tensor Gelu(bool tanhApproximation = false) => Unary(tanhApproximation ? UnaryOp.GeluTanh : UnaryOp.Gelu);
    /// <summary>log(1 + e^x).</summary>
    public Tensor Softplus() => Unary(UnaryOp.Softplus);
    /// <summary>Error function.</summary>
    public Tensor Erf() => Unary(UnaryOp.Erf);
    /// <summary>Rounds down.</summary>
    public Tensor Floor() => Unary(UnaryOp.Floor);
    /// <summary>Rounds up.</summary>
    public Tensor Ceil() => Unary(UnaryOp.Ceil);
    /// <summary>Rounds half to even.</summary>
    public Tensor Round() => Unary(UnaryOp.Round);
    /// <summary>-1, 0 or 1.</summary>
    public Tensor Sign() => Unary(UnaryOp.Sign);
    /// <summary>x².</summary>
    public Tensor Square() => Unary(UnaryOp.Square);
    /// <summary>1 / x.</summary>
    public Tensor Reciprocal() => Unary(UnaryOp.Reciprocal);

    /// <summary>Clamps into [min, max]; either bound may be omitted.</summary>
    public Tensor Clamp(double? min = null, double? max = null) =>
        From(NativeMethods.mdsl_clamp(Native, min.HasValue ? 1 : 0, min ?? 0, max.HasValue ? 1 : 0, max ?? 0, out var r), r);

    /// <summary>Softmax along <paramref name="dim"/>.</summary>
    public Tensor Softmax(int dim) => ApplyDim(DimOp.Softmax, dim, 0);
    /// <summary>Log-softmax along <paramref name="dim"/>.</summary>
    public Tensor LogSoftmax(int dim) => ApplyDim(DimOp.LogSoftmax, dim, 0);
    /// <summary>Cumulative sum along <paramref name="dim"/>.</summary>
    public Tensor CumSum(int dim) => ApplyDim(DimOp.CumSum, dim, 0);

    /// <summary>Picks from this where <paramref name="condition"/> is true, else from <paramref name="other"/>.</summary>
    public Tensor Where(Tensor condition, Tensor other) =>
        From(NativeMethods.mdsl_where(condition.Native, Native, other.Native, out var r), r);

    /// <summary>Replaces the elements where <paramref name="mask"/> is true with <paramref name="value"/>.</summary>
    public Tensor MaskedFill(Tensor mask, double value) =>
        From(NativeMethods.mdsl_masked_fill(Native, mask.Native, value, out var r), r);

    /// <summary>True when every element is within atol + rtol·|other| of <paramref name="other"/>.</summary>
    public bool AllClose(Tensor other, double rtol = 1e-5, double atol = 1e-8)
    {
        NativeError.Check(NativeMethods.mdsl_allclose(Native, other.Native, rtol, atol, out var result));
        return result != 0;
    }

    private unsafe Tensor Reduce(ReduceOp op, long[] dims, bool keepDim)
    {
        fixed (long* d = dims)
        {
            return From(NativeMethods.mdsl_reduce((int)op, Native, d, dims.Length, keepDim ? 1 : 0, out var r), r);
        }
    }

    /// <summary>Sum of all elements.</summary>
    public Tensor Sum() => Reduce(ReduceOp.Sum, [], false);
    /// <summary>Sum over the given dimensions.</summary>
    public Tensor Sum(long[] dims, bool keepDim = false) => Reduce(ReduceOp.Sum, dims, keepDim);
    /// <summary>Sum over one dimension.</summary>
    public Tensor Sum(long dim, bool keepDim = false) => Reduce(ReduceOp.Sum, [dim], keepDim);
    /// <summary>Mean of all elements.</summary>
    public Tensor Mean() => Reduce(ReduceOp.Mean, [], false);
    /// <summary>Mean over the given dimensions.</summary>
    public Tensor Mean(long[] dims, bool keepDim = false) => Reduce(ReduceOp.Mean, dims, keepDim);
    /// <summary>Mean over one dimension.</summary>
    public Tensor Mean(long dim, bool keepDim = false) => Reduce(ReduceOp.Mean, [dim], keepDim);
    /// <summary>Largest element.</summary>
    public Tensor Max() => Reduce(ReduceOp.Max, [], false);
    /// <summary>Largest values over one dimension (<c>amax</c>).</summary>
    public Tensor Max(long dim, bool keepDim = false) => Reduce(ReduceOp.Max, [dim], keepDim);
    /// <summary>Smallest element.</summary>
    public Tensor Min() => Reduce(ReduceOp.Min, [], false);
    /// <summary>Smallest values over one dimension (<c>amin</c>).</summary>
    public Tensor Min(long dim, bool keepDim = false) => Reduce(ReduceOp.Min, [dim], keepDim);
    /// <summary>Unbiased variance of all elements.</summary>
    public Tensor Var() => Reduce(ReduceOp.Var, [], false);
    /// <summary>Unbiased variance over one dimension.</summary>
    public Tensor Var(long dim, bool keepDim = false) => Reduce(ReduceOp.Var, [dim], keepDim);
    /// <summary>Unbiased standard deviation of all elements.</summary>
    public Tensor Std() => Reduce(ReduceOp.Std, [], false);
    /// <summary>Unbiased standard deviation over one dimension.</summary>
    public Tensor Std(long dim, bool keepDim = false) => Reduce(ReduceOp.Std, [dim], keepDim);
    /// <summary>Product of all elements.</summary>
    public Tensor Prod() => Reduce(ReduceOp.Prod, [], false);
    /// <summary>Product over one dimension.</summary>
    public Tensor Prod(long dim, bool keepDim = false) => Reduce(ReduceOp.Prod, [dim], keepDim);
    /// <summary>True when every element is non-zero.</summary>
    public bool All() { using var t = Reduce(ReduceOp.All, [], false); return t.Item() != 0; }
    /// <summary>True when some element is non-zero.</summary>
    public bool Any() { using var t = Reduce(ReduceOp.Any, [], false); return t.Item() != 0; }

    /// <summary>Index of the largest element of the flattened tensor, or along <paramref name="dim"/>.</summary>
    public Tensor ArgMax(long? dim = null, bool keepDim = false) =>
        From(NativeMethods.mdsl_arg_reduce(0, Native, dim.HasValue ? 1 : 0, dim ?? 0, keepDim ? 1 : 0, out var r), r);

    /// <summary>Index of the smallest element of the flattened tensor, or along <paramref name="dim"/>.</summary>
    public Tensor ArgMin(long? dim = null, bool keepDim = false) =>
        From(NativeMethods.mdsl_arg_reduce(1, Native, dim.HasValue ? 1 : 0, dim ?? 0, keepDim ? 1 : 0, out var r), r);

    private void InPlace(InPlaceOp op, Tensor? other = null, double a = 0, double b = 0) =>
        NativeError.Check(NativeMethods.mdsl_inplace((int)op, Native, other?.Native ?? 0, a, b));

    /// <summary>this += alpha · other, in place; returns this.</summary>
    public Tensor Add_(Tensor other, double alpha = 1) { InPlace(InPlaceOp.AddScaled, other, alpha); return this; }
    /// <summary>this += value, in place; returns this.</summary>
    public Tensor Add_(double value) { InPlace(InPlaceOp.AddScalar, a: value); return this; }
    /// <summary>max(this, 0) in place; returns this (saves an allocation where the input is not needed again).</summary>
    public Tensor Relu_() { InPlace(InPlaceOp.Relu); return this; }
    /// <summary>this *= value, in place; returns this.</summary>
    public Tensor Mul_(double value) { InPlace(InPlaceOp.MulScalar, a: value); return this; }
    /// <summary>Copies the values of <paramref name="source"/> (broadcast, converted) into this; returns this.</summary>
    public Tensor CopyFrom(Tensor source) { InPlace(InPlaceOp.Copy, source); return this; }
    /// <summary>Sets every element to zero; returns this.</summary>
    public Tensor Zero_() { InPlace(InPlaceOp.Zero); return this; }
    /// <summary>Sets every element to <paramref name="value"/>; returns this.</summary>
    public Tensor Fill_(double value) { InPlace(InPlaceOp.Fill, a: value); return this; }
    /// <summary>Fills with uniform samples in [from, to) from the default generator; returns this.</summary>
    public Tensor Uniform_(double from, double to) { InPlace(InPlaceOp.Uniform, a: from, b: to); return this; }
    /// <summary>Fills with normal samples from the default generator; returns this.</summary>
    public Tensor Normal_(double mean = 0, double std = 1) { InPlace(InPlaceOp.Normal, a: mean, b: std); return this; }
    /// <summary>Fills with Bernoulli(p) samples from the default generator; returns this.</summary>
    public Tensor Bernoulli_(double p) { InPlace(InPlaceOp.Bernoulli, a: p); return this; }
}
