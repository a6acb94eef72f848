using System.Net;
using System.Text.Json;

namespace PipelineGen.Serving.Tests;

/// <summary>The endpoints over real HTTP: one row, a batch, warnings, health/ready, OpenAPI from the generated types.</summary>
public sealed class ServingEndpointTests : IAsyncLifetime
{
    private ServingHost _host = null!;

    public async Task InitializeAsync() => _host = await ServingHost.StartAsync();
    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Predict_returns_the_models_prediction_for_one_row()
    {
        using var response = await _host.PostJsonAsync("/predict", ServingHost.GoodRow);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ServingHost.JsonOf(response);
        var probability = body.GetProperty("prediction").GetProperty("probability").GetSingle();
        Assert.InRange(probability, 0f, 1f);
        Assert.Empty(body.GetProperty("warnings").EnumerateArray());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("modelVersion").GetString()));

        // The same row through ML.NET directly gives the same probability: the service adds nothing to the model.
        var direct = _host.App.Services.GetService(typeof(ModelHost<TitanicRow, TitanicScore>)) as ModelHost<TitanicRow, TitanicScore>;
        var expected = direct!.Current.Predict(new TitanicRow { Pclass = 3, Sex = "male", Age = 22, Sibsp = 1, Parch = 0, Fare = 7.25f, Embarked = "S" });
        Assert.Equal(expected.Probability, probability);
    }

    [Fact]
    public async Task A_woman_in_first_class_scores_higher_than_a_man_in_third()
    {
        using var man = await _host.PostJsonAsync("/predict", ServingHost.GoodRow);
        using var woman = await _host.PostJsonAsync("/predict", """{"pclass": 1, "sex": "female", "age": 30, "sibsp": 0, "parch": 0, "fare": 80, "embarked": "C"}""");
        var pMan = (await ServingHost.JsonOf(man)).GetProperty("prediction").GetProperty("probability").GetSingle();
        var pWoman = (await ServingHost.JsonOf(woman)).GetProperty("prediction").GetProperty("probability").GetSingle();
        Assert.True(pWoman > pMan, $"woman {pWoman} vs man {pMan}");
    }

    [Fact]
    public async Task Batch_returns_one_prediction_per_row_in_order()
    {
        var rows = $"[{ServingHost.GoodRow}, " + """{"pclass": 1, "sex": "female", "age": 30, "sibsp": 0, "parch": 0, "fare": 80, "embarked": "C"}""" + $", {ServingHost.GoodRow}]";
        using var response = await _host.PostJsonAsync("/predict/batch", rows);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var predictions = (await ServingHost.JsonOf(response)).GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("probability").GetSingle()).ToArray();
        Assert.Equal(3, predictions.Length);
        Assert.Equal(predictions[0], predictions[2]);
        Assert.NotEqual(predictions[0], predictions[1]);
    }

    [Fact]
    public async Task Missing_values_where_training_had_them_are_accepted_as_null_or_absent()
    {
        using var response = await _host.PostJsonAsync("/predict", """{"pclass": 3, "sex": "male", "age": null, "sibsp": 1, "parch": 0, "fare": 7.25}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Unseen_category_and_far_out_number_predict_with_warnings()
    {
        using var response = await _host.PostJsonAsync("/predict", """{"pclass": 3, "sex": "unknown", "age": 22, "sibsp": 1, "parch": 0, "fare": 99999, "embarked": "S"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ServingHost.JsonOf(response);
        var warnings = body.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()!).ToArray();
        Assert.Contains(warnings, w => w.Contains("'sex' = 'unknown'") && w.Contains("not seen in training"));
        Assert.Contains(warnings, w => w.Contains("'fare' = 99999") && w.Contains("far outside the training range"));
        Assert.True(body.GetProperty("prediction").TryGetProperty("probability", out _));
    }

    [Fact]
    public async Task Health_and_ready_report_the_loaded_model()
    {
        using var health = await _host.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var ready = await _host.Client.GetAsync("/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var body = await ServingHost.JsonOf(ready);
        Assert.True(body.GetProperty("ready").GetBoolean());
        Assert.True(body.GetProperty("inputsChecked").GetBoolean());
    }

    [Fact]
    public async Task OpenApi_document_describes_the_generated_types_with_column_names_and_training_facts()
    {
        using var response = await _host.Client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await ServingHost.JsonOf(response);
        Assert.True(document.GetProperty("paths").TryGetProperty("/predict", out _));
        Assert.True(document.GetProperty("paths").TryGetProperty("/predict/batch", out _));
        var schemas = document.GetProperty("components").GetProperty("schemas");
        var input = schemas.GetProperty(nameof(TitanicRow));
        var properties = input.GetProperty("properties");
        Assert.Contains("Training range", properties.GetProperty("fare").GetProperty("description").GetString());
        Assert.Contains("Seen in training: female, male", properties.GetProperty("sex").GetProperty("description").GetString());
        var required = input.GetProperty("required").EnumerateArray().Select(r => r.GetString()).ToHashSet();
        Assert.Contains("sex", required);
        Assert.DoesNotContain("age", required);
        Assert.DoesNotContain("survived", required);
        Assert.True(schemas.TryGetProperty(nameof(TitanicScore), out var score) && score.GetProperty("properties").TryGetProperty("probability", out _));
    }

    [Fact]
    public async Task Server_binds_to_loopback_by_default()
    {
        Assert.True(IPAddress.IsLoopback(IPAddress.Parse(_host.Address.Host)));
        await Task.CompletedTask;
    }
}
