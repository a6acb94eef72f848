using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.ML;
using PipelineGen.Runtime.Training;
using static PipelineGen.Serving.Tests.ServingGenerationTests;

namespace PipelineGen.Serving.Tests;

/// <summary>
/// A date/time feature served: a row from another period than training (the taxi fixture is March 2019) is predicted
/// with a warning naming the column and the training period, as predict says it, through the same check; a value that
/// is not a date is a 400 naming the field.
/// </summary>
public sealed class ServingDateTests
{
    private const string Spec = """
        version: 1
        name: Fares
        task:
          kind: regression
          label: fare
        data:
          train: taxis_serving.csv
        model:
          trainer: lightgbm
          params:
            iterations: 20
            min_examples_per_leaf: 5
            threads: 1
        """;

    // The earliest and latest pickup of TestData/taxis_serving.csv (120 rides).
    private const string Period = "[2019-03-01 08:12:28, 2019-03-31 21:26:33]";

    private static Task<GeneratedServiceHost> Start() => GeneratedServiceHost.StartAsync(Spec, "Fares",
        schema: path => Schema(path, "taxis_serving.csv", 120,
            C("pickup", 0, "datetime"), C("passengers", 1, "numeric"), C("distance", 2, "numeric"), C("fare", 3, "numeric")),
        data: "taxis_serving.csv");

    private static string Row(string pickup) => $$"""{"pickup": {{pickup}}, "passengers": 1, "distance": 2.5}""";

    [Fact]
    public async Task A_date_outside_the_training_period_is_predicted_with_a_warning_naming_the_column_and_period()
    {
        await using var host = await Start();

        var inside = await Served(host, Row("\"2019-03-15 12:00:00\""));
        Assert.Empty(inside.Warnings);

        var later = await Served(host, Row("\"2021-07-04 16:11:55\""));
        var warning = Assert.Single(later.Warnings);
        Assert.StartsWith($"'pickup' = '2021-07-04 16:11:55': far outside the training range {Period} (by more than 10% of its width)", warning);

        // The warning does not change the answer: the served score is predict's for the same row, which warns alike.
        var json = PredictStep.PredictJson(new MLContext(seed: 1), host.Pipeline, Row("\"2021-07-04 16:11:55\""), host.ModelPath, out var warnings);
        Assert.Equal(Convert.ToSingle(json["Score"], CultureInfo.InvariantCulture), later.Score);
        Assert.Equal(warning, Assert.Single(warnings));

        // A batch names the row.
        using var batch = await host.PostJsonAsync("/predict/batch", $"[{Row("\"2019-03-15 12:00:00\"")}, {Row("\"2018-01-01\"")}]");
        var body = await batch.Content.ReadAsStringAsync();
        Assert.True(batch.StatusCode == HttpStatusCode.OK, body);
        Assert.StartsWith("rows[1]: 'pickup' = '2018-01-01': far outside the training range " + Period,
            Assert.Single(JsonDocument.Parse(body).RootElement.GetProperty("warnings").EnumerateArray()).GetString());

        // The OpenAPI description says the period a client should stay in.
        var openApi = await host.Client.GetStringAsync("/openapi/v1.json");
        Assert.Contains($"Training period {Period} (UTC).", openApi);
    }

    [Fact]
    public async Task A_value_that_is_not_a_date_is_a_400_naming_the_field()
    {
        await using var host = await Start();
        foreach (var (value, expected) in new[]
        {
            ("\"yesterday\"", "'pickup' = 'yesterday' is not a date and time. Write dates as ISO 8601"),
            ("20190315", "'pickup' must be a date and time as an ISO 8601 string (e.g. \"2024-05-01T13:00:00\"), got a number."),
        })
        {
            using var response = await host.PostJsonAsync("/predict", Row(value));
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var errors = JsonDocument.Parse(body).RootElement.GetProperty("errors");
            Assert.StartsWith(expected, errors.GetProperty("pickup")[0].GetString());
        }
    }

    private static async Task<(float Score, string[] Warnings)> Served(GeneratedServiceHost host, string row)
    {
        using var response = await host.PostJsonAsync("/predict", row);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var document = JsonDocument.Parse(body);
        return (document.RootElement.GetProperty("prediction").GetProperty("score").GetSingle(),
            document.RootElement.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()!).ToArray());
    }
}
