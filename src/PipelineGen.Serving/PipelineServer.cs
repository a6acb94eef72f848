using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PipelineGen.Runtime;

namespace PipelineGen.Serving;

/// <summary>
/// The stand-alone service that <c>serve</c> runs (and tests start on port 0): Kestrel on <see cref="ServingOptions.Host"/>
/// (127.0.0.1 unless told otherwise) with the body limit, a minimum upload rate for slow senders and a header timeout,
/// no <c>Server</c> header, problem-details bodies for every error status, and no exception details in any response.
/// </summary>
public static class PipelineServer
{
    /// <summary>A slow sender below this rate (after a 5 s grace period) is cut off with 408.</summary>
    public static MinDataRate MinimumUploadRate { get; } = new(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));

    private const string HostLogCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    /// <summary>Builds the app (not started): the pipeline's endpoints at the root, OpenAPI at <c>/openapi/v1.json</c>.</summary>
    public static WebApplication Build<TInput, TPrediction>(IPipelineDefinition pipeline, ServingOptions options, Action<ILoggingBuilder>? logging = null)
        where TInput : class, new() where TPrediction : class, new()
    {
        var address = options.ParseHost();
        // Production: never the developer exception page, whatever ASPNETCORE_ENVIRONMENT says.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production, Args = [] });
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(address, options.Port);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            kestrel.Limits.MinRequestBodyDataRate = MinimumUploadRate;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
        });
        builder.Logging.ClearProviders();
        if (logging is not null) logging(builder.Logging);
        else
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning)
                // A start that fails (no model, a broken one, the port taken) is reported by 'serve' in one line with exit 2;
                // the host's own "Hosting failed to start" log printed the same failure again with its whole stack trace.
                .AddFilter(HostLogCategory, LogLevel.None);
        builder.Services.AddPipelineServing<TInput, TPrediction>(pipeline, options);

        var app = builder.Build();
        // Any unhandled exception becomes a 500 problem-details body without the exception's text or stack.
        app.UseExceptionHandler(error => error.Run(async context =>
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            await Results.Problem(statusCode: 500, title: "The prediction failed",
                detail: "The service could not complete the request; the server log has the cause.").ExecuteAsync(context);
        }));
        // Errors raised before a handler runs (no route, wrong method, and 415 from routing: the JSON endpoints declare
        // that they accept application/json only) get a problem-details body saying what to do.
        app.UseStatusCodePages(async status =>
        {
            var context = status.HttpContext;
            var code = context.Response.StatusCode;
            var (title, detail) = code switch
            {
                StatusCodes.Status415UnsupportedMediaType => ("Unsupported content type",
                    $"Send the row as JSON with 'Content-Type: application/json' (got '{(string.IsNullOrEmpty(context.Request.ContentType) ? "no content type" : context.Request.ContentType)}')."),
                StatusCodes.Status404NotFound => ("No such route", "The routes are POST /predict, POST /predict/batch, GET /drift, GET /health, GET /ready and GET /openapi/v1.json."),
                StatusCodes.Status405MethodNotAllowed => ("Method not allowed", $"{context.Request.Method} is not accepted here: predictions are POST, the other routes GET."),
                _ => (ReasonPhrases.GetReasonPhrase(code), (string?)null),
            };
            await Results.Problem(statusCode: code, title: title, detail: detail).ExecuteAsync(context);
        });
        app.MapPipelineEndpoints<TInput, TPrediction>();
        return app;
    }

    /// <summary>The address the started app listens on (useful with port 0).</summary>
    public static Uri Address(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("The server has no addresses (not started?).");
        return new Uri(addresses.First());
    }
}
