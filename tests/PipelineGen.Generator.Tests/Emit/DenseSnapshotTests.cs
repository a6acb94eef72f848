using PipelineGen.Generator.Tests.Execution;

namespace PipelineGen.Generator.Tests.Emit;

/// <summary>Golden file of the code emitted for a dense-network spec (Snapshots/Dense.g.cs; UPDATE_SNAPSHOTS=1 accepts a change).</summary>
public class DenseSnapshotTests
{
    [Fact]
    public void Dense_spec_matches_the_snapshot_and_compiles()
    {
        // Its own pipeline name: the snapshot files are compiled into this test assembly beside Binary.g.cs (Titanic).
        var spec = DenseExecutionTests.WithDense(Fixtures.TitanicSpec).Replace("name: Titanic", "name: TitanicDense");
        var run = GeneratorHarness.Run("/specs/dense/pipeline.yaml", spec, Fixtures.TitanicSchema);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileErrors);
        var text = Assert.Single(run.Result.Results.Single().GeneratedSources).SourceText.ToString();
        // Standardised inputs before the network, the runtime's factory, the capacity knob in epochs.
        Assert.Contains("NormalizeMeanVariance(\"Features\")", text);
        Assert.Contains("PG::Networks.Integration.DenseNetworkTrainers.Binary(mlContext, options)", text);
        Assert.Contains("Layers = new int[] { 16, 8 },", text);
        Assert.Contains("public string CapacityParameter => \"Epochs\";", text);

        SnapshotFile.AssertMatches("Dense.g.cs", text);
    }

    [Fact]
    public void Dense_default_tune_space_generates_code_that_compiles_and_sets_units_and_depth()
    {
        var spec = DenseExecutionTests.WithDense(Fixtures.TitanicSpec).Replace("name: Titanic", "name: TitanicTuned") + "\ntune:\n  trials: 4\n";
        var run = GeneratorHarness.Run("/specs/densetune/pipeline.yaml", spec, Fixtures.TitanicSchema);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileErrors);
        var text = Assert.Single(run.Result.Results.Single().GeneratedSources).SourceText.ToString();
        Assert.Contains("case \"dense\":", text);
        Assert.Contains("options.Units = (int)global::System.Math.Round(", text);
        Assert.Contains("options.Depth = (int)global::System.Math.Round(", text);
        Assert.DoesNotContain("options.Layers = v", text);
    }
}
