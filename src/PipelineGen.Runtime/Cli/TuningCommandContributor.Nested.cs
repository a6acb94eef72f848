using System.Globalization;
using PipelineGen.Runtime.Runs;
using PipelineGen.Runtime.Tuning;

namespace PipelineGen.Runtime.Cli;

/// <summary><c>tune --nested K</c>: nested cross-validation as the honest estimate (see docs/runtime-tuning.md).</summary>
internal sealed partial class TuningCommandContributor
{
    /// <summary>
    /// Runs the K outer searches and prints the nested estimate as the headline; then, unless <c>--no-lock</c>, the
    /// final search on all training rows (the usual <c>tune</c>, held-back score beside) whose winner is pinned.
    /// 0: an estimate (and a winner) was found; 1: no outer search found a working configuration.
    /// </summary>
    public static int RunNested(CommandServices services, TuneOptions options, int folds, StepRecord record) => RunNested(services, options, folds, record, out _);

    /// <summary>As above; <paramref name="finalReport"/> is the final search's report (null with --no-lock or when there is no estimate).</summary>
    public static int RunNested(CommandServices services, TuneOptions options, int folds, StepRecord record, out TuneReport? finalReport)
    {
        finalReport = null;
        var pipeline = (ITunablePipeline)services.Pipeline;
        var output = services.Output;
        output.WriteLine($"Nested cross-validation of the tuning of {pipeline.Settings.Name}: {folds} outer folds; in each, the whole search (strategy {options.Strategy ?? pipeline.Tuning.Strategy}"
            + (options.Time is { } t ? $", {FormatDuration(t)} per search" : "") + ") runs on the outer training rows, and its winner is scored on the outer validation rows it never saw.");
        var report = NestedEvaluation.Run(pipeline, options, folds, fold =>
        {
            var best = fold.Study.Best;
            output.WriteLine($"  outer fold {fold.Fold + 1}/{folds}: {fold.Study.Trials.Count} trial(s) on {fold.TrainingRows} rows; "
                + (best is null ? (fold.Study.Rungs.Count > 0 ? $"no configuration reached the full budget ({fold.Study.Rungs.Count} rung evaluation(s) before the budget ran out)" : "no working configuration") : $"winner {best.Configuration.Describe(new SearchSpace(pipeline.Tuning.Space))}")
                + $"; on {fold.TestRows} unseen rows: tuned {Fmt(fold.WinnerScore)}"
                + (fold.Study.Rescore is { ChangedWinner: true } r ? $" (re-scoring chose trial {r.ChosenNumber + 1}; the search's best, trial {r.SearchBestNumber + 1}, {Fmt(fold.SearchBestScore)})" : "")
                + $", spec's own {Fmt(fold.DefaultScore)}"
                + (fold.EnsembleMembers is { } members
                    ? fold.EnsembleKept == true ? $", ensemble of {members} kept {Fmt(fold.EnsembleScore)}{KeepEvidence(fold)}"
                    : members > 1 ? $", ensemble of {members} not kept (so the winner's {Fmt(fold.EnsembleScore)}; the blend scored {Fmt(fold.Ensemble?.HoldbackScore)}, not used){KeepEvidence(fold)}"
                    : $", ensemble of 1 = the winner {Fmt(fold.EnsembleScore)}"
                    : ""));
        });
        foreach (var warning in report.Warnings) services.Error.WriteLine($"warning: {warning}");
        record.Parameters["nested_folds"] = folds.ToString(CultureInfo.InvariantCulture);
        if (report.Tuned is not { } tuned)
        {
            services.Error.WriteLine(report.Outer.Any(o => o.Study.Rungs.Count > 0)
                ? $"error: tune --nested has no estimate: in none of the {folds} outer folds did a configuration reach the full budget before the budget ran out. Give more --time."
                : $"error: tune --nested found no working configuration in any of the {folds} outer folds. Check the ranges under tune.space against the trainer.");
            record.Outcome = "all-trials-failed";
            return ExitCodes.CheckFailed;
        }
        string Spread((double Mean, double? Std, int Count) s) => PipelineTuner.F(s.Mean) + (s.Std is { } sd ? " ± " + PipelineTuner.F(sd) : "") + (s.Count < report.Outer.Count
            ? $" over {s.Count} of {report.Outer.Count} outer folds (in the others {report.Metric} has no value: undefined there, or no configuration found)"
            : $" over {s.Count} outer fold(s)");
        output.WriteLine();
        // With the ensemble on, tune's procedure is "the blend where the keep rule keeps it, else the winner", so that is
        // the headline. Each fold counts the blend only where the rule kept it on the inner out-of-fold rows (else the
        // winner), as tune does; the outer rows never decide, so it is an honest estimate of that procedure.
        output.WriteLine($"Honest estimate (headline; nested cross-validation, mean ± fold-to-fold std): {report.Metric} {Spread(report.Ensembled ?? tuned)}");
        // The figures beside the headline, their values aligned in one column.
        var beside = new List<(string Label, string Value)>();
        if (report.Ensembled is { } ensembled)
        {
            var (keptFolds, builtFolds) = report.EnsembleKeptFolds;
            beside.Add(($"with the ensemble of the best trials (kept in {keptFolds} of {builtFolds} outer folds, as tune decides):", Spread(ensembled)));
            beside.Add(("the single winner alone (no ensemble):", Spread(tuned)));
            record.Parameters["nested_ensemble_kept_folds"] = $"{keptFolds}/{builtFolds}";
            record.Metrics.Add(new RunMetric(report.Metric, "nested-ensemble", ensembled.Mean, ensembled.Std, null, null));
        }
        if (report.SearchBest is { } searchBest && report.RescoredFolds > 0)
        {
            // The same searches' best trials, had the leaders not been scored again: what the re-scoring changed.
            beside.Add(($"the search's best trial without re-scoring (another was chosen in {report.RescoreChangedFolds} of {report.RescoredFolds} re-scored folds):", Spread(searchBest)));
            record.Metrics.Add(new RunMetric(report.Metric, "nested-search-best", searchBest.Mean, searchBest.Std, null, null));
        }
        if (report.Defaults is { } defaults)
            beside.Add(($"{StartingPoint(pipeline).Label} on the same outer folds:", Spread(defaults)));
        int width = beside.Count == 0 ? 0 : beside.Max(b => b.Label.Length);
        foreach (var (label, value) in beside)
            output.WriteLine($"  {label.PadRight(width)} {report.Metric} {value}");
        record.Metrics.Add(new RunMetric(report.Metric, "nested-tuned", tuned.Mean, tuned.Std, null, null));
        if (report.Defaults is { } d) record.Metrics.Add(new RunMetric(report.Metric, "nested-spec-defaults", d.Mean, d.Std, null, null));
        if (!options.WriteLock)
        {
            output.WriteLine("No final search (--no-lock): nothing is pinned.");
            record.Outcome = "nested";
            return ExitCodes.Ok;
        }
        output.WriteLine();
        output.WriteLine("Final search on all training rows (its winner is pinned; the nested estimate above is the honest one for this procedure):");
        var exit = Run(services, options, record, out var final);
        finalReport = final;
        return exit;
    }

    /// <summary>
    /// What the fold's keep rule saw on its inner out-of-fold rows (" (inner: blend − single +0.00123 on average, sd 0.00410,
    /// 7 of 10 for the blend)"), so a fold's kept or not can be read against its margin: the outer rows never decide it.
    /// </summary>
    private static string KeepEvidence(OuterFoldResult fold) => fold.Ensemble?.Keep is { MeanDifference: { } difference } keep
        ? string.Create(CultureInfo.InvariantCulture, $" (inner: blend − single {Tuning.Ensembles.CrossFittedKeepRule.FormatDifference(difference)} on average{(keep.StandardDeviation is { } sd ? $", sd {Tuning.Ensembles.CrossFittedKeepRule.FormatSpread(sd)}" : "")}, {keep.Favoured} of {keep.Compared} for the blend{WinnerEvidence(keep.AgainstWinner)})")
        : "";

    /// <summary>"; blend − winner +0.00040, sd 0.00510, 5 of 10": the same halves against the fold's winner itself.</summary>
    private static string WinnerEvidence(Tuning.Ensembles.WinnerComparison? v) => v is null ? ""
        : string.Create(CultureInfo.InvariantCulture, $"; blend − winner {Tuning.Ensembles.CrossFittedKeepRule.FormatDifference(v.MeanDifference)}{(v.StandardDeviation is { } sd ? $", sd {Tuning.Ensembles.CrossFittedKeepRule.FormatSpread(sd)}" : "")}, {v.Favoured} of {v.Compared}");
}
