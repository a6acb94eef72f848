using System.Globalization;
using System.Text;
using PipelineGen.Runtime.Reporting;
using static PipelineGen.Runtime.Reporting.HtmlReport;

namespace PipelineGen.Runtime.Evaluation;

/// <summary>The one look at the test set, shown beside the cross-validated estimate.</summary>
/// <param name="Metrics">Test metrics by name.</param>
/// <param name="Rows">Test rows scored.</param>
/// <param name="Path">Test data file.</param>
/// <param name="StandardErrors">Each metric's bootstrap standard error over the test rows; null for a look recorded without them.</param>
internal sealed record TestSetFigures(IReadOnlyDictionary<string, double> Metrics, long Rows, string Path, IReadOnlyDictionary<string, double>? StandardErrors = null)
{
    public static TestSetFigures Of(Training.TestLook look) => new(look.Metrics, look.Rows, look.DataPath, look.StandardErrors);

    public double? ErrorOf(string metric) => StandardErrors is { } errors && errors.TryGetValue(metric, out var e) ? e : null;
}

/// <summary>
/// Writes an <see cref="EvaluationResult"/> as one self-contained HTML page in the explore report's style: the metrics
/// beside the baseline, then the charts of the task kind drawn from the out-of-fold predictions the evaluation already
/// made (binary: ROC, precision–recall, threshold trade-off, confusion at the chosen threshold, calibration;
/// multiclass: confusion and per-class figures; regression: predicted vs actual, residuals, error distribution),
/// permutation importance, the per-split table and metrics per segment of the group column.
/// </summary>
internal static class EvaluationHtml
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Most points drawn in a scatter plot; beyond it every k-th row is drawn (said under the chart).</summary>
    public const int MaxScatterPoints = 1500;

    /// <summary>Most segments listed; a group column with more values (e.g. a customer id) gets no segment table.</summary>
    public const int MaxSegments = 30;

    /// <summary>Default path: <c>&lt;project&gt;/.pipelinegen/reports/&lt;name&gt;.evaluate.html</c>, beside the explore report.</summary>
    public static string DefaultPath(PipelineSettings settings) =>
        Path.Combine(settings.ResolvePath("."), ".pipelinegen", "reports", settings.Name + ".evaluate.html");

    public static void Write(EvaluationResult result, string path, TestSetFigures? test = null) => HtmlReport.Write(path, Render(result, test));

    /// <summary>Writes a report drawn again from a stored <see cref="EvaluationSnapshot"/> (e.g. by <c>test</c>, with its look).</summary>
    public static void Write(EvaluationSnapshot snapshot, string path, TestSetFigures? test = null) => HtmlReport.Write(path, Render(snapshot, test));

    /// <summary>Each test metric beside the estimate's range for one look at the test rows (see <see cref="TestLookRange"/>).</summary>
    public static IReadOnlyList<TestLookComparison> Comparisons(IReadOnlyList<MetricSummary>? model, TestSetFigures test) =>
        model is null ? [] : model.Select(m => Compare(m, test)).OfType<TestLookComparison>().ToList();

    /// <summary>
    /// The primary metric's disagreement with its range for one look, as a sentence (none when it lies inside or has no
    /// range). Only the primary metric: it is the one test decided on in advance, so an honest look is called out one
    /// time in twenty; calling out any of the task's 4-7 correlated metrics would call out honest looks far more often.
    /// The other metrics' ranges stay in the report's table.
    /// </summary>
    public static IReadOnlyList<string> Disagreements(IReadOnlyList<MetricSummary>? model, string primaryMetric, TestSetFigures test) =>
        Comparisons(model, test).Where(c => c.Disagrees && c.Metric == primaryMetric).Select(c => c.Text).ToList();

    /// <summary>
    /// The console's line for a test look: the primary metric beside its estimate when it does not disagree (inside its
    /// range, or why there is no range); a disagreement is the <c>test</c> command's own warning, not repeated here.
    /// </summary>
    public static IReadOnlyList<string> ConsoleNotes(IReadOnlyList<MetricSummary>? model, string primaryMetric, TestSetFigures test) =>
        Comparisons(model, test).FirstOrDefault(c => c.Metric == primaryMetric) is { Disagrees: false } primary
            ? [$"Test look beside the estimate: {primary.Text}."]
            : [];

    private static TestLookComparison? Compare(MetricSummary? m, TestSetFigures test) =>
        m is { Mean: double mean } && test.Metrics.TryGetValue(m.Name, out var t)
            ? TestLookRange.Compare(m.Name, t, test.Rows, mean, m.StdDev, m.Count, m.ValidationRows, v => Metric(v), test.ErrorOf(m.Name))
            : null;

    public static string Render(EvaluationResult r, TestSetFigures? test = null) => Render(Snapshot(r), test);

    /// <summary>
    /// What the page needs, without the out-of-fold predictions: the estimate, the baseline, the verdict and the charts
    /// already drawn. Stored beside the report so that <c>test</c> can add its look later without evaluating again.
    /// </summary>
    public static EvaluationSnapshot Snapshot(EvaluationResult r) => new()
    {
        PipelineName = r.PipelineName,
        Subtitle = $"{TaskName(r.Task)} · {r.ProtocolDescription} · {r.DataPath} · {r.UsedRowCount.ToString(Inv)} of {r.RowCount.ToString(Inv)} rows",
        ProtocolDescription = r.ProtocolDescription,
        PrimaryMetric = r.PrimaryMetric,
        SplitCount = r.Splits.Count,
        Model = r.Model,
        Baseline = r.Baseline,
        Comparison = r.Comparison,
        Differences = r.Model is null ? null : r.Baseline.ToDictionary(b => b.Name, b => Cli.EvaluationReportWriter.Difference(r, b.Name), StringComparer.Ordinal),
        DominantColumn = r.Importance?.Dominant?.Column,
        BodyHtml = Body(r),
    };

    public static string Render(EvaluationSnapshot r, TestSetFigures? test = null)
    {
        var h = HtmlReport.Begin($"Evaluate: {r.PipelineName}", r.Subtitle);
        Cards(h, r, test);
        Metrics(h, r, test);
        h.Append(r.BodyHtml);
        return HtmlReport.End(h);
    }

    /// <summary>Everything below the metrics: the charts of the task kind, importance, per-split and segment tables, notes.</summary>
    private static string Body(EvaluationResult r)
    {
        var h = new StringBuilder();
        if (r.OutOfFold is { Count: > 0 } o)
        {
            switch (r.Task)
            {
                case MlTaskKind.BinaryClassification: Binary(h, r, o); break;
                case MlTaskKind.MulticlassClassification: Multiclass(h, r, o); break;
                default: Regression(h, r, o); break;
            }
        }
        else
            h.Append("<section><h2>Charts</h2><p class=\"meta\">No out-of-fold predictions were collected (baseline only), so there is nothing to draw.</p></section>");
        Importance(h, r);
        PerSplit(h, r);
        Segments(h, r);
        h.Append("<section><h2>How these numbers were computed</h2><ul class=\"notes\">");
        h.Append($"<li>{E(r.ProtocolDescription)}; every transform and the model were fitted on each training part only. Primary metric: {E(r.PrimaryMetric)} ({E(r.PrimaryMetricReason)}).</li>");
        h.Append($"<li>Baseline: {E(r.BaselineStrategy)}, fitted on each training part and scored on the same validation rows.</li>");
        h.Append("<li>Curves, confusion matrices, calibration and residuals use the out-of-fold predictions: each row predicted by the model that did not see it. Bands are ±1 standard deviation across splits.</li>");
        foreach (var w in r.Warnings) h.Append($"<li>warning: {E(w)}</li>");
        h.Append("</ul></section>");
        return h.ToString();
    }

    private static void Cards(StringBuilder h, EvaluationSnapshot r, TestSetFigures? test)
    {
        h.Append("<div class=\"cards\">");
        var model = r.ModelMetric(r.PrimaryMetric);
        Card(h, $"model {r.PrimaryMetric} (mean of {r.SplitCount} split{(r.SplitCount == 1 ? "" : "s")})", MeanStd(model), null);
        Card(h, $"baseline {r.PrimaryMetric}", MeanStd(r.BaselineMetric(r.PrimaryMetric)), null);
        if (r.Comparison is { } c)
            Card(h, "verdict", c.VerdictText, c.Verdict == Verdict.BeatsBaseline ? "ok" : c.Verdict == Verdict.DoesNotBeatBaseline ? "bad" : "warn");
        if (test is not null && test.Metrics.TryGetValue(r.PrimaryMetric, out var t))
            Card(h, $"test {r.PrimaryMetric} (one look, {test.Rows.ToString(Inv)} rows)", Metric(t), Compare(model, test)?.Placement switch
            {
                TestLookPlacement.Outside => "warn",
                TestLookPlacement.Inside => "ok",
                _ => null, // no range: no claim either way
            });
        if (r.DominantColumn is { } d) Card(h, "carries most of the importance: a leak?", d, "warn");
        h.Append("</div>");
        if (r.Comparison is { } comparison)
            h.Append($"<section><h2>Against the baseline</h2><p>The model {E(comparison.VerdictText)}: {E(comparison.Explanation)}</p></section>");
    }

    private static void Metrics(StringBuilder h, EvaluationSnapshot r, TestSetFigures? test)
    {
        h.Append("<section><h2>Metrics</h2>");
        var header = new List<string> { "metric", "model (mean ± std)", "95% interval", "baseline (mean ± std)", "model − baseline" };
        if (test is not null) header.AddRange(["test (one look)", $"range expected for one look at {test.Rows.ToString(Inv)} rows"]);
        var rows = r.Baseline.Select(b =>
        {
            var m = r.ModelMetric(b.Name);
            var row = new List<string>
            {
                b.Name == r.PrimaryMetric ? b.Name + " (primary)" : b.Name,
                MeanStd(m),
                m is { CiLow: double lo, CiHigh: double hi } ? $"[{Metric(lo)}, {Metric(hi)}]" : "n/a",
                MeanStd(b),
                r.Differences is { } d && d.TryGetValue(b.Name, out var paired) ? (paired == "-" ? "n/a" : paired)
                    : m is { Mean: double mm, UndefinedCount: 0 } && b is { Mean: double bm, UndefinedCount: 0 } ? (mm - bm >= 0 ? "+" : "") + Metric(mm - bm) : "n/a",
            };
            if (test is not null)
            {
                row.Add(test.Metrics.TryGetValue(b.Name, out var t) ? Metric(t) : MetricComputer.UndefinedText(b.Name));
                row.Add(RangeCell(m, test.Rows, test.ErrorOf(b.Name)));
            }
            return (IReadOnlyList<string>)row;
        });
        Table(h, header, rows);
        if (test is not null)
        {
            var comparisons = Comparisons(r.Model, test);
            var disagreements = Disagreements(r.Model, r.PrimaryMetric, test);
            var primary = comparisons.FirstOrDefault(c => c.Metric == r.PrimaryMetric);
            h.Append(disagreements.Count == 0
                ? $"<p class=\"meta\">The test set ({E(test.Path)}, {test.Rows.ToString(Inv)} rows) was looked at once"
                    + (comparisons.Any(c => c.Placement == TestLookPlacement.Inside)
                        ? "; its primary metric is checked against the range expected for one look (the mean ± t·√(std²/splits + the look's own bootstrap error²), not the interval of the mean; the other metrics' ranges are shown for reading)."
                        : ".")
                    + $"{(primary is null ? "" : $" {E(primary.Claim)}.")}</p>"
                : $"<div class=\"note\">The test set disagrees with the cross-validated estimate by more than one look is expected to vary — {E(string.Join("; ", disagreements))}.</div>");
        }
        h.Append("</section>");
    }

    /// <summary>The range expected for one look, or "n/a" when none can be computed (an estimate stored without its rows;
    /// a single split and a look without its own standard error).</summary>
    private static string RangeCell(MetricSummary? m, long testRows, double? testError)
    {
        if (m is not { Mean: double mean, ValidationRows: double rows }
            || TestLookRange.Range(m.Name, mean, m.StdDev, m.Count, rows, testRows, testError) is not var (low, high)) return "n/a";
        return $"[{Metric(low)}, {Metric(high)}]";
    }

    // ---- binary ----

    private static void Binary(StringBuilder h, EvaluationResult r, OutOfFoldPredictions o)
    {
        double threshold = r.DecisionThreshold ?? 0.5;
        string source = r.DecisionThreshold is null ? "the default 0.5 (set task.threshold in the spec, or predict --threshold)" : "task.threshold in the spec";
        double prevalence = o.Label.Average(l => (double)l);
        h.Append("<section><h2>Ranking: ROC and precision–recall</h2><div class=\"charts wide\">");
        var roc = EvaluationCurves.Roc(o);
        string auc = MeanStd(r.ModelMetric("auc"));
        if (roc is not null)
            h.Append(Figure(SvgCharts.Line("ROC curve", new ChartAxis("false positive rate", 0, 1), new ChartAxis("true positive rate", 0, 1),
                [Band("model (AUC " + auc + ")", roc, SvgCharts.Blue), new ChartSeries("baseline: constant score (AUC 0.5)", [new(0, 0), new(1, 1)], SvgCharts.Grey, Dashed: true)])));
        var pr = EvaluationCurves.PrecisionRecall(o);
        if (pr is not null)
            h.Append(Figure(SvgCharts.Line("Precision–recall curve", new ChartAxis("recall", 0, 1), new ChartAxis("precision", 0, 1),
                [Band("model (PR AUC " + MeanStd(r.ModelMetric("pr_auc")) + ")", pr, SvgCharts.Blue),
                 new ChartSeries($"baseline: positive rate {prevalence.ToString("0.###", Inv)}", [new(0, prevalence), new(1, prevalence)], SvgCharts.Grey, Dashed: true)])));
        h.Append("</div></section>");

        h.Append("<section><h2>Choosing a threshold</h2>");
        if (!o.HasProbability)
            h.Append("<p class=\"meta\">The model gives no probability, so the threshold trade-off is not drawn; its decision is score ≥ 0.</p>");
        else
        {
            var sweep = EvaluationCurves.Thresholds(o);
            var chosen = EvaluationCurves.At(o, threshold);
            var best = sweep.Where(p => p.F1 is not null).MaxBy(p => p.F1!.Value);
            h.Append($"<p>Rows with P(positive) ≥ <strong>{E(threshold.ToString("0.###", Inv))}</strong> are predicted positive ({E(source)}). At it: precision {E(Metric(chosen.Precision))}, recall {E(Metric(chosen.Recall))}, F1 {E(Metric(chosen.F1))}."
                + (best is null ? "" : $" F1 is highest ({E(Metric(best.F1))}) at {E(best.Threshold.ToString("0.00", Inv))}.") + "</p><div class=\"charts wide\">");
            ChartSeries S(string name, Func<ThresholdPoint, double?> pick, string color) =>
                new(name, sweep.Where(p => pick(p) is not null).Select(p => new ChartPoint(p.Threshold, pick(p)!.Value)).ToArray(), color);
            var markers = new List<ChartMarker>();
            if (chosen.F1 is double f) markers.Add(new ChartMarker(threshold, f, $"chosen threshold {threshold.ToString("0.###", Inv)}"));
            h.Append(Figure(SvgCharts.Line("Precision, recall and F1 against the threshold", new ChartAxis("threshold on P(positive)", 0, 1), new ChartAxis("value", 0, 1),
                [S("precision", p => p.Precision, SvgCharts.Blue), S("recall", p => p.Recall, SvgCharts.Orange), S("F1", p => p.F1, SvgCharts.Green)], markers)));
            var labels = new[] { "negative", "positive" };
            long[,] counts = { { chosen.TrueNegatives, chosen.FalsePositives }, { chosen.FalseNegatives, chosen.TruePositives } };
            h.Append(Figure(ConfusionHeatmap($"Confusion matrix at threshold {threshold.ToString("0.###", Inv)} (all out-of-fold rows)", labels, counts)));
            h.Append("</div>");
        }
        h.Append("</section>");

        if (o.HasProbability) Calibration(h, o);
    }

    private static void Calibration(StringBuilder h, OutOfFoldPredictions o)
    {
        var bins = EvaluationCurves.Calibration(o);
        var (brier, baselineBrier) = EvaluationCurves.Brier(o);
        string Summary(IReadOnlyList<double> v) => v.Count == 0 ? "n/a" : v.Count == 1 ? Metric(v[0]) : $"{Metric(v.Average())} ± {Metric(MathNet.Numerics.Statistics.Statistics.StandardDeviation(v))}";
        var baselineValues = baselineBrier.Where(b => b.HasValue).Select(b => b!.Value).ToArray();
        h.Append("<section><h2>Calibration</h2>");
        h.Append($"<p>Brier score (mean squared error of the probability; lower is better): model <strong>{E(Summary(brier))}</strong>, baseline {E(baselineValues.Length == baselineBrier.Count ? Summary(baselineValues) : "n/a (a hard majority vote has no probability)")}, over {brier.Count} split(s).</p>");
        var points = bins.Select(b => new ChartPoint(b.MeanPredicted, b.ObservedRate)).ToArray();
        h.Append("<div class=\"charts wide\">");
        h.Append(Figure(SvgCharts.Line("Reliability diagram", new ChartAxis("mean predicted P(positive) in the bin", 0, 1), new ChartAxis("observed positive rate", 0, 1),
            [new ChartSeries("model (10 equal-width bins)", points, SvgCharts.Blue, Markers: true), new ChartSeries("perfectly calibrated", [new(0, 0), new(1, 1)], SvgCharts.Grey, Dashed: true)])));
        h.Append(Figure(SvgCharts.Bars("Rows per probability bin", bins.Select(b => $"{b.Lower:0.0}–{b.Upper:0.0}").ToArray(),
            [new BarSeries("rows", bins.Select(b => (double)b.Rows).ToArray(), SvgCharts.Blue)], ChartAxis.Fit("rows", bins.Select(b => (double)b.Rows).Append(0), 0), "predicted P(positive)")));
        h.Append("</div></section>");
    }

    // ---- multiclass ----

    private static void Multiclass(StringBuilder h, EvaluationResult r, OutOfFoldPredictions o)
    {
        var confusion = EvaluationCurves.Confusion(o);
        var perClass = EvaluationCurves.PerClass(confusion, o.ClassNames);
        h.Append("<section><h2>Confusion and per-class figures</h2><div class=\"charts wide\">");
        h.Append(Figure(ConfusionHeatmap("Confusion matrix (all out-of-fold rows)", o.ClassNames, confusion)));
        var names = perClass.Select(c => c.Class).ToArray();
        h.Append(Figure(SvgCharts.Bars("Precision, recall and F1 per class", names,
            [new BarSeries("precision", perClass.Select(c => c.Precision ?? double.NaN).ToArray(), SvgCharts.Blue),
             new BarSeries("recall", perClass.Select(c => c.Recall ?? double.NaN).ToArray(), SvgCharts.Orange),
             new BarSeries("F1", perClass.Select(c => c.F1 ?? double.NaN).ToArray(), SvgCharts.Green)], new ChartAxis("value", 0, 1), "class")));
        h.Append("</div>");
        long total = perClass.Sum(c => c.Support), correct = Enumerable.Range(0, names.Length).Sum(c => confusion[c, c]);
        double? Macro(Func<ClassMetrics, double?> pick) => perClass.All(c => pick(c) is not null) ? perClass.Average(c => pick(c)!.Value) : null;
        double? micro = total == 0 ? null : correct / (double)total;
        // 0/0 is shown as undefined with why, never as a number: a class never predicted has no precision, a class
        // without rows no recall, and a macro average over classes with one of them undefined is undefined too.
        static string Or(double? v, string why) => v is double d ? Metric(d) : $"undefined ({why})";
        var rows = perClass.Select(c => (IReadOnlyList<string>)[c.Class, c.Support.ToString(Inv), Or(c.Precision, "never predicted"), Or(c.Recall, "no row of this class"), Or(c.F1, "no row, never predicted")]).ToList();
        rows.Add(["macro (mean of classes)", total.ToString(Inv), Or(Macro(c => c.Precision), "a class is never predicted"), Or(Macro(c => c.Recall), "a class has no row"), Or(Macro(c => c.F1), "a class has no row and is never predicted")]);
        rows.Add(["micro (all rows)", total.ToString(Inv), Metric(micro), Metric(micro), Metric(micro)]);
        Table(h, ["class", "rows", "precision", "recall", "F1"], rows);
        h.Append($"<p class=\"meta\">Pooled over all out-of-fold rows. Micro precision, recall and F1 equal the accuracy when every row gets one class. The baseline ({E(r.BaselineStrategy)}) scores macro_accuracy {E(MeanStd(r.BaselineMetric("macro_accuracy")))} and micro_accuracy {E(MeanStd(r.BaselineMetric("micro_accuracy")))}.</p>");
        h.Append("</section>");
    }

    // ---- regression ----

    private static void Regression(StringBuilder h, EvaluationResult r, OutOfFoldPredictions o)
    {
        int stride = Math.Max(1, (int)Math.Ceiling(o.Count / (double)MaxScatterPoints));
        var shown = Enumerable.Range(0, o.Count).Where(i => i % stride == 0).ToArray();
        var residuals = Enumerable.Range(0, o.Count).Select(i => (double)o.Label[i] - o.Score[i]).ToArray();
        var baselineResiduals = Enumerable.Range(0, o.Count).Select(i => o.Label[i] - o.BaselinePrediction[o.Split[i]]).ToArray();
        var all = o.Label.Select(v => (double)v).Concat(o.Score.Select(v => (double)v)).ToArray();
        var range = ChartAxis.Fit("", all);
        double baselineMean = o.BaselinePrediction.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average();
        h.Append("<section><h2>Predictions against the truth</h2><div class=\"charts wide\">");
        var lines = new List<ChartSeries> { new("perfect: predicted = actual", [new(range.Min, range.Min), new(range.Max, range.Max)], SvgCharts.Grey, Dashed: true) };
        if (double.IsFinite(baselineMean)) lines.Add(new ChartSeries($"baseline ({r.BaselineStrategy}): {baselineMean.ToString("0.###", Inv)}", [new(range.Min, baselineMean), new(range.Max, baselineMean)], SvgCharts.Orange, Dashed: true));
        h.Append(Figure(SvgCharts.Scatter("Predicted against actual", range with { Label = "actual" }, range with { Label = "predicted" },
            [new ChartSeries("out-of-fold rows", shown.Select(i => new ChartPoint(o.Label[i], o.Score[i])).ToArray(), SvgCharts.Blue)], lines)));
        var predictedAxis = ChartAxis.Fit("predicted", o.Score.Select(v => (double)v));
        h.Append(Figure(SvgCharts.Scatter("Residuals against the prediction", predictedAxis, ChartAxis.Fit("residual (actual − predicted)", residuals.Append(0)),
            [new ChartSeries("out-of-fold rows", shown.Select(i => new ChartPoint(o.Score[i], residuals[i])).ToArray(), SvgCharts.Blue)],
            [new ChartSeries("zero error", [new(predictedAxis.Min, 0), new(predictedAxis.Max, 0)], SvgCharts.Grey, Dashed: true)])));
        h.Append("</div>");
        if (stride > 1) h.Append($"<p class=\"meta\">Every {stride}th of {o.Count.ToString(Inv)} out-of-fold rows is drawn.</p>");

        // Error distribution: the model's residuals beside the baseline's, on the same bins.
        var edges = ChartAxis.Fit("", residuals.Concat(baselineResiduals.Where(double.IsFinite)));
        const int binCount = 20;
        double width = (edges.Max - edges.Min) / binCount;
        double[] Counts(double[] values) => Enumerable.Range(0, binCount).Select(b => (double)values.Count(v => double.IsFinite(v) && Math.Min(binCount - 1, (int)((v - edges.Min) / width)) == b)).ToArray();
        var categories = Enumerable.Range(0, binCount).Select(b => (edges.Min + (b + 0.5) * width).ToString("0.##", Inv)).ToArray();
        var model = Counts(residuals);
        var series = new List<BarSeries> { new("model", model, SvgCharts.Blue) };
        if (baselineResiduals.All(double.IsFinite)) series.Add(new BarSeries($"baseline ({r.BaselineStrategy})", Counts(baselineResiduals), SvgCharts.Orange));
        h.Append("<div class=\"charts wide\">");
        h.Append(Figure(SvgCharts.Bars("Error distribution (actual − predicted)", categories, series,
            ChartAxis.Fit("rows", series.SelectMany(s => s.Values).Append(0), 0), "residual, bin centre")));
        h.Append("</div>");
        h.Append($"<p class=\"meta\">Mean absolute error of the out-of-fold rows: model {E(Metric(residuals.Average(Math.Abs)))}, baseline {E(Metric(baselineResiduals.Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(double.NaN).Average()))}; {E(BiasNote(residuals))}</p>");
        h.Append("</section>");
    }

    /// <summary>
    /// The residual mean and whether it says the model is biased: only when it lies more than two standard errors from 0
    /// (a rough check: out-of-fold rows come from different fits). Said of every report, "far from 0" would be a claim
    /// the numbers did not make.
    /// </summary>
    internal static string BiasNote(IReadOnlyList<double> residuals)
    {
        var finite = residuals.Where(double.IsFinite).ToArray();
        if (finite.Length < 2) return $"residual mean {Metric(finite.DefaultIfEmpty(double.NaN).Average())}.";
        double mean = finite.Average();
        double se = Math.Sqrt(finite.Sum(v => (v - mean) * (v - mean)) / (finite.Length - 1) / finite.Length);
        string figures = $"residual mean {Metric(mean)} (standard error {Metric(se)})";
        return Math.Abs(mean) > 2 * se
            ? $"{figures}: more than two standard errors from 0, the model is biased: it predicts too {(mean > 0 ? "low" : "high")} on average."
            : $"{figures}: within two standard errors of 0, no sign of bias.";
    }

    // ---- shared sections ----

    private static void Importance(StringBuilder h, EvaluationResult r)
    {
        if (r.Importance is not { Columns.Count: > 0 } imp) return;
        var ordered = imp.Columns.OrderByDescending(c => c.Mean ?? double.NegativeInfinity).ToArray();
        h.Append($"<section><h2>What the model relies on: permutation importance</h2><p class=\"meta\">For each split, one feature column's values are shuffled among the validation rows and the fitted model rescored: the bar is the mean loss of {E(imp.Metric)} over {r.Splits.Count} split(s), whiskers the lowest and highest split. Near 0: the model does not use the column (or another column carries the same information).</p>");
        if (imp.Dominant is { } d)
            h.Append($"<div class=\"callout\"><strong>{E(d.Column)}</strong> carries {E(imp.Share(d).ToString("P0", Inv))} of the total importance. One column carrying almost everything is often a leak: check that <code>{E(d.Column)}</code> is known when a prediction is made, and is not derived from the label.</div>");
        var values = ordered.Select(c => c.Mean ?? double.NaN).ToArray();
        var axis = ChartAxis.Fit($"loss of {imp.Metric} when shuffled", values.Concat(ordered.Select(c => c.Max ?? 0)).Concat(ordered.Select(c => c.Min ?? 0)).Append(0));
        h.Append(Figure(SvgCharts.Bars("Permutation importance per column", ordered.Select(c => c.Column).ToArray(),
            [new BarSeries("mean over splits", values, SvgCharts.Blue, ordered.Select(c => c.Min ?? double.NaN).ToArray(), ordered.Select(c => c.Max ?? double.NaN).ToArray())],
            axis, "feature column", width: 760)));
        Table(h, ["column", $"mean loss of {imp.Metric}", "lowest split", "highest split", "share"],
            ordered.Select(c => (IReadOnlyList<string>)[c.Column, Metric(c.Mean), Metric(c.Min), Metric(c.Max), imp.Share(c).ToString("P0", Inv)]));
        h.Append("</section>");
    }

    private static void PerSplit(StringBuilder h, EvaluationResult r)
    {
        h.Append("<section><h2>Per split</h2>");
        if (r.PerSplitReason is { } reason) h.Append($"<div class=\"note\">{E(reason)}.</div>");
        var names = MetricCatalog.For(r.Task);
        var header = new List<string> { "split", "train rows", "validation rows" };
        header.AddRange(names.Select(n => $"model {n}"));
        header.Add($"baseline {r.PrimaryMetric}");
        Table(h, header, r.Splits.Select(s =>
        {
            var row = new List<string> { r.Splits.Count == 1 ? "validation" : $"{s.Repeat + 1}.{s.Fold + 1}", s.TrainingRows.ToString(Inv), s.ValidationRows.ToString(Inv) };
            row.AddRange(names.Select(n => s.Model is { } m ? Metric(m[n]) : "n/a"));
            row.Add(Metric(s.Baseline[r.PrimaryMetric]));
            return (IReadOnlyList<string>)row;
        }));
        if (r.Model is not null && r.Splits.Count > 1)
        {
            var primary = r.Splits.Select(s => s.Model![r.PrimaryMetric] ?? double.NaN).ToArray();
            var (lo, hi) = MetricCatalog.Range(r.PrimaryMetric);
            var axis = ChartAxis.Fit(r.PrimaryMetric, primary.Concat(r.Splits.Select(s => s.Baseline[r.PrimaryMetric] ?? double.NaN)).Append(double.IsFinite(lo) ? lo : 0), lo, hi);
            h.Append(Figure(SvgCharts.Bars($"{r.PrimaryMetric} per split", r.Splits.Select(s => $"{s.Repeat + 1}.{s.Fold + 1}").ToArray(),
                [new BarSeries("model", primary, SvgCharts.Blue), new BarSeries("baseline", r.Splits.Select(s => s.Baseline[r.PrimaryMetric] ?? double.NaN).ToArray(), SvgCharts.Grey)],
                axis, "split (repeat.fold)", width: 760)));
        }
        h.Append("</section>");
    }

    private static void Segments(StringBuilder h, EvaluationResult r)
    {
        if (r.GroupColumn is null) return;
        h.Append($"<section><h2>Per segment of <code>{E(r.GroupColumn)}</code></h2>");
        if (r.OutOfFold is not { } o || o.Segment.Count != o.Count || o.Count == 0)
        {
            h.Append("<p class=\"meta\">The group column's values were not available in the scored rows, so no per-segment figures.</p></section>");
            return;
        }
        var segments = o.Segment.Select((s, i) => (s, i)).GroupBy(t => t.s, t => t.i).ToArray();
        if (segments.Length > MaxSegments)
        {
            h.Append($"<p class=\"meta\">{segments.Length.ToString(Inv)} distinct values: too many to list as segments (at most {MaxSegments}); the group column keeps each value's rows on one side of every split.</p></section>");
            return;
        }
        double threshold = r.DecisionThreshold ?? 0.5;
        var rows = new List<(IReadOnlyList<string> Cells, bool Worse)>();
        foreach (var g in segments.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var idx = g.ToArray();
            switch (r.Task)
            {
                case MlTaskKind.BinaryClassification:
                {
                    var labels = idx.Select(i => o.Label[i]).ToArray();
                    var scores = idx.Select(i => o.HasProbability ? o.Probability[i] : o.Score[i]).ToArray();
                    double accuracy = idx.Count(i => (o.Label[i] > 0.5f) == ((o.HasProbability ? o.Probability[i] : o.Score[i]) >= (o.HasProbability ? threshold : 0))) / (double)idx.Length;
                    double positiveRate = labels.Average(l => (double)l);
                    double baselineAccuracy = Math.Max(positiveRate, 1 - positiveRate);
                    var auc = EvaluationCurves.Auc(labels, scores);
                    rows.Add(([g.Key, idx.Length.ToString(Inv), positiveRate.ToString("P0", Inv), Metric(auc), Metric(accuracy), Metric(baselineAccuracy)],
                        accuracy <= baselineAccuracy || auc is <= 0.5));
                    break;
                }
                case MlTaskKind.MulticlassClassification:
                {
                    double accuracy = idx.Count(i => o.Score[i] == o.Label[i]) / (double)idx.Length;
                    double majority = idx.GroupBy(i => o.Label[i]).Max(c => c.Count()) / (double)idx.Length;
                    rows.Add(([g.Key, idx.Length.ToString(Inv), Metric(accuracy), Metric(majority)], accuracy <= majority));
                    break;
                }
                default:
                {
                    double rmse = Math.Sqrt(idx.Average(i => Math.Pow(o.Label[i] - o.Score[i], 2)));
                    double baseline = Math.Sqrt(idx.Average(i => Math.Pow(o.Label[i] - o.BaselinePrediction[o.Split[i]], 2)));
                    double mae = idx.Average(i => Math.Abs(o.Label[i] - o.Score[i]));
                    rows.Add(([g.Key, idx.Length.ToString(Inv), Metric(rmse), Metric(mae), Metric(baseline)], !(rmse < baseline)));
                    break;
                }
            }
        }
        string[] header = r.Task switch
        {
            MlTaskKind.BinaryClassification => ["segment", "rows", "positive rate", "model auc", $"model accuracy at {threshold.ToString("0.###", Inv)}", "accuracy of its majority class"],
            MlTaskKind.MulticlassClassification => ["segment", "rows", "model accuracy", "accuracy of its majority class"],
            _ => ["segment", "rows", "model rmse", "model mae", $"baseline rmse ({r.BaselineStrategy})"],
        };
        var worse = rows.Where(x => x.Worse).Select(x => x.Cells[0]).ToArray();
        if (worse.Length > 0)
            h.Append($"<div class=\"callout\">The model does no better than the trivial prediction on segment{(worse.Length == 1 ? "" : "s")} {E(string.Join(", ", worse.Select(w => $"'{w}'")))}: good on average is not good for {(worse.Length == 1 ? "it" : "them")}.</div>");
        Table(h, header, rows.Select(x => x.Cells));
        h.Append("<p class=\"meta\">Out-of-fold rows pooled per value of the group column. The trivial prediction per segment is its own majority class (classification) or the fold's baseline (regression).</p></section>");
    }

    // ---- helpers ----

    private static string ConfusionHeatmap(string title, IReadOnlyList<string> names, long[,] counts)
    {
        int n = names.Count;
        var shade = new double[n, n];
        var text = new string[n, n];
        for (int a = 0; a < n; a++)
        {
            long row = Enumerable.Range(0, n).Sum(p => counts[a, p]);
            for (int p = 0; p < n; p++)
            {
                shade[a, p] = row == 0 ? 0 : counts[a, p] / (double)row;
                text[a, p] = counts[a, p].ToString(Inv);
            }
        }
        return SvgCharts.Heatmap(title, "actual", "predicted (shade: share of the actual class)", names, names, shade, text, width: Math.Max(420, 140 + 60 * n));
    }

    private static ChartSeries Band(string name, CurveBand c, string color) =>
        new(name, c.X.Select((x, k) => new ChartPoint(x, c.Mean[k])).ToArray(), color,
            Band: c.Std is null ? null : c.X.Select((x, k) => new BandPoint(x, Math.Max(0, c.Mean[k] - c.Std[k]), Math.Min(1, c.Mean[k] + c.Std[k]))).ToArray());

    private static string Figure(string svg) => $"<figure>{svg}</figure>";

    private static string MeanStd(MetricSummary? s) => s?.Mean switch
    {
        null => s is null ? "n/a" : MetricComputer.UndefinedText(s.Name),
        double m when s.StdDev is double sd => $"{Metric(m)} ± {Metric(sd)}" + Partly(s),
        double m => Metric(m) + Partly(s),
    };

    // The mean is over the splits where the metric was defined only: say over how many.
    private static string Partly(MetricSummary s) =>
        s.UndefinedCount > 0 ? $" ({s.Count} of {s.Count + s.UndefinedCount} splits)" : "";

    internal static string TaskName(MlTaskKind task) => task switch
    {
        MlTaskKind.BinaryClassification => "binary classification",
        MlTaskKind.MulticlassClassification => "multiclass classification",
        _ => "regression",
    };
}
