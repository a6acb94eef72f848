using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.ML;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Serving.Tests;

/// <summary>A trained model in a temp project and the real service on a loopback port (Kestrel, port 0), called over HTTP.</summary>
public sealed class ServingHost : IAsyncDisposable
{
    private ServingHost(string project, TitanicServingPipeline pipeline, WebApplication app)
    {
        Project = project;
        Pipeline = pipeline;
        App = app;
        Client = new HttpClient { BaseAddress = PipelineServer.Address(app), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Project { get; }
    public TitanicServingPipeline Pipeline { get; }
    public WebApplication App { get; }
    public HttpClient Client { get; }
    public Uri Address => Client.BaseAddress!;

    /// <summary>Trains the test model with <c>train</c>'s own code (model store, card, training profile).</summary>
    public static string Train(TitanicServingPipeline pipeline) =>
        TrainStep.Train(new MLContext(seed: 1), pipeline).ModelPath;

    public static async Task<ServingHost> StartAsync(Action<ServingOptions>? configure = null, bool train = true, double? threshold = null, string? project = null,
        Func<PipelineSettings, PipelineSettings>? settings = null)
    {
        project ??= TitanicServingPipeline.NewProjectDirectory();
        var pipeline = new TitanicServingPipeline(project, threshold);
        if (settings is not null) pipeline = new TitanicServingPipeline(project, threshold) { Settings = settings(pipeline.Settings) };
        if (train) Train(pipeline);
        var options = new ServingOptions { Port = 0, ReloadInterval = TimeSpan.FromMilliseconds(200) };
        configure?.Invoke(options);
        var app = PipelineServer.Build<TitanicRow, TitanicScore>(pipeline, options);
        await app.StartAsync();
        return new ServingHost(project, pipeline, app);
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json) =>
        Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    public static async Task<JsonElement> JsonOf(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public const string GoodRow = """{"pclass": 3, "sex": "male", "age": 22, "sibsp": 1, "parch": 0, "fare": 7.25, "embarked": "S"}""";

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        try { Directory.Delete(Project, recursive: true); } catch (IOException) { }
    }
}
