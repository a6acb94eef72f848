using System.Globalization;

namespace PipelineGen.Runtime.Evaluation;

/// <summary>Where one test look falls beside a cross-validated estimate.</summary>
internal enum TestLookPlacement { Inside, Outside, NoRange }

/// <summary>One metric of a test look beside the cross-validated estimate, with the words the console, report and card use.</summary>
/// <param name="Metric">The metric.</param>
/// <param name="Placement">Inside or outside the range expected for one look; <see cref="TestLookPlacement.NoRange"/> when none can be computed.</param>
/// <param name="Statement">E.g. "auc: test 0.8292 lies inside the range expected for one look at 200 rows [0.7493, 0.8325]".</param>
/// <param name="Basis">What the range was computed from, or why there is none.</param>
/// <param name="Advice">Outside only: what to check, by the side the look fell on (<see cref="WorseAdvice"/>, <see cref="BetterAdvice"/>).</param>
internal sealed record TestLookComparison(string Metric, TestLookPlacement Placement, string Statement, string Basis, string? Advice = null)
{
    /// <summary>The look is worse than the range: the likely causes, most common first.</summary>
    public const string WorseAdvice = "likely causes: the test file differs from the training data (distribution shift: run 'explore', whose drift table compares the test file with the training data); "
        + "the estimate was optimistic (e.g. hyperparameters tuned on the same folds that measured them: 'tune' reports the honest estimate on held-back rows, 'tune --nested' the nested one); "
        + "or leakage in training (a column that carries the label, or copies of rows across splits: 'explore' probes both)";

    /// <summary>The look is better than the range: calling the estimate optimistic would be wrong.</summary>
    public const string BetterAdvice = "better than expected: the test set may differ from the training data (check drift in the explore report) or be easier than the validation rows; the final model was also fitted on more rows than each split's";

    public bool Disagrees => Placement == TestLookPlacement.Outside;

    /// <summary>Outside on the worse side: the model does worse on the test set than its estimate allows for (the warning).</summary>
    public bool Worse => Disagrees && Advice == WorseAdvice;

    /// <summary>Statement and basis, without advice.</summary>
    public string Claim => $"{Statement} ({Basis})";

    /// <summary>The whole sentence (without a final full stop): the claim, and what to check when the look disagrees.</summary>
    public string Text => Advice is null ? Claim : $"{Claim}: {Advice}";

    /// <summary>As <see cref="Text"/>, with a disagreement in bold.</summary>
    public string Markdown => Disagrees ? $"**{Statement}** ({Basis}){(Advice is null ? "" : $": {Advice}")}" : Text;
}

/// <summary>
/// The range a single look at a test set is expected in, given a cross-validated estimate: 95% of honest looks fall
/// inside it, and a look outside is a warning (one in twenty honest looks gets it by chance; a gross disagreement is
/// far outside). The look and the estimate are two independent measurements of the same quantity, so the range is
/// mean ± q·√(var(look) + var(mean)):
/// <list type="bullet">
/// <item>var(look): the look's own sampling variance, its bootstrap standard error² over the test rows
/// (<see cref="TestLookBootstrap"/>); for a look recorded without one, s²·n_v/n_t (one split's spread s, rescaled from
/// its n_v validation rows to the n_t test rows: a metric's sampling variance scales about as 1/rows).</item>
/// <item>var(mean): s²/k over k ≥ 2 splits; for a single split (holdout), the look's error² rescaled to the validation
/// rows, error²·n_t/n_v (the same metric's sampling variance on n_v rows).</item>
/// <item>q: Student's t at 0.975 with the Welch–Satterthwaite degrees of freedom (the mean's k − 1; the look's error
/// counts as exact), which is t(0.975, k − 1) without a bootstrap error and 1.96 for a holdout.</item>
/// </list>
/// Clipped to the metric's range.
/// </summary>
internal static class TestLookRange
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The two-sided 95% normal quantile, the limit of t(0.975, df) as df grows.</summary>
    private const double Z975 = 1.959963984540054;

    /// <summary>The range for one look at <paramref name="testRows"/> rows without its own error (requires at least two splits and test rows).</summary>
    public static (double Low, double High) Range(string metric, double mean, double std, int splits, double validationRows, long testRows)
    {
        if (splits < 2) throw new ArgumentOutOfRangeException(nameof(splits), splits, "A range needs the spread of at least two splits.");
        if (testRows <= 0) throw new ArgumentOutOfRangeException(nameof(testRows), testRows, "A test look has at least one row.");
        return Clip(metric, mean, HalfWidth(std, splits, validationRows, testRows, null)!.Value.Half);
    }

    /// <summary>The range for one look whose own standard error is <paramref name="testError"/>; null when there is none
    /// (a single split with neither a test error nor its validation rows).</summary>
    public static (double Low, double High)? Range(string metric, double mean, double? std, int splits, double? validationRows, long testRows, double? testError) =>
        testRows > 0 && HalfWidth(std, splits, validationRows, testRows, testError) is { } h ? Clip(metric, mean, h.Half) : null;

    private static (double Low, double High) Clip(string metric, double mean, double half)
    {
        var (min, max) = MetricCatalog.Range(metric);
        return (Math.Max(min, mean - half), Math.Min(max, mean + half));
    }

    /// <summary>The half-width of the range and the degrees of freedom of its quantile (infinity: the normal one).</summary>
    private static (double Half, double Df)? HalfWidth(double? std, int splits, double? validationRows, long testRows, double? testError)
    {
        bool spread = splits >= 2 && std is double s0 && double.IsFinite(s0);
        if (testError is double e && double.IsFinite(e) && e >= 0)
        {
            if (spread)
            {
                double s = std!.Value, ofMean = s * s / splits, ofLook = e * e;
                if (ofMean + ofLook == 0) return (0, double.PositiveInfinity);
                double df = ofMean == 0 ? double.PositiveInfinity : (ofMean + ofLook) * (ofMean + ofLook) / (ofMean * ofMean / (splits - 1));
                return (Quantile(df) * Math.Sqrt(ofMean + ofLook), df);
            }
            if (validationRows is double nv && nv > 0)
                return (Z975 * e * Math.Sqrt(1 + testRows / nv), double.PositiveInfinity);
            return null;
        }
        if (!spread || validationRows is not double rows) return null;
        return (MetricSummary.T975(splits - 1) * std!.Value * Math.Sqrt(1.0 / splits + rows / testRows), splits - 1);
    }

    private static double Quantile(double df) =>
        double.IsPositiveInfinity(df) || df > 1e6 ? Z975 : MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, df, 0.975);

    /// <summary>A test value beside an estimate (mean, std over <paramref name="splits"/> splits of <paramref name="validationRows"/> rows).</summary>
    /// <param name="metric">The metric (its range clips the range of the look).</param>
    /// <param name="test">The test look's value.</param>
    /// <param name="testRows">Rows the look scored.</param>
    /// <param name="mean">The cross-validated mean.</param>
    /// <param name="std">Its standard deviation over the splits; null with a single split.</param>
    /// <param name="splits">Splits the estimate was measured on; null when the estimate did not record it (stored by an earlier version).</param>
    /// <param name="validationRows">Mean validation rows per split; null when not recorded.</param>
    /// <param name="format">How a metric value is written (the report and the card round differently).</param>
    /// <param name="testError">The look's bootstrap standard error; null for a look recorded without one.</param>
    public static TestLookComparison Compare(
        string metric, double test, long testRows, double mean, double? std, int? splits, double? validationRows, Func<double, string> format, double? testError = null)
    {
        string value = format(test), estimate = format(mean);
        string beside = $"{metric}: test {value} beside the cross-validated mean {estimate}";
        bool hasError = testError is double e0 && double.IsFinite(e0);
        if (testRows <= 0)
            return new(metric, TestLookPlacement.NoRange, beside, "no range: the test look recorded no rows");
        if (splits is not int k)
            return new(metric, TestLookPlacement.NoRange, beside,
                "the range expected for one look cannot be computed from this estimate: it was stored without its split count and validation rows; evaluate again to compare");
        bool spread = k >= 2 && std is double s0 && double.IsFinite(s0);
        if (!spread && !hasError)
            return new(metric, TestLookPlacement.NoRange, beside, "no range for one look: a single split has no spread to scale, and the look has no standard error of its own");
        if (validationRows is not double rows)
            return new(metric, TestLookPlacement.NoRange, beside,
                "the range expected for one look cannot be computed from this estimate: it was stored without its split count and validation rows; evaluate again to compare");
        var (half, df) = HalfWidth(std, k, rows, testRows, testError)!.Value;
        var (min, max) = MetricCatalog.Range(metric);
        var (low, high) = (Math.Max(min, mean - half), Math.Min(max, mean + half));
        bool inside = test >= low && test <= high;
        string statement = $"{metric}: test {value} lies {(inside ? "inside" : "outside")} the range expected for one look at {testRows.ToString(Inv)} rows [{format(low)}, {format(high)}]";
        string basis = Basis(metric, test, mean, std, k, rows, testRows, testError, df, format);
        if (inside) return new(metric, TestLookPlacement.Inside, statement, basis);
        bool better = MetricCatalog.Direction(metric) * (test - mean) > 0;
        return new(metric, TestLookPlacement.Outside, statement, basis, better ? TestLookComparison.BetterAdvice : TestLookComparison.WorseAdvice);
    }

    /// <summary>Both numbers with their 95% intervals, and the rule the range came from.</summary>
    private static string Basis(string metric, double test, double mean, double? std, int k, double rows, long testRows, double? testError, double df, Func<double, string> format)
    {
        var (min, max) = MetricCatalog.Range(metric);
        string Interval(double center, double half) => $"[{format(Math.Max(min, center - half))}, {format(Math.Min(max, center + half))}]";
        string splitRows = rows.ToString("0.#", Inv);
        if (testError is not double e || !double.IsFinite(e))
            return $"cross-validated mean {format(mean)}, std {format(std!.Value)} over {k.ToString(Inv)} splits of {splitRows} rows";
        string look = $"test 95% interval {Interval(test, Z975 * e)} from its bootstrap standard error {format(e)} over {TestLookBootstrap.Resamples.ToString(Inv)} resamples of the {testRows.ToString(Inv)} test rows";
        if (k >= 2 && std is double s && double.IsFinite(s))
            return $"cross-validated mean {format(mean)}, 95% interval {Interval(mean, MetricSummary.T975(k - 1) * s / Math.Sqrt(k))}, std {format(s)} over {k.ToString(Inv)} splits of {splitRows} rows; {look}; "
                + $"range: mean ± t(0.975, {(double.IsPositiveInfinity(df) ? "∞" : df.ToString("0.#", Inv))} df)·√(std²/splits + error²)";
        return $"single-split estimate {format(mean)} on {splitRows} validation rows, 95% interval {Interval(mean, Z975 * e * Math.Sqrt(testRows / rows))} (the test error rescaled to its rows); {look}; "
            + "range: estimate ± 1.96·error·√(1 + test rows/validation rows)";
    }
}
