using System.CommandLine;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using PipelineGen.Runtime.Cli;

namespace PipelineGen.Serving;

/// <summary>
/// The <c>serve</c> command. Generated projects that reference PipelineGen.Serving register it for their pipeline (a
/// module initializer in <c>&lt;Name&gt;.Serving.g.cs</c> calls <see cref="PipelineApp.RegisterCommands"/>), so
/// <c>dotnet run -- serve</c> works without the console-only runtime knowing ASP.NET Core.
/// </summary>
/// <param name="defaultPort">The spec's <c>deploy.rest.port</c>, else <see cref="ServingOptions.DefaultPort"/>.</param>
public sealed class ServeCommandContributor<TInput, TPrediction>(int defaultPort = ServingOptions.DefaultPort) : ICommandContributor
    where TInput : class, new() where TPrediction : class, new()
{
    public void Contribute(RootCommand root, CommandServices services)
    {
        var port = new Option<int?>("--port") { Description = $"TCP port (default {defaultPort}: the spec's deploy.rest.port, else {ServingOptions.DefaultPort}; 0 picks a free one)." };
        var host = new Option<string?>("--host") { Description = $"Address to listen on (default 127.0.0.1: this machine only). Another address exposes the model: set {ServingOptions.ApiKeyVariable} too." };
        var model = new Option<string?>("--model") { Description = "Model (default: <project>/.pipelinegen/models/<name>.zip, following <name>/current; a new version written by 'train' is picked up while serving)." };
        var maxBody = new Option<long?>("--max-body-bytes") { Description = "Largest request body accepted (default 1048576)." };
        var maxBatch = new Option<int?>("--max-batch-rows") { Description = "Most rows per batch request (default 1000)." };
        var command = new Command("serve", $"Serve the model over HTTP: POST /predict, POST /predict/batch, GET /drift, /health, /ready, OpenAPI at /openapi/v1.json. An API key is required when {ServingOptions.ApiKeyVariable} is set (header {ServingOptions.ApiKeyHeader}).");
        foreach (var option in new Option[] { port, host, model, maxBody, maxBatch }) command.Options.Add(option);
        command.SetAction(parse =>
        {
            var options = new ServingOptions
            {
                Port = parse.GetValue(port) ?? defaultPort,
                Host = parse.GetValue(host) ?? "127.0.0.1",
                ModelPath = parse.GetValue(model),
                ApiKey = Environment.GetEnvironmentVariable(ServingOptions.ApiKeyVariable) is { Length: > 0 } key ? key : null,
            };
            if (parse.GetValue(maxBody) is long body) options.MaxRequestBodyBytes = body;
            if (parse.GetValue(maxBatch) is int batch) options.MaxBatchRows = batch;
            return Serve(services, options);
        });
        root.Subcommands.Add(command);
    }

    private static int Serve(CommandServices services, ServingOptions options)
    {
        if (options.Port is < 0 or > 65535 || options.MaxRequestBodyBytes < 1 || options.MaxBatchRows < 1)
        {
            services.Error.WriteLine("serve: --port must be 0-65535, --max-body-bytes and --max-batch-rows at least 1.");
            return ExitCodes.BadInput;
        }
        WebApplication? app = null;
        try
        {
            var address = options.ParseHost();
            if (!IPAddress.IsLoopback(address) && options.ApiKey is null)
                services.Error.WriteLine($"warning: listening on {address} without an API key: anyone who can reach this machine can use the model. Set {ServingOptions.ApiKeyVariable}.");
            app = PipelineServer.Build<TInput, TPrediction>(services.Pipeline, options);
            app.Start();
        }
        catch (Exception e) when (e is ServingStartupException or ArgumentException)
        {
            Dispose(app);
            services.Error.WriteLine($"serve: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (IOException e)
        {
            Dispose(app);
            // Kestrel reports an address in use as an IOException.
            services.Error.WriteLine($"serve: cannot listen on {options.Host}:{options.Port}: {e.Message} Choose another --port.");
            return ExitCodes.BadInput;
        }
        var host = app.Services.GetService(typeof(ModelHost<TInput, TPrediction>)) as ModelHost<TInput, TPrediction>;
        services.Output.WriteLine($"Serving '{services.Pipeline.Settings.Name}' (model version {host?.Current.Version}) on {PipelineServer.Address(app)} "
            + $"- POST /predict, POST /predict/batch, GET /drift, /health, /ready, /openapi/v1.json; API key {(options.ApiKey is null ? "not required" : "required")}. Ctrl+C stops.");
        if (host?.Current.ProfileNote is { } note)
            services.Output.WriteLine($"Note: {note}: inputs are not compared with the training data and /drift has no verdicts.");
        services.Output.Flush();
        app.WaitForShutdown();
        return ExitCodes.Ok;
    }

    // An app that failed to start still holds its services (the console logger's queue among them): release them before
    // the command returns, so nothing it logged is written after serve's own message.
    private static void Dispose(WebApplication? app) => (app as IDisposable)?.Dispose();
}
