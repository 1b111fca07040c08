namespace ModelDsl.Generators.Tests;

public class SnapshotTests
{
    [Fact]
    public void Mlp()
    {
        var run = GeneratorHarness.Generate(Sources.Mlp);
        Snapshot.Verify("Demo.Mlp", run.Sources["Demo.Mlp.g.cs"]);
    }

    [Fact]
    public void ResNetWithBlockAndStages()
    {
        var run = GeneratorHarness.Generate(Sources.SmallResNet, Sources.BasicBlock);
        Snapshot.Verify("Demo.SmallResNet", run.Sources["Demo.SmallResNet.g.cs"]);
        Snapshot.Verify("Demo.BasicBlock", run.Sources["Demo.BasicBlock.g.cs"]);
    }

    [Fact]
    public void ConcatenatingResiduals()
    {
        var run = GeneratorHarness.Generate(Sources.Shuffle);
        Snapshot.Verify("Demo.Shuffled", run.Sources["Demo.Shuffled.g.cs"]);
        Snapshot.Verify("Demo.Down", run.Sources["Demo.Down.g.cs"]);
        Snapshot.Verify("Demo.Unit", run.Sources["Demo.Unit.g.cs"]);
        Snapshot.Verify("Demo.Dense", run.Sources["Demo.Dense.g.cs"]);
    }

    [Fact]
    public void BlockWithTwoResiduals()
    {
        var run = GeneratorHarness.Generate(Sources.Encoder);
        Snapshot.Verify("Demo.Encoder", run.Sources["Demo.Encoder.g.cs"]);
        Snapshot.Verify("Demo.EncoderLayer", run.Sources["Demo.EncoderLayer.g.cs"]);
    }
}
