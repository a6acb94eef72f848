using System.Runtime.Loader;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.ML;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Training;
using PipelineGen.Spec.Data;

namespace PipelineGen.Serving.Tests;

/// <summary>
/// A spec run through the generator (referencing PipelineGen.Serving), compiled and loaded, trained with <c>train</c>'s
/// own code in a temp project holding the titanic test files, and served on a loopback port.
/// </summary>
public sealed class GeneratedServiceHost : IAsyncDisposable
{
    private GeneratedServiceHost(string project, IPipelineDefinition pipeline, WebApplication app, string modelPath)
    {
        Project = project;
        ModelPath = modelPath;
        Pipeline = pipeline;
        App = app;
        Client = new HttpClient { BaseAddress = PipelineServer.Address(app), Timeout = TimeSpan.FromSeconds(60) };
    }

    public string Project { get; }
    /// <summary>The model served (as predict's --model would name it).</summary>
    public string ModelPath { get; }
    public IPipelineDefinition Pipeline { get; }
    public WebApplication App { get; }
    public HttpClient Client { get; }

    /// <summary>Generates the spec named <paramref name="name"/> (types Boats.&lt;name&gt;Pipeline, Input, Prediction), trains and serves it.</summary>
    /// <param name="model">Makes the model to serve from the trained pipeline (returns its path); null serves what train wrote.</param>
    /// <param name="schema">The inferred schema of the spec's data (ServingGenerationTests.Schema); null is titanic's.</param>
    /// <param name="data">Further TestData files the spec trains on, copied into the project.</param>
    public static async Task<GeneratedServiceHost> StartAsync(string spec, string name, Func<IPipelineDefinition, string>? model = null,
        Func<string, InferredSchema>? schema = null, params string[] data)
    {
        var (output, _) = ServingGenerationTests.Generate(referenceServing: true, spec, schema);
        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        image.Position = 0;
        var assembly = AssemblyLoadContext.Default.LoadFromStream(image);
        var pipelineType = assembly.GetType($"Boats.{name}Pipeline")!;
        System.Runtime.CompilerServices.RuntimeHelpers.RunModuleConstructor(pipelineType.Module.ModuleHandle);
        var project = TitanicServingPipeline.NewProjectDirectory();
        foreach (var file in data) File.Copy(Path.Combine(AppContext.BaseDirectory, "TestData", file), Path.Combine(project, file));
        var defaults = (PipelineSettings)pipelineType.GetProperty("DefaultSettings")!.GetValue(null)!;
        var pipeline = (IPipelineDefinition)Activator.CreateInstance(pipelineType, defaults with { ProjectDirectory = project })!;
        TrainStep.Train(new MLContext(seed: 1), pipeline);
        var build = typeof(PipelineServer).GetMethod(nameof(PipelineServer.Build))!
            .MakeGenericMethod(assembly.GetType($"Boats.{name}Input")!, assembly.GetType($"Boats.{name}Prediction")!);
        var modelPath = model?.Invoke(pipeline) ?? ModelStore.DefaultModelPath(pipeline.Settings);
        var app = (WebApplication)build.Invoke(null, [pipeline, new ServingOptions { Port = 0, ModelPath = modelPath }, null])!;
        await app.StartAsync();
        return new GeneratedServiceHost(project, pipeline, app, modelPath);
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json) =>
        Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        try { Directory.Delete(Project, recursive: true); } catch (IOException) { }
    }
}
