using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using PipelineGen.Runtime.Preparation;
using PipelineGen.Runtime.Tests.Evaluation;
using PipelineGen.Runtime.Training;
using Xunit;

namespace PipelineGen.Runtime.Tests.Training;

/// <summary>
/// PipelineSteps.OutOfFoldPlatt: a FastForest's Probability from Platt scaling fitted on out-of-fold scores, against
/// the in-sample Platt generated code used to append (fitted on the rows the forest had just fitted).
/// </summary>
public sealed class OutOfFoldPlattTests : IDisposable
{
    private const int Seed = 1;
    private readonly string _dir = Directory.CreateTempSubdirectory("pg-platt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Leaves down to one row, as a tuned forest often has: it nearly separates its training rows, which is what makes
    // in-sample Platt overconfident (with the default 10 rows a leaf the 200 rows here show the same direction, smaller).
    internal static FastForestBinaryTrainer Forest(MLContext ml, int trees = 100) => ml.BinaryClassification.Trainers.FastForest(new FastForestBinaryTrainer.Options
    {
        LabelColumnName = "Label",
        FeatureColumnName = "Features",
        NumberOfTrees = trees,
        MinimumExampleCountPerLeaf = 1,
        NumberOfThreads = 1,
        Seed = Seed,
    });

    /// <summary>The Titanic fixture (300 rows) prepared as generated code does, split 2/3 : 1/3 with a seed.</summary>
    private static (IDataView Train, IDataView HeldOut) Titanic(MLContext ml)
    {
        var pipeline = BinaryPipeline.Titanic();
        var data = pipeline.LoadData(ml, pipeline.Settings.TrainDataPath);
        var prepared = pipeline.BuildPreprocessing(ml).Fit(data).Transform(data);
        var split = ml.Data.TrainTestSplit(prepared, testFraction: 1.0 / 3, seed: Seed);
        return (ml.Data.Cache(split.TrainSet), ml.Data.Cache(split.TestSet));
    }

    private static PlattCalibrator PlattOf(ITransformer model) =>
        ((IPredictionTransformer<PlattCalibrator>)((TransformerChain<ITransformer>)model).LastTransformer).Model;

    private static double LogLoss(ITransformer model, IDataView data)
    {
        var scored = model.Transform(data);
        var labels = scored.GetColumn<bool>("Label").ToArray();
        var probabilities = scored.GetColumn<float>("Probability").ToArray();
        return -labels.Zip(probabilities, (y, p) => Math.Log(Math.Clamp(y ? p : 1 - p, 1e-15, 1.0))).Average();
    }

    [Fact]
    public void ScoreZeroMapsNearOneHalfAndHeldOutLogLossBeatsInSamplePlatt()
    {
        var ml = new MLContext(seed: Seed);
        var (train, heldOut) = Titanic(ml);

        // main's behaviour: the forest, then Platt fitted on the same rows the forest fitted.
        var forest = Forest(ml).Fit(train);
        var inSample = new TransformerChain<ITransformer>(forest, ml.BinaryClassification.Calibrators.Platt().Fit(forest.Transform(train)));
        var outOfFold = PipelineSteps.OutOfFoldPlatt(ml, Forest(ml), Seed).Fit(train);

        // Score 0 is the forest's decision boundary (PredictedLabel = Score > 0): its probability should be near 1/2.
        var oldAtBoundary = PlattOf(inSample).PredictProbability(0f);
        var newAtBoundary = PlattOf(outOfFold).PredictProbability(0f);
        Assert.True(oldAtBoundary is < 0.3f or > 0.7f, $"in-sample Platt maps Score 0 to {oldAtBoundary}; this test needs data where it is off");
        Assert.InRange(newAtBoundary, 0.3f, 0.7f);

        var oldLoss = LogLoss(inSample, heldOut);
        var newLoss = LogLoss(outOfFold, heldOut);
        Assert.True(newLoss < oldLoss, $"held-out log loss: out-of-fold Platt {newLoss:F4}, in-sample {oldLoss:F4}");

        // The same forest underneath (same seed, same rows): only the calibration differs.
        Assert.Equal(forest.Transform(heldOut).GetColumn<float>("Score"), outOfFold.Transform(heldOut).GetColumn<float>("Score"));
        var trainRows = train.GetColumn<bool>("Label").Count();
        Assert.Contains(PreparationLog.DescribeAll(outOfFold), n => n.StartsWith($"Probability: Platt scaling fitted on 3-fold out-of-fold scores of {trainRows} rows", StringComparison.Ordinal));
    }

    // ML.NET keeps SchemaShape.Create(DataViewSchema) internal; pipelines reach it the same way through EstimatorChain.
    private static SchemaShape ShapeOf(DataViewSchema schema) =>
        (SchemaShape)typeof(SchemaShape).GetMethod("Create", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public, [typeof(DataViewSchema)])!
            .Invoke(null, [schema])!;

    [Fact]
    public void OutputSchemaMatchesTheFittedModelAndTheModelRoundTripsThroughTheStore()
    {
        var ml = new MLContext(seed: Seed);
        var (train, heldOut) = Titanic(ml);
        var estimator = PipelineSteps.OutOfFoldPlatt(ml, Forest(ml), Seed);

        var shape = estimator.GetOutputSchema(ShapeOf(train.Schema));
        var model = estimator.Fit(train);
        foreach (var column in new[] { "Score", "Probability", "PredictedLabel" })
            Assert.Contains(shape, c => c.Name == column);

        var path = Path.Combine(_dir, "model.zip");
        ModelStore.Save(ml, model, train.Schema, path);
        var loaded = ModelStore.Load(new MLContext(seed: 2), path, out _);

        var expected = model.Transform(heldOut).GetColumn<float>("Probability").ToArray();
        var actual = loaded.Transform(heldOut).GetColumn<float>("Probability").ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], actual[i], 1e-6);
        Assert.Equal(model.Transform(heldOut).GetColumn<bool>("PredictedLabel"), loaded.Transform(heldOut).GetColumn<bool>("PredictedLabel"));
    }

    private sealed class Row
    {
        public bool Label { get; set; }

        [VectorType(2)]
        public float[] Features { get; set; } = [];
    }

    [Fact]
    public void OnePositiveRowFallsBackToInSamplePlattAndTheNoteSaysSo()
    {
        var ml = new MLContext(seed: Seed);
        var rows = Enumerable.Range(0, 40).Select(i => new Row { Label = i == 7, Features = [i % 5, i / 5f] }).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);

        var model = PipelineSteps.OutOfFoldPlatt(ml, Forest(ml), Seed).Fit(data);

        var probabilities = model.Transform(data).GetColumn<float>("Probability").ToArray();
        Assert.Equal(40, probabilities.Length);
        Assert.All(probabilities, p => Assert.InRange(p, 0f, 1f));
        var note = Assert.Single(PreparationLog.DescribeAll(model));
        Assert.Contains("fitted on the 40 training rows themselves", note, StringComparison.Ordinal);
        Assert.Contains("the smaller class has 1 row(s), fewer than the 10 needed to cross-fit 3 folds", note, StringComparison.Ordinal);
    }

    /// <summary>
    /// The decision follows the Probability shown: PredictedLabel is positive exactly when Probability is above 1/2
    /// (the trainer's threshold moved to −offset/slope), before and after a save and load, whereas the forest's own
    /// Score &gt; 0 disagrees with its calibrated Probability on some rows of this data.
    /// </summary>
    [Fact]
    public void PredictedLabelIsPositiveExactlyWhenProbabilityIsAboveOneHalf()
    {
        var ml = new MLContext(seed: Seed);
        var (train, heldOut) = Titanic(ml);
        var model = PipelineSteps.OutOfFoldPlatt(ml, Forest(ml), Seed).Fit(train);
        var platt = PlattOf(model);
        var threshold = ModelDecision.ScoreThreshold(model);
        Assert.Equal((float)(-platt.Offset / platt.Slope), threshold);
        Assert.Contains(PreparationLog.DescribeAll(model), n => n.Contains("where Probability is 0.5", StringComparison.Ordinal));

        var path = Path.Combine(_dir, "decided.zip");
        ModelStore.Save(ml, model, train.Schema, path);
        foreach (var m in new[] { model, ModelStore.Load(new MLContext(seed: 2), path, out _) })
        {
            var scored = m.Transform(heldOut);
            var score = scored.GetColumn<float>("Score").ToArray();
            var probability = scored.GetColumn<float>("Probability").ToArray();
            var predicted = scored.GetColumn<bool>("PredictedLabel").ToArray();
            for (int i = 0; i < predicted.Length; i++)
                if (probability[i] != 0.5f) // float rounding at the boundary itself may go either way
                    Assert.True(predicted[i] == probability[i] > 0.5f, $"row {i}: Score {score[i]}, Probability {probability[i]}, PredictedLabel {predicted[i]}");
            Assert.Equal(threshold, ModelDecision.ScoreThreshold(m));
            // Rows between 0 and the threshold are where the forest's own Score > 0 contradicted the Probability shown.
            Assert.Contains(score, s => s > Math.Min(0f, threshold) && s <= Math.Max(0f, threshold));
        }
    }
}
