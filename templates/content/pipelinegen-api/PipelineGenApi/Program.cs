using PipelineGen.Serving;
using SampleModel;

// The classes used here are generated from pipeline.yaml when you build.
// 'dotnet run -- train' (or any other step: explore, evaluate, curve, test, predict, run, '--help' lists them) runs the
// workflow's command line; 'dotnet run' with no step (or only ASP.NET Core options such as --urls) starts the web API.
if (args.Length > 0 && (!args[0].StartsWith('-') || args[0] is "--help" or "-h"))
    return SampleModelPipeline.RunCommandLine(args);

var builder = WebApplication.CreateBuilder(args);

// Secure default: this machine only, on the spec's deploy.rest.port. --urls (or ASPNETCORE_URLS) overrides it.
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
    builder.WebHost.UseUrls($"http://127.0.0.1:{SampleModelServing.DefaultPort}");

// Loads the current model of the pipeline when the app starts (no model yet: the app stops and says to train first).
// Options: o.ApiKey (X-Api-Key required on /predict, /predict/batch, /drift), o.MaxRequestBodyBytes, o.MaxBatchRows.
builder.Services.AddSampleModelServing(o => o.ApiKey = builder.Configuration["PIPELINEGEN_API_KEY"]);

var app = builder.Build();

// POST /predict, POST /predict/batch, GET /drift, GET /health, GET /ready and GET /openapi/v1.json.
// Pass a prefix ("/titanic") to put them under a path; the returned group takes your own authorization or rate limiting.
app.MapSampleModelEndpoints();

try
{
    app.Run();
    return 0;
}
catch (ServingStartupException e)
{
    // No model, or one that does not load: say why (and what to do) instead of a stack trace.
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
