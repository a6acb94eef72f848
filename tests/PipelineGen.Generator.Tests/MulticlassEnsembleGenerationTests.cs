using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Training;
using PipelineGen.Runtime.Tuning;
using PipelineGen.Runtime.Tuning.Ensembles;
using PipelineGen.Spec.Data;

namespace PipelineGen.Generator.Tests;

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

    private ITunablePipeline Create(string? lockText)
    {
        var data = Path.Combine(_dir, "iris.csv");
        if (!File.Exists(data)) File.Copy(Path.Combine(Fixtures.TestData, "iris.csv"), data);
        var specPath = Path.Combine(_dir, "pipeline.yaml");
        var files = new List<AdditionalText> { new InMemoryAdditionalText(specPath, Spec) };
        var kinds = new Dictionary<string, string> { [specPath] = "Spec" };
        var schemaPath = specPath + ".schema.json";
        files.Add(new InMemoryAdditionalText(schemaPath, SchemaFile.Write(Fixtures.IrisSchema with { SpecPath = specPath })));
        kinds[schemaPath] = "Schema";
        if (lockText is not null)
        {
            var lockPath = Path.Combine(_dir, "pipeline.lock.yaml");
            files.Add(new InMemoryAdditionalText(lockPath, lockText));
            kinds[lockPath] = "Lock";
        }
        var run = GeneratorHarness.Run(GeneratorHarness.NewDriver(files, kinds), GeneratorHarness.NewCompilation("namespace MyApp { internal static class UserCode { } }"));
        Assert.Empty(run.GeneratorDiagnostics);
        using var stream = new MemoryStream();
        var emit = run.Output.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        stream.Position = 0;
        var type = new AssemblyLoadContext(null, isCollectible: true).LoadFromStream(stream).GetType("MyApp.TunedIrisPipeline")!;
        var defaults = (PipelineSettings)type.GetProperty("DefaultSettings")!.GetValue(null)!;
        return (ITunablePipeline)Activator.CreateInstance(type, defaults with { ProjectDirectory = _dir })!;
    }

    [Fact]
    public void Tune_keeps_a_multiclass_ensemble_pins_it_and_train_rebuilds_the_same_model()
    {
        var pipeline = Create(null);
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = PipelineApp.Run(["tune", "--ensemble"], pipeline, output, error);
        var text = output.ToString();
        Assert.True(exit == 0, text + "\n" + error);
        // Selection data: the blend's out-of-fold log-loss is at most its best member's (Caruana's property).
        var oof = System.Text.RegularExpressions.Regex.Match(text, @"out-of-fold log_loss: ensemble (\d\.\d{4}), best single (\d\.\d{4})");
        Assert.True(oof.Success, text);
        Assert.True(double.Parse(oof.Groups[1].Value) <= double.Parse(oof.Groups[2].Value), text);
        // Seeded and single-threaded, so deterministic: on these rows the blend wins on the held-back rows and is kept.
        Assert.True(text.Contains("it is kept"), text);
        var lockText = File.ReadAllText(Path.Combine(_dir, "pipeline.lock.yaml"));
        Assert.Contains("ensemble:\n  holdback_score: ", lockText);
        var savedByTune = ModelStore.Resolve(ModelStore.DefaultModelPath(pipeline.Settings));
        var data = Path.Combine(_dir, "iris.csv");
        var (tunedScores, tunedClasses) = Predict(ModelStore.Load(new MLContext(1), savedByTune, out _), pipeline, data);

        // The build reads the lock back (every member's values checked against the space) and emits the members.
        var pinned = Create(lockText);
        Assert.True(pinned.PinnedEnsemble.Count >= 2);
        Assert.Equal(1.0, pinned.PinnedEnsemble.Sum(m => m.Weight), 3);
        output = new StringWriter();
        exit = PipelineApp.Run(["train"], pinned, output, error);
        Assert.True(exit == 0, output + "\n" + error);
        Assert.Contains($"Training the ensemble pinned in the lock file ({pinned.PinnedEnsemble.Count} members", output.ToString());
        var (trainedScores, trainedClasses) = Predict(ModelStore.Load(new MLContext(1), ModelStore.Resolve(ModelStore.DefaultModelPath(pinned.Settings)), out _), pinned, data);
        Assert.Equal(tunedClasses, trainedClasses);
        for (int r = 0; r < tunedScores.Length; r++)
            for (int c = 0; c < tunedScores[r].Length; c++)
                Assert.Equal(tunedScores[r][c], trainedScores[r][c], 4); // weights round-trip through the lock's text

        // The blend is not the single pinned winner: the ensemble path really ran.
        var ml = new MLContext(1);
        var (singleScores, _) = Predict(pinned.BuildPipeline(ml).Fit(pinned.LoadData(ml, data)), pinned, data);
        Assert.Contains(Enumerable.Range(0, singleScores.Length), r => Math.Abs(singleScores[r].Max() - trainedScores[r].Max()) > 1e-3);
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
