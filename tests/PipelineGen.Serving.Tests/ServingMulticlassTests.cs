using System.Net;
using System.Text.Json;
using Microsoft.ML;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Training;
using PipelineGen.Runtime.Tuning.Ensembles;

namespace PipelineGen.Serving.Tests;

/// <summary>
/// A generated multiclass pipeline served over HTTP: <c>score</c> is a vector in the model's class order (the order the
/// training data met the classes, here 3, 1, 2), so the answer names the class of each slot (<c>classes</c>), and each
/// named score equals what <c>predict --json</c> gives for the same row. Before, the service sent the vector alone and
/// nothing in the API (answer, OpenAPI, /ready) said which class a score belonged to.
/// </summary>
public sealed class ServingMulticlassTests
{
    private const string Spec = """
        version: 1
        name: Classes
        task:
          kind: multiclass
          label: pclass
        data:
          train: titanic_train.csv
          columns:
            pclass: { type: categorical }
        metric: macro_accuracy
        model:
          trainer: lbfgs
        """;

    [Fact]
    public Task Served_scores_are_named_by_class_and_equal_predict_json_for_the_same_rows() =>
        ServedScoresEqualPredictJson(model: null);

    [Fact]
    public Task A_tuned_ensembles_scores_are_named_by_class_too() =>
        // What tune keeps: the members' class-probability vectors averaged (its Score slots named by the members' slots).
        ServedScoresEqualPredictJson(pipeline =>
        {
            var ml = new MLContext(seed: 1);
            var data = pipeline.LoadData(ml, pipeline.Settings.ResolvePath(pipeline.Settings.TrainDataPath));
            var blend = EnsembleModel.Compose(ml, MlTaskKind.MulticlassClassification, data.Schema,
                [(pipeline.BuildPipeline(ml).Fit(data), 0.7), (pipeline.BuildPipeline(ml).Fit(ml.Data.TakeRows(data, 200)), 0.3)], data);
            var file = Path.Combine(pipeline.Settings.ProjectDirectory, "blend.zip");
            ml.Model.Save(blend, data.Schema, file);
            return file;
        });

    private static async Task ServedScoresEqualPredictJson(Func<IPipelineDefinition, string>? model)
    {
        await using var host = await GeneratedServiceHost.StartAsync(Spec, "Classes", model);
        var rows = File.ReadLines(Path.Combine(host.Project, "titanic_test.csv")).Skip(1).Take(20).Select(RowJson).ToArray();
        using var batch = await host.PostJsonAsync("/predict/batch", "[" + string.Join(",", rows) + "]");
        var body = await batch.Content.ReadAsStringAsync();
        Assert.True(batch.StatusCode == HttpStatusCode.OK, body);
        using var document = JsonDocument.Parse(body);
        var classes = document.RootElement.GetProperty("classes").EnumerateArray().Select(c => c.GetString()!).ToArray();
        // The model's order, not sorted: a client that assumed sorted names would pair the wrong scores.
        Assert.Equal(["3", "1", "2"], classes);
        var predictions = document.RootElement.GetProperty("predictions").EnumerateArray().ToArray();
        var ml = new MLContext(seed: 1);
        var predicted = new HashSet<string>();
        for (var i = 0; i < rows.Length; i++)
        {
            var expected = PredictStep.PredictJson(ml, host.Pipeline, rows[i], host.ModelPath);
            var expectedScores = ((IReadOnlyDictionary<string, object>)expected["Score"]!).ToDictionary(p => p.Key, p => Convert.ToSingle(p.Value, System.Globalization.CultureInfo.InvariantCulture));
            var served = predictions[i].GetProperty("score").EnumerateArray().Select(s => s.GetSingle()).ToArray();
            Assert.Equal(classes.Length, served.Length);
            for (var k = 0; k < classes.Length; k++)
                Assert.True(Math.Abs(expectedScores[classes[k]] - served[k]) <= 1e-6, $"row {i}, class {classes[k]}: predict {expectedScores[classes[k]]}, served {served[k]}");
            var label = predictions[i].GetProperty("predictedLabel").GetString()!;
            Assert.Equal(expected["PredictedLabel"]?.ToString(), label);
            Assert.Equal(classes[Array.IndexOf(served, served.Max())], label);
            predicted.Add(label);
        }
        Assert.True(predicted.Count > 1, "the rows should not all get one class, or the pairing would not be tested");

        using var single = await host.PostJsonAsync("/predict", rows[0]);
        using var one = JsonDocument.Parse(await single.Content.ReadAsStringAsync());
        Assert.Equal(classes, one.RootElement.GetProperty("classes").EnumerateArray().Select(c => c.GetString()!).ToArray());
    }

    /// <summary>A test-file line (survived,pclass,sex,age,sibsp,parch,fare,embarked) without its label pclass; empty = null.</summary>
    private static string RowJson(string line)
    {
        var c = line.Split(',');
        string Number(string s) => s.Length == 0 ? "null" : s;
        string Text(string s) => s.Length == 0 ? "null" : JsonSerializer.Serialize(s);
        return $$"""{"survived": {{Number(c[0])}}, "sex": {{Text(c[2])}}, "age": {{Number(c[3])}}, "sibsp": {{Number(c[4])}}, "parch": {{Number(c[5])}}, "fare": {{Number(c[6])}}, "embarked": {{Text(c[7])}}}""";
    }
}
