using System.Reflection;
using System.Runtime.Loader;
using Microsoft.ML;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Networks.Integration;

using static PipelineGen.Generator.Tests.Harness.GeneratedPipelines;

namespace PipelineGen.Generator.Tests.Execution;

/// <summary>
/// Generated code with <c>model.trainer: dense</c>, compiled and run for real on the small fixtures (binary, multiclass,
/// regression): the network beats the trivial baseline, the saved model (one zip: the ONNX graph inside it) loads in a
/// fresh MLContext and predicts exactly what the in-memory model predicted, and the same seed gives the same metrics.
/// </summary>
public class DenseExecutionTests
{
    // Small, quick networks: the fixtures have 150-300 rows.
    private const string DenseModel = """
        model:
          trainer: dense
          params:
            layers: [16, 8]
            activation: relu
            dropout: 0.1
            l2: 0.001
            epochs: 150
            batch_size: 16
            learning_rate: 0.005
            early_stopping: 20
            validation_fraction: 0.2
        """;

    internal static string WithDense(string spec)
    {
        var at = spec.IndexOf("model:", StringComparison.Ordinal);
        return spec.Substring(0, at) + DenseModel;
    }

    /// <summary>Saves with the generated SaveModel and loads with the generated LoadModel in a new MLContext (as a new process would).</summary>
    private static ITransformer SaveAndLoadFresh(Type type, object pipeline, MLContext ml, ITransformer model, IDataView data)
    {
        var path = Path.Combine(Path.GetTempPath(), $"pg-dense-{Guid.NewGuid():N}.zip");
        try
        {
            type.GetMethod("SaveModel")!.Invoke(pipeline, new object[] { ml, model, data.Schema, path });
            using (var zip = System.IO.Compression.ZipFile.OpenRead(path))
                Assert.Contains(zip.Entries, e => e.FullName.Contains("Onnx", StringComparison.OrdinalIgnoreCase) || e.Length > 0);
            return (ITransformer)type.GetMethod("LoadModel")!.Invoke(pipeline, new object[] { new MLContext(seed: 7), path })!;
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Dense_binary_beats_the_baseline_round_trips_and_is_deterministic()
    {
        // The passenger's name as text n-grams and the cabin's one-hot codes give the network hundreds of sparse inputs
        // for 210 rows (AUC about 0.72, early stopping at epoch 2): the network is given the tabular columns.
        var assembly = Compile(WithDense(Fixtures.TitanicSpec.Replace("name: { type: text }", "name: { role: ignore }\n    cabin: { role: ignore }")), Fixtures.TitanicSchema);
        var (pipeline, type, ml, data, split, model) = Fit(assembly, "Titanic", "titanic.csv");
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(split.TestSet));
        // The prior baseline's AUC is 0.5; the lightgbm fixture reaches about 0.8 here.
        Assert.InRange(metrics.AreaUnderRocCurve, 0.75, 1.0);

        var summary = DenseTrainingLog.Find(model);
        Assert.NotNull(summary);
        Assert.InRange(summary!.BestEpoch, 1, summary.EpochsRun);
        Assert.All(summary.History, e => Assert.NotNull(e.ValidationLoss));
        // What the model card records (epochs run, the epoch kept, why it stopped).
        var record = NetworkTrainingRecord.Of(model)!;
        Assert.Equal("[16, 8]", record.Layers);
        Assert.Equal(150, record.EpochsAllowed);
        Assert.Equal(summary.EpochsRun, record.EpochsRun);
        Assert.Equal(summary.BestEpoch, record.BestEpoch);
        Assert.Contains("epochs run", record.Describe());

        var woman = Input(assembly, "Titanic", ("Pclass", "1"), ("Sex", "female"), ("Age", 30f), ("Fare", 80f), ("Embarked", "C"));
        var man = Input(assembly, "Titanic", ("Pclass", "3"), ("Sex", "male"), ("Age", float.NaN), ("Fare", 7f), ("Embarked", "S"));
        var p1 = Predict(type, pipeline, ml, model, woman);
        Assert.True(Get<float>(p1, "Probability") > Get<float>(Predict(type, pipeline, ml, model, man), "Probability"));
        Assert.True(Get<bool>(p1, "PredictedLabel"), $"p={Get<float>(p1, "Probability")} score={Get<float>(p1, "Score")} best={summary.BestEpoch} run={summary.EpochsRun} stop={summary.StopReason} rows={summary.TrainingRows}/{summary.ValidationRows} hist={string.Join(";", summary.History.Take(40).Select(h => $"{h.TrainingLoss:F3}/{h.ValidationLoss:F3}"))}");

        var loaded = SaveAndLoadFresh(type, pipeline, ml, model, data);
        var p1Loaded = Predict(type, pipeline, new MLContext(seed: 3), loaded, woman);
        Assert.Equal(Get<float>(p1, "Probability"), Get<float>(p1Loaded, "Probability"));
        Assert.Equal(Get<float>(p1, "Score"), Get<float>(p1Loaded, "Score"));
        Assert.Equal(metrics.AreaUnderRocCurve, ml.BinaryClassification.Evaluate(loaded.Transform(split.TestSet)).AreaUnderRocCurve, 6);

        // Same seed, same data → the same weights, so the same metrics.
        var again = pipeline.BuildPipeline(new MLContext(seed: 1)).Fit(split.TrainSet);
        Assert.Equal(metrics.AreaUnderRocCurve, ml.BinaryClassification.Evaluate(again.Transform(split.TestSet)).AreaUnderRocCurve);
        Assert.Equal(metrics.LogLoss, ml.BinaryClassification.Evaluate(again.Transform(split.TestSet)).LogLoss);
    }

    [Fact]
    public void Dense_multiclass_predicts_class_names_and_round_trips()
    {
        var assembly = Compile(WithDense(Fixtures.IrisSpec), Fixtures.IrisSchema);
        var (pipeline, type, ml, data, split, model) = Fit(assembly, "Iris", "iris.csv");
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet));
        // Majority baseline: macro accuracy 1/3.
        Assert.InRange(metrics.MacroAccuracy, 0.85, 1.0);

        var setosa = Input(assembly, "Iris", ("SepalLength", 5.1f), ("SepalWidth", 3.5f), ("PetalLength", 1.4f), ("PetalWidth", 0.2f));
        var virginica = Input(assembly, "Iris", ("SepalLength", 7.2f), ("SepalWidth", 3.0f), ("PetalLength", 6.0f), ("PetalWidth", 2.2f));
        var prediction = Predict(type, pipeline, ml, model, setosa);
        Assert.Equal("setosa", Get<string>(prediction, "PredictedLabel"));
        Assert.Equal("virginica", Get<string>(Predict(type, pipeline, ml, model, virginica), "PredictedLabel"));
        var scores = Get<float[]>(prediction, "Score");
        Assert.Equal(3, scores.Length);
        Assert.Equal(1.0, scores.Sum(), 4);
        // The class names come with the scores (the Score vector has no slot names; PredictedLabel's keys name them).
        var names = (IReadOnlyList<string>)type.GetMethod("ClassNames")!.Invoke(pipeline, [ml, model])!;
        Assert.Equal(3, names.Count);
        Assert.Equal(new[] { "setosa", "versicolor", "virginica" }, names.OrderBy(n => n, StringComparer.Ordinal));
        var byClass = (IReadOnlyDictionary<string, float>)type.GetMethod("ScoresByClass")!.Invoke(pipeline, [ml, model, prediction])!;
        Assert.Equal("setosa", byClass.MaxBy(kv => kv.Value).Key);
        Assert.Equal(scores.Max(), byClass["setosa"]);

        var loaded = SaveAndLoadFresh(type, pipeline, ml, model, data);
        var reloaded = Predict(type, pipeline, new MLContext(seed: 3), loaded, setosa);
        Assert.Equal("setosa", Get<string>(reloaded, "PredictedLabel"));
        Assert.Equal(scores, Get<float[]>(reloaded, "Score"));
    }

    [Fact]
    public void Dense_regression_learns_the_fare_and_round_trips()
    {
        var assembly = Compile(WithDense(Fixtures.TaxisSpec), Fixtures.TaxisSchema);
        var (pipeline, type, ml, data, split, model) = Fit(assembly, "TaxiFare", "taxis.csv");
        var metrics = ml.Regression.Evaluate(model.Transform(split.TestSet));
        // The mean baseline has R² ≤ 0 on held-out rows.
        Assert.InRange(metrics.RSquared, 0.5, 1.0);

        var shortTrip = TaxiTrip(assembly, minutes: 5, distance: 0.8f);
        var longTrip = TaxiTrip(assembly, minutes: 40, distance: 12f);
        var longFare = Get<float>(Predict(type, pipeline, ml, model, longTrip), "Score");
        Assert.True(longFare > Get<float>(Predict(type, pipeline, ml, model, shortTrip), "Score"));

        var loaded = SaveAndLoadFresh(type, pipeline, ml, model, data);
        Assert.Equal(longFare, Get<float>(Predict(type, pipeline, new MLContext(seed: 3), loaded, longTrip), "Score"));
    }

    [Fact]
    public void Dense_capacity_curve_is_in_epochs_from_one_training_per_fold()
    {
        var assembly = Compile(WithDense(Fixtures.TitanicSpec.Replace("name: { type: text }", "name: { role: ignore }\n    cabin: { role: ignore }")), Fixtures.TitanicSchema);
        var (pipeline, _) = Create(assembly, "Titanic");
        var output = new StringWriter();
        var phases = new List<string>();
        var curve = PipelineGen.Runtime.Training.CapacityCurve.Compute(new MLContext(seed: 1), pipeline, progress: output,
            protocol: new PipelineGen.Runtime.Evaluation.EvaluationOptions { DataPath = Path.Combine(Fixtures.TestData, "titanic.csv") },
            phase: phases.Add);

        Assert.Equal("epochs", curve.CapacityParameter);
        Assert.Equal("log_loss", curve.Metric);
        Assert.True(curve.LowerIsBetter);
        Assert.Equal(3, curve.SplitCount);
        // One training per fold (3 progress lines), each recording every epoch of the 150-epoch budget.
        Assert.Equal(3, output.ToString().Split('\n').Count(l => l.Contains("epochs, lowest validation loss")));
        // The progress display on a terminal is told about each of those trainings before it starts.
        Assert.Equal(new[] { "repeat 1, fold 1: training up to 150 epochs", "repeat 1, fold 2: training up to 150 epochs",
            "repeat 1, fold 3: training up to 150 epochs" }, phases);
        Assert.Equal(150, curve.Points[^1].Capacity);
        Assert.InRange(curve.Points.Count, 2, PipelineGen.Runtime.Networks.Integration.DenseEpochCurveInfo.MaxPoints + 1);
        Assert.All(curve.Points, p => Assert.Equal(3, p.ValidationPerSplit.Count));
        // Training loss falls with epochs; the chosen epoch count lies in the budget and the message says where it overfits.
        Assert.True(curve.Points[^1].TrainMetric < curve.Points[0].TrainMetric);
        Assert.InRange(curve.ChosenCapacity, 1, 150);
        Assert.Contains("epoch", curve.Message);
        Assert.Contains("<svg", PipelineGen.Runtime.Training.CapacityCurve.RenderHtml(curve));
    }
}
