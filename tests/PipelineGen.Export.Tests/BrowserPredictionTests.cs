using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Export.Tests;

/// <summary>The Survival spec (binary, LightGBM on Titanic's tabular columns) trained once.</summary>
public sealed class TrainedSurvival : IDisposable
{
    public TempPipeline Pipeline { get; } = TempPipeline.Trained(new SurvivalPipeline());
    public void Dispose() => Pipeline.Delete();
}

/// <summary>The Iris spec (multiclass, L-BFGS maximum entropy on four measurements) trained once.</summary>
public sealed class TrainedIris : IDisposable
{
    public TempPipeline Pipeline { get; } = TempPipeline.Trained(new IrisPipeline());
    public void Dispose() => Pipeline.Delete();
}

/// <summary>
/// End to end: a trained model exported by <c>export onnx</c> with onnxruntime-web vendored from a real npm install, the
/// page served by a real HTTP server on loopback and opened in Debian's headless Chromium (playwright-core). The
/// browser's predictions for held-out rows (Specs/data/*-holdout.csv: 40, 40 and 30 rows of the public datasets that are
/// not in the training files) must equal ML.NET's within the export's parity tolerance; the form with a field left empty must name it.
/// </summary>
[Collection("browser")]
public sealed class BrowserPredictionTests(TrainedTaxis taxis, TrainedSurvival survival, TrainedIris iris, TrainedForestSurvival forest)
    : IClassFixture<TrainedTaxis>, IClassFixture<TrainedSurvival>, IClassFixture<TrainedIris>, IClassFixture<TrainedForestSurvival>
{
    // The export's default parity tolerance (ExportOptions): |ML.NET - browser| <= t + t·|ML.NET|.
    private static readonly double Tolerance = new ExportOptions().AbsoluteTolerance;

    [BrowserFact]
    public void Regression_the_browser_predicts_held_out_rows_as_MLNET_does_and_the_form_names_a_missing_field()
    {
        var run = RunInBrowser(taxis.Pipeline, "taxis-holdout.csv", leaveEmpty: "distance");
        for (int i = 0; i < run.MlNet.Count; i++)
            AssertClose(run.MlNet[i].Score[0], run.Browser[i]!["Score"]!.GetValue<double>(), $"row {i + 1} Score");
        Assert.Equal(["Score"], run.Browser[0]!.AsObject().Select(p => p.Key));
        Assert.Contains("predicted fare", run.Result["formText"]!.GetValue<string>());
    }

    [BrowserFact]
    public void Binary_the_browser_predicts_held_out_rows_as_MLNET_does_and_the_form_names_a_missing_field()
    {
        var run = RunInBrowser(survival.Pipeline, "titanic-holdout.csv", leaveEmpty: "sex");
        for (int i = 0; i < run.MlNet.Count; i++)
        {
            var browser = run.Browser[i]!;
            AssertClose(run.MlNet[i].Score[0], browser["Score"]!.GetValue<double>(), $"row {i + 1} Score");
            AssertClose(run.MlNet[i].Probability!.Value, browser["Probability"]!.GetValue<double>(), $"row {i + 1} Probability");
            Assert.True(Equals(run.MlNet[i].PredictedLabel, browser["PredictedLabel"]!.GetValue<bool>()), $"row {i + 1}: ML.NET says {run.MlNet[i].PredictedLabel}, the browser {browser["PredictedLabel"]}");
        }
        // Both classes occur among the held-out predictions, so the comparison of labels is not vacuous.
        Assert.Contains(run.MlNet, p => Equals(p.PredictedLabel, true));
        Assert.Contains(run.MlNet, p => Equals(p.PredictedLabel, false));
        Assert.Contains("probability", run.Result["formText"]!.GetValue<string>());
    }

    /// <summary>
    /// A forest's decision lies where its out-of-fold Platt Probability is 1/2, not at Score 0 (ModelDecision): the page
    /// reads that threshold from model.json and gives ML.NET's label also on the rows whose Score lies in between.
    /// </summary>
    [BrowserFact]
    public void Binary_forest_the_browser_decides_at_the_models_own_threshold_as_MLNET_does()
    {
        var run = RunInBrowser(forest.Pipeline, "titanic.csv", leaveEmpty: "sex");
        var threshold = ModelDecision.ScoreThreshold(ModelStore.Load(new MLContext(1), forest.Pipeline.ModelPath, out _));
        var between = 0;
        for (int i = 0; i < run.MlNet.Count; i++)
        {
            var score = run.MlNet[i].Score[0];
            if (score > Math.Min(0f, threshold) && score <= Math.Max(0f, threshold)) between++;
            Assert.True(Equals(run.MlNet[i].PredictedLabel, run.Browser[i]!["PredictedLabel"]!.GetValue<bool>()), $"row {i + 1} (Score {score}, model threshold {threshold}): ML.NET says {run.MlNet[i].PredictedLabel}, the browser {run.Browser[i]!["PredictedLabel"]}");
        }
        Assert.True(between > 0, $"no held-out row has a Score between 0 and the model's threshold {threshold}: the test would not tell the two rules apart");
    }

    [BrowserFact]
    public void Multiclass_the_browser_predicts_held_out_rows_as_MLNET_does_and_the_form_names_a_missing_field()
    {
        var run = RunInBrowser(iris.Pipeline, "iris-holdout.csv", leaveEmpty: "petal_width");
        for (int i = 0; i < run.MlNet.Count; i++)
        {
            var ml = run.MlNet[i];
            var scores = run.Browser[i]!["Score"]!.AsObject();
            // Class scores keyed by the class names ML.NET gives the Score slots, in the same order.
            Assert.Equal(ml.Classes!, scores.Select(p => p.Key));
            for (int k = 0; k < ml.Score.Length; k++)
                AssertClose(ml.Score[k], scores[ml.Classes![k]]!.GetValue<double>(), $"row {i + 1} Score[{ml.Classes[k]}]");
            Assert.Equal(ml.PredictedLabel, run.Browser[i]!["PredictedLabel"]!.GetValue<string>());
        }
        Assert.Equal(3, run.MlNet.Select(p => p.PredictedLabel).Distinct().Count());
        Assert.Contains("predicted species", run.Result["formText"]!.GetValue<string>());
    }

    internal sealed record MlNetPrediction(float[] Score, double? Probability, object? PredictedLabel, string[]? Classes = null);

    internal sealed record BrowserRun(IReadOnlyList<MlNetPrediction> MlNet, JsonArray Browser, JsonObject Result);

    internal static BrowserRun RunInBrowser(TempPipeline pipeline, string holdoutFile, string leaveEmpty)
    {
        var toolchain = BrowserToolchain.Instance;
        var output = new StringWriter();
        var error = new StringWriter();
        int code = PipelineApp.Run(["export", "onnx", "--rows", "100", "--onnxruntime-web", toolchain.OnnxRuntimeWeb], pipeline, output, error);
        Assert.True(code == 0, $"export onnx exited {code}: {output}{error}");
        Console.WriteLine(output);
        var web = Path.Combine(Path.GetDirectoryName(ModelStore.Resolve(pipeline.ModelPath))!, WebBundle.DirectoryName);
        Assert.Contains($"Wrote the browser page {web}", output.ToString());
        foreach (var file in WebBundle.RuntimeFiles) Assert.True(File.Exists(Path.Combine(web, "ort", file)), $"ort/{file} was not vendored");

        var (rows, mlnet) = HeldOut(pipeline, Path.Combine(pipeline.Directory, "data", holdoutFile));
        // The form row: complete, and every category one the form's lists offer (seen in training).
        var meta = JsonNode.Parse(File.ReadAllText(Path.Combine(web, "model.json")))!;
        var lists = meta["inputs"]!.AsArray().Where(c => c!["categories"] is not null)
            .ToDictionary(c => c!["name"]!.GetValue<string>(), c => c!["categories"]!.AsArray().Select(v => v!.GetValue<string>()).ToHashSet());
        var formRow = rows.First(r => r.All(p => p.Value is not null and not "" && (!lists.TryGetValue(p.Key, out var l) || l.Contains((string)p.Value))));
        var scratch = Directory.CreateTempSubdirectory("pg-browser-").FullName;
        try
        {
            var job = Path.Combine(scratch, "job.json");
            var resultPath = Path.Combine(scratch, "result.json");
            File.WriteAllText(job, JsonSerializer.Serialize(new { rows, formRow, leaveEmpty, userDataDir = Path.Combine(scratch, "profile") }));
            using var server = new StaticFileServer(web);
            var (exit, log) = BrowserToolchain.Run("node", [toolchain.DriverScript, server.Url, job, resultPath], toolchain.Directory, TimeSpan.FromMinutes(5));
            Assert.True(File.Exists(resultPath), $"the browser driver wrote no result (exit {exit}):\n{log}");
            var result = JsonNode.Parse(File.ReadAllText(resultPath))!.AsObject();
            Assert.True(exit == 0, $"the browser driver failed (exit {exit}): {result["error"]}\nconsole: {result["console"]?.ToJsonString()}\n{log}");

            // Everything the page loaded came from the loopback server: no CDN, no other host.
            var requests = result["requests"]!.AsArray().Select(r => r!.GetValue<string>()).ToArray();
            Assert.All(requests, r => Assert.StartsWith(server.Url, r));
            Assert.Contains(server.Url + "ort/ort-wasm-simd-threaded.wasm", requests);
            Assert.Contains(server.Url + "model.onnx", requests);

            var browser = result["predictions"]!.AsArray();
            Assert.Equal(mlnet.Count, browser.Count);
            Assert.Equal(File.ReadLines(Path.Combine(pipeline.Directory, "data", holdoutFile)).Count() - 1, browser.Count);

            // The batch API refuses a row without a column, naming the row and the column.
            var batchMissing = result["batchMissing"]!.AsObject();
            Assert.True(batchMissing["name"]?.GetValue<string>() == "MissingFieldError", $"predictRows scored a row without '{leaveEmpty}': {batchMissing.ToJsonString()}");
            Assert.Equal($"row 1: missing value for field '{leaveEmpty}'; the model needs it.", batchMissing["message"]!.GetValue<string>());
            Assert.Equal([leaveEmpty], batchMissing["fields"]!.AsArray().Select(n => n!.GetValue<string>()));

            // (b) The form with one field left empty: the field is named, marked, and nothing is predicted.
            var missing = result["formMissing"]!.AsObject();
            Assert.Equal($"Missing field: {leaveEmpty}", missing["message"]!.GetValue<string>());
            Assert.Equal(leaveEmpty, missing["missing"]!.GetValue<string>());
            Assert.Equal([leaveEmpty], missing["invalid"]!.AsArray().Select(n => n!.GetValue<string>()));
            Assert.False(missing["predictionShown"]!.GetValue<bool>());

            // The complete form shows the same prediction the batch API gave for that row.
            int formIndex = rows.IndexOf(formRow);
            Assert.True(JsonNode.DeepEquals(browser[formIndex], result["formPrediction"]), $"form {result["formPrediction"]!.ToJsonString()} vs batch {browser[formIndex]!.ToJsonString()}");
            return new BrowserRun(mlnet, browser, result);
        }
        finally
        {
            try { Directory.Delete(scratch, recursive: true); } catch (IOException) { }
        }
    }

    // The held-out rows as the pipeline's own loader reads them (feature columns; NaN as null, which the page reads as a
    // missing value), and ML.NET's predictions for them from the stored model.
    private static (List<Dictionary<string, object?>> Rows, List<MlNetPrediction> Predictions) HeldOut(TempPipeline pipeline, string path)
    {
        var settings = pipeline.Settings;
        var ml = new MLContext(seed: settings.Seed);
        var model = ModelStore.Load(ml, pipeline.ModelPath, out _);
        var data = pipeline.LoadData(ml, path);
        var scored = model.Transform(data);
        var features = settings.Features.ToArray();
        var rows = new List<Dictionary<string, object?>>();
        var predictions = new List<MlNetPrediction>();
        using var cursor = scored.GetRowCursor(scored.Schema);
        var readers = features.ToDictionary(f => f.Name, f => Reader(cursor, scored.Schema[f.Name]));
        var probability = scored.Schema.GetColumnOrNull("Probability") is { } p ? cursor.GetGetter<float>(p) : null;
        var label = settings.Task == MlTaskKind.BinaryClassification ? cursor.GetGetter<bool>(scored.Schema["PredictedLabel"]) : null;
        if (settings.Task == MlTaskKind.MulticlassClassification)
        {
            // Class names as ML.NET annotates the Score slots; the predicted class is the label value of the top score.
            VBuffer<ReadOnlyMemory<char>> names = default;
            scored.Schema["Score"].Annotations.GetValue("SlotNames", ref names);
            var classes = names.DenseValues().Select(n => n.ToString()).ToArray();
            var vector = cursor.GetGetter<VBuffer<float>>(scored.Schema["Score"]);
            var value = cursor.GetGetter<ReadOnlyMemory<char>>(scored.Schema["PredictedLabelValue"]);
            while (cursor.MoveNext())
            {
                rows.Add(readers.ToDictionary(r => r.Key, r => r.Value()));
                VBuffer<float> v = default;
                ReadOnlyMemory<char> predicted = default;
                vector(ref v);
                value(ref predicted);
                predictions.Add(new MlNetPrediction(v.DenseValues().ToArray(), null, predicted.ToString(), classes));
            }
            return (rows, predictions);
        }
        var score = cursor.GetGetter<float>(scored.Schema["Score"]);
        while (cursor.MoveNext())
        {
            rows.Add(readers.ToDictionary(r => r.Key, r => r.Value()));
            float s = 0, pr = 0;
            bool l = false;
            score(ref s);
            probability?.Invoke(ref pr);
            label?.Invoke(ref l);
            predictions.Add(new MlNetPrediction([s], probability is null ? null : pr, label is null ? null : l));
        }
        return (rows, predictions);
    }

    private static Func<object?> Reader(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var type = column.Type.RawType;
        if (type == typeof(float)) { var g = cursor.GetGetter<float>(column); return () => { float v = 0; g(ref v); return float.IsNaN(v) ? null : v; }; }
        if (type == typeof(bool)) { var g = cursor.GetGetter<bool>(column); return () => { bool v = false; g(ref v); return v; }; }
        if (type == typeof(ReadOnlyMemory<char>)) { var g = cursor.GetGetter<ReadOnlyMemory<char>>(column); return () => { ReadOnlyMemory<char> v = default; g(ref v); return v.ToString(); }; }
        throw new InvalidOperationException($"Feature '{column.Name}' has type {column.Type}");
    }

    internal static void AssertClose(double mlnet, double browser, string what) =>
        Assert.True(Math.Abs(mlnet - browser) <= Tolerance + Tolerance * Math.Abs(mlnet),
            $"{what}: ML.NET {mlnet:R}, browser {browser:R} (tolerance {Tolerance} + {Tolerance}·|ML.NET|)");
}

[CollectionDefinition("browser", DisableParallelization = true)]
public sealed class BrowserCollection;
