using System.Globalization;
using Microsoft.ML;
using PipelineGen.Runtime.Runs;
using PipelineGen.Runtime.Training;
using PipelineGen.Runtime.Tuning;
using PipelineGen.Runtime.Tuning.Ensembles;

namespace PipelineGen.Runtime.Cli;

/// <summary>
/// The ensemble part of <c>tune</c>'s output: the keep decision (made on the out-of-fold rows), single best and ensemble
/// side by side on the held-back rows (for information; the headline is the kept one's), and, when the ensemble is kept, saved as a new version of the pipeline's model (with a card naming the study and the members).
/// </summary>
internal static class TuningEnsembleOutput
{
    public static void Write(CommandServices services, ITunablePipeline pipeline, TuneReport report, TuneOptions options, StepRecord record)
    {
        var output = services.Output;
        output.WriteLine();
        if (report.Ensemble is not { } ensemble)
        {
            output.WriteLine($"Ensemble: not built: {report.EnsembleNotBuilt}.");
            record.Parameters["ensemble"] = "not built";
            return;
        }
        string metric = report.Metric;
        output.WriteLine($"Ensemble (greedy selection with replacement over the out-of-fold predictions of {ensemble.DescribeCandidates(report.Space)}, {Steps(ensemble)}, {ensemble.SelectionRows} rows):");
        foreach (var member in ensemble.Members)
            output.WriteLine($"  {member.Weight.ToString("0.00", CultureInfo.InvariantCulture)} x trial {member.Trial + 1}: {member.Configuration.Describe(report.Space)}");
        output.WriteLine($"  out-of-fold {metric}: ensemble {PipelineTuner.F(ensemble.OutOfFoldScore)}, best single {PipelineTuner.F(ensemble.BestSingleOutOfFoldScore)} (selection data: optimistic)");
        // One member is the single best itself: there is no blend to fit or score, so say that instead of "undefined".
        // The held-back "single best" is the study's winner; the selection's one trial can be another (the best single on
        // the pooled out-of-fold predictions need not be the best by search score), and then the score is not its.
        output.WriteLine(ensemble.Members.Count == 1
            ? AloneLine(metric, report.HoldbackRows, ensemble.Members[0].Trial, report.Result.Best?.Number, ensemble.SingleHoldbackScore)
            : $"  held-back {metric} (same {report.HoldbackRows} rows; they played no part in the keep decision, they only score what was kept): ensemble {Fmt(ensemble.HoldbackScore)}, single best {Fmt(ensemble.SingleHoldbackScore)}");
        output.WriteLine($"  {ensemble.Verdict}.");
        output.WriteLine($"  Headline (honest estimate): the {(ensemble.Kept ? "ensemble" : "single winner")}'s held-back {metric} {Fmt(ensemble.Kept ? ensemble.HoldbackScore : ensemble.SingleHoldbackScore)}.");
        if (ensemble.Keep is { } keep)
        {
            record.Parameters["ensemble_keep_comparisons"] = $"{keep.Favoured}/{keep.Compared} favoured the blend ({keep.Skipped} skipped)";
            if (keep.MeanDifference is { } d) record.Parameters["ensemble_keep_mean_difference"] = CrossFittedKeepRule.FormatDifference(d);
            if (keep.StandardDeviation is { } sd) record.Parameters["ensemble_keep_difference_sd"] = CrossFittedKeepRule.FormatSpread(sd);
            if (keep.AgainstWinner is { } v)
                record.Parameters["ensemble_keep_vs_winner"] = $"{CrossFittedKeepRule.FormatDifference(v.MeanDifference)} (sd {(v.StandardDeviation is { } vs ? CrossFittedKeepRule.FormatSpread(vs) : "undefined")}; {v.Favoured}/{v.Compared} favoured the blend)";
        }
        record.Parameters["ensemble"] = ensemble.Kept ? $"kept ({ensemble.Members.Count} members)" : "not kept";
        if (ensemble.HoldbackScore is { } h) record.Metrics.Add(new RunMetric(metric, "ensemble", h, null, null, null));
        // The blend's weighted average has no ONNX form: say so now, not when the build's export step fails after train.
        if (ensemble.Kept && pipeline.Settings.DeployOnnx is not null)
            services.Error.WriteLine("warning: the spec sets 'deploy.onnx: true', but ML.NET cannot export an ensemble to ONNX: 'export onnx' (and the build's export step) will refuse this model. " +
                "For an exportable model tune again with --no-ensemble (or set 'tune.ensemble: false'), build, and train.");
        if (!ensemble.Kept || !options.WriteLock || !options.SaveEnsembleModel) return;

        // Kept: fitted on all training rows (as train does) and saved as a new version of the model, card and all.
        var described = string.Join("; ", ensemble.Members.Select(m => $"{m.Weight.ToString("0.00", CultureInfo.InvariantCulture)} x trial {m.Trial + 1} ({m.Configuration.Describe(report.Space)})"));
        var specHash = pipeline.Settings.SpecHash;
        var trained = TrainStep.Train(new MLContext(options.Seed ?? pipeline.Settings.Seed), pipeline, new TrainOptions
        {
            SpecHash = specHash,
            Ensemble = new EnsemblePipeline(pipeline, ensemble.Members),
            Tuning = new TuningProvenance(report.Result.Study.Id, metric, ensemble.HoldbackScore, "tune --ensemble", $"This model is an ensemble: {described}"),
        }, note => output.WriteLine($"  note: {note}"));
        output.WriteLine($"  Saved the ensemble (members refitted on all {trained.Card.TrainData.Rows} training rows) as the current model: {trained.ModelPath}");
        output.WriteLine($"  Its card: {ModelCard.MarkdownPath(trained.ModelPath)}. The lock file pins the members and weights ('ensemble:' block): after the next build, 'train' refits this ensemble.");
        record.Parameters["ensemble_model"] = trained.ModelPath;
    }

    /// <summary>The held-back line when the selection is one trial: that trial's score when it is the winner, else the winner's, said as such.</summary>
    internal static string AloneLine(string metric, long holdbackRows, int chosen, int? winner, double? winnerHoldback) =>
        chosen == winner || winner is null
            ? $"  held-back {metric} (same {holdbackRows} rows): single best {Fmt(winnerHoldback)}; the selection chose that trial alone, so there is no blend to score"
            : $"  held-back {metric} (same {holdbackRows} rows): the winner, trial {winner + 1}, {Fmt(winnerHoldback)}; the selection chose trial {chosen + 1} alone "
                + "(the best single on the pooled out-of-fold predictions, where the winner was chosen on its search score), so there is no blend, and the winner is kept";

    private static string Fmt(double? value) => value is { } v ? PipelineTuner.F(v) : "undefined";

    /// <summary>"20 steps", or "20 steps, the best 17 kept" when later picks did not improve the blend (weights are counts over the 17).</summary>
    internal static string Steps(EnsembleReport ensemble) =>
        ensemble.Picks > 0 && ensemble.Picks < EnsembleBuilder.Steps
            ? $"{EnsembleBuilder.Steps} steps, the best {ensemble.Picks} kept"
            : $"{EnsembleBuilder.Steps} steps";
}
