using System.CommandLine;
using System.Globalization;
using PipelineGen.Runtime.Runs;
using Spectre.Console;

namespace PipelineGen.Runtime.Cli;

/// <summary><c>runs</c> (recent runs) and <c>runs compare A B</c> (parameters and metrics side by side).</summary>
internal sealed class RunsCommandContributor : ICommandContributor
{
    public void Contribute(RootCommand root, CommandServices services)
    {
        var limit = new Option<int>("--limit") { Description = "How many recent runs to list.", DefaultValueFactory = _ => 20 };
        var runs = new Command("runs", "List recent runs of this project (from .pipelinegen/runs.db).");
        runs.Options.Add(limit);
        runs.SetAction(parse => Guarded(services, () => List(services, parse.GetValue(limit))));

        var a = new Argument<string>("A") { Description = "First run id (or a unique prefix)." };
        var b = new Argument<string>("B") { Description = "Second run id (or a unique prefix)." };
        var compare = new Command("compare", "Show the parameter and metric differences of two runs side by side.");
        compare.Arguments.Add(a);
        compare.Arguments.Add(b);
        compare.SetAction(parse => Guarded(services, () => Compare(services, parse.GetValue(a)!, parse.GetValue(b)!)));
        runs.Subcommands.Add(compare);
        root.Subcommands.Add(runs);
    }

    /// <summary>A run history that cannot be opened or read (read-only folder, full disk, damaged file) is exit 2 with the path and the reason.</summary>
    private static int Guarded(CommandServices services, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (ArgumentException e)
        {
            services.Error.WriteLine($"runs: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            services.Error.WriteLine($"runs: cannot read the run history '{services.RunStorePath}': {e.Message} " +
                "Make its folder writable (SQLite needs to create its -wal and -shm files beside it) and check the disk has space, then run this again.");
            return ExitCodes.BadInput;
        }
    }

    private static int List(CommandServices services, int limit)
    {
        if (!File.Exists(services.RunStorePath))
        {
            services.Output.WriteLine($"No runs recorded yet ({services.RunStorePath}).");
            return ExitCodes.Ok;
        }
        using var store = services.OpenRunStore();
        var list = store.List(limit);
        // Fits an 80-column terminal: the id is shown whole and never wrapped (it is what 'runs compare' takes, and it
        // starts with the UTC start time, so no separate column); the pipeline only when the history holds several.
        var pipelines = list.Select(r => r.Pipeline).Distinct(StringComparer.Ordinal).Count();
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn(new TableColumn("run (UTC start)").NoWrap());
        table.AddColumn(new TableColumn("step").NoWrap());
        if (pipelines > 1) table.AddColumn("pipeline");
        table.AddColumn("primary metric");
        table.AddColumn("outcome");
        table.AddColumn(new TableColumn("time").RightAligned().NoWrap());
        foreach (var run in list)
        {
            var cells = new List<string> { run.Id, run.Step };
            if (pipelines > 1) cells.Add(run.Pipeline);
            cells.Add(PrimaryMetric(run));
            cells.Add(run.Outcome);
            cells.Add($"{run.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s");
            table.AddRow(cells.Select(c => new Text(c)));
        }
        if (pipelines == 1) services.Output.WriteLine($"Runs of {list[0].Pipeline}:");
        services.Console.Write(table);
        TuningStudies(services, list);
        services.Output.WriteLine($"{list.Count} run(s) shown; compare two with: runs compare <A> <B> (a unique prefix of an id is enough)");
        return ExitCodes.Ok;
    }

    /// <summary>The tune runs among <paramref name="list"/>: their study, winner and honest estimate (and ensemble), one block each.</summary>
    private static void TuningStudies(CommandServices services, IReadOnlyList<RunRecord> list)
    {
        var tunes = list.Where(r => r.Step == "tune" && r.Parameters.ContainsKey("study")).ToArray();
        if (tunes.Length == 0) return;
        services.Output.WriteLine("Tuning studies:");
        foreach (var run in tunes)
        {
            var p = run.Parameters;
            string metric = p.GetValueOrDefault("primary_metric") ?? "?";
            string Score(string role) => run.Metrics.FirstOrDefault(m => m.Role == role && m.Name == metric)?.Mean is double v ? EvaluationReportWriter.F(v) : "-";
            services.Output.WriteLine($"  run {run.Id}: study {p["study"]} ({p.GetValueOrDefault("strategy")}, {p.GetValueOrDefault("trials")} trial(s)), {run.Outcome}");
            if (p.TryGetValue("winner", out var winner))
                services.Output.WriteLine($"    winner {winner}; held-back {metric} {Score("model")} (honest), spec's own {Score("spec-defaults")}, best search score {Score("search-best")} (optimistic)");
            if (p.TryGetValue("ensemble", out var ensemble))
                services.Output.WriteLine($"    ensemble: {ensemble}{(run.Metrics.Any(m => m.Role == "ensemble") ? $", held-back {metric} {Score("ensemble")}" : "")}");
            if (p.TryGetValue("study_report", out var page)) services.Output.WriteLine($"    report: {page}");
        }
    }

    private static string PrimaryMetric(RunRecord run)
    {
        if (!run.Parameters.TryGetValue("primary_metric", out var name)) return "-";
        // A tune run whose ensemble was kept is listed by the ensemble's held-back score: that is its headline, and the
        // model it saved (the single winner's "model" score is printed under the study).
        bool ensembleKept = run.Parameters.TryGetValue("ensemble", out var ensemble) && ensemble.StartsWith("kept", StringComparison.Ordinal);
        var metric = (ensembleKept ? run.Metrics.FirstOrDefault(m => m.Name == name && m.Role == "ensemble") : null)
            ?? run.Metrics.FirstOrDefault(m => m.Name == name && m.Role == "model") ?? run.Metrics.FirstOrDefault(m => m.Name == name);
        if (metric is null) return name;
        var splits = SplitsNote(metric, SplitCount(run));
        return metric.Mean is double mean ? $"{name} {EvaluationReportWriter.F(mean)} ({metric.Role}{(splits is null ? "" : ", " + splits)})"
            : $"{name} {Evaluation.MetricComputer.UndefinedText(name)}{(splits is null ? "" : " " + splits)} ({metric.Role})";
    }

    private static int Compare(CommandServices services, string idA, string idB)
    {
        using var store = services.OpenRunStore();
        var a = store.Get(idA);
        var b = store.Get(idB);
        if (a is null || b is null)
        {
            services.Error.WriteLine($"error: no run with id '{(a is null ? idA : idB)}'. List runs with: runs");
            return ExitCodes.BadInput;
        }
        var comparison = RunComparison.Of(a, b);
        services.Output.Write($"A: {a.Id}  {a.Step}  {a.Outcome}\nB: {b.Id}  {b.Step}  {b.Outcome}\n");

        var parameters = new Table().Border(TableBorder.Simple).Title("parameters");
        parameters.AddColumn("parameter");
        parameters.AddColumn("A");
        parameters.AddColumn("B");
        parameters.AddColumn("");
        // Every step parameter; of what determined the result (spec, data, trainer, hyperparameters, preparation,
        // packages) only the differences, so a changed hyperparameter is not lost among dozens of equal rows.
        foreach (var row in comparison.Parameters.Where(r => !r.Determinant || r.Differs))
            parameters.AddRow(new[] { row.Name, row.A ?? "-", row.B ?? "-", row.Differs ? "differs" : "" }.Select(c => new Text(c)));
        services.Console.Write(parameters);
        var same = comparison.Parameters.Count(r => r.Determinant && !r.Differs);
        if (a.Context is null || b.Context is null)
            services.Output.WriteLine($"Run {(a.Context is null ? a.Id : b.Id)} was recorded before spec hash, data hash, trainer and hyperparameters were stored; they cannot be compared.");
        else
            services.Output.WriteLine(same == comparison.Parameters.Count(r => r.Determinant)
                ? $"All {same} recorded determinants are identical (spec hash, data SHA-256, trainer, hyperparameters, preparation choices, package versions)."
                : $"{same} other recorded determinant(s) are identical (of spec hash, data SHA-256, trainer, hyperparameters, preparation choices, package versions only differences are listed).");

        var metrics = new Table().Border(TableBorder.Simple).Title("metrics");
        metrics.AddColumn("metric");
        metrics.AddColumn(new TableColumn("A").RightAligned());
        metrics.AddColumn(new TableColumn("B").RightAligned());
        metrics.AddColumn(new TableColumn("B - A").RightAligned());
        foreach (var row in comparison.Metrics)
            metrics.AddRow(new[]
            {
                $"{row.Role} {row.Name}", Format(row.A, SplitCount(a)), Format(row.B, SplitCount(b)),
                // Two means over different subsets of splits (a metric undefined on some) are not subtracted.
                Partly(row.A, SplitCount(a)) || Partly(row.B, SplitCount(b)) ? "- (partly undefined)"
                    : row.Delta is double d ? (d >= 0 ? "+" : "") + EvaluationReportWriter.F(d) : "-",
            }.Select(c => new Text(c)));
        services.Console.Write(metrics);
        return ExitCodes.Ok;
    }

    /// <summary>The splits an evaluate-like run measured, from its recorded protocol; null when it did not record one.</summary>
    internal static int? SplitCount(RunRecord run)
    {
        var p = run.Parameters;
        if (!p.TryGetValue("protocol", out var protocol)) return null;
        int Int(string key) => p.TryGetValue(key, out var v) && int.TryParse(v, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;
        int count = protocol switch { "Holdout" => 1, "KFold" => Int("folds"), "RepeatedKFold" => Int("folds") * Int("repeats"), _ => 0 };
        return count > 0 ? count : null;
    }

    // The mean is over fewer splits than the run measured: the metric was undefined on the others.
    private static bool Partly(RunMetric? metric, int? splits) => metric is { Mean: not null } m && Undefined(m, splits) is > 0;

    /// <summary>
    /// On how many of the run's splits the metric was undefined: recorded with the metric, else (stores written before it
    /// was kept) the protocol's split count less the splits it was defined on; null when neither is known (not 0).
    /// </summary>
    private static int? Undefined(RunMetric metric, int? protocolSplits) =>
        metric.UndefinedSplits ?? (metric.Splits is int k && protocolSplits is int n && k <= n ? n - k : null);

    /// <summary>"3 of 5 splits; undefined (no predicted positive) on 2" for a mean over part of the splits, "on 5 of 5 splits" for none; null when defined on all or unknown.</summary>
    internal static string? SplitsNote(RunMetric metric, int? protocolSplits)
    {
        if (Undefined(metric, protocolSplits) is not int undefined || undefined == 0) return null;
        var total = (metric.Splits ?? 0) + undefined;
        return metric.Mean is null
            ? $"on {undefined} of {total} splits"
            : $"{metric.Splits} of {total} splits; {Evaluation.MetricComputer.UndefinedText(metric.Name)} on {undefined}";
    }

    private static string Format(RunMetric? metric, int? splits) =>
        Format(metric) + (metric is not null && SplitsNote(metric, splits) is { } note ? metric.Mean is null ? " " + note : $" ({note})" : "");

    private static string Format(RunMetric? metric) => metric?.Mean switch
    {
        null when metric is not null => Evaluation.MetricComputer.UndefinedText(metric.Name),
        null => "-",
        double mean when metric.StdDev is double std => $"{EvaluationReportWriter.F(mean)} ± {EvaluationReportWriter.F(std)}",
        double mean => EvaluationReportWriter.F(mean),
    };
}
