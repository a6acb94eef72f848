using PipelineGen.Runtime.Training;

namespace PipelineGen.Export.Tests;

/// <summary>The ForestSurvival spec (binary FastForest, Probability from out-of-fold Platt scaling) trained once.</summary>
public sealed class TrainedForestSurvival : IDisposable
{
    public TempPipeline Pipeline { get; } = TempPipeline.Trained(new ForestSurvivalPipeline());
    public void Dispose() => Pipeline.Delete();
}

/// <summary>
/// A forest's trainer and its out-of-fold Platt calibrator are one nested chain inside the model (not two top-level
/// steps as with in-sample Platt): the exporter must still reach both, and ONNX Runtime must agree on Probability.
/// </summary>
public sealed class OnnxForestExportTests(TrainedForestSurvival forest) : IClassFixture<TrainedForestSurvival>
{
    [Fact]
    public void TheNestedTrainerAndCalibratorExportWithParityOnScoreAndProbability()
    {
        var result = OnnxExporter.Export(forest.Pipeline, new ExportOptions());

        Assert.Equal(["Score", "Probability"], result.Outputs);
        Assert.True(result.RowsCompared > 0);
        Assert.True(result.ParityHolds, string.Join("\n", result.Differences.Take(10)));
    }

    [Fact]
    public void TheModelCardSaysHowProbabilityWasMade()
    {
        var card = ModelCard.TryRead(forest.Pipeline.ModelPath)!;
        Assert.Contains(card.Preparation.Learned, n => n.StartsWith("Probability: Platt scaling fitted on 3-fold out-of-fold scores of 712 rows", StringComparison.Ordinal));
    }
}
