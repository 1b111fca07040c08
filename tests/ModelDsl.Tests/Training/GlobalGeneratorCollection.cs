namespace ModelDsl.Tests.Training;

/// <summary>
/// Tests that compare two runs drawn from libtorch's one global random generator (dropout draws from it) run alone:
/// a test in another class drawing from it in between would change the second run, not the code under test.
/// </summary>
[CollectionDefinition(nameof(GlobalGeneratorCollection), DisableParallelization = true)]
public sealed class GlobalGeneratorCollection;
