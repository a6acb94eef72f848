using System.CommandLine;
using System.Globalization;
using PipelineGen.Runtime.Evaluation;
using PipelineGen.Runtime.Runs;
using Spectre.Console;

namespace PipelineGen.Runtime.Cli;

/// <summary><c>evaluate</c> (model against baseline under the protocol) and <c>baseline</c> (the trivial model alone).</summary>
public sealed class EvaluationCommandContributor : ICommandContributor
{
    public void Contribute(RootCommand root, CommandServices services)
    {
        var evaluate = new Command("evaluate",
            "Evaluate the pipeline under the spec's protocol, beside the baseline under the same splits. Exit code 1 when it does not beat the baseline.");
        services.Options.AddEvaluationOptions(evaluate);
        evaluate.SetAction(parse => services.RunStep("evaluate", record => Run(services, parse, record, includeModel: true)));
        root.Subcommands.Add(evaluate);

        var baseline = new Command("baseline", "Evaluate the trivial model (majority / class prior / mean / median) under the spec's protocol.");
        services.Options.AddEvaluationOptions(baseline);
        baseline.SetAction(parse => services.RunStep("baseline", record => Run(services, parse, record, includeModel: false)));
        root.Subcommands.Add(baseline);
    }

    private static int Run(CommandServices services, ParseResult parse, StepRecord record, bool includeModel) =>
        Run(services, services.Options.ReadEvaluationOptions(parse) with { IncludeModel = includeModel }, record, out _);

    /// <summary>
    /// The body of <c>evaluate</c>/<c>baseline</c> for use inside <see cref="CommandServices.RunStep"/> (e.g. by a
    /// workflow command): evaluates with progress, fills the run record, prints the summary, returns the exit code
    /// (0 beats the baseline or baseline only; 1 does not beat it or inconclusive).
    /// </summary>
    public static int Run(CommandServices services, EvaluationOptions options, StepRecord record, out EvaluationResult result)
    {
        bool includeModel = options.IncludeModel;
        result = services.WithProgress(includeModel ? "Evaluating" : "Evaluating the baseline", report =>
            Evaluator.Evaluate(services.Pipeline, options with { Progress = p => report(p.Completed, p.Total, p.Split) }));

        foreach (var (name, value) in result.Parameters()) record.Parameters[name] = value;
        record.Metrics.AddRange(ToRunMetrics(result));
        EvaluationReportWriter.Write(services.Console, result);

        if (!includeModel) return ExitCodes.Ok;
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

    public static IEnumerable<RunMetric> ToRunMetrics(EvaluationResult result) =>
        (result.Model ?? []).Select(m => ToRunMetric(m, "model"))
            .Concat(result.Baseline.Select(m => ToRunMetric(m, "baseline")));

    private static RunMetric ToRunMetric(MetricSummary m, string role) => new(m.Name, role, m.Mean, m.StdDev, m.CiLow, m.CiHigh);
}

/// <summary>Formats an <see cref="EvaluationResult"/> for the console: context, the summary table, the verdict, warnings.</summary>
public static class EvaluationReportWriter
{
    /// <param name="console">Where to write.</param>
    /// <param name="result">What to write.</param>
    /// <param name="runId">Not printed: <see cref="CommandServices.RunStep"/> prints the run id once the run is actually recorded.</param>
    public static void Write(IAnsiConsole console, EvaluationResult result, string? runId = null)
    {
        console.WriteLine();
        console.Write(new Text($"{result.PipelineName} ({Describe(result.Task)}): {result.ProtocolDescription}\n"));
        console.Write(new Text($"Data: {result.DataPath} - {result.UsedRowCount} of {result.RowCount} rows used"
            + (result.SkippedBadRowCount > 0 ? $", {result.SkippedBadRowCount} bad rows skipped" : "")
            + (result.DuplicateRowCount > 0 ? $", {result.DuplicateRowCount} exact duplicates kept with their first copy" : "")
            + $", {result.Splits.Count} split(s)\n"));
        console.Write(new Text($"Primary metric: {result.PrimaryMetric} ({result.PrimaryMetricReason})\n"));
        console.Write(new Text($"Baseline: {result.BaselineStrategy}, fitted on each training part only\n"));
        console.Write(new Text($"Metrics: mean ± std over {result.Splits.Count} split(s), 95% t-interval of the mean{(result.Model is null ? "" : ", difference = model - baseline")}\n"));

        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn(new TableColumn("metric").NoWrap());
        if (result.Model is not null)
        {
            table.AddColumn(new TableColumn("model").RightAligned().NoWrap());
            table.AddColumn(new TableColumn("95% CI").RightAligned().NoWrap());
        }
        table.AddColumn(new TableColumn("baseline").RightAligned().NoWrap());
        if (result.Model is not null) table.AddColumn(new TableColumn("difference").RightAligned().NoWrap());

        foreach (var baseline in result.Baseline)
        {
            var model = result.ModelMetric(baseline.Name);
            var cells = new List<string> { baseline.Name == result.PrimaryMetric ? $"{baseline.Name} *" : baseline.Name };
            if (model is not null)
            {
                cells.Add(MeanStd(model));
                cells.Add(model.CiLow is double low && model.CiHigh is double high ? $"[{F(low)}, {F(high)}]" : "-");
            }
            cells.Add(MeanStd(baseline));
            if (model is not null)
                cells.Add(model.Mean is double m && baseline.Mean is double b ? Signed(m - b) : "-");
            table.AddRow(cells.Select(c => new Text(c)));
        }
        console.Write(table);
        console.Write(new Text("* primary metric. \"undefined\": not computable on that data (e.g. a fold without a positive example).\n"));

        if (result.Comparison is { } comparison)
            console.Write(new Text(comparison.Verdict == Verdict.Inconclusive
                ? $"Verdict: inconclusive, the model is not shown to beat the baseline: {comparison.Explanation}\n"
                : $"Verdict: the model {comparison.VerdictText}: {comparison.Explanation}\n"));
        foreach (var warning in result.Warnings)
            console.Write(new Text($"warning: {warning}\n"));
    }

    public static string F(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string Signed(double value) => (value >= 0 ? "+" : "") + F(value);

    private static string MeanStd(MetricSummary summary) => summary.Mean switch
    {
        null => "undefined",
        double mean when summary.StdDev is double std => $"{F(mean)} ± {F(std)}" + (summary.UndefinedCount > 0 ? $" ({summary.UndefinedCount} undefined)" : ""),
        double mean => F(mean),
    };

    private static string Describe(MlTaskKind task) => task switch
    {
        MlTaskKind.BinaryClassification => "binary classification",
        MlTaskKind.MulticlassClassification => "multiclass classification",
        _ => "regression",
    };
}
