using System.Globalization;
using PipelineGen.Runtime.Evaluation;

namespace PipelineGen.Runtime.Gates;

/// <summary>
/// A model's scores split by split on the primary metric, and what decides whether another model's scores are paired
/// with them: the same metric, the same protocol (splits, seed, stratification, duplicates, rows) and the same data.
/// Stored in the model card so the next <c>train</c> can compare on the same folds without refitting this model's configuration.
/// </summary>
internal sealed record ModelEvidence(string Metric, string Protocol, string DataSha256, IReadOnlyList<double?> SplitScores, double ValidationToTrainingRatio)
{
    public static ModelEvidence Of(EvaluationResult result, string dataSha256)
    {
        var s = result.Settings;
        var protocol = string.Create(CultureInfo.InvariantCulture,
            $"{s.Protocol} folds={s.Folds} repeats={s.Repeats} holdout={s.HoldoutFraction} stratify={s.Stratify} seed={s.Seed} duplicates={s.Duplicates} rows={result.UsedRowCount}");
        return new ModelEvidence(result.PrimaryMetric, protocol, dataSha256,
            result.Splits.Select(x => x.Model![result.PrimaryMetric]).ToArray(),
            result.Splits.Average(x => x.ValidationRows / (double)Math.Max(1, x.TrainingRows)));
    }

    /// <summary>Why the two cannot be paired; null when they can.</summary>
    public string? MismatchWith(ModelEvidence other)
    {
        var why = new List<string>();
        if (Metric != other.Metric) why.Add($"the primary metric differs ({other.Metric} → {Metric})");
        if (Protocol != other.Protocol) why.Add($"the protocol differs ({other.Protocol} → {Protocol})");
        if (DataSha256 != other.DataSha256) why.Add($"the training data differs (SHA-256 {other.DataSha256[..Math.Min(12, other.DataSha256.Length)]}… → {DataSha256[..Math.Min(12, DataSha256.Length)]}…)");
        return why.Count == 0 ? null : string.Join("; ", why);
    }
}

/// <summary>Whether a new model became current, and why; recorded in its card and in the unit's history.</summary>
/// <remarks><c>ComparedWith</c>: the current version it was compared with (null: there was none, or no comparison could be
/// made). <c>MeanDifference</c>: mean of (new − current) on the primary metric in its good direction, split by split.
/// <c>PValue</c>: one-sided p-value that the current model is better (corrected resampled paired t-test). <c>Noise</c>:
/// split-to-split standard deviation of the current model's scores. <c>WorseThanCurrent</c>: refused for that reason.</remarks>
internal sealed record PromotionDecision(bool Promoted, string Reason, string? ComparedWith = null, double? MeanDifference = null, double? PValue = null, double? Noise = null,
    bool WorseThanCurrent = false);

/// <summary>
/// The promotion rule: a new model becomes current when it passes every gate and is not worse than the current model on
/// the same folds. "Worse" is the baseline verdict turned round: the current model beats the new one split by split by
/// more than the split-to-split noise with p &lt; 0.05 (<see cref="BaselineComparison.Compare"/>, Nadeau &amp; Bengio's
/// correction for overlapping training sets). When the scores cannot be paired (other data, protocol or metric, or a
/// current model trained without gates) nothing is claimed: the model is promoted on its gates, and the reason says so.
/// </summary>
internal static class Promotion
{
    public static PromotionDecision Decide(IReadOnlyList<GateResult> gates, ModelEvidence candidate, ModelEvidence? current, string? currentVersion)
    {
        var failed = gates.Where(g => !g.Passed).ToArray();
        if (failed.Length > 0)
            return new PromotionDecision(false, $"{failed.Length} of {gates.Count} gate(s) failed: {string.Join("; ", failed.Select(g => g.Message))}.");
        var passed = gates.Count == 0 ? "no gates declared" : $"all {gates.Count} gate(s) passed";
        if (currentVersion is null)
            return new PromotionDecision(true, $"{passed}; there was no current model.");
        if (current is null)
            return new PromotionDecision(true, $"{passed}; not compared with the current version {currentVersion}: its card has no split-by-split scores (trained without gates or before they existed).");
        if (candidate.MismatchWith(current) is { } mismatch)
            return new PromotionDecision(true, $"{passed}; not compared with the current version {currentVersion} on the same folds, because {mismatch}. Scores from other splits cannot be paired, so nothing is claimed about which is better.");

        var comparison = BaselineComparison.Compare(candidate.Metric, current.SplitScores, candidate.SplitScores, candidate.ValidationToTrainingRatio);
        int splits = candidate.SplitScores.Count;
        if (comparison.Pairs < splits && MetricComputer.DependsOnDecisions(candidate.Metric))
        {
            int newUndefined = candidate.SplitScores.Count(v => v is null), currentUndefined = current.SplitScores.Count(v => v is null);
            return new PromotionDecision(true,
                $"{passed}; not compared with the current version {currentVersion}: {candidate.Metric} is {MetricComputer.UndefinedText(candidate.Metric)} "
                + $"on {newUndefined} of {splits} splits for this model and {currentUndefined} for the current one, and the splits where it exists are chosen by "
                + "each model's decisions, so nothing is claimed about which is better.", currentVersion);
        }
        double? difference = comparison.MeanImprovement is double d ? -d : null;
        string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
        // Rounded first, so neither a negative zero nor a loss below the last digit prints as "+-0" or "-0".
        string Signed(double v) => F(v) is "0" or "-0" ? "0" : (v > 0 ? "+" : "") + F(v);
        string P(double? p) => p is not double v ? "" : v < 0.0001 ? ", p < 0.0001" : $", p = {F(v)}";
        if (comparison.Verdict == Verdict.BeatsBaseline)
            return new PromotionDecision(false,
                $"on the same {comparison.Pairs} splits its {candidate.Metric} is worse by {F(-difference!.Value)} on average{P(comparison.PValue)}, more than the split-to-split noise ({F(comparison.Noise!.Value)}).",
                currentVersion, difference, comparison.PValue, comparison.Noise, WorseThanCurrent: true);
        if (comparison.Pairs < 2)
            return new PromotionDecision(true, $"{passed}; compared with the current version {currentVersion} on {comparison.Pairs} split(s) only, which cannot show a difference beyond the noise (use kfold).",
                currentVersion, difference, null, null);
        return new PromotionDecision(true,
            $"{passed}; not worse than the current version {currentVersion} on the same {comparison.Pairs} splits{(comparison.Pairs < splits ? $" of {splits} (on the others {candidate.Metric} is {MetricComputer.UndefinedText(candidate.Metric)} for one of them)" : "")} ({candidate.Metric} difference {Signed(difference ?? 0)} on average{P(comparison.PValue)}; worse would need p < {F(BaselineComparison.SignificanceLevel)} and a loss beyond the noise {F(comparison.Noise ?? 0)}).",
            currentVersion, difference, comparison.PValue, comparison.Noise);
    }
}
