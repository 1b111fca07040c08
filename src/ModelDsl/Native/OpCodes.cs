namespace ModelDsl.Native;

// These numbers are the switch cases of src/ModelDsl.Native/src/*.cpp; keep both sides in the same order.

internal enum UnaryOp
{
    Neg, Abs, Exp, Log, Sqrt, Rsqrt, Sin, Cos, Tanh, Sigmoid, Relu, Silu, Gelu, GeluTanh, Relu6,
    Floor, Ceil, Round, Sign, Square, LogicalNot, Erf, Softplus, Reciprocal,
}

internal enum BinaryOp
{
    Add, Sub, Mul, Div, Pow, Maximum, Minimum, Eq, Ne, Lt, Le, Gt, Ge, MatMul, LogicalAnd, LogicalOr, Remainder,
    ScalarMinusTensor = 20, ScalarDivTensor = 21,
}

internal enum ReduceOp { Sum, Mean, Max, Min, Var, Std, Prod, All, Any }

internal enum ShapeOp { Reshape, View, Permute, Expand, Flip, Repeat }

internal enum DimOp { Transpose, Squeeze, Unsqueeze, Flatten, Select, Triu, Tril, SqueezeAll, Softmax, LogSoftmax, CumSum }

internal enum LayoutOp { Contiguous, ChannelsLast, Clone, Detach }

internal enum InPlaceOp { AddScaled, MulScalar, Copy, Zero, Fill, Uniform, Normal, AddScalar, Bernoulli, Relu }

internal enum NewKind { Empty, Zeros, Ones, Full, Randn, Rand }

internal enum LossKind { CrossEntropy, Mse, Nll }
