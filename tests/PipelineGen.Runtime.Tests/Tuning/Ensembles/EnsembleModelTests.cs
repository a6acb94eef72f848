using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Tests.Training;
using PipelineGen.Runtime.Training;
using PipelineGen.Runtime.Tuning;
using PipelineGen.Runtime.Tuning.Ensembles;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning.Ensembles;

/// <summary>The composed ensemble is one ML.NET model: it blends its members exactly and saves, loads and predicts identically.</summary>
public sealed class EnsembleModelTests : IDisposable
{
    private readonly string _project = TitanicTestPipeline.NewProjectDirectory();

    public void Dispose() => Directory.Delete(_project, recursive: true);

    private static TuningSettings Tuning() => new() { Space = [SearchParameter.Range("leaves", HyperparameterType.Int, 2, 64)] };

    [Fact]
    public void Ensemble_is_the_weighted_mean_of_its_members_and_round_trips_through_a_model_zip()
    {
        var pipeline = new TunableTitanicPipeline(_project, Tuning());
        var ml = new MLContext(1);
        var train = pipeline.LoadData(ml, Path.Combine(_project, "titanic_train.csv"));
        var test = pipeline.LoadData(ml, Path.Combine(_project, "titanic_test.csv"));
        var configs = new[] { (Leaves: 2.0, Weight: 0.5), (Leaves: 16.0, Weight: 0.3), (Leaves: 4.0, Weight: 0.2) };
        var members = configs.Select(c => (Model: pipeline.WithHyperparameters(new Dictionary<string, double> { ["leaves"] = c.Leaves, ["learning_rate"] = c.Leaves / 40 }).BuildPipeline(ml).Fit(train), c.Weight)).ToArray();

        var ensemble = EnsembleModel.Compose(ml, MlTaskKind.BinaryClassification, train.Schema, members, train);
        var blended = Column<float>(ensemble.Transform(test), "Probability");
        var memberProbabilities = members.Select(m => Column<float>(m.Model.Transform(test), "Probability")).ToArray();
        Assert.Equal(memberProbabilities[0].Length, blended.Length);
        // The members really differ, so the blend is not trivially any one of them.
        Assert.Contains(Enumerable.Range(0, blended.Length), i => Math.Abs(memberProbabilities[0][i] - memberProbabilities[1][i]) > 0.01);
        for (int i = 0; i < blended.Length; i++)
        {
            double expected = members.Select((m, k) => m.Weight * memberProbabilities[k][i]).Sum();
            Assert.Equal(expected, blended[i], 5);
        }
        var predicted = Column<bool>(ensemble.Transform(test), "PredictedLabel");
        Assert.Equal(blended.Select(p => p > 0.5f), predicted);

        // Saved like any model; loaded with the plain ML.NET API (what predict does) it predicts the same.
        var path = Path.Combine(_project, "ensemble.zip");
        ModelStore.Save(ml, ensemble, train.Schema, path);
        var fresh = new MLContext(2);
        var loaded = fresh.Model.Load(path, out var schema);
        Assert.Contains(schema, c => c.Name == "age");
        var reloaded = loaded.Transform(pipeline.LoadData(fresh, Path.Combine(_project, "titanic_test.csv")));
        Assert.Equal(blended, Column<float>(reloaded, "Probability"));
        // Score is the probability's logit, a margin like a calibrated trainer's (ML.NET's evaluator counts Score > 0 as positive).
        var score = Column<float>(reloaded, "Score");
        for (int i = 0; i < blended.Length; i++) Assert.Equal(Math.Log(blended[i] / (1.0 - blended[i])), score[i], 4);
        Assert.Equal(predicted, Column<bool>(reloaded, "PredictedLabel"));
    }

    [Fact]
    public void Weights_are_shares_so_weights_that_do_not_sum_to_1_blend_the_same_and_never_leave_0_to_1()
    {
        // A lock file edited by hand to weights 5 and 2.5 (sum 7.5): before, the blend summed them as given and
        // predicted probabilities up to 7.5 with exit 0. A blend is a weighted mean: 5 and 2.5 mean 2/3 and 1/3.
        var pipeline = new TunableTitanicPipeline(_project, Tuning());
        var ml = new MLContext(1);
        var train = pipeline.LoadData(ml, Path.Combine(_project, "titanic_train.csv"));
        var test = pipeline.LoadData(ml, Path.Combine(_project, "titanic_test.csv"));
        var fitted = new[] { 2.0, 16.0 }.Select(leaves => pipeline.WithHyperparameters(new Dictionary<string, double> { ["leaves"] = leaves, ["learning_rate"] = 0.2 }).BuildPipeline(ml).Fit(train)).ToArray();

        var shares = Column<float>(EnsembleModel.Compose(ml, MlTaskKind.BinaryClassification, train.Schema, [(fitted[0], 2.0 / 3), (fitted[1], 1.0 / 3)], train).Transform(test), "Probability");
        var scaled = Column<float>(EnsembleModel.Compose(ml, MlTaskKind.BinaryClassification, train.Schema, [(fitted[0], 5.0), (fitted[1], 2.5)], train).Transform(test), "Probability");
        Assert.All(scaled, p => Assert.InRange(p, 0f, 1f));
        for (int i = 0; i < shares.Length; i++) Assert.Equal(shares[i], scaled[i], 5);
        Assert.Throws<ArgumentException>(() => EnsembleModel.Compose(ml, MlTaskKind.BinaryClassification, train.Schema, [(fitted[0], 1.0), (fitted[1], double.PositiveInfinity)], train));
    }

    private static T[] Column<T>(IDataView data, string name) => data.GetColumn<T>(data.Schema[name]).ToArray();
}
