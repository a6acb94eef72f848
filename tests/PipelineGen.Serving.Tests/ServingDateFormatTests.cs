using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.ML;
using PipelineGen.Runtime.Training;
using static PipelineGen.Serving.Tests.ServingGenerationTests;

namespace PipelineGen.Serving.Tests;

/// <summary>
/// Issue #17 served: a date column with a declared format (data.columns.pickup.format) is read with it by the binder,
/// so a day-first request is scored as predict scores it; a value off the format is a 400 naming the field and the
/// format, and the OpenAPI description says the format instead of claiming RFC 3339 date-times.
/// </summary>
public sealed class ServingDateFormatTests
{
    private const string Format = "dd/MM/yyyy HH:mm:ss";

    private const string Spec = $"""
        version: 1
        name: Fares
        task:
          kind: regression
          label: fare
        data:
          train: taxis_serving_dayfirst.csv
          columns:
            pickup: {"{"} type: datetime, format: "{Format}" {"}"}
        model:
          trainer: lightgbm
          params:
            iterations: 20
            min_examples_per_leaf: 5
            threads: 1
        """;

    // TestData/taxis_serving_dayfirst.csv is taxis_serving.csv with every pickup written day-first (March 2019).
    private const string Period = "[2019-03-01 08:12:28, 2019-03-31 21:26:33]";

    private static Task<GeneratedServiceHost> Start() => GeneratedServiceHost.StartAsync(Spec, "Fares",
        schema: path => Schema(path, "taxis_serving_dayfirst.csv", 120,
            C("pickup", 0, "datetime"), C("passengers", 1, "numeric"), C("distance", 2, "numeric"), C("fare", 3, "numeric")),
        data: "taxis_serving_dayfirst.csv");

    private static string Row(string pickup) => $$"""{"pickup": {{pickup}}, "passengers": 1, "distance": 2.5}""";

    [Fact]
    public async Task A_day_first_request_is_read_with_the_format_and_scored_as_predict_scores_it()
    {
        await using var host = await Start();

        // 12 March, inside the training period; read month-first (December 3) it would be far outside it.
        using var response = await host.PostJsonAsync("/predict", Row("\"12/03/2019 12:00:00\""));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var served = JsonDocument.Parse(body);
        Assert.Empty(served.RootElement.GetProperty("warnings").EnumerateArray());

        var json = PredictStep.PredictJson(new MLContext(seed: 1), host.Pipeline, Row("\"12/03/2019 12:00:00\""), host.ModelPath, out var warnings);
        Assert.Empty(warnings);
        Assert.Equal(Convert.ToSingle(json["Score"], CultureInfo.InvariantCulture), served.RootElement.GetProperty("prediction").GetProperty("score").GetSingle());

        var openApi = JsonDocument.Parse(await host.Client.GetStringAsync("/openapi/v1.json"));
        var pickup = openApi.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("FaresInput").GetProperty("properties").GetProperty("pickup");
        Assert.False(pickup.TryGetProperty("format", out _));
        Assert.EndsWith($"Training period {Period} (UTC). Written in the format '{Format}' (e.g. 24/03/2019 13:45:00).", pickup.GetProperty("description").GetString());
    }

    [Fact]
    public async Task A_value_off_the_format_is_a_400_naming_the_field_and_the_format()
    {
        await using var host = await Start();
        foreach (var (value, expected) in new[]
        {
            ("\"2019-03-12 12:00:00\"", $"'pickup' = '2019-03-12 12:00:00' does not match the date format '{Format}' of column 'pickup'."),
            ("20190312", $"'pickup' must be a date and time string in the format '{Format}', got a number."),
        })
        {
            using var response = await host.PostJsonAsync("/predict", Row(value));
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(expected, JsonDocument.Parse(body).RootElement.GetProperty("errors").GetProperty("pickup")[0].GetString());
        }
    }
}
