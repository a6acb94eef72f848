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
    /// <summary>The look is worse than the range.</summary>
    public const string WorseAdvice = "the test set may differ from the training data (check drift in the explore report), or the estimate was optimistic";

    /// <summary>The look is better than the range: calling the estimate optimistic would be wrong.</summary>
    public const string BetterAdvice = "better than expected: the test set may differ from the training data (check drift in the explore report) or be easier than the validation rows; the final model was also fitted on more rows than each split's";

    public bool Disagrees => Placement == TestLookPlacement.Outside;

    /// <summary>Statement and basis, without advice.</summary>
    public string Claim => $"{Statement} ({Basis})";

    /// <summary>The whole sentence (without a final full stop): the claim, and what to check when the look disagrees.</summary>
    public string Text => Advice is null ? Claim : $"{Claim}: {Advice}";

    /// <summary>As <see cref="Text"/>, with a disagreement in bold.</summary>
    public string Markdown => Disagrees ? $"**{Statement}** ({Basis}){(Advice is null ? "" : $": {Advice}")}" : Text;
}

/// <summary>
/// The range a single look at a test set is expected in, given a cross-validated estimate. Not the 95% interval of the
/// mean: that shrinks with the number of splits, while one look at n_t rows varies about as much as one split did,
/// scaled by its row count. A metric's sampling variance scales about as 1/rows, so one look varies with variance
/// s²·n_v/n_t around the true value (s: std over the k splits, n_v: mean validation rows per split), and the mean it is
/// compared with is itself uncertain by s²/k: mean ± t(0.975, k−1)·s·√(1/k + n_v/n_t), clipped to the metric's range.
/// </summary>
internal static class TestLookRange
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The range for one look at <paramref name="testRows"/> rows (requires at least two splits and test rows).</summary>
    public static (double Low, double High) Range(string metric, double mean, double std, int splits, double validationRows, long testRows)
    {
        if (splits < 2) throw new ArgumentOutOfRangeException(nameof(splits), splits, "A range needs the spread of at least two splits.");
        if (testRows <= 0) throw new ArgumentOutOfRangeException(nameof(testRows), testRows, "A test look has at least one row.");
        double half = MetricSummary.T975(splits - 1) * std * Math.Sqrt(1.0 / splits + validationRows / testRows);
        var (min, max) = MetricCatalog.Range(metric);
        return (Math.Max(min, mean - half), Math.Min(max, mean + half));
    }

    /// <summary>A test value beside an estimate (mean, std over <paramref name="splits"/> splits of <paramref name="validationRows"/> rows).</summary>
    /// <param name="metric">The metric (its range clips the range of the look).</param>
    /// <param name="test">The test look's value.</param>
    /// <param name="testRows">Rows the look scored.</param>
    /// <param name="mean">The cross-validated mean.</param>
    /// <param name="std">Its standard deviation over the splits; null with a single split.</param>
    /// <param name="splits">Splits the estimate was measured on; null when the estimate did not record it (stored by an earlier version).</param>
    /// <param name="validationRows">Mean validation rows per split; null when not recorded.</param>
    /// <param name="format">How a metric value is written (the report and the card round differently).</param>
    public static TestLookComparison Compare(
        string metric, double test, long testRows, double mean, double? std, int? splits, double? validationRows, Func<double, string> format)
    {
        string value = format(test), estimate = format(mean);
        string beside = $"{metric}: test {value} beside the cross-validated mean {estimate}";
        if (std is not double s || !double.IsFinite(s) || splits is < 2)
            return new(metric, TestLookPlacement.NoRange, beside, "no range for one look: a single split has no spread to scale");
        if (splits is not int k || validationRows is not double rows)
            return new(metric, TestLookPlacement.NoRange, beside,
                "the range expected for one look cannot be computed from this estimate: it was stored without its split count and validation rows; evaluate again to compare");
        if (testRows <= 0)
            return new(metric, TestLookPlacement.NoRange, beside, "no range: the test look recorded no rows");
        var (low, high) = Range(metric, mean, s, k, rows, testRows);
        bool inside = test >= low && test <= high;
        string statement = $"{metric}: test {value} lies {(inside ? "inside" : "outside")} the range expected for one look at {testRows.ToString(Inv)} rows [{format(low)}, {format(high)}]";
        string basis = $"cross-validated mean {estimate}, std {format(s)} over {k.ToString(Inv)} splits of {rows.ToString("0.#", Inv)} rows";
        if (inside) return new(metric, TestLookPlacement.Inside, statement, basis);
        bool better = MetricCatalog.Direction(metric) * (test - mean) > 0;
        return new(metric, TestLookPlacement.Outside, statement, basis, better ? TestLookComparison.BetterAdvice : TestLookComparison.WorseAdvice);
    }
}
