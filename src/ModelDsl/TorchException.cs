namespace ModelDsl;

/// <summary>An error raised by libtorch (or by a layer's input check), carried into .NET with its message.</summary>
public sealed class TorchException : Exception
{
    /// <summary>Creates the exception with the given message.</summary>
    public TorchException(string message) : base(message) { }

    /// <summary>Creates the exception with the given message and the error that caused it.</summary>
    public TorchException(string message, Exception inner) : base(message, inner) { }
}
