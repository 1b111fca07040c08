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
    public void BlockWithTwoResiduals()
    {
        var run = GeneratorHarness.Generate(Sources.Encoder);
        Snapshot.Verify("Demo.Encoder", run.Sources["Demo.Encoder.g.cs"]);
        Snapshot.Verify("Demo.EncoderLayer", run.Sources["Demo.EncoderLayer.g.cs"]);
    }
}
