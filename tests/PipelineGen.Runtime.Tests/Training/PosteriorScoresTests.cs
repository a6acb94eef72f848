using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Tests.Evaluation;
using PipelineGen.Runtime.Training;
using Xunit;

namespace PipelineGen.Runtime.Tests.Training;

/// <summary>
/// PipelineSteps.Posterior after ML.NET's multiclass naive Bayes, whose Score is per-class log joint likelihoods:
/// Score becomes softmax(Score), probabilities the evaluator, predict and ensembles can read as such.
/// </summary>
public sealed class PosteriorScoresTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pg-posterior-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class Flower
    {
        [LoadColumn(0, 3), VectorType(4)] public float[] Measurements { get; set; } = [];
        [LoadColumn(4)] public string Species { get; set; } = "";
    }

    /// <summary>Iris, centred (naive Bayes reads a feature as "above 0"), label as key, as generated code prepares it.</summary>
    private static IDataView Iris(MLContext ml)
    {
        var data = ml.Data.LoadFromTextFile<Flower>(TestPipeline.DataPath("iris.csv"), hasHeader: true, separatorChar: ',');
        return ml.Transforms.NormalizeMeanVariance("Features", "Measurements", fixZero: false)
            .Append(ml.Transforms.Conversion.MapValueToKey("Label", "Species"))
            .Fit(data).Transform(data);
    }

    private static IEstimator<ITransformer> NaiveBayes(MLContext ml) =>
        ml.MulticlassClassification.Trainers.NaiveBayes(labelColumnName: "Label", featureColumnName: "Features");

    private static float[][] Scores(IDataView scored) => scored.GetColumn<float[]>("Score").ToArray();

    private static string[] SlotNames(IDataView scored)
    {
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        scored.Schema["Score"].GetSlotNames(ref names);
        return names.DenseValues().Select(n => n.ToString()).ToArray();
    }

    private static int ArgMax(float[] v) => Array.IndexOf(v, v.Max());

    [Fact]
    public void NaiveBayesScoresBecomeItsPosteriorWithTheSamePredictionsAndAFiniteLogLoss()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.Cache(Iris(ml));
        var raw = NaiveBayes(ml).Fit(data).Transform(data);
        var model = NaiveBayes(ml).Append(PipelineSteps.Posterior(ml)).Fit(data);
        var scored = model.Transform(data);
        Assert.Contains(PipelineGen.Runtime.Preparation.PreparationLog.DescribeAll(model), n => n == PosteriorScores.Note);

        // On main Score was the log likelihoods themselves (negative), which the evaluator clamps to log loss 34.54.
        var before = Scores(raw);
        Assert.Contains(before, row => row.Any(s => s < 0));
        var probabilities = Scores(scored);
        var predicted = scored.GetColumn<uint>("PredictedLabel").ToArray();
        var rawPredicted = raw.GetColumn<uint>("PredictedLabel").ToArray();
        for (int i = 0; i < probabilities.Length; i++)
        {
            Assert.All(probabilities[i], p => Assert.InRange(p, 0f, 1f));
            Assert.Equal(1.0, probabilities[i].Sum(p => (double)p), 5);
            Assert.Equal(rawPredicted[i], predicted[i]);
            Assert.Equal(ArgMax(probabilities[i]) + 1, (int)predicted[i]); // keys count from 1
            // softmax by hand, in double, from the log likelihoods
            var expected = before[i].Select(s => Math.Exp(s - before[i].Max())).ToArray();
            for (int k = 0; k < expected.Length; k++) Assert.Equal(expected[k] / expected.Sum(), probabilities[i][k], 5);
        }

        // Known size and the trainer's slot names (predict's per-class columns), as ML.NET's multiclass evaluator needs.
        Assert.Equal(3, ((VectorDataViewType)scored.Schema["Score"].Type).Size);
        Assert.Equal(["setosa", "versicolor", "virginica"], SlotNames(scored));
        Assert.Equal(SlotNames(raw), SlotNames(scored));
        Assert.Null(scored.Schema.GetColumnOrNull(ClassScoreNormaliser.MaxColumn));

        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Assert.True(double.IsFinite(metrics.LogLoss) && metrics.LogLoss < 34, $"log loss {metrics.LogLoss}");
        Assert.True(metrics.LogLoss < ml.MulticlassClassification.Evaluate(raw).LogLoss);

        // Saves into one zip and loads with ModelStore.Load (the normaliser is a custom mapping saved by contract name).
        var path = Path.Combine(_dir, "model.zip");
        ModelStore.Save(ml, model, data.Schema, path);
        var loaded = ModelStore.Load(new MLContext(seed: 2), path, out _).Transform(data);
        Assert.Equal(3, ((VectorDataViewType)loaded.Schema["Score"].Type).Size);
        var reloaded = Scores(loaded);
        for (int i = 0; i < probabilities.Length; i++)
            for (int k = 0; k < 3; k++) Assert.Equal(probabilities[i][k], reloaded[i][k], 6);
    }

    [Fact]
    public void AMulticlassEnsembleOfNaiveBayesModelsAveragesProbabilities()
    {
        // The ensemble averages Score slot by slot: with log likelihoods that was a mean of logs, not a probability.
        var ml = new MLContext(seed: 1);
        var data = ml.Data.Cache(Iris(ml));
        var member = NaiveBayes(ml).Append(PipelineSteps.Posterior(ml)).Fit(data);
        var ensemble = PipelineGen.Runtime.Tuning.Ensembles.EnsembleModel.Compose(
            ml, MlTaskKind.MulticlassClassification, data.Schema, [(member, 0.5), (member, 0.5)], data);
        var single = Scores(member.Transform(data));
        var blended = Scores(ensemble.Transform(data));
        for (int i = 0; i < single.Length; i++)
        {
            Assert.Equal(1.0, blended[i].Sum(p => (double)p), 5);
            for (int k = 0; k < 3; k++) Assert.Equal(single[i][k], blended[i][k], 5);
        }
        var logLoss = ml.MulticlassClassification.Evaluate(ensemble.Transform(data)).LogLoss;
        Assert.Equal(ml.MulticlassClassification.Evaluate(member.Transform(data)).LogLoss, logLoss, 4);
    }

    private sealed class Wide
    {
        [VectorType(ManyFeatures)] public float[] Features { get; set; } = [];
        public uint Label { get; set; }
    }

    private const int ManyFeatures = 2000;

    [Fact]
    public void ScoresHundredsApartGiveProbabilitiesNotNaN()
    {
        // Two classes whose rows agree on no feature: each log likelihood sums thousands of near-log(0) terms.
        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 20).Select(i => new Wide
        {
            Label = (uint)(i % 2),
            Features = Enumerable.Range(0, ManyFeatures).Select(f => (f + i) % 2 == 0 ? 1f : 0f).ToArray(),
        }).ToList();
        var data = ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable(rows)).Transform(ml.Data.LoadFromEnumerable(rows));
        var raw = Scores(NaiveBayes(ml).Fit(data).Transform(data));
        Assert.All(raw, row => Assert.True(Math.Abs(row[0] - row[1]) > 200, $"scores {row[0]}, {row[1]}"));

        var probabilities = Scores(NaiveBayes(ml).Append(PipelineSteps.Posterior(ml)).Fit(data).Transform(data));
        Assert.All(probabilities, row =>
        {
            Assert.DoesNotContain(row, float.IsNaN);
            Assert.Equal(1.0, row.Sum(p => (double)p), 5);
            Assert.Equal(1f, row.Max());
        });
    }

    [Fact]
    public void WithoutAMulticlassScoreTheStepSaysWhereItBelongs()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<ArgumentException>(() => PipelineSteps.Posterior(ml).Fit(Iris(ml)));
        Assert.Contains("known-size 'Score' vector", e.Message);
        Assert.Contains("right after the trainer", e.Message);
    }

    [Fact]
    public void TheNormaliserSubtractsTheRowMaxAndPassesNaNOn()
    {
        var output = new ClassScoreNormaliser();
        ScoreNormaliserMapping.Map(new ClassLogScores { Scores = [-1000f, -5f, -900f] }, output);
        Assert.Equal(-5f, output.Max);
        Assert.Equal(1f, output.Sum, 6); // exp(−995) and exp(−895) vanish; nothing overflows
        ScoreNormaliserMapping.Map(new ClassLogScores { Scores = [-1f, float.NaN] }, output);
        Assert.True(float.IsNaN(output.Max) && float.IsNaN(output.Sum));
    }
}
