using PipelineGen.Runtime.Evaluation;
using Xunit;

namespace PipelineGen.Runtime.Tests.Evaluation;

/// <summary>
/// The range one test look is expected in: mean ± t(0.975, k−1)·s·√(1/k + n_v/n_t), not the 95% interval of the mean,
/// which a single look at a small test set falls outside of by chance most of the time.
/// </summary>
public class TestLookRangeTests
{
    // Student's t, two-sided 95%, 4 degrees of freedom (tables: 2.776445).
    private const double T4 = 2.7764451051977987;

    private static string F(double v) => PipelineGen.Runtime.Reporting.HtmlReport.Metric(v);

    [Fact]
    public void The_range_is_the_hand_computed_one()
    {
        // k = 5, s = 0.015, n_v = 160, n_t = 200: √(1/5 + 160/200) = 1, so the half-width is t · s.
        var (low, high) = TestLookRange.Range("auc", 0.7909, 0.015, 5, 160, 200);
        Assert.Equal(0.7909 - T4 * 0.015, low, 12);
        Assert.Equal(0.7909 + T4 * 0.015, high, 12);
        Assert.Equal((0.7493, 0.8325), (Math.Round(low, 4), Math.Round(high, 4)));

        // n_t = 1000: √(0.2 + 0.16) = 0.6.
        var (low2, high2) = TestLookRange.Range("auc", 0.7909, 0.015, 5, 160, 1000);
        Assert.Equal(0.7909 - T4 * 0.015 * 0.6, low2, 12);
        Assert.Equal(0.7909 + T4 * 0.015 * 0.6, high2, 12);
        Assert.Equal(T4, MetricSummary.T975(4), 12); // the same quantile as the interval of the mean
    }

    [Fact]
    public void A_look_outside_the_interval_of_the_mean_but_inside_the_range_for_one_look_is_no_disagreement()
    {
        // Five splits of 160 rows: mean 0.7909, std 0.015 (values mean ± 0.015 · z, z of sample std 1).
        double[] z = [-2, -1, 0, 1, 2];
        double scale = 0.015 / Math.Sqrt(2.5);
        var summary = MetricSummary.From("auc", z.Select(v => (double?)(0.7909 + v * scale)).ToArray(), [160, 160, 160, 160, 160]);
        Assert.Equal(0.015, summary.StdDev!.Value, 12);
        Assert.Equal(160, summary.ValidationRows);
        Assert.True(summary.CiHigh < 0.8292, $"the interval of the mean [{summary.CiLow}, {summary.CiHigh}] excludes 0.8292");

        var look = new TestSetFigures(new Dictionary<string, double> { ["auc"] = 0.8292 }, 200, "test.csv");
        Assert.Empty(EvaluationHtml.Disagreements([summary], "auc", look));
        var comparison = Assert.Single(EvaluationHtml.Comparisons([summary], look));
        Assert.Equal(TestLookPlacement.Inside, comparison.Placement);
        Assert.Equal($"auc: test 0.8292 lies inside the range expected for one look at 200 rows [{F(0.7909 - T4 * 0.015)}, {F(0.7909 + T4 * 0.015)}] "
            + "(cross-validated mean 0.7909, std 0.0150 over 5 splits of 160 rows)", comparison.Text);

        // Far outside the range for one look: still a disagreement, with what to check.
        var far = new TestSetFigures(new Dictionary<string, double> { ["auc"] = 0.70 }, 200, "test.csv");
        var note = Assert.Single(EvaluationHtml.Disagreements([summary], "auc", far));
        Assert.StartsWith("auc: test 0.7000 lies outside the range expected for one look at 200 rows [0.7493, 0.8325]", note);
        Assert.EndsWith(": " + TestLookComparison.WorseAdvice, note);

        // Far above it: outside too, but the estimate was not optimistic.
        var better = Assert.Single(EvaluationHtml.Disagreements([summary], "auc", far with { Metrics = new Dictionary<string, double> { ["auc"] = 0.90 } }));
        Assert.EndsWith(": " + TestLookComparison.BetterAdvice, better);
        Assert.DoesNotContain("optimistic", better);
    }

    [Fact]
    public void Better_and_worse_follow_the_metric_s_direction()
    {
        // rmse: lower is better, so a look below the range is the better side.
        var below = TestLookRange.Compare("rmse", 0.10, 200, 0.50, 0.02, 5, 160, v => v.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var above = TestLookRange.Compare("rmse", 0.90, 200, 0.50, 0.02, 5, 160, v => v.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal((TestLookPlacement.Outside, TestLookComparison.BetterAdvice), (below.Placement, below.Advice));
        Assert.Equal((TestLookPlacement.Outside, TestLookComparison.WorseAdvice), (above.Placement, above.Advice));
    }

    [Fact]
    public void The_range_is_clipped_to_the_metric_s_bounds()
    {
        // auc cannot exceed 1; rmse (lower is better) cannot go below 0.
        var (_, aucHigh) = TestLookRange.Range("auc", 0.98, 0.02, 5, 160, 50);
        Assert.Equal(1, aucHigh);
        var (rmseLow, rmseHigh) = TestLookRange.Range("rmse", 0.05, 0.05, 5, 160, 50);
        Assert.Equal(0, rmseLow);
        Assert.Equal(0.05 + T4 * 0.05 * Math.Sqrt(0.2 + 160.0 / 50), rmseHigh, 12);
        var (r2Low, r2High) = TestLookRange.Range("r2", 0.95, 0.05, 5, 160, 50);
        Assert.Equal(1, r2High);
        Assert.Equal(0.95 - T4 * 0.05 * Math.Sqrt(0.2 + 160.0 / 50), r2Low, 12); // no lower bound
    }

    [Fact]
    public void The_mean_validation_rows_are_over_the_splits_where_the_metric_was_defined()
    {
        var summary = MetricSummary.From("auc", [0.8, null, 0.9], [100, 400, 120]);
        Assert.Equal(2, summary.Count);
        Assert.Equal(110, summary.ValidationRows);
        Assert.Null(MetricSummary.From("auc", [0.8, 0.9]).ValidationRows); // not given (e.g. a gate's summary)
    }

    [Fact]
    public void With_the_look_s_own_error_the_range_combines_both_variances_with_welch_satterthwaite_degrees_of_freedom()
    {
        // k = 5, s = 0.015 (var of the mean 0.000045), look error 0.03 (var 0.0009): df = 0.000945² / (0.000045² / 4) = 1764.
        double ofMean = 0.015 * 0.015 / 5, ofLook = 0.03 * 0.03, df = (ofMean + ofLook) * (ofMean + ofLook) / (ofMean * ofMean / 4);
        Assert.Equal(1764, df, 6);
        double half = MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, df, 0.975) * Math.Sqrt(ofMean + ofLook);
        var (low, high) = TestLookRange.Range("auc", 0.80, 0.015, 5, 160, 300, 0.03)!.Value;
        Assert.Equal(0.80 - half, low, 12);
        Assert.Equal(0.80 + half, high, 12);
        // Without an error of its own the look keeps the spread-scaled range (looks recorded before the bootstrap).
        Assert.Equal(TestLookRange.Range("auc", 0.80, 0.015, 5, 160, 300), TestLookRange.Range("auc", 0.80, 0.015, 5, 160, 300, null)!.Value);
        // A single split without an error has no range; with one it has.
        Assert.Null(TestLookRange.Range("auc", 0.80, null, 1, 160, 300, null));
        Assert.NotNull(TestLookRange.Range("auc", 0.80, null, 1, 160, 300, 0.03));
    }

    [Fact]
    public void The_gross_disagreement_of_the_brief_is_outside_and_a_consistent_look_is_inside()
    {
        // An estimate of auc 0.90 with a 95% interval ±0.02 over 5 splits of 160 rows (std = 0.02·√5 / t(0.975, 4)); a
        // look at 300 rows with auc 0.70 has a bootstrap error near 0.03 (Hanley–McNeil at 0.70 with 40% positives).
        double std = 0.02 * Math.Sqrt(5) / T4;
        var gross = TestLookRange.Compare("auc", 0.70, 300, 0.90, std, 5, 160, F, 0.03);
        Assert.Equal(TestLookPlacement.Outside, gross.Placement);
        Assert.Contains("95% interval [0.8800, 0.9200]", gross.Text);
        Assert.Contains("test 95% interval [0.6412, 0.7588]", gross.Text);
        Assert.Contains("300 test rows", gross.Text);
        Assert.EndsWith(TestLookComparison.WorseAdvice, gross.Text);
        // 0.86 on the same 300 rows (error 0.022): range 0.90 ± 1.97·√(0.0161²/5 + 0.022²) = [0.854, 0.946], inside.
        Assert.Equal(TestLookPlacement.Inside, TestLookRange.Compare("auc", 0.86, 300, 0.90, std, 5, 160, F, 0.022).Placement);
    }
}
