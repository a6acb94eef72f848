using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Export.Tests;

/// <summary>
/// The ForestPenguins (FastForest) and SdcaPenguins (SdcaNonCalibrated) specs, multiclass one-versus-all with classes
/// Platt-scaled out of fold, each trained once when a test first asks for it.
/// </summary>
public sealed class TrainedOneVersusAllPenguins : IDisposable
{
    private readonly Lazy<TempPipeline> _forest = new(() => TempPipeline.Trained(new ForestPenguinsPipeline()));
    private readonly Lazy<TempPipeline> _sdca = new(() => TempPipeline.Trained(new SdcaPenguinsPipeline()));

    public TempPipeline this[string trainer] => trainer switch
    {
        "fast_forest" => _forest.Value,
        "sdca_noncalibrated" => _sdca.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(trainer), trainer, "no Penguins one-versus-all spec for this trainer"),
    };

    public void Dispose()
    {
        if (_forest.IsValueCreated) _forest.Value.Delete();
        if (_sdca.IsValueCreated) _sdca.Value.Delete();
    }
}

/// <summary>
/// Each class's binary model inside the one-versus-all model carries a Platt calibrator fitted out of fold (PipelineSteps.
/// OneVersusAllOutOfFoldPlatt) instead of the one ML.NET's OneVersusAll fits in sample; the model must still load, export
/// to ONNX with parity on the normalised class probabilities, and its card must say how they were made.
/// </summary>
public sealed class OnnxMulticlassOneVersusAllExportTests(TrainedOneVersusAllPenguins trained) : IClassFixture<TrainedOneVersusAllPenguins>
{
    [Theory]
    [InlineData("fast_forest")]
    [InlineData("sdca_noncalibrated")]
    public void The_one_versus_all_model_exports_with_parity_on_the_class_probabilities(string trainer)
    {
        var result = OnnxExporter.Export(trained[trainer], new ExportOptions());

        Assert.Equal(["Score"], result.Outputs);
        Assert.True(result.RowsCompared > 100);
        Assert.True(result.ParityHolds, string.Join("\n", result.Differences.Take(10)));
    }

    [Theory]
    [InlineData("fast_forest")]
    [InlineData("sdca_noncalibrated")]
    public void The_loaded_model_gives_probabilities_that_sum_to_one_and_the_card_says_how_they_were_made(string trainer)
    {
        var pipeline = trained[trainer];
        Assert.Equal(trainer, pipeline.Settings.TrainerName);
        var model = ModelStore.Load(new MLContext(1), pipeline.ModelPath, out _);
        var rows = pipeline.LoadData(new MLContext(1), Path.Combine(AppContext.BaseDirectory, "Specs", "data", "penguins.csv"));
        Assert.All(model.Transform(rows).GetColumn<float[]>("Score"), s =>
        {
            Assert.All(s, p => Assert.InRange(p, 0f, 1f));
            Assert.Equal(1.0, s.Sum(), 1e-5);
        });

        var card = ModelCard.TryRead(pipeline.ModelPath)!;
        Assert.Contains(card.Preparation.Learned, n => n.StartsWith(
            "Probability: one-versus-all over 3 classes, each class's binary model (the class against the rest) Platt-scaled on 3-fold out-of-fold scores of", StringComparison.Ordinal));
    }
}
