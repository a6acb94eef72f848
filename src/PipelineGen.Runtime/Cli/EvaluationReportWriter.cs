using System.CommandLine;
using System.Globalization;
using PipelineGen.Runtime.Evaluation;
using PipelineGen.Runtime.Runs;
using Spectre.Console;

namespace PipelineGen.Runtime.Cli;

/// <summary>Formats an <see cref="EvaluationResult"/> for the console: context, the summary table, the verdict, warnings.</summary>
internal static class EvaluationReportWriter
{
    /// <param name="console">Where to write.</param>
    /// <param name="result">What to write.</param>
    /// <param name="runId">Not printed: <see cref="CommandServices.RunStep"/> prints the run id once the run is actually recorded.</param>
    /// <param name="perSplit">Print the per-split table even when <see cref="EvaluationResult.PerSplitReason"/> is null.</param>
    public static void Write(IAnsiConsole console, EvaluationResult result, string? runId = null, bool perSplit = false)
    {
        console.WriteLine();
        Prose(console, ($"{result.PipelineName} ({Describe(result.Task)}): {result.ProtocolDescription}\n"));
        Prose(console, ($"Data: {result.DataPath} - {result.UsedRowCount} of {result.RowCount} rows used"
            + (result.SkippedBadRowCount > 0 ? $", {result.SkippedBadRowCount} bad rows skipped" : "")
            + (result.DuplicateRowCount > 0 ? $", {result.DuplicateRowCount} exact duplicates kept with their first copy" : "")
            + $", {result.Splits.Count} split(s)\n"));
        Prose(console, ($"Primary metric: {result.PrimaryMetric} ({result.PrimaryMetricReason})\n"));
        Prose(console, ($"Baseline: {result.BaselineStrategy}, fitted on each training part only\n"));
        Prose(console, ($"Metrics: mean ± std over {result.Splits.Count} split(s), 95% t-interval of the mean{(result.Model is null ? "" : ", difference = model - baseline")}\n"));
        if (Training.DecisionThreshold.CountedAt(result.Task, result.DecisionThreshold) is { } countedAt) Prose(console, ($"Decisions: {countedAt}\n"));

        // In a narrow terminal the interval goes under the model's mean ± std instead of in its own column, so the row
        // fits 80 columns without Spectre splitting a number across lines.
        var stacked = console.Profile.Width < 100;
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn(new TableColumn("metric").NoWrap());
        if (result.Model is not null)
        {
            table.AddColumn(new TableColumn(stacked ? "model (95% CI)" : "model").RightAligned().NoWrap());
            if (!stacked) table.AddColumn(new TableColumn("95% CI").RightAligned().NoWrap());
        }
        table.AddColumn(new TableColumn("baseline").RightAligned().NoWrap());
        if (result.Model is not null) table.AddColumn(new TableColumn("difference").RightAligned().NoWrap());

        foreach (var baseline in result.Baseline)
        {
            var model = result.ModelMetric(baseline.Name);
            var cells = new List<string> { baseline.Name == result.PrimaryMetric ? $"{baseline.Name} *" : baseline.Name };
            if (model is not null)
            {
                var interval = model.CiLow is double low && model.CiHigh is double high ? $"[{F(low)}, {F(high)}]" : "-";
                if (stacked) cells.Add(MeanStd(model) + "\n" + interval);
                else
                {
                    cells.Add(MeanStd(model));
                    cells.Add(interval);
                }
            }
            cells.Add(MeanStd(baseline));
            if (model is not null)
                cells.Add(Difference(result, baseline.Name));
            table.AddRow(cells.Select(c => new Text(c)));
        }
        console.Write(table);
        Prose(console, ("* primary metric. \"undefined\": not computable on that data (e.g. precision without a predicted positive: 0/0); never shown as 0.\n"));
        foreach (var note in UndefinedNotes(result))
            Prose(console, (note + "\n"));

        if (result.Comparison is { } comparison)
            Prose(console, (comparison.Verdict == Verdict.Inconclusive
                ? $"Verdict: inconclusive, the model is not shown to beat the baseline: {comparison.Explanation}\n"
                : $"Verdict: the model {comparison.VerdictText}: {comparison.Explanation}\n"));
        if (result.PerSplitReason is not null || perSplit)
            WritePerSplit(console, result);
        foreach (var warning in result.Warnings)
            Prose(console, ($"warning: {warning}\n"));
    }

    /// <summary>One row per split: rows, validation class mix, the primary metric of the model and the baseline.</summary>
    public static void WritePerSplit(IAnsiConsole console, EvaluationResult result)
    {
        string primary = result.PrimaryMetric;
        Prose(console, (result.PerSplitReason is { } reason
            ? $"Per split ({reason}):\n"
            : "Per split:\n"));
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn(new TableColumn("split").NoWrap());
        table.AddColumn(new TableColumn("train rows").RightAligned().NoWrap());
        table.AddColumn(new TableColumn(console.Profile.Width < 100 ? "valid. rows" : "validation rows").RightAligned().NoWrap());
        bool classes = result.ClassNames.Count > 0 && result.Splits.Any(s => s.ValidationClassCounts is not null);
        // The class mix wraps at its separators in a narrow terminal; the numbers never wrap.
        if (classes) table.AddColumn(new TableColumn("validation class mix"));
        if (result.Model is not null) table.AddColumn(new TableColumn($"model {primary}").RightAligned().NoWrap());
        table.AddColumn(new TableColumn($"baseline {primary}").RightAligned().NoWrap());
        foreach (var split in result.Splits)
        {
            var cells = new List<string>
            {
                result.Splits.Count == 1 ? "validation" : $"{split.Repeat + 1}.{split.Fold + 1}",
                split.TrainingRows.ToString(CultureInfo.InvariantCulture),
                split.ValidationRows.ToString(CultureInfo.InvariantCulture),
            };
            if (classes) cells.Add(ClassMix(result.ClassNames, split.ValidationClassCounts));
            if (result.Model is not null) cells.Add(split.Model![primary] is double m ? F(m) : MetricComputer.UndefinedText(primary));
            cells.Add(split.Baseline[primary] is double b ? F(b) : MetricComputer.UndefinedText(primary));
            table.AddRow(cells.Select(c => new Text(c)));
        }
        console.Write(table);
    }

    private static string ClassMix(IReadOnlyList<string> names, IReadOnlyList<long>? counts)
    {
        if (counts is null) return "-";
        long total = counts.Sum();
        if (total == 0) return "-";
        return string.Join(" / ", counts.Select((c, i) => (c, i)).Where(t => t.c > 0)
            .Select(t => string.Create(CultureInfo.InvariantCulture, $"{names[t.i]} {100.0 * t.c / total:0}%")));
    }

    /// <summary>
    /// Prose goes to the console's writer as it is, not through Spectre's <see cref="Text"/>: in a narrow terminal Spectre
    /// would fold a long path mid-word, while the host's wrapping breaks lines at spaces and keeps a path whole (copyable).
    /// </summary>
    private static void Prose(IAnsiConsole console, string text) => console.Profile.Out.Writer.Write(text);

    public static string F(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string Signed(double value) => (value >= 0 ? "+" : "") + F(value);

    private static string MeanStd(MetricSummary summary) => summary.Mean switch
    {
        null => MetricComputer.UndefinedText(summary.Name),
        double mean when summary.StdDev is double std => $"{F(mean)} ± {F(std)}" + Partly(summary),
        double mean => F(mean) + Partly(summary),
    };

    // "(3 of 5 splits)" when the mean is over the splits where the metric was defined only.
    private static string Partly(MetricSummary summary) =>
        summary.UndefinedCount > 0 ? $" ({summary.Count} of {summary.Count + summary.UndefinedCount} splits)" : "";

    /// <summary>
    /// Model − baseline over the splits where both are defined (paired), so two means over different splits are never
    /// subtracted; "-" when no split has both.
    /// </summary>
    internal static string Difference(EvaluationResult result, string metric)
    {
        var pairs = result.Splits.Where(s => s.Model?[metric] is not null && s.Baseline[metric] is not null)
            .Select(s => s.Model![metric]!.Value - s.Baseline[metric]!.Value).ToArray();
        if (pairs.Length == 0) return "-";
        return Signed(pairs.Average()) + (pairs.Length < result.Splits.Count ? $" ({pairs.Length} of {result.Splits.Count} splits)" : "");
    }

    /// <summary>One line per metric undefined on some split: where, why, and over which splits its mean is taken.</summary>
    internal static IEnumerable<string> UndefinedNotes(EvaluationResult result)
    {
        foreach (var baseline in result.Baseline)
        {
            var parts = new List<string>();
            foreach (var (who, summary) in new[] { ("model", result.ModelMetric(baseline.Name)), ("baseline", baseline) })
            {
                if (summary is not { UndefinedCount: > 0 }) continue;
                int total = summary.Count + summary.UndefinedCount;
                parts.Add(summary.Count == 0
                    ? $"the {who}'s is {MetricComputer.UndefinedText(summary.Name)} on every split"
                    : $"the {who}'s is {MetricComputer.UndefinedText(summary.Name)} on {summary.UndefinedCount} of {total} splits; its mean is over the other {summary.Count}");
            }
            if (parts.Count > 0) yield return $"{baseline.Name}: {string.Join("; ", parts)}.";
        }
    }

    private static string Describe(MlTaskKind task) => task switch
    {
        MlTaskKind.BinaryClassification => "binary classification",
        MlTaskKind.MulticlassClassification => "multiclass classification",
        _ => "regression",
    };
}
