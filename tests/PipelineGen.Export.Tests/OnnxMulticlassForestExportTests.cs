using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Export.Tests;

/// <summary>The ForestPenguins spec (multiclass FastForest one-versus-all, classes Platt-scaled out of fold) trained once.</summary>
public sealed class TrainedForestPenguins : IDisposable
{
    public TempPipeline Pipeline { get; } = TempPipeline.Trained(new ForestPenguinsPipeline());
    public void Dispose() => Pipeline.Delete();
}

/// <summary>
/// Each class's forest inside the one-versus-all model carries a Platt calibrator fitted out of fold (PipelineSteps.
/// OneVersusAllOutOfFoldPlatt) instead of the one ML.NET's OneVersusAll fits in sample; the model must still load, export
/// to ONNX with parity on the normalised class probabilities, and its card must say how they were made.
/// </summary>
public sealed class OnnxMulticlassForestExportTests(TrainedForestPenguins forest) : IClassFixture<TrainedForestPenguins>
{
    [Fact]
    public void The_one_versus_all_forest_exports_with_parity_on_the_class_probabilities()
    {
        var result = OnnxExporter.Export(forest.Pipeline, new ExportOptions());

        Assert.Equal(["Score"], result.Outputs);
        Assert.True(result.RowsCompared > 100);
        Assert.True(result.ParityHolds, string.Join("\n", result.Differences.Take(10)));
    }

    [Fact]
    public void The_loaded_model_gives_probabilities_that_sum_to_one_and_the_card_says_how_they_were_made()
    {
        var model = ModelStore.Load(new MLContext(1), forest.Pipeline.ModelPath, out _);
        var rows = forest.Pipeline.LoadData(new MLContext(1), Path.Combine(AppContext.BaseDirectory, "Specs", "data", "penguins.csv"));
        Assert.All(model.Transform(rows).GetColumn<float[]>("Score"), s => Assert.Equal(1.0, s.Sum(), 1e-5));

        var card = ModelCard.TryRead(forest.Pipeline.ModelPath)!;
        Assert.Contains(card.Preparation.Learned, n => n.StartsWith(
            "Probability: one-versus-all over 3 classes, each class's binary model (the class against the rest) Platt-scaled on 3-fold out-of-fold scores of", StringComparison.Ordinal));
    }
}
