namespace ModelDsl.Spec;

/// <summary>
/// Where in the user's source a spec node was declared, as plain values: the file, the character span and its line
/// span (all zero-based), so that records carrying it stay value-equatable and free of compiler types. The analyzers
/// turn it back into a compiler location on the attribute that declared the node.
/// </summary>
/// <param name="FilePath">The source file as the compilation names it.</param>
/// <param name="Start">Offset of the first character.</param>
/// <param name="Length">Number of characters.</param>
/// <param name="StartLine">Zero-based line of the first character.</param>
/// <param name="StartColumn">Zero-based column of the first character.</param>
/// <param name="EndLine">Zero-based line after the last character.</param>
/// <param name="EndColumn">Zero-based column after the last character.</param>
public sealed record SourceLocation(string FilePath, int Start, int Length, int StartLine, int StartColumn, int EndLine, int EndColumn);
