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
        Assert.Empty(EvaluationHtml.Disagreements([summary], look));
        var comparison = Assert.Single(EvaluationHtml.Comparisons([summary], look));
        Assert.Equal(TestLookPlacement.Inside, comparison.Placement);
        Assert.Equal($"auc: test 0.8292 lies inside the range expected for one look at 200 rows [{F(0.7909 - T4 * 0.015)}, {F(0.7909 + T4 * 0.015)}] "
            + "(cross-validated mean 0.7909, std 0.0150 over 5 splits of 160 rows)", comparison.Text);

        // Far outside the range for one look: still a disagreement, with what to check.
        var far = new TestSetFigures(new Dictionary<string, double> { ["auc"] = 0.70 }, 200, "test.csv");
        var note = Assert.Single(EvaluationHtml.Disagreements([summary], far));
        Assert.StartsWith("auc: test 0.7000 lies outside the range expected for one look at 200 rows [0.7493, 0.8325]", note);
        Assert.EndsWith(": " + TestLookComparison.WorseAdvice, note);

        // Far above it: outside too, but the estimate was not optimistic.
        var better = Assert.Single(EvaluationHtml.Disagreements([summary], far with { Metrics = new Dictionary<string, double> { ["auc"] = 0.90 } }));
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
}
