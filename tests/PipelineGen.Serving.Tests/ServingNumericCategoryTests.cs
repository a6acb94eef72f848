using System.Net;
using System.Text.Json;
using Microsoft.ML;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Serving.Tests;

/// <summary>
/// A categorical column whose categories are numbers (pclass 1, 2, 3): JSON does not tell 3 from 3.0, and a client that
/// serialises a float column sends 3.0. The service and <c>predict --json</c> used the raw text "3.0", a category never
/// seen in training (a warning and another probability: 0.69 instead of 0.43 on the Titanic example), while the browser
/// page's <c>String(3.0)</c> is "3". Now a number names the training category of its value on every path.
/// </summary>
public sealed class ServingNumericCategoryTests
{
    private const string Spec = """
        version: 1
        name: Ports
        task:
          kind: binary
          label: survived
        data:
          train: titanic_train.csv
          columns:
            pclass: { type: categorical }
        model:
          trainer: lightgbm
          params:
            iterations: 20
            threads: 1
        """;

    [Fact]
    public async Task A_number_names_the_training_category_of_its_value_in_the_service_and_predict_json()
    {
        await using var host = await GeneratedServiceHost.StartAsync(Spec, "Ports");
        string Row(string pclass) => $$"""{"pclass": {{pclass}}, "sex": "female", "age": 30, "sibsp": 0, "parch": 0, "fare": 20, "embarked": "S"}""";

        var reference = await Served(host, Row("\"1\""));
        Assert.Empty(reference.Warnings);
        foreach (var written in new[] { "1", "1.0", "1e0", "1.00" })
        {
            var served = await Served(host, Row(written));
            Assert.True(served.Warnings.Length == 0, $"{written}: {string.Join("; ", served.Warnings)}");
            Assert.Equal(reference.Probability, served.Probability);
            var json = PredictStep.PredictJson(new MLContext(seed: 1), host.Pipeline, Row(written), null, out var warnings);
            Assert.Empty(warnings);
            Assert.Equal(reference.Probability, Convert.ToSingle(json["Probability"], System.Globalization.CultureInfo.InvariantCulture));
        }
        // Another class of the same column scores differently, so the comparison above can fail.
        Assert.NotEqual(reference.Probability, (await Served(host, Row("3"))).Probability);
        // A number that is no training category is still the unseen value it was.
        var unseen = await Served(host, Row("4.0"));
        Assert.Contains(unseen.Warnings, w => w.Contains("'pclass' = '4.0'") && w.Contains("not seen in training"));
    }

    private static async Task<(float Probability, string[] Warnings)> Served(GeneratedServiceHost host, string row)
    {
        using var response = await host.PostJsonAsync("/predict", row);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var document = JsonDocument.Parse(body);
        return (document.RootElement.GetProperty("prediction").GetProperty("probability").GetSingle(),
            document.RootElement.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()!).ToArray());
    }
}
