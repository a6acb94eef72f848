using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PipelineGen.Runtime;

namespace PipelineGen.Serving;

/// <summary>
/// The typed endpoints of one pipeline, for any ASP.NET Core app: <see cref="AddPipelineServing{TInput,TPrediction}"/>
/// registers the model host (loaded at start-up: a missing or broken model stops the app with the reason) and OpenAPI;
/// <see cref="MapPipelineEndpoints{TInput,TPrediction}"/> maps <c>POST /predict</c>, <c>POST /predict/batch</c>,
/// <c>GET /drift</c>, <c>GET /health</c> and <c>GET /ready</c>. Generated projects that reference this package get
/// <c>Add&lt;Name&gt;Serving</c>/<c>Map&lt;Name&gt;Endpoints</c>, which call these with their own types.
/// </summary>
public static class PipelineEndpoints
{
    /// <summary>How responses are written: web naming, and NaN/∞ scores as the strings "NaN"/"Infinity" instead of a 500.</summary>
    public static JsonSerializerOptions ResponseJson { get; } = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    // Rows are flat objects of scalars: more depth than this is not a row, and a deep document is refused before it is walked.
    private static readonly JsonDocumentOptions BodyJson = new() { MaxDepth = 8 };

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IServiceProvider, object> OpenApiMapped = new();

    /// <summary>How many field errors one 400 lists (a million bad rows must not make a million-line answer).</summary>
    public const int MaxErrorsListed = 20;

    /// <summary>Registers the model host of <paramref name="pipeline"/> (loaded when the app starts) and, unless turned off, OpenAPI.</summary>
    public static IServiceCollection AddPipelineServing<TInput, TPrediction>(this IServiceCollection services, IPipelineDefinition pipeline, ServingOptions? options = null)
        where TInput : class, new() where TPrediction : class, new()
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        options ??= new ServingOptions();
        services.AddProblemDetails();
        services.AddSingleton(sp => new ModelHost<TInput, TPrediction>(pipeline, options, sp.GetService<ILoggerFactory>()?.CreateLogger("PipelineGen.Serving")));
        services.AddHostedService(sp => new ModelHostStarter<TInput, TPrediction>(sp.GetRequiredService<ModelHost<TInput, TPrediction>>()));
        if (options.OpenApi)
            services.AddOpenApi(o =>
            {
                o.AddSchemaTransformer(new ColumnSchemaTransformer<TInput, TPrediction>(pipeline.Settings));
                o.AddDocumentTransformer((document, _, _) =>
                {
                    document.Info.Title = $"{pipeline.Settings.Name} prediction service";
                    document.Info.Description = $"Predictions of the PipelineGen pipeline '{pipeline.Settings.Name}' ({pipeline.Settings.Task}, trainer {pipeline.Settings.TrainerName}).";
                    return Task.CompletedTask;
                });
            });
        return services;
    }

    /// <summary>
    /// Maps the endpoints under <paramref name="prefix"/> (e.g. "" or "/titanic"); the OpenAPI document is at
    /// <c>/openapi/v1.json</c> when <see cref="ServingOptions.OpenApi"/> is on. Returns the group, so callers can add
    /// their own authorization or rate limiting.
    /// </summary>
    public static RouteGroupBuilder MapPipelineEndpoints<TInput, TPrediction>(this IEndpointRouteBuilder endpoints, string prefix = "")
        where TInput : class, new() where TPrediction : class, new()
    {
        var host = endpoints.ServiceProvider.GetRequiredService<ModelHost<TInput, TPrediction>>();
        var options = host.Options;
        var name = host.Pipeline.Settings.Name;
        var group = endpoints.MapGroup(prefix).WithTags(name);

        group.MapGet("/health", () => Results.Json(new { status = "alive" }, ResponseJson))
            .WithName($"{name}Health").WithSummary("Liveness: the process answers.").Produces(StatusCodes.Status200OK);
        group.MapGet("/ready", () => Ready(host))
            .WithName($"{name}Ready").WithSummary("Readiness: a model is loaded (503 until then).")
            .Produces<ReadyResponse>(StatusCodes.Status200OK).Produces<ReadyResponse>(StatusCodes.Status503ServiceUnavailable);

        var api = group.MapGroup("");
        if (!string.IsNullOrEmpty(options.ApiKey)) api.AddEndpointFilter(new ApiKeyFilter(options.ApiKey));
        api.MapPost("/predict", (Func<HttpContext, Task<IResult>>)(context => Predict(context, host)))
            .WithName($"{name}Predict")
            .WithSummary($"Predict one row of '{name}'.")
            .WithDescription("The body is one row: the data's columns as properties. A missing required column or a value of the wrong type is a 400 naming the field; a category never seen in training, a number far outside the training range or a date far outside the training period is predicted, with warnings.")
            .Accepts<TInput>("application/json")
            .Produces<PredictionResponse<TPrediction>>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        api.MapPost("/predict/batch", (Func<HttpContext, Task<IResult>>)(context => PredictBatch(context, host)))
            .WithName($"{name}PredictBatch")
            .WithSummary($"Predict up to {options.MaxBatchRows} rows of '{name}' in one request.")
            .WithDescription("The body is a JSON array of rows. Any invalid row makes the whole request a 400 naming the row and field (rows[3].age); predictions come back in the order given.")
            .Accepts<TInput[]>("application/json")
            .Produces<BatchPredictionResponse<TPrediction>>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        api.MapGet("/drift", () => Results.Json(host.Current.Drift.Report(host.Current.Version), ResponseJson))
            .WithName($"{name}Drift")
            .WithSummary("Inputs received since the model was loaded, compared with its training profile (PSI, KS; verdicts stable, moderate, major, notcomputed as in 'explore').")
            .Produces<DriftReport>(StatusCodes.Status200OK);
        // Several pipelines in one app share one document: map its route once per app.
        if (options.OpenApi && OpenApiMapped.TryAdd(endpoints.ServiceProvider, new object())) endpoints.MapOpenApi();
        return group;
    }

    private static IResult Ready<TInput, TPrediction>(ModelHost<TInput, TPrediction> host)
        where TInput : class, new() where TPrediction : class, new()
    {
        if (!host.IsLoaded)
            return Results.Json(new ReadyResponse(false, null, null, false, "the model is not loaded yet", host.LastReloadError), ResponseJson, statusCode: StatusCodes.Status503ServiceUnavailable);
        var current = host.Current;
        return Results.Json(new ReadyResponse(true, current.Version, current.LoadedAt, current.ProfileNote is null, current.ProfileNote, host.LastReloadError), ResponseJson);
    }

    private static async Task<IResult> Predict<TInput, TPrediction>(HttpContext context, ModelHost<TInput, TPrediction> host)
        where TInput : class, new() where TPrediction : class, new()
    {
        var (document, problem) = await ReadJson(context, host.Options);
        if (problem is not null) return problem;
        using (document)
        {
            var served = host.Current;
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            var warnings = new List<string>();
            var row = served.Binder.Bind(document!.RootElement, "", errors, warnings);
            if (row is null) return Invalid(errors, "The row does not match the model's input.");
            var prediction = served.Predict(row);
            served.Drift.Observe(row);
            return Results.Json(new PredictionResponse<TPrediction> { Prediction = prediction, Warnings = warnings, ModelVersion = served.Version, Classes = served.Classes }, ResponseJson);
        }
    }

    private static async Task<IResult> PredictBatch<TInput, TPrediction>(HttpContext context, ModelHost<TInput, TPrediction> host)
        where TInput : class, new() where TPrediction : class, new()
    {
        var (document, problem) = await ReadJson(context, host.Options);
        if (problem is not null) return problem;
        using (document)
        {
            var root = document!.RootElement;
            var max = host.Options.MaxBatchRows;
            if (root.ValueKind != JsonValueKind.Array)
                return Invalid(new() { ["$"] = [$"expected a JSON array of rows, got {RowBinder<TInput>.Describe(root.ValueKind)}. For one row use POST /predict."] }, "The batch is not an array.");
            var count = root.GetArrayLength();
            if (count == 0)
                return Invalid(new() { ["$"] = ["the batch is empty; send at least one row."] }, "The batch is empty.");
            if (count > max)
                return Invalid(new() { ["$"] = [$"the batch has {count} rows; at most {max} are accepted per request. Split it into several requests."] }, "The batch is too large.");
            var served = host.Current;
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            var warnings = new List<string>();
            var rows = new List<TInput>(count);
            int index = 0;
            foreach (var element in root.EnumerateArray())
            {
                var row = served.Binder.Bind(element, index, errors, warnings);
                if (row is not null) rows.Add(row);
                index++;
                if (errors.Count >= MaxErrorsListed) break;
            }
            if (errors.Count > 0)
                return Invalid(errors, errors.Count >= MaxErrorsListed ? $"Rows do not match the model's input (the first {MaxErrorsListed} problems are listed)." : "Rows do not match the model's input.");
            var predictions = new TPrediction[rows.Count];
            var engine = served.Engines.Get();
            try
            {
                for (int i = 0; i < rows.Count; i++) predictions[i] = served.Predict(engine, rows[i]);
            }
            finally
            {
                served.Engines.Return(engine);
            }
            served.Drift.Observe(rows);
            return Results.Json(new BatchPredictionResponse<TPrediction> { Predictions = predictions, Warnings = warnings, ModelVersion = served.Version, Classes = served.Classes }, ResponseJson);
        }
    }

    private static IResult Invalid(Dictionary<string, string[]> errors, string title) =>
        Results.ValidationProblem(errors, title: title, detail: string.Join(" ", errors.Take(3).Select(e => $"{e.Key}: {e.Value[0]}")));

    /// <summary>
    /// Reads the body as JSON: 415 unless it says it is JSON, 413 beyond the size limit (also when a chunked body grows past
    /// it), 408 for a sender slower than Kestrel's minimum rate, 400 for text that is not JSON or nests deeper than a row can.
    /// </summary>
    private static async Task<(JsonDocument? Document, IResult? Problem)> ReadJson(HttpContext context, ServingOptions options)
    {
        var request = context.Request;
        if (!request.HasJsonContentType())
            return (null, Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported content type",
                detail: $"Send the row as JSON with 'Content-Type: application/json' (got '{(string.IsNullOrEmpty(request.ContentType) ? "no content type" : request.ContentType)}')."));
        // Applies the service's limit inside a user's own app too, where the server's limit may be larger.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = options.MaxRequestBodyBytes;
        if (request.ContentLength > options.MaxRequestBodyBytes)
            return (null, TooLarge(options));
        try
        {
            return (await JsonDocument.ParseAsync(request.Body, BodyJson, context.RequestAborted), null);
        }
        catch (JsonException e)
        {
            return (null, Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The body is not valid JSON",
                detail: $"{e.Message} (NaN and Infinity are not JSON numbers: send null for a missing value.)"));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(options));
        }
        catch (BadHttpRequestException e)
        {
            return (null, Results.Problem(statusCode: e.StatusCode, title: "The request body could not be read", detail: e.Message));
        }
    }

    private static IResult TooLarge(ServingOptions options) => Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The body is too large",
        detail: $"Request bodies are limited to {options.MaxRequestBodyBytes} bytes; send fewer rows per request (at most {options.MaxBatchRows} per batch).");

    private sealed class ModelHostStarter<TInput, TPrediction>(ModelHost<TInput, TPrediction> host) : IHostedService
        where TInput : class, new() where TPrediction : class, new()
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            host.Start();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            host.Dispose();
            return Task.CompletedTask;
        }
    }
}
