using Microsoft.ML;
using Microsoft.ML.Data;
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

    /// <summary>
    /// Out-of-fold Platt moves the forest's decision to the Score where Probability is 1/2; ONNX Runtime has no
    /// PredictedLabel, so predict through ONNX must decide at the model's threshold too, not at Score 0 — on the
    /// rows whose Score lies between the two, Score &gt; 0 would give the other label.
    /// </summary>
    [Fact]
    public void PredictThroughOnnxDecidesAtTheModelsOwnThresholdAsMlNetDoes()
    {
        var model = ModelStore.Load(new MLContext(1), forest.Pipeline.ModelPath, out _);
        var threshold = ModelDecision.ScoreThreshold(model);
        Assert.NotEqual(0f, threshold);
        var rows = forest.Pipeline.LoadData(new MLContext(1), Path.Combine(AppContext.BaseDirectory, "Specs", "data", "titanic.csv"));
        var scores = model.Transform(rows).GetColumn<float>("Score").ToArray();
        Assert.Contains(scores, s => s > Math.Min(0f, threshold) && s <= Math.Max(0f, threshold));

        PredictThroughOnnxTests.Compare(forest.Pipeline, "titanic.csv", threshold: null);
        Assert.Equal(threshold, ParityRecord.TryRead(Path.GetDirectoryName(ModelStore.Resolve(forest.Pipeline.ModelPath))!)!.ScoreThreshold);
    }
}
