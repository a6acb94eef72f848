using System.CommandLine;
using System.Globalization;
using PipelineGen.Runtime.Evaluation;
using PipelineGen.Runtime.Runs;
using Spectre.Console;

namespace PipelineGen.Runtime.Cli;

/// <summary><c>evaluate</c> (model against baseline under the protocol) and <c>baseline</c> (the trivial model alone).</summary>
internal sealed class EvaluationCommandContributor : ICommandContributor
{
    public void Contribute(RootCommand root, CommandServices services)
    {
        var evaluate = new Command("evaluate",
            "Evaluate the pipeline under the spec's protocol, beside the baseline under the same splits. Exit code 1 when it does not beat the baseline.");
        services.Options.AddEvaluationOptions(evaluate);
        var perSplit = PerSplitOption();
        var duplicates = DuplicatesOption();
        var predictions = new Option<string?>("--predictions")
        {
            Description = "Write every validation row's out-of-fold prediction, split by split, to this CSV (split, line, label, the model's outputs as predict names them, the baseline's prediction), so each per-split metric can be recomputed; see docs/runtime-evaluation.md.",
        };
        evaluate.Options.Add(perSplit);
        evaluate.Options.Add(duplicates);
        evaluate.Options.Add(predictions);
        evaluate.SetAction(parse => services.RunStep("evaluate", record => Run(services, parse, record, includeModel: true, perSplit, duplicates, predictions)));
        root.Subcommands.Add(evaluate);

        var baseline = new Command("baseline", "Evaluate the trivial model (majority / class prior / mean / median) under the spec's protocol.");
        services.Options.AddEvaluationOptions(baseline);
        var baselinePerSplit = PerSplitOption();
        var baselineDuplicates = DuplicatesOption();
        baseline.Options.Add(baselinePerSplit);
        baseline.Options.Add(baselineDuplicates);
        baseline.SetAction(parse => services.RunStep("baseline", record => Run(services, parse, record, includeModel: false, baselinePerSplit, baselineDuplicates)));
        root.Subcommands.Add(baseline);
    }

    private static Option<bool> PerSplitOption() => new("--per-split")
    {
        Description = "Print the per-split table (split, rows, class mix, primary metric) even when the split scores agree.",
    };

    private static Option<string?> DuplicatesOption()
    {
        var option = new Option<string?>("--duplicates")
        {
            Description = "Exact-duplicate rows: group (each set on one side of every split), drop (evaluate one copy of each set) or keep (split copies as independent rows; leaks). Default: the spec's evaluate.duplicates.",
        };
        option.AcceptOnlyFromAmong("group", "drop", "keep");
        return option;
    }

    private static int Run(CommandServices services, ParseResult parse, StepRecord record, bool includeModel, Option<bool> perSplit, Option<string?> duplicates,
        Option<string?>? predictions = null) =>
        Run(services, services.Options.ReadEvaluationOptions(parse) with
        {
            IncludeModel = includeModel,
            PredictionsPath = predictions is null ? null : parse.GetValue(predictions),
            Duplicates = parse.GetValue(duplicates) switch
            {
                null => null,
                "drop" => DuplicatePolicy.Drop,
                "keep" => DuplicatePolicy.Keep,
                _ => DuplicatePolicy.Group,
            },
        }, record, out _, parse.GetValue(perSplit));

    /// <summary>
    /// The body of <c>evaluate</c>/<c>baseline</c> for use inside <see cref="CommandServices.RunStep"/> (e.g. by a
    /// workflow command): evaluates with progress, fills the run record, prints the summary, returns the exit code
    /// (0 beats the baseline or baseline only; 1 does not beat it or inconclusive).
    /// </summary>
    public static int Run(CommandServices services, EvaluationOptions options, StepRecord record, out EvaluationResult result, bool perSplit = false)
    {
        bool includeModel = options.IncludeModel;
        // With an ensemble pinned in the lock file, train fits the blend: evaluate measures that blend (each member fitted
        // on every split's training rows), not the pipeline's single configuration, so its numbers are about the model
        // train makes and train can take them for the card.
        IPipelineDefinition pipeline = includeModel && Tuning.Ensembles.PinnedEnsembleTraining.Pipeline(services.Pipeline) is { } blend
            ? blend : services.Pipeline;
        if (pipeline is Tuning.Ensembles.EnsemblePipeline pinned)
        {
            record.ContextPipeline = pinned; // the run records the blend's trainer entry, as train does
            services.Output.WriteLine($"Evaluating the ensemble pinned in the lock file ({pinned.Summary}): on every split each member is fitted on the training rows and the blend is scored.");
        }
        result = services.WithProgress(includeModel ? "Evaluating" : "Evaluating the baseline", report =>
            Evaluator.Evaluate(pipeline, options with { CollectForReport = includeModel, Progress = p => report(p.Completed, p.Total, p.Split) }));

        foreach (var (name, value) in result.Parameters()) record.Parameters[name] = value;
        record.Metrics.AddRange(ToRunMetrics(result));
        EvaluationReportWriter.Write(services.Console, result, perSplit: perSplit);
        if (result.PredictionsFile is var (predictionsPath, rows))
            services.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Predictions: {rows} out-of-fold rows -> {predictionsPath}"));

        if (!includeModel) return ExitCodes.Ok;
        WriteHtml(services, result, record.RunId, pipeline);
        var verdict = result.Comparison!.Verdict;
        record.Outcome = verdict switch
        {
            Verdict.BeatsBaseline => "beats-baseline",
            Verdict.DoesNotBeatBaseline => "does-not-beat-baseline",
            _ => "inconclusive",
        };
        record.Message = result.Comparison.Explanation;
        return verdict == Verdict.BeatsBaseline ? ExitCodes.Ok : ExitCodes.CheckFailed;
    }

    /// <summary>
    /// Writes the HTML evaluation report beside the explore report and prints where it is; stores what the report shows
    /// with the context it was measured in (<see cref="Training.StoredEvaluation"/>), so a later <c>test</c> can add its look.
    /// </summary>
    public static string WriteHtml(CommandServices services, EvaluationResult result, string? runId = null, IPipelineDefinition? evaluated = null)
    {
        var path = EvaluationHtml.DefaultPath(services.Pipeline.Settings);
        EvaluationHtml.Write(result, path);
        services.Output.WriteLine($"Report: {new Uri(Path.GetFullPath(path)).AbsoluteUri}");
        var storedPath = Training.StoredEvaluation.DefaultPath(services.Pipeline.Settings);
        try
        {
            var context = RunContext.Of(evaluated ?? services.Pipeline, result.DataPath).ToEvaluationContext(runId);
            Training.StoredEvaluation.Of(result, context).Write(storedPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The evaluation itself stands; only the later test look cannot be put beside it.
            services.Error.WriteLine($"warning: cannot store the evaluation for 'test' at '{storedPath}' ({e.Message}); 'test' will not add its look to the report.");
        }
        return path;
    }

    public static IEnumerable<RunMetric> ToRunMetrics(EvaluationResult result) =>
        (result.Model ?? []).Select(m => ToRunMetric(m, "model"))
            .Concat(result.Baseline.Select(m => ToRunMetric(m, "baseline")));

    private static RunMetric ToRunMetric(MetricSummary m, string role) => new(m.Name, role, m.Mean, m.StdDev, m.CiLow, m.CiHigh, m.Count, m.ValidationRows, m.UndefinedCount);
}
