using System.CommandLine;
using System.Globalization;
using PipelineGen.Runtime.Evaluation;
using PipelineGen.Runtime.Exploration;
using PipelineGen.Runtime.Runs;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Runtime.Cli;

/// <summary>
/// <c>curve</c>, <c>train</c>, <c>test</c> and <c>predict</c> (<c>run</c>, the whole workflow, is <see cref="RunCommandContributor"/>). The work is in the
/// Training area's typed steps; this file parses options and records runs.
/// </summary>
internal sealed class TrainingCommandContributor : ICommandContributor
{
    public void Contribute(RootCommand root, CommandServices services)
    {
        root.Subcommands.Add(Curve(services));
        root.Subcommands.Add(Train(services));
        root.Subcommands.Add(Test(services));
        root.Subcommands.Add(Predict(services));
    }

    private static Option<string?> ModelOption() => new("--model")
    {
        Description = "Model (default: <project>/.pipelinegen/models/<name>.zip: the version that <name>/current points to, with its card; a plain .zip with its card beside it also works).",
    };

    private static Command Curve(CommandServices services)
    {
        var capacities = new Option<string?>("--capacities") { Description = "Comma-separated capacities to try, e.g. 10,20,50,100 (default: 1/8x to 4x the pipeline's)." };
        var metric = new Option<string?>("--metric") { Description = "Metric to plot (default: the spec's metric)." };
        var plot = new Option<string?>("--plot") { Description = "HTML plot path (default: <project>/.pipelinegen/reports/<name>.capacity.html)." };
        var command = new Command("curve", "Capacity: grow the model (trees/iterations) under the spec's evaluation protocol and plot training vs validation metric, mean ± std over the splits. A direction is called only when it beats the split-to-split noise.");
        command.Options.Add(capacities);
        command.Options.Add(metric);
        command.Options.Add(plot);
        services.Options.AddEvaluationOptions(command);
        command.SetAction(parse => services.RunStep("curve", record =>
        {
            var options = new CurveOptions
            {
                Capacities = ParseCapacities(parse.GetValue(capacities)), Metric = parse.GetValue(metric), PlotPath = parse.GetValue(plot),
                Protocol = services.Options.ReadEvaluationOptions(parse),
            };
            if (options.Capacities is not null) record.Parameters["capacities"] = string.Join(",", options.Capacities);
            // One fit per capacity and split can take seconds: a terminal sees what is being fitted on stderr (as train does).
            using var progress = services.Interactive ? new ElapsedLine(services.Error, "curve") : null;
            int exit = CapacityCurve.Run(services.Pipeline, options with { Phase = progress is null ? null : progress.Phase }, services.Output, services.Error, out var curve);
            if (curve is not null)
            {
                record.Parameters["chosen_capacity"] = curve.ChosenCapacity.ToString(CultureInfo.InvariantCulture);
                record.Outcome = CapacityCurve.OutcomeName(curve.Verdict);
                record.Message = curve.Message;
            }
            return exit;
        }));
        return command;
    }

    private static Command Train(CommandServices services)
    {
        var model = ModelOption();
        var specHash = new Option<string?>("--spec-hash") { Description = "Spec hash for the model card (default: the generated pipeline's SpecHash)." };
        var fromRun = new Option<string?>("--evaluation-run") { Description = "Run id whose evaluate metrics go in the card (default: the latest evaluate run of this pipeline)." };
        var command = new Command("train", "Fit the final model on all training data (train + validation; never the test set), save it atomically with a model card.");
        command.Options.Add(model);
        command.Options.Add(specHash);
        command.Options.Add(fromRun);
        command.SetAction(parse => services.RunStep("train", record =>
        {
            var options = new TrainOptions
            {
                ModelPath = parse.GetValue(model),
                SpecHash = parse.GetValue(specHash) ?? SpecHashOf(services.Pipeline),
                Evaluation = ReadableSummary(services, parse.GetValue(fromRun)),
                // A lock file that pins an ensemble: its members are fitted and blended (the model tune --ensemble kept);
                // gates, the card's evaluation and trainer entry are then about the blend.
                Ensemble = PipelineGen.Runtime.Tuning.Ensembles.PinnedEnsembleTraining.Pipeline(services.Pipeline),
            };
            if (options.Ensemble is PipelineGen.Runtime.Tuning.Ensembles.EnsemblePipeline ensemble)
            {
                record.ContextPipeline = ensemble; // the run records the blend's trainer entry, not the single configuration's
                services.Output.WriteLine($"Training the ensemble pinned in the lock file ({ensemble.Members.Count} members, each fitted on all training rows, blended by their weights).");
                foreach (var starting in ensemble.StartingTrialMembers) services.Output.WriteLine("  " + starting);
            }
            record.Parameters["model"] = options.ModelPath ?? ModelStore.DefaultModelPath(services.Pipeline.Settings);
            // With gates, train measures this configuration itself and the card holds those metrics.
            if (options.Evaluation is null && services.Pipeline.Settings.Gates is null)
                services.Output.WriteLine("Note: no evaluate run found; the card will not hold evaluation metrics (run 'evaluate' first, or 'run').");
            // Fitting on large data is silent for a long time: a terminal sees the phase and elapsed time on stderr.
            using var progress = services.Interactive ? new ElapsedLine(services.Error, "train") : null;
            return TrainStep.Run(services.Pipeline, options with { Phase = progress is null ? null : progress.Phase }, services.Output, services.Error, result => RecordTrained(record, result));
        }));
        return command;
    }

    private static Command Test(CommandServices services)
    {
        var model = ModelOption();
        var force = new Option<bool>("--force") { Description = "Evaluate a test set that was already evaluated; recorded in the model card as another look." };
        var command = new Command("test", "Evaluate the saved model on the spec's test data, once. A second look needs --force and is recorded.");
        command.Options.Add(model);
        command.Options.Add(force);
        command.SetAction(parse => services.RunStep("test", record =>
        {
            var options = new TestOptions { ModelPath = parse.GetValue(model), Force = parse.GetValue(force) };
            return RunTest(services, record, options, look => AddLookToReport(services, options, look));
        }));
        return command;
    }

    /// <summary>
    /// Standalone <c>test</c>: the look goes into the evaluation report beside the estimate <c>evaluate</c> stored, when
    /// that estimate was made for this spec, data and model; otherwise the console says why it is not shown.
    /// </summary>
    private static void AddLookToReport(CommandServices services, TestOptions options, TestLook look)
    {
        var settings = services.Pipeline.Settings;
        var card = ModelCard.TryRead(Path.GetFullPath(options.ModelPath ?? ModelStore.DefaultModelPath(settings)));
        TestReportOutcome outcome;
        try
        {
            outcome = TestReport.AddLook(settings, RunContext.Of(services.Pipeline).ToEvaluationContext(null), card, look);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The look is already recorded in the card; only the report could not be rewritten.
            services.Error.WriteLine($"warning: the test look is in the model card, but the evaluation report could not be rewritten: {e.Message}");
            return;
        }
        if (outcome.ReportPath is null)
        {
            services.Output.WriteLine($"Note: the test look was not added to the evaluation report: {outcome.Reason}");
            return;
        }
        foreach (var note in outcome.Notes)
            services.Output.WriteLine(note);
        services.Output.WriteLine($"Report (with the test look): {new Uri(Path.GetFullPath(outcome.ReportPath)).AbsoluteUri}");
    }

    internal static int RunTest(CommandServices services, StepRecord record, TestOptions options, Action<TestLook>? looked = null)
    {
        record.Parameters["force"] = options.Force ? "true" : "false";
        // The metrics of this command's own look (another command may have appended a look to the card meanwhile).
        var sawLook = false;
        var exit = TestStep.Run(services.Pipeline, options, services.Output, services.Error, look =>
        {
            sawLook = true;
            record.Metrics.AddRange(look.Metrics.Select(m => new RunMetric(m.Key, "test", m.Value, null, null, null)));
            // The look beside the card's estimate, so 'runs' shows a test set that disagreed with it.
            if (look.EstimateCheck is { } check) record.Parameters["test_vs_estimate"] = check.Placement;
            // The model's primary metric (its card's), so 'runs' lists the look by it as it does evaluate and tune runs.
            if (ModelCard.TryRead(Path.GetFullPath(options.ModelPath ?? ModelStore.DefaultModelPath(services.Pipeline.Settings)))?.Metric is { } primary)
                record.Parameters["primary_metric"] = primary;
            looked?.Invoke(look);
        });
        // Exit 1 after a look: the test file repeats training rows; without one: the test-once lock refused.
        if (exit == ExitCodes.CheckFailed) record.Outcome = sawLook ? "test-overlaps-training" : "test-locked";
        return exit;
    }

    private static Command Predict(CommandServices services)
    {
        var model = ModelOption();
        var input = new Option<string?>("--input") { Description = "CSV file to score; columns are matched to the pipeline's by header name (the label and unused columns may be left out; a file without a header must list the columns in the spec's order)." };
        var output = new Option<string?>("--output") { Description = $"Where to write the predictions CSV (default: beside the input, its extension replaced, e.g. {Path.Combine("data", "new.csv")} -> {PredictStep.DefaultOutputPath(Path.Combine("data", "new.csv"))})." };
        // Scoring files is not an experiment: recording every call in the run store buries the evaluations in `runs`.
        var logRun = new Option<bool>("--log-run") { Description = "Also record this call in the run store (shown by 'runs'); off by default." };
        var json = new Option<string?>("--json") { Description = "One row as a JSON object, e.g. '{\"age\": 42, \"city\": \"Oslo\"}'; prints the prediction as JSON." };
        var threshold = new Option<double?>("--threshold") { Description = "Binary: predict positive when Probability is at or above this value (0 < t < 1). Default: the spec's task.threshold, else the model's own decision (0.5). The evaluation report shows the precision/recall trade-off to choose it from." };
        var command = new Command("predict", "Score a CSV file (input columns + predictions) or one JSON row with the saved model.");
        command.Options.Add(model);
        command.Options.Add(input);
        command.Options.Add(output);
        command.Options.Add(json);
        command.Options.Add(threshold);
        command.Options.Add(logRun);
        // ML.NET by default: measured end to end, ONNX Runtime did not make 'predict' on a 10k-row file faster (docs/benchmarks.md §6).
        var engine = new Option<ScoringEngine>("--engine") { Description = "File scoring: mlnet (default) scores with ML.NET; auto scores with ONNX Runtime when the app references PipelineGen.Export and the model version has a parity-checked model.onnx ('export onnx'), else ML.NET; onnx requires ONNX Runtime.", DefaultValueFactory = _ => ScoringEngine.MlNet };
        command.Options.Add(engine);
        command.SetAction(parse =>
        {
            var inputPath = parse.GetValue(input);
            var chosen = parse.GetValue(threshold);
            var row = parse.GetValue(json);
            if ((inputPath is null) == (row is null))
            {
                services.Error.WriteLine("predict: give exactly one of --input <file.csv> or --json '<object>'.");
                return ExitCodes.BadInput;
            }
            // One JSON row is a lookup, not a workflow step: stdout stays pure JSON (no run-store line) for piping.
            if (row is not null)
            {
                services.Output.Flush();
                return PredictStep.RunJson(services.Pipeline, row, parse.GetValue(model), services.RawOutput, services.Error, chosen);
            }
            var outputPath = parse.GetValue(output) ?? PredictStep.DefaultOutputPath(inputPath!);
            if (!parse.GetValue(logRun))
                return PredictStep.RunCsv(services.Pipeline, inputPath!, outputPath, parse.GetValue(model), services.Output, services.Error, chosen, parse.GetValue(engine));
            return services.RunStep("predict", record =>
            {
                record.Parameters["input"] = inputPath!;
                record.Parameters["output"] = outputPath;
                if (chosen is double t) record.Parameters["threshold"] = t.ToString(CultureInfo.InvariantCulture);
                return PredictStep.RunCsv(services.Pipeline, inputPath!, outputPath, parse.GetValue(model), services.Output, services.Error, chosen, parse.GetValue(engine));
            });
        });
        return command;
    }

    /// <summary>
    /// The card's estimate of the trained model, gate results and the promotion in the run record, so 'runs' lists a
    /// train run by its primary metric as it does evaluate and tune runs, and 'runs compare' shows them side by side.
    /// </summary>
    internal static void RecordTrained(StepRecord record, TrainResult result)
    {
        record.Parameters["version"] = result.Version;
        if (result.Card.Metrics is { Count: > 0 } metrics)
        {
            record.Parameters["primary_metric"] = result.Card.Metric;
            record.Metrics.AddRange(metrics.Select(m => new RunMetric(m.Key, "model", m.Value.Mean, m.Value.Std, m.Value.CiLow, m.Value.CiHigh, m.Value.Splits, m.Value.ValidationRows, m.Value.UndefinedSplits)));
        }
        if (result.Card.Gates is not { } gates) return;
        foreach (var gate in gates) record.Parameters[$"gate {gate.Gate}"] = gate.Short;
        record.Parameters["promotion"] = (result.Promoted ? "current: " : "candidate: ") + result.Card.Promotion!.Reason;
        record.Outcome = result.Promoted ? "promoted" : gates.Any(g => !g.Passed) ? "gate-failed" : "not-promoted";
    }

    /// <summary>The generator emits <c>public const string SpecHash</c> on the pipeline class; null for hand-written pipelines.</summary>
    internal static string? SpecHashOf(IPipelineDefinition pipeline) =>
        pipeline.Settings.SpecHash; // emitted into the settings by the generator: no reflection over the generated class

    private static IReadOnlyList<int>? ParseCapacities(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 1
                ? v
                : throw new ArgumentException($"--capacities: '{t}' is not a whole number ≥ 1 (expected e.g. 10,20,50)."))
            .ToArray();
    }

    /// <summary>
    /// <see cref="SummaryFromRunStore"/>, but a run history that cannot be opened (read-only folder, full disk) only
    /// costs the card its metrics, with a warning: the model can still be trained and saved.
    /// </summary>
    private static EvaluationSummary? ReadableSummary(CommandServices services, string? runId)
    {
        try
        {
            return SummaryFromRunStore(services, runId);
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            if (runId is not null)
                throw new ArgumentException($"--evaluation-run: cannot read the run history '{services.RunStorePath}': {e.Message}", e);
            services.Error.WriteLine($"warning: cannot read the run history '{services.RunStorePath}' ({e.Message}); the card will not hold evaluation metrics.");
            return null;
        }
    }

    /// <summary>The metrics of an evaluate run in the run store (the latest of this pipeline, or the given id).</summary>
    private static EvaluationSummary? SummaryFromRunStore(CommandServices services, string? runId)
    {
        if (runId is null && !File.Exists(services.RunStorePath)) return null;
        using var store = services.OpenRunStore();
        RunRecord? run;
        if (runId is not null)
            run = store.Get(runId) ?? throw new ArgumentException($"--evaluation-run: no run '{runId}' in {services.RunStorePath}.");
        else
        {
            // The latest evaluate run measured for this spec, data, trainer and hyperparameters; failing that the latest
            // one, which train then reports as measured for a different pipeline (the card says "not evaluated").
            var evaluations = store.List(limit: 200, pipeline: services.Pipeline.Settings.Name)
                .Where(r => r.Step == "evaluate" && r.Metrics.Any(m => m.Role == "model")).ToArray();
            // With an ensemble pinned, what train makes is the blend: look for an evaluate run of the blend.
            IPipelineDefinition trained = PipelineGen.Runtime.Tuning.Ensembles.PinnedEnsembleTraining.Pipeline(services.Pipeline) as IPipelineDefinition ?? services.Pipeline;
            var current = evaluations.Length == 0 ? null : RunContext.Of(trained).ToEvaluationContext(null);
            run = evaluations.FirstOrDefault(r => r.Context is { } c && c.ToEvaluationContext(r.Id).DifferencesTo(current!).Count == 0)
                ?? evaluations.FirstOrDefault();
        }
        if (run is null) return null;
        IReadOnlyDictionary<string, MetricEstimate> Of(string role) => new SortedDictionary<string, MetricEstimate>(
            run.Metrics.Where(m => m.Role == role && m.Mean.HasValue).ToDictionary(m => m.Name, m => new MetricEstimate(m.Mean!.Value, m.StdDev, m.CiLow, m.CiHigh, m.Splits, m.ValidationRows, m.UndefinedSplits)),
            StringComparer.Ordinal);
        var parameters = run.Parameters;
        string P(string key) => parameters.TryGetValue(key, out var v) ? v : "?";
        return new EvaluationSummary
        {
            Protocol = $"{P("protocol")} (folds {P("folds")}, repeats {P("repeats")}, holdout {P("holdout_fraction")}, stratify {P("stratify")}, seed {P("seed")}) from evaluate run {run.Id} ({run.Outcome})",
            Metric = P("primary_metric"),
            Metrics = Of("model"),
            BaselineStrategy = parameters.GetValueOrDefault("baseline"),
            Baseline = Of("baseline"),
            // A run recorded before contexts were stored cannot be matched to a model: it reads as "not recorded".
            Context = run.Context?.ToEvaluationContext(run.Id) ?? new EvaluationContext(null, null, null, null, run.Id),
        };
    }
}
