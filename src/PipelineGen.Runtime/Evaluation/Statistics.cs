using MathNet.Numerics.Distributions;

namespace PipelineGen.Runtime.Evaluation;

/// <summary>A metric over all splits: mean ± sample standard deviation and a 95% t-interval of the mean, clipped to the metric's range.</summary>
/// <remarks><c>Count</c>: Splits on which the metric was defined. <c>UndefinedCount</c>: Splits on which it was not (e.g. no positive example): left out, never averaged as NaN. <c>StdDev</c>: Null with fewer than two values. <c>CiLow</c>: Null with fewer than two values.
/// <c>ValidationRows</c>: Mean validation rows of the splits on which it was defined, so a test look at another number of
/// rows can be compared with the spread (<see cref="TestLookRange"/>); null when not given, and in evaluations stored before it was recorded.</remarks>
internal sealed record MetricSummary(string Name, int Count, int UndefinedCount, double? Mean, double? StdDev, double? CiLow, double? CiHigh, double? ValidationRows = null)
{
    public bool IsDefined => Count > 0;

    /// <summary>The two-sided 95% quantile of Student's t: the interval of the mean and the range of one test look use the same.</summary>
    public static double T975(int degreesOfFreedom) => StudentT.InvCDF(0, 1, degreesOfFreedom, 0.975);

    /// <param name="name">The metric.</param>
    /// <param name="perSplit">Its value per split; null where undefined.</param>
    /// <param name="validationRows">Validation rows per split (same order), to record the mean over the defined splits.</param>
    public static MetricSummary From(string name, IReadOnlyList<double?> perSplit, IReadOnlyList<long>? validationRows = null)
    {
        var defined = Enumerable.Range(0, perSplit.Count).Where(i => perSplit[i].HasValue).ToArray();
        var values = defined.Select(i => perSplit[i]!.Value).ToArray();
        int undefined = perSplit.Count - values.Length;
        if (values.Length == 0) return new MetricSummary(name, 0, undefined, null, null, null, null);
        double? rows = validationRows is null ? null : defined.Average(i => (double)validationRows[i]);
        double mean = values.Average();
        if (values.Length == 1) return new MetricSummary(name, 1, undefined, mean, null, null, null, rows);
        double std = MathNet.Numerics.Statistics.Statistics.StandardDeviation(values);
        double half = T975(values.Length - 1) * std / Math.Sqrt(values.Length);
        var (min, max) = MetricCatalog.Range(name);
        return new MetricSummary(name, values.Length, undefined, mean, std, Math.Max(min, mean - half), Math.Min(max, mean + half), rows);
    }
}

internal enum Verdict { BeatsBaseline, DoesNotBeatBaseline, Inconclusive }

/// <summary>Model against baseline on the primary metric, split by split.</summary>
/// <remarks><c>MeanImprovement</c>: Mean of (model − baseline) in the metric's good direction. <c>Noise</c>: Fold-to-fold standard deviation of the model's metric: the improvement must exceed it. <c>PValue</c>: One-sided p-value of the corrected resampled paired t-test (Nadeau &amp; Bengio).</remarks>
internal sealed record BaselineComparison(
    string Metric, int Pairs, double? MeanImprovement, double? Noise, double? TStatistic, double? PValue, Verdict Verdict, string Explanation)
{
    public const double SignificanceLevel = 0.05;

    public string VerdictText => Verdict switch
    {
        Verdict.BeatsBaseline => "beats the baseline",
        Verdict.DoesNotBeatBaseline => "does not beat the baseline",
        _ => "inconclusive",
    };

    /// <summary>
    /// Paired comparison. Splits of cross-validation share training rows, so the plain paired t-test is too
    /// optimistic; the corrected resampled t-test inflates the variance by (1/J + n_validation/n_training).
    /// </summary>
    public static BaselineComparison Compare(
        string metric, IReadOnlyList<double?> model, IReadOnlyList<double?> baseline, double validationToTrainingRatio,
        string unit = "splits", string noiseName = "fold-to-fold noise")
    {
        int direction = MetricCatalog.Direction(metric);
        var modelValues = new List<double>();
        var improvements = new List<double>();
        for (int i = 0; i < model.Count; i++)
            if (model[i] is double m && baseline[i] is double b)
            {
                modelValues.Add(m);
                improvements.Add(direction * (m - b));
            }
        int n = improvements.Count;
        int modelUndefined = model.Count(v => v is null), baselineUndefined = baseline.Count(v => v is null);
        // Who had no value where, e.g. "the baseline's precision is undefined (no predicted positive) on 5 of 5 splits".
        string Missing()
        {
            var parts = new List<string>();
            if (modelUndefined > 0) parts.Add($"the model's {metric} is {MetricComputer.UndefinedText(metric)} on {modelUndefined} of {model.Count} {unit}");
            if (baselineUndefined > 0) parts.Add($"the baseline's {metric} is {MetricComputer.UndefinedText(metric)} on {baselineUndefined} of {model.Count} {unit}");
            return string.Join(" and ", parts);
        }
        if (n < 2 && n < model.Count && model.Count > 1)
            return new BaselineComparison(metric, n, n == 1 ? improvements[0] : null, null, null, null, Verdict.Inconclusive,
                $"{Missing()}, so {(n == 0 ? "no" : "only one")} {unit[..^1]} can be compared.");
        if (n < 2)
            return new BaselineComparison(metric, n, n == 1 ? improvements[0] : null, null, null, null, Verdict.Inconclusive,
                n == 1
                    ? "only one split: there is no fold-to-fold noise to compare the improvement with. Use kfold or repeated_kfold."
                    : $"{Missing()}, so nothing can be compared.");
        string leftOut = n < model.Count ? $" (compared on the {n} of {model.Count} {unit} where both are defined: {Missing()})" : "";

        double mean = improvements.Average();
        double std = MathNet.Numerics.Statistics.Statistics.StandardDeviation(improvements);
        double noise = MathNet.Numerics.Statistics.Statistics.StandardDeviation(modelValues);
        double variance = std * std * (1.0 / n + validationToTrainingRatio);
        double t, p;
        if (variance <= 0)
        {
            // Identical improvement on every split: the sign decides.
            t = mean > 0 ? double.PositiveInfinity : mean < 0 ? double.NegativeInfinity : 0;
            p = mean > 0 ? 0 : 1;
        }
        else
        {
            t = mean / Math.Sqrt(variance);
            p = 1 - StudentT.CDF(0, 1, n - 1, t);
        }

        string Fmt(double v) => v.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture);
        string P(double v) => v < 0.0001 ? "p < 0.0001" : $"p = {Fmt(v)}";
        Verdict verdict;
        string why;
        if (mean <= 0) { verdict = Verdict.DoesNotBeatBaseline; why = $"the model is not better on average ({metric} improvement {Fmt(mean)})."; }
        else if (p >= SignificanceLevel) { verdict = Verdict.DoesNotBeatBaseline; why = $"the improvement {Fmt(mean)} is not significant ({P(p)} ≥ {SignificanceLevel})."; }
        else if (mean <= noise) { verdict = Verdict.DoesNotBeatBaseline; why = $"the improvement {Fmt(mean)} is within the {noiseName} ({Fmt(noise)})."; }
        else { verdict = Verdict.BeatsBaseline; why = $"{metric} improves by {Fmt(mean)} on average over {n} {unit} ({P(p)}), more than the {noiseName} ({Fmt(noise)})."; }
        if (n < model.Count && MetricComputer.DependsOnDecisions(metric))
        {
            // Whether precision exists depends on the model's decisions: the splits where it does are chosen by the
            // model, and a verdict on them alone would not describe the evaluation.
            verdict = Verdict.Inconclusive;
            why = $"{Missing()}; the {unit} where it exists are chosen by the decisions themselves, so no verdict is drawn from them (on the {n} where both are defined: mean improvement {Fmt(mean)}).";
            return new BaselineComparison(metric, n, mean, noise, double.IsFinite(t) ? t : null, p, verdict, why);
        }
        return new BaselineComparison(metric, n, mean, noise, double.IsFinite(t) ? t : null, p, verdict, why.TrimEnd('.') + leftOut + ".");
    }
}
