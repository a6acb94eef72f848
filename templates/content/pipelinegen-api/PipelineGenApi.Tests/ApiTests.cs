using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace SampleModel.Tests;

/// <summary>Calls the running web API over HTTP, as a client would. Train the model first: dotnet run --project WEBAPP_PROJECT_NAME -- train.</summary>
public sealed class ApiTests(ApiServer server) : IClassFixture<ApiServer>
{
    [Fact]
    public async Task Health_answers()
    {
        var response = await server.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ready = await server.Client.GetAsync("/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task Predict_returns_a_prediction_for_one_passenger()
    {
        // One row, properties named as the data's columns (the label may be left out).
        var row = new { pclass = 1, sex = "female", age = 29, sibsp = 0, parch = 0, fare = 80, embarked = "S" };
        var response = await server.Client.PostAsJsonAsync("/predict", row);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");

        using var json = JsonDocument.Parse(body);
        var prediction = json.RootElement.GetProperty("prediction");
        var probability = prediction.GetProperty("probability").GetSingle();
        Assert.InRange(probability, 0f, 1f);
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("modelVersion").GetString()));
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_is_a_400_naming_the_column()
    {
        var response = await server.Client.PostAsJsonAsync("/predict", new { pclass = 1, sex = "female", age = "old", sibsp = 0, parch = 0, fare = 80, embarked = "S" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("age", await response.Content.ReadAsStringAsync());
    }
}
