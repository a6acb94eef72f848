using System.Globalization;
using System.Net;
using System.Runtime.Loader;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Serving.Tests;

/// <summary>
/// A generated pipeline with the dense network (issue 15), trained with <c>train</c>'s own code, served by the real
/// service on a loopback port: what the HTTP endpoints return equals what the saved model predicts in process (the
/// network is an ONNX graph inside the model zip, scored by ML.NET's ONNX transform on both paths).
/// </summary>
public sealed class DenseServingTests
{
    private const string DenseSpec = """
        version: 1
        name: DenseBoats
        task:
          kind: binary
          label: survived
        data:
          train: titanic_train.csv
        model:
          trainer: dense
          params:
            layers: [16, 8]
            epochs: 30
            batch_size: 32
            learning_rate: 0.003
            seed: 1
        """;

    [Fact]
    public async Task Served_predictions_of_a_generated_dense_pipeline_equal_the_saved_models_in_process_predictions()
    {
        var (output, _) = ServingGenerationTests.Generate(referenceServing: true, DenseSpec);
        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        image.Position = 0;
        var assembly = AssemblyLoadContext.Default.LoadFromStream(image);
        var pipelineType = assembly.GetType("Boats.DenseBoatsPipeline")!;
        var inputType = assembly.GetType("Boats.DenseBoatsInput")!;
        var predictionType = assembly.GetType("Boats.DenseBoatsPrediction")!;
        System.Runtime.CompilerServices.RuntimeHelpers.RunModuleConstructor(pipelineType.Module.ModuleHandle);

        var project = TitanicServingPipeline.NewProjectDirectory();
        try
        {
            var defaults = (PipelineSettings)pipelineType.GetProperty("DefaultSettings")!.GetValue(null)!;
            Assert.Equal("dense", defaults.TrainerName);
            var pipeline = (IPipelineDefinition)Activator.CreateInstance(pipelineType, defaults with { ProjectDirectory = project })!;
            TrainStep.Train(new MLContext(seed: 1), pipeline);

            // In process: the saved model, loaded as predict/test/serve load it, over the first 25 test rows.
            var testPath = Path.Combine(project, "titanic_test.csv");
            var ml = new MLContext(seed: 1);
            var model = ModelStore.Load(ml, ModelStore.DefaultModelPath(pipeline.Settings), out _);
            var scored = model.Transform(ml.Data.TakeRows(pipeline.LoadData(ml, testPath), 25));
            var expectedProbability = scored.GetColumn<float>("Probability").ToArray();
            var expectedScore = scored.GetColumn<float>("Score").ToArray();
            var expectedLabel = scored.GetColumn<bool>("PredictedLabel").ToArray();
            Assert.Equal(25, expectedProbability.Length);
            Assert.True(expectedProbability.Distinct().Count() > 5, "the network's probabilities should differ between passengers");

            var build = typeof(PipelineServer).GetMethod(nameof(PipelineServer.Build))!.MakeGenericMethod(inputType, predictionType);
            var app = (WebApplication)build.Invoke(null, [pipeline, new ServingOptions { Port = 0 }, null])!;
            await app.StartAsync();
            try
            {
                using var client = new HttpClient { BaseAddress = PipelineServer.Address(app), Timeout = TimeSpan.FromSeconds(60) };
                var rows = File.ReadLines(testPath).Skip(1).Take(25).Select(RowJson).ToArray();
                using var batch = await client.PostAsync("/predict/batch", Json("[" + string.Join(",", rows) + "]"));
                var body = await batch.Content.ReadAsStringAsync();
                Assert.True(batch.StatusCode == HttpStatusCode.OK, body);
                using var document = JsonDocument.Parse(body);
                var predictions = document.RootElement.GetProperty("predictions").EnumerateArray().ToArray();
                Assert.Equal(25, predictions.Length);
                for (var i = 0; i < predictions.Length; i++)
                {
                    Assert.Equal(expectedProbability[i], predictions[i].GetProperty("probability").GetSingle());
                    Assert.Equal(expectedScore[i], predictions[i].GetProperty("score").GetSingle());
                    Assert.Equal(expectedLabel[i], predictions[i].GetProperty("predictedLabel").GetBoolean());
                }

                // One row on its own (the single-row endpoint, PredictionEngine path) gives the same as in the batch.
                using var single = await client.PostAsync("/predict", Json(rows[3]));
                var one = await single.Content.ReadAsStringAsync();
                Assert.True(single.StatusCode == HttpStatusCode.OK, one);
                using var oneDocument = JsonDocument.Parse(one);
                Assert.Equal(expectedProbability[3], oneDocument.RootElement.GetProperty("prediction").GetProperty("probability").GetSingle());
            }
            finally
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }
        finally
        {
            try { Directory.Delete(project, recursive: true); } catch (IOException) { }
        }
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>A test-file line (survived,pclass,sex,age,sibsp,parch,fare,embarked) as the request's JSON row; empty = null.</summary>
    private static string RowJson(string line)
    {
        var c = line.Split(',');
        string Number(string s) => s.Length == 0 ? "null" : double.Parse(s, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture);
        string Text(string s) => s.Length == 0 ? "null" : JsonSerializer.Serialize(s);
        return $$"""{"pclass": {{Number(c[1])}}, "sex": {{Text(c[2])}}, "age": {{Number(c[3])}}, "sibsp": {{Number(c[4])}}, "parch": {{Number(c[5])}}, "fare": {{Number(c[6])}}, "embarked": {{Text(c[7])}}}""";
    }
}
