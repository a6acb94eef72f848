using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using PipelineGen.Runtime.Evaluation;
using PipelineGen.Runtime.Tests.Exploration;
using Xunit;

namespace PipelineGen.Runtime.Tests.Evaluation;

/// <summary>The HTML evaluation report: the charts of each task kind, drawn from the out-of-fold predictions, self-contained.</summary>
public class EvaluationReportTests
{
    private static readonly Lazy<EvaluationResult> BinaryResult = new(() => Evaluator.Evaluate(BinaryPipeline.Titanic(), new EvaluationOptions { CollectForReport = true }));
    private static readonly Lazy<EvaluationResult> MulticlassResult = new(() => Evaluator.Evaluate(MulticlassPipeline.Iris(), new EvaluationOptions { CollectForReport = true }));
    private static readonly Lazy<EvaluationResult> RegressionResult = new(() => Evaluator.Evaluate(RegressionPipeline.Wine(), new EvaluationOptions { CollectForReport = true }));

    [Fact]
    public void Out_of_fold_predictions_cover_every_used_row_once_per_repeat()
    {
        var r = BinaryResult.Value;
        Assert.Equal(r.UsedRowCount, r.OutOfFold!.Count);
        Assert.Equal(r.Splits.Count, r.OutOfFold.BaselinePrediction.Count);
        Assert.True(r.OutOfFold.HasProbability);
        // The pooled ROC's area agrees with the mean of ML.NET's per-split AUCs (pooling and averaging differ a little).
        var pooled = EvaluationCurves.Auc(r.OutOfFold.Label, r.OutOfFold.Probability)!.Value;
        Assert.InRange(pooled, r.ModelMetric("auc")!.Mean!.Value - 0.03, r.ModelMetric("auc")!.Mean!.Value + 0.03);
    }

    [Fact]
    public void Binary_report_has_roc_pr_threshold_confusion_calibration_and_importance()
    {
        var html = EvaluationHtml.Render(BinaryResult.Value);
        AssertSelfContained(html);
        foreach (var chart in new[] { "ROC curve", "Precision–recall curve", "Precision, recall and F1 against the threshold", "Confusion matrix at threshold 0.5",
                     "Reliability diagram", "Permutation importance per column", "auc per split" })
            Assert.Matches(new Regex("<title id=\"c\\d+\">" + Regex.Escape(chart)), html);
        Assert.Contains("baseline: constant score (AUC 0.5)", html);
        Assert.Contains(System.Net.WebUtility.HtmlEncode("band: ±1 std across folds"), html);
        Assert.Contains("Brier score", html);
        // The confusion matrix at 0.5 counts every out-of-fold row once.
        var at = EvaluationCurves.At(BinaryResult.Value.OutOfFold!, 0.5);
        Assert.Equal(BinaryResult.Value.OutOfFold!.Count, at.TruePositives + at.FalsePositives + at.FalseNegatives + at.TrueNegatives);
    }

    [Fact]
    public void Threshold_from_the_spec_moves_the_confusion_matrix()
    {
        var o = BinaryResult.Value.OutOfFold!;
        var low = EvaluationCurves.At(o, 0.2);
        var high = EvaluationCurves.At(o, 0.8);
        Assert.True(low.TruePositives + low.FalsePositives > high.TruePositives + high.FalsePositives);
        var r = Evaluator.Evaluate(BinaryPipeline.Titanic(s => s with { DecisionThreshold = 0.3 }), new EvaluationOptions { CollectForReport = true, Folds = 3 });
        var html = EvaluationHtml.Render(r);
        Assert.Contains("Confusion matrix at threshold 0.3", html);
        Assert.Contains("task.threshold in the spec", html);

        // The console says what its accuracy, f1, precision and recall were counted at.
        var writer = new StringWriter { NewLine = "\n" };
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Ansi = Spectre.Console.AnsiSupport.No, Interactive = Spectre.Console.InteractionSupport.No,
            Out = new Spectre.Console.AnsiConsoleOutput(writer),
        });
        PipelineGen.Runtime.Cli.EvaluationReportWriter.Write(console, r);
        Assert.Contains("Decisions: accuracy, f1, precision and recall count a row as positive when Probability >= 0.3 (task.threshold)", writer.ToString());
    }

    [Fact]
    public void Multiclass_report_has_confusion_and_per_class_figures()
    {
        var r = MulticlassResult.Value;
        var html = EvaluationHtml.Render(r);
        AssertSelfContained(html);
        Assert.Matches(new Regex("<title id=\"c\\d+\">Confusion matrix \\(all out-of-fold rows\\)"), html);
        Assert.Matches(new Regex("<title id=\"c\\d+\">Precision, recall and F1 per class"), html);
        Assert.Contains("macro (mean of classes)", html);
        Assert.Contains("micro (all rows)", html);
        Assert.Equal(["setosa", "versicolor", "virginica"], r.OutOfFold!.ClassNames.Order());
        var confusion = EvaluationCurves.Confusion(r.OutOfFold);
        long correct = Enumerable.Range(0, 3).Sum(c => confusion[c, c]);
        // Micro figures are the pooled accuracy; ML.NET's per-split micro accuracy averages to nearly the same.
        Assert.InRange(correct / (double)r.OutOfFold.Count, r.ModelMetric("micro_accuracy")!.Mean!.Value - 0.02, r.ModelMetric("micro_accuracy")!.Mean!.Value + 0.02);
    }

    [Fact]
    public void Regression_report_has_predicted_vs_actual_residuals_and_errors()
    {
        var html = EvaluationHtml.Render(RegressionResult.Value);
        AssertSelfContained(html);
        foreach (var chart in new[] { "Predicted against actual", "Residuals against the prediction", "Error distribution (actual − predicted)", "rmse per split" })
            Assert.Matches(new Regex("<title id=\"c\\d+\">" + Regex.Escape(chart)), html);
        Assert.Contains("baseline (mean)", html);
        Assert.Contains("residual mean", html);
    }

    [Fact]
    public void Per_class_F1_is_0_not_undefined_for_a_class_that_is_never_hit()
    {
        // Wine qualities out of fold: '8' occurs 12 times and is predicted twice, never right; '3' occurs 5 times and is
        // never predicted. Precision and recall are 0 (or precision has no rows) but F1 = 2TP / (2TP + FP + FN) = 0.
        long[,] confusion = { { 290, 1, 0 }, { 12, 0, 0 }, { 5, 1, 0 } };
        var perClass = EvaluationCurves.PerClass(confusion, ["6", "8", "3"]);
        Assert.Equal(2 * 290 / (2.0 * 290 + 17 + 1), perClass[0].F1!.Value, 12);
        Assert.Equal((0.0, 0.0, 0.0), (perClass[1].Precision!.Value, perClass[1].Recall!.Value, perClass[1].F1!.Value));
        Assert.Null(perClass[2].Precision); // never predicted
        Assert.Equal(0.0, perClass[2].F1);
        Assert.Null(EvaluationCurves.F1(0, 0, 0)); // a class with no rows and no predictions
    }

    [Fact]
    public void The_report_calls_a_model_biased_only_when_the_residual_mean_is_more_than_two_standard_errors_from_0()
    {
        // Residuals ±1 around a mean: standard error = sd / sqrt(n); sd ≈ 1 for 100 rows of ±1, so se ≈ 0.1.
        double[] Around(double mean) => Enumerable.Range(0, 100).Select(i => mean + (i % 2 == 0 ? 1.0 : -1.0)).ToArray();
        var unbiased = EvaluationHtml.BiasNote(Around(0.05));
        Assert.Contains("residual mean 0.0500 (standard error 0.1005)", unbiased);
        Assert.Contains("no sign of bias", unbiased);
        Assert.DoesNotContain("is biased", unbiased);
        Assert.Contains("the model is biased: it predicts too low on average", EvaluationHtml.BiasNote(Around(0.5))); // actual − predicted > 0
        Assert.Contains("the model is biased: it predicts too high on average", EvaluationHtml.BiasNote(Around(-0.5)));
    }

    [Fact]
    public void Test_look_is_shown_beside_the_estimate_with_a_note_when_outside_the_range_for_one_look()
    {
        var r = BinaryResult.Value;
        var auc = r.ModelMetric("auc")!;
        Assert.Equal(r.Splits.Average(s => (double)s.ValidationRows), auc.ValidationRows!.Value, 9); // recorded for the comparison
        var (low, high) = TestLookRange.Range("auc", auc.Mean!.Value, auc.StdDev!.Value, auc.Count, auc.ValidationRows.Value, 100);
        var inside = EvaluationHtml.Render(r, new TestSetFigures(new Dictionary<string, double> { ["auc"] = auc.Mean!.Value }, 100, "test.csv"));
        Assert.Contains("test (one look)", inside);
        Assert.Contains($">[{PipelineGen.Runtime.Reporting.HtmlReport.Metric(low)}, {PipelineGen.Runtime.Reporting.HtmlReport.Metric(high)}]</td>", inside); // the range column
        Assert.DoesNotContain("disagrees with the cross-validated estimate", inside);
        Assert.Contains("lies inside the range expected for one look at 100 rows", inside);
        var outside = EvaluationHtml.Render(r, new TestSetFigures(new Dictionary<string, double> { ["auc"] = low - 0.01 }, 100, "test.csv"));
        Assert.Contains("disagrees with the cross-validated estimate", outside);
        Assert.Contains("lies outside the range expected for one look at 100 rows", outside);
    }

    [Fact]
    public void Permutation_importance_flags_a_planted_dominant_column_and_not_a_noise_column()
    {
        using var dir = new TempDirectory();
        var random = new Random(7);
        var csv = new StringBuilder("label,planted,noise,weak\n");
        for (int i = 0; i < 400; i++)
        {
            bool label = random.NextDouble() < 0.5;
            // planted: the label with 3% of it flipped (a leak); noise: independent of the label; weak: a faint honest signal.
            double planted = (label ^ random.NextDouble() < 0.03) ? 1 : 0;
            double weak = (label ? 0.3 : 0) + random.NextDouble();
            csv.Append(CultureInfo.InvariantCulture, $"{(label ? "yes" : "no")},{planted},{random.NextDouble():0.####},{weak:0.####}\n");
        }
        var path = dir.Write("planted.csv", csv.ToString());
        var pipeline = new BinaryPipeline(new PipelineSettings
        {
            Name = "Planted",
            Task = MlTaskKind.BinaryClassification,
            LabelColumn = "label",
            PositiveClass = "yes",
            TrainerName = "sdca_logistic_regression",
            TrainDataPath = path,
            Columns =
            [
                TestPipeline.Column("label", 0, ColumnKind.Categorical, ColumnRole.Label),
                TestPipeline.Column("planted", 1, ColumnKind.Numeric),
                TestPipeline.Column("noise", 2, ColumnKind.Numeric),
                TestPipeline.Column("weak", 3, ColumnKind.Numeric),
            ],
        });
        var r = Evaluator.Evaluate(pipeline, new EvaluationOptions { CollectForReport = true });
        var importance = r.Importance!;
        Assert.Equal("planted", importance.Dominant?.Column);
        var noise = importance.Columns.Single(c => c.Column == "noise");
        Assert.Equal(r.Splits.Count, noise.PerSplit.Count);
        Assert.InRange(noise.Mean!.Value, -0.02, 0.02);
        Assert.True(importance.Columns.Single(c => c.Column == "planted").Mean > 0.2);
        Assert.Contains("carries", EvaluationHtml.Render(r));

        // Without the planted column nothing dominates: the weak signal and the noise share what there is.
        var honest = Evaluator.Evaluate(new BinaryPipeline(pipeline.Settings with
        {
            Columns = [.. pipeline.Settings.Columns.Select(c => c.Name == "planted" ? c with { Role = ColumnRole.Ignore } : c)],
        }), new EvaluationOptions { CollectForReport = true });
        Assert.NotEqual("noise", honest.Importance!.Dominant?.Column);
    }

    [Fact]
    public void A_segment_where_the_model_fails_is_called_out()
    {
        using var dir = new TempDirectory();
        var random = new Random(11);
        var csv = new StringBuilder("label,x,region\n");
        string[] regions = ["north", "south", "east", "west", "centre", "coast", "hills", "lakes", "plains", "islands"];
        for (int i = 0; i < 600; i++)
        {
            string region = regions[i % regions.Length];
            double x = random.NextDouble();
            // Everywhere the label follows x, except in the north, where it is a coin flip.
            bool label = region == "north" ? random.NextDouble() < 0.5 : x + 0.1 * random.NextDouble() > 0.55;
            csv.Append(CultureInfo.InvariantCulture, $"{(label ? "1" : "0")},{x:0.####},{region}\n");
        }
        var pipeline = new BinaryPipeline(new PipelineSettings
        {
            Name = "Regions",
            Task = MlTaskKind.BinaryClassification,
            LabelColumn = "label",
            PositiveClass = "1",
            TrainerName = "sdca_logistic_regression",
            TrainDataPath = dir.Write("regions.csv", csv.ToString()),
            Columns =
            [
                TestPipeline.Column("label", 0, ColumnKind.Categorical, ColumnRole.Label),
                TestPipeline.Column("x", 1, ColumnKind.Numeric),
                TestPipeline.Column("region", 2, ColumnKind.Categorical, ColumnRole.Group),
            ],
        });
        var html = EvaluationHtml.Render(Evaluator.Evaluate(pipeline, new EvaluationOptions { CollectForReport = true }));
        Assert.Contains("Per segment of <code>region</code>", html);
        Assert.Contains(System.Net.WebUtility.HtmlEncode("no better than the trivial prediction on segment 'north'"), html);
    }

    [ChromiumFact]
    public void Headless_chromium_renders_each_task_kind_at_800_and_1400_px()
    {
        var dir = Synthetic.Directory();
        // PIPELINEGEN_SCREENSHOTS=<folder> keeps the 1,400 px screenshots (docs/images is made this way).
        var keep = Environment.GetEnvironmentVariable("PIPELINEGEN_SCREENSHOTS");
        foreach (var (kind, result) in new[] { ("binary", BinaryResult.Value), ("multiclass", MulticlassResult.Value), ("regression", RegressionResult.Value) })
        {
            var html = Path.Combine(dir, $"evaluate-{kind}.html");
            EvaluationHtml.Write(result, html);
            foreach (var width in new[] { 800, 1400 })
            {
                var png = Path.Combine(keep is not null && width == 1400 ? keep : dir, $"evaluate-{kind}{(keep is not null && width == 1400 ? "" : "-" + width)}.png");
                ChromiumScreenshot.Capture(html, png, width, 2400);
                var (w, h, colors) = PngProbe.Inspect(png);
                Assert.Equal((width, 2400), (w, h));
                Assert.True(colors > 50, $"{kind} at {width} px: only {colors} distinct colours");
            }
        }
    }

    private static void AssertSelfContained(string html)
    {
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.DoesNotContain("http", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("NaN", html);
        Assert.DoesNotContain("Infinity", html);
    }
}
