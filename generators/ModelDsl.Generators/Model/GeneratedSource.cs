namespace ModelDsl.Generators;

/// <summary>One generated file: its hint name (<c>Demo.CifarNet.g.cs</c>) and text.</summary>
/// <param name="HintName">File name the compiler shows.</param>
/// <param name="Text">The C# source.</param>
internal sealed record GeneratedSource(string HintName, string Text);

/// <summary>The generated variant classes of one model (a record, so that the pipeline step compares by value).</summary>
/// <param name="Sources">One file per variant.</param>
internal sealed record VariantSources(ModelDsl.Spec.EquatableArray<GeneratedSource> Sources);
