using System.Diagnostics;
using System.Text;
using System.Text.Json;
using PipelineGen.Runtime.Evaluation;

namespace PipelineGen.Runtime.Tuning;

/// <summary>What a worker process evaluates: written as JSON by the study, read by the hidden <c>tune-trial</c> command.</summary>
internal sealed record TrialRequest(Dictionary<string, double> Params, string Data, int? Seed, string Metric, string? OutOfFoldPath = null, double? Fraction = null);

/// <summary>What a worker process answers (a file, written atomically): the outcome, or the error of a failed trial.</summary>
internal sealed record TrialResponse(double? Value, double? StdDev, int Splits, string? Error);

/// <summary>
/// How to start this same program again as a worker: the running executable (or <c>dotnet app.dll</c>) and the
/// arguments the user put before the command (e.g. a pipeline selector like <c>leaky</c>), so the worker runs the
/// same generated pipeline.
/// </summary>
internal sealed record WorkerCommand(string FileName, IReadOnlyList<string> PrefixArguments)
{
    public static WorkerCommand Current(string commandName)
    {
        var exe = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this program is unknown, so no worker process can be started; run without --workers.");
        var args = Environment.GetCommandLineArgs();
        var prefix = new List<string>();
        if (Path.GetFileNameWithoutExtension(exe).Equals("dotnet", StringComparison.OrdinalIgnoreCase)) prefix.Add(args[0]);
        var rest = args.Skip(1).ToList();
        int index = rest.IndexOf(commandName);
        if (index > 0) prefix.AddRange(rest.Take(index));
        return new WorkerCommand(exe, prefix);
    }
}

/// <summary>
/// Runs each trial in a child process of the same program (<c>tune-trial --request f --result g</c>). ML.NET holds a
/// process-wide lock around LightGBM fits and a running Fit cannot be cancelled: separate processes run in parallel and
/// can be ended when the time budget runs out. A worker that dies (a native crash) fails its trial, not the study.
/// </summary>
internal sealed class ProcessTrialExecutor(WorkerCommand command, string workDirectory, string searchFile, int? seed, string metric)
{
    /// <summary>When set, each worker writes its trial's out-of-fold predictions there (ensemble candidates; full-budget trials only).</summary>
    public string? OutOfFoldDirectory { get; init; }

    public Task<TrialOutcome> Execute(int number, Configuration configuration, CancellationToken cancellation) =>
        Execute(number, configuration, null, cancellation);

    /// <summary>One trial trained on <paramref name="fraction"/> of each training fold (successive halving's rungs; null: all).</summary>
    public async Task<TrialOutcome> Execute(int number, Configuration configuration, double? fraction, CancellationToken cancellation)
    {
        Directory.CreateDirectory(workDirectory);
        string tag = fraction is { } f and < 1 ? $"trial-{number}-f{f.ToString("0.######", System.Globalization.CultureInfo.InvariantCulture)}" : $"trial-{number}";
        var request = Path.Combine(workDirectory, $"{tag}.request.json");
        var result = Path.Combine(workDirectory, $"{tag}.result.json");
        File.Delete(result);
        // Out-of-fold predictions only from trials fitted on the full training folds: a low rung's are not comparable.
        string? outOfFold = OutOfFoldDirectory is null || fraction is < 1 ? null : Ensembles.OutOfFoldStore.PathOf(OutOfFoldDirectory, number);
        await File.WriteAllTextAsync(request, JsonSerializer.Serialize(new TrialRequest(new Dictionary<string, double>(configuration), searchFile, seed, metric, outOfFold, fraction)), cancellation).ConfigureAwait(false);

        var start = new ProcessStartInfo(command.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in command.PrefixArguments) start.ArgumentList.Add(a);
        foreach (var a in new[] { "tune-trial", "--request", request, "--result", result }) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start a worker ({command.FileName}).");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { /* already gone */ }
            throw;
        }
        await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
        try
        {
            if (!File.Exists(result))
            {
                var last = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "no output";
                throw new TrialFailedException($"the worker process exited with code {process.ExitCode} without a result ({last})");
            }
            var response = JsonSerializer.Deserialize<TrialResponse>(await File.ReadAllTextAsync(result, CancellationToken.None).ConfigureAwait(false))!;
            if (response.Error is not null) throw new TrialFailedException(response.Error);
            return new TrialOutcome(response.Value ?? double.NaN, response.StdDev, response.Splits);
        }
        finally
        {
            File.Delete(request);
            File.Delete(result);
        }
    }

    /// <summary>The worker's side: evaluate the request with the same code as an in-process trial and write the response atomically.</summary>
    public static void Serve(ITunablePipeline pipeline, string requestPath, string resultPath)
    {
        var request = JsonSerializer.Deserialize<TrialRequest>(File.ReadAllText(requestPath))
            ?? throw new ArgumentException($"{requestPath}: not a trial request.");
        TrialResponse response;
        try
        {
            var outcome = PipelineTuner.Evaluate(pipeline, new Configuration(request.Params), request.Data, request.Seed, request.Metric, request.OutOfFoldPath, request.Fraction);
            response = new TrialResponse(double.IsFinite(outcome.Value) ? outcome.Value : null, outcome.StdDev, outcome.Splits,
                double.IsFinite(outcome.Value) ? null : $"the metric {request.Metric} was undefined for this configuration");
        }
        catch (Exception e) when (e is not (OutOfMemoryException or Data.DataValidationException))
        {
            int newline = e.Message.IndexOfAny(['\r', '\n']);
            response = new TrialResponse(null, null, 0, $"{e.GetType().Name}: {(newline < 0 ? e.Message : e.Message[..newline])}");
        }
        var temp = resultPath + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(response), new UTF8Encoding(false));
        File.Move(temp, resultPath, overwrite: true);
    }
}
