using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Training;
using Xunit;

namespace PipelineGen.Runtime.Tests.Training;

/// <summary>
/// `curve` said 6 or 12 iterations and `train` fitted the spec's 50 or 100 anyway. In `run` the final model now takes the
/// curve's choice unless the spec pins the capacity, and the card records which and why.
/// </summary>
public sealed class RunCapacityTests : IDisposable
{
    private readonly string _project = Directory.CreateTempSubdirectory("pg-run-capacity-").FullName;

    public void Dispose() => Directory.Delete(_project, recursive: true);

    private CapacityCurveTests.SyntheticPipeline Pipeline(CapacityMode mode) => new(_project, defaultCapacity: 1, s => s with
    {
        Capacity = mode,
        Evaluation = new EvaluationSettings { Protocol = EvaluationProtocol.KFold, Folds = 5, Seed = 3 },
    });

    private (int Exit, string Output, string Error, ModelCard Card) Run(CapacityMode mode)
    {
        CapacityCurveTests.SyntheticPipeline.WriteData(Path.Combine(_project, "synthetic.csv"), rows: 400, seed: 5, flip: 0.05);
        var output = new StringWriter();
        var error = new StringWriter();
        var pipeline = Pipeline(mode);
        int exit = PipelineApp.Run(["run", "--ignore-explore-findings"], pipeline, output, error);
        var card = ModelCard.TryRead(ModelStore.DefaultModelPath(pipeline.Settings));
        Assert.True(card is not null, output.ToString() + error);
        return (exit, output.ToString(), error.ToString(), card!);
    }

    [Fact]
    public void Run_trains_the_final_model_at_the_curves_capacity_and_the_card_records_it()
    {
        var (exit, output, error, card) = Run(CapacityMode.Auto);

        Assert.True(exit == 0, output + error);
        var capacity = Assert.IsType<CapacityChoice>(card.Capacity);
        Assert.Equal("curve", capacity.Source);
        Assert.Equal(1, capacity.SpecValue);
        Assert.True(capacity.Used > 1, capacity.Reason);
        // The card lists the capacity the model was fitted at under the spec's name, not the settings' own 1.
        Assert.Equal(capacity.Used.ToString(System.Globalization.CultureInfo.InvariantCulture), card.Trainer.Hyperparameters["iterations"]);
        Assert.Contains($"Capacity for the final model: NumberOfIterations={capacity.Used} instead of the spec's 1", output);
        Assert.Contains($"Capacity: NumberOfIterations={capacity.Used} (curve)", File.ReadAllText(ModelCard.MarkdownPath(ModelStore.Resolve(ModelStore.DefaultModelPath(Pipeline(CapacityMode.Auto).Settings)))));
    }

    [Fact]
    public void A_pinned_capacity_is_kept_and_the_card_says_what_the_curve_chose()
    {
        var (exit, output, error, card) = Run(CapacityMode.Pinned);

        Assert.True(exit == 0, output + error);
        var capacity = Assert.IsType<CapacityChoice>(card.Capacity);
        Assert.Equal(("pinned", 1), (capacity.Source, capacity.Used));
        Assert.Equal("1", card.Trainer.Hyperparameters["iterations"]);
        Assert.Contains("model.capacity is 'pinned' in the spec, so NumberOfIterations=1 is kept; the curve (5-fold", capacity.Reason);
        Assert.Contains("Capacity for the final model: model.capacity is 'pinned'", output);
    }
}
