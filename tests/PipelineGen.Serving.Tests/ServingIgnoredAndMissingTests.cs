using System.Net;
using System.Text.Json;

namespace PipelineGen.Serving.Tests;

/// <summary>
/// A client sending whole rows: the label (and ignored columns) may hold anything, and a number column's missing token
/// from the spec (data.missing_values) is a missing value, as in the data file and predict --json. Over real HTTP.
/// </summary>
public sealed class ServingIgnoredAndMissingTests
{
    private static async Task<double> Probability(ServingHost host, string json)
    {
        using var response = await host.PostJsonAsync("/predict", json);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("prediction").GetProperty("probability").GetDouble();
    }

    private static string Row(string age, string extra = "") =>
        $$"""{{{extra}}"pclass": 3, "sex": "male", "age": {{age}}, "sibsp": 1, "parch": 0, "fare": 7.25, "embarked": "S"}""";

    [Fact]
    public async Task A_label_of_the_wrong_type_is_ignored_as_the_docs_say_not_a_400()
    {
        await using var host = await ServingHost.StartAsync();
        var without = await Probability(host, Row("22"));
        // survived is a number column; a client that labels its rows "yes", or sends an object there, still gets the prediction.
        foreach (var label in new[] { "\"yes\"", "true", "{\"a\": 1}", "[1, 2]", "1", "null" })
            Assert.Equal(without, await Probability(host, Row("22", $"\"survived\": {label}, ")));
        using var batch = await host.PostJsonAsync("/predict/batch", $"[{Row("22", "\"survived\": \"no\", ")}, {Row("22")}]");
        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
    }

    [Fact]
    public async Task A_declared_numeric_missing_token_is_read_as_missing()
    {
        await using var plain = await ServingHost.StartAsync();
        // Without the token -999 is an age (the youngest there is): another prediction than an unknown age.
        Assert.NotEqual(await Probability(plain, Row("null")), await Probability(plain, Row("-999")));

        await using var host = await ServingHost.StartAsync(settings: s => s with { MissingValueTokens = ["", "?", "NA", "NaN", "null", "-999"] });
        var unknown = await Probability(host, Row("null"));
        Assert.Equal(unknown, await Probability(host, Row("-999")));
        Assert.NotEqual(unknown, await Probability(host, Row("-998")));
    }

    [Fact]
    public async Task A_declared_missing_token_sent_as_a_string_is_missing_and_any_other_string_is_a_400()
    {
        // As predict --json reads the same request: "NA" (exactly a token) is missing, anything else in quotes is refused.
        await using var host = await ServingHost.StartAsync(settings: s => s with { MissingValueTokens = ["", "NA"] });
        var unknown = await Probability(host, Row("null"));
        Assert.Equal(unknown, await Probability(host, Row("\"NA\"")));
        Assert.Equal(unknown, await Probability(host, Row("\"\"")));
        Assert.NotEqual(unknown, await Probability(host, Row("80")));
        foreach (var other in new[] { "\"na\"", "\" NA\"", "\"22\"", "\"NaN\"" })
        {
            using var response = await host.PostJsonAsync("/predict", Row(other));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{other}: {response.StatusCode}: {body}");
            using var problem = JsonDocument.Parse(body);
            var message = problem.RootElement.GetProperty("errors").GetProperty("age")[0].GetString();
            Assert.Equal("'age' must be a number (or null, or exactly one of the missing tokens \"\", \"NA\" as a string, when missing), got a string.", message);
        }
    }

    private static Func<PipelineGen.Runtime.PipelineSettings, PipelineGen.Runtime.PipelineSettings> OwnTokens(string column, params string[] tokens) =>
        s => s with { Columns = s.Columns.Select(c => c.Name == column ? c with { MissingTokens = tokens } : c).ToArray() };

    [Fact]
    public async Task A_columns_own_missing_token_is_missing_in_that_column_only()
    {
        // data.columns.age.missing_values: ["-1"]: -1 (a number, or the string "-1") is an unknown age ...
        await using var host = await ServingHost.StartAsync(settings: OwnTokens("age", "-1"));
        var unknown = await Probability(host, Row("null"));
        Assert.Equal(unknown, await Probability(host, Row("-1")));
        Assert.Equal(unknown, await Probability(host, Row("\"-1\"")));
        // ... but in fare, which lists no token of its own, the string "-1" is refused as any string is.
        using var response = await host.PostJsonAsync("/predict", Row("22").Replace("\"fare\": 7.25", "\"fare\": \"-1\"", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);

        // The token on another column leaves -1 an age (another prediction than an unknown one).
        await using var other = await ServingHost.StartAsync(settings: OwnTokens("fare", "-1"));
        Assert.NotEqual(await Probability(other, Row("null")), await Probability(other, Row("-1")));
    }
}
