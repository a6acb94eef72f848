using Microsoft.CodeAnalysis;
using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Training;
using PipelineGen.Runtime.Tuning;
using PipelineGen.Runtime.Tuning.Ensembles;
using PipelineGen.Spec;
using PipelineGen.Spec.Data;

namespace PipelineGen.Generator.Tests.Tuning;

/// <summary>
/// A multiclass ensemble end to end through generated code (iris, LightGBM, 1 thread): 'tune --ensemble' selects over
/// out-of-fold class probabilities (never worse than its best member there), keeps the blend when it wins on the
/// held-back rows, writes it to the lock file and saves it; the build reads that lock back, and 'train' rebuilds the
/// same model (same class probabilities, same predicted classes).
/// </summary>
public sealed class MulticlassEnsembleGenerationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pg-mc-ens-gen-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string Spec = """
        version: 1
        name: TunedIris
        task: { kind: multiclass, label: species }
        data: { train: iris.csv }
        metric: log_loss
        evaluate: { protocol: kfold, folds: 4, seed: 7 }
        model:
          trainer: lightgbm
          params: { leaves: 4, iterations: 30, min_examples_per_leaf: 5 }
        tune:
          strategy: random
          trials: 8
          metric: log_loss
          space:
            leaves: { min: 2, max: 16, scale: log }
            learning_rate: { min: 0.02, max: 0.5, scale: log }
            min_examples_per_leaf: { values: [2, 5, 10, 20] }
        """;

    private ITunablePipeline Create(string? lockText, InferredSchema? schema = null)
    {
        var data = Path.Combine(_dir, "iris.csv");
        if (!File.Exists(data)) File.Copy(Path.Combine(Fixtures.TestData, "iris.csv"), data);
        var specPath = Path.Combine(_dir, "pipeline.yaml");
        var run = GeneratorHarness.RunWithLock(specPath, Spec, schema ?? Fixtures.IrisSchema, lockText);
        Assert.Empty(run.GeneratorDiagnostics);
        return (ITunablePipeline)GeneratorHarness.CreatePipeline(GeneratorHarness.Load(run, collectible: true), "MyApp.TunedIrisPipeline", _dir);
    }

    [Fact]
    public void Tune_builds_a_multiclass_ensemble_the_lock_pins_it_and_train_rebuilds_the_same_model()
    {
        var pipeline = Create(null);
        var report = PipelineTuner.Run(pipeline, new TuneOptions { Ensemble = true });
        var ensemble = report.Ensemble;
        Assert.True(ensemble is not null, report.EnsembleNotBuilt);
        // Selection data: the blend's out-of-fold log-loss is at most its best member's (Caruana's property), and
        // averaging probabilities of different configurations does help log-loss here.
        Assert.True(ensemble.OutOfFoldScore <= ensemble.BestSingleOutOfFoldScore, $"{ensemble.OutOfFoldScore} vs {ensemble.BestSingleOutOfFoldScore}");
        Assert.True(ensemble.Members.Count >= 2, ensemble.Verdict);
        Assert.NotNull(ensemble.HoldbackScore); // the honest estimate: the blend scored on the held-back rows
        // The lock tune wrote: the ensemble block when the blend won on the held-back rows; the lock file writer's
        // output with these members either way, so the build's reading of it is tested whatever the verdict.
        var lockPath = Path.Combine(_dir, "pipeline.lock.yaml");
        string lockText = File.ReadAllText(lockPath);
        Assert.Equal(ensemble.Kept, lockText.Contains("ensemble:\n  holdback_score: "));
        if (!ensemble.Kept)
        {
            var specHash = pipeline.GetType().GetField("SpecHash", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)?.GetValue(null) as string ?? "unknown";
            LockFile.Write(lockPath, new LockFile("TunedIris", "lightgbm", report.Result.Study.Id, specHash, "log_loss", report.Result.Best!.Value!.Value, report.WinnerHoldbackScore,
                report.Space.Parameters.Select(p => new KeyValuePair<string, string>(p.Name, p.Format(report.Result.Best.Configuration[p.Name]))).ToArray())
            {
                Ensemble = ensemble.Members.Select(m => new LockFile.EnsembleEntry(m.Trial, m.Weight,
                    report.Space.Parameters.Select(p => new KeyValuePair<string, string>(p.Name, p.Format(m.Configuration[p.Name]))).ToArray())).ToArray(),
                EnsembleHoldbackScore = ensemble.HoldbackScore,
            });
            lockText = File.ReadAllText(lockPath);
        }

        // The build reads the lock back (every member's values checked against the space) and emits the members.
        var pinned = Create(lockText);
        Assert.Equal(ensemble.Members.Count, pinned.PinnedEnsemble.Count);
        Assert.Equal(1.0, pinned.PinnedEnsemble.Sum(m => m.Weight), 3);
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = PipelineApp.Run(["train"], pinned, output, error);
        Assert.True(exit == 0, output + "\n" + error);
        Assert.Contains($"Training the ensemble pinned in the lock file ({pinned.PinnedEnsemble.Count} members", output.ToString());
        var data = Path.Combine(_dir, "iris.csv");
        var (trainedScores, trainedClasses) = Predict(ModelStore.Load(new MLContext(1), ModelStore.Resolve(ModelStore.DefaultModelPath(pinned.Settings)), out _), pinned, data);

        // What tune fits for these members (same code, same data, the pipeline's seed), on the pipeline without the lock.
        var ml = new MLContext(pipeline.Settings.Seed);
        var tuned = EnsembleBuilder.Fit(pipeline, ensemble.Members, ml, pipeline.LoadData(ml, data));
        var (tunedScores, tunedClasses) = Predict(tuned, pipeline, data);
        Assert.Equal(tunedClasses, trainedClasses);
        for (int r = 0; r < tunedScores.Length; r++)
            for (int c = 0; c < tunedScores[r].Length; c++)
                Assert.InRange(trainedScores[r][c], tunedScores[r][c] - 1e-4, tunedScores[r][c] + 1e-4); // weights round-trip through the lock's text

        // The blend is not the single pinned winner: the ensemble path really ran.
        var (singleScores, _) = Predict(pinned.BuildPipeline(ml).Fit(pinned.LoadData(ml, data)), pinned, data);
        Assert.Contains(Enumerable.Range(0, singleScores.Length), r => Math.Abs(singleScores[r].Max() - trainedScores[r].Max()) > 1e-3);
    }

    [Fact]
    public void A_numeric_multiclass_label_gets_an_ensemble_that_predicts_the_labels_own_numbers()
    {
        // Iris with the species coded 1, 2, 3: the build infers the label numeric, and the generated pipeline maps it to
        // a key with Single key values (PredictedLabelValue a float), which the ensemble must keep.
        string[] species = ["setosa", "versicolor", "virginica"];
        var data = Path.Combine(_dir, "iris.csv");
        File.WriteAllLines(data, File.ReadLines(Path.Combine(Fixtures.TestData, "iris.csv")).Select((line, i) =>
            i == 0 ? line : line[..(line.LastIndexOf(',') + 1)] + (Array.IndexOf(species, line[(line.LastIndexOf(',') + 1)..]) + 1)));
        var schema = Fixtures.IrisSchema with
        {
            Columns = Fixtures.IrisSchema.Columns.Select(c => c.Name == "species" ? c with { Type = "numeric", DistinctValues = new[] { "1", "2", "3" }.ToEquatableArray() } : c).ToEquatableArray(),
        };
        var pipeline = Create(null, schema);
        Assert.Equal(ColumnKind.Numeric, pipeline.Settings.Columns.Single(c => c.Name == "species").Kind);
        var report = PipelineTuner.Run(pipeline, new TuneOptions { Ensemble = true });
        var ensemble = report.Ensemble;
        Assert.True(ensemble is not null, report.EnsembleNotBuilt);

        var ml = new MLContext(pipeline.Settings.Seed);
        var rows = pipeline.LoadData(ml, data);
        var model = EnsembleBuilder.Fit(pipeline, ensemble.Members, ml, rows);
        var scored = model.Transform(rows);
        Assert.Equal(NumberDataViewType.Single, scored.Schema["PredictedLabelValue"].Type);
        var predicted = scored.GetColumn<float>("PredictedLabelValue").ToArray();
        var truth = rows.GetColumn<float>("species").ToArray();
        Assert.All(predicted, p => Assert.Contains(p, new[] { 1f, 2f, 3f }));
        Assert.InRange(predicted.Zip(truth, (p, t) => p == t ? 1.0 : 0.0).Average(), 0.9, 1.0);

        // predict reads the saved blend as it reads the single model: the class as the label's own number.
        var path = Path.Combine(_dir, "ensemble.zip");
        ModelStore.Save(ml, model, rows.Schema, path);
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = PipelineApp.Run(["predict", "--model", path, "--json", """{"sepal_length": 6.7, "sepal_width": 3.0, "petal_length": 5.2, "petal_width": 2.3}"""], pipeline, output, error);
        Assert.True(exit == 0, output + "\n" + error);
        using var json = System.Text.Json.JsonDocument.Parse(output.ToString());
        Assert.Equal(3f, json.RootElement.GetProperty("PredictedLabel").GetSingle());
    }

    private static (float[][] Scores, string[] Classes) Predict(ITransformer model, IPipelineDefinition pipeline, string data)
    {
        var ml = new MLContext(1);
        var scored = model.Transform(pipeline.LoadData(ml, data));
        var scores = scored.GetColumn<VBuffer<float>>(scored.Schema["Score"]).Select(v => v.DenseValues().ToArray()).ToArray();
        var classes = scored.GetColumn<ReadOnlyMemory<char>>(scored.Schema["PredictedLabelValue"]).Select(v => v.ToString()).ToArray();
        return (scores, classes);
    }
}
