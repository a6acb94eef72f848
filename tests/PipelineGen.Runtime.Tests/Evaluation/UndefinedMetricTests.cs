using Microsoft.ML;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Evaluation;
using PipelineGen.Runtime.Tuning.Ensembles;
using Xunit;

namespace PipelineGen.Runtime.Tests.Evaluation;

/// <summary>
/// A metric that is 0/0 is undefined (null, with why), never a confident 0: precision of a model that calls no row
/// positive, recall without a positive row, R² with a constant label. F1 written 2TP / (2TP + FP + FN) stays defined (0)
/// when there are positives and none is found. Every scorer agrees (ML.NET path, test-look bootstrap, ensemble selection).
/// </summary>
public sealed class UndefinedMetricTests
{
    private sealed class Row
    {
        public bool Label { get; set; }
        public float Score { get; set; }
        public float Probability { get; set; }
        public bool PredictedLabel { get; set; }
    }

    private static IDataView Scored(MLContext ml, bool[] labels, float[] probabilities) =>
        ml.Data.LoadFromEnumerable(probabilities.Select((p, i) => new Row
        {
            Label = labels[i], Probability = p, Score = MathF.Log(p / (1 - p)), PredictedLabel = p > 0.5f,
        }));

    // 2 positives among 10 rows, every probability below 0.5: the model calls no row positive.
    private static readonly bool[] RareLabels = [false, false, true, false, false, false, false, true, false, false];
    private static readonly float[] LowProbabilities = [0.01f, 0.02f, 0.3f, 0.05f, 0.1f, 0.04f, 0.03f, 0.2f, 0.06f, 0.08f];

    [Fact]
    public void Precision_without_a_predicted_positive_is_undefined_and_says_why_while_f1_and_recall_are_0()
    {
        var ml = new MLContext(1);
        var warnings = new List<string>();
        var values = MetricComputer.Compute(ml, MlTaskKind.BinaryClassification, Scored(ml, RareLabels, LowProbabilities), "model, split 1", warnings);

        Assert.Null(values["precision"]); // was 0: "every call wrong" for a model that made no call
        Assert.Equal(0.0, values["recall"]);
        Assert.Equal(0.0, values["f1"]); // 2TP / (2TP + FP + FN) = 0 / 2: defined
        Assert.Equal(0.8, values["accuracy"]!.Value, 12);
        Assert.Equal(1.0, values["auc"]!.Value, 12); // the ranking is perfect: only the decision is missing
        Assert.Contains(warnings, w => w.StartsWith("model, split 1: precision is undefined (no predicted positive)", StringComparison.Ordinal));
        Assert.Equal("undefined (no predicted positive)", MetricComputer.UndefinedText("precision"));
    }

    [Fact]
    public void A_part_of_one_class_keeps_what_the_counts_and_probabilities_define()
    {
        var ml = new MLContext(1);
        // No positive row, one row called positive: precision 0/1 = 0 is defined, recall 0/0 is not, f1 = 0 / 1.
        var noPositive = new List<string>();
        var values = MetricComputer.Compute(ml, MlTaskKind.BinaryClassification,
            Scored(ml, [false, false, false, false], [0.2f, 0.7f, 0.1f, 0.3f]), "validation", noPositive);
        Assert.Equal(0.0, values["precision"]);
        Assert.Null(values["recall"]);
        Assert.Equal(0.0, values["f1"]);
        Assert.Null(values["auc"]);
        Assert.Null(values["pr_auc"]);
        Assert.Equal(0.75, values["accuracy"]!.Value, 12);
        // Log loss is defined on one class (ML.NET's evaluator refuses the part): bits, as ML.NET computes it.
        double expected = -new[] { 0.8, 0.3, 0.9, 0.7 }.Average(p => Math.Log2(p));
        Assert.Equal(expected, values["log_loss"]!.Value, 5);
        Assert.Contains(noPositive, w => w.Contains("no positive example, so auc, pr_auc, recall are undefined", StringComparison.Ordinal));

        // No negative row: recall, precision (1) and f1 are defined; auc is not.
        var onlyPositive = MetricComputer.Compute(ml, MlTaskKind.BinaryClassification,
            Scored(ml, [true, true, true, true], [0.2f, 0.7f, 0.9f, 0.6f]), "validation", new List<string>());
        Assert.Equal(0.75, onlyPositive["recall"]!.Value, 12);
        Assert.Equal(1.0, onlyPositive["precision"]!.Value, 12);
        Assert.Equal(6 / 7.0, onlyPositive["f1"]!.Value, 12);
        Assert.Null(onlyPositive["auc"]);
        Assert.Equal(1.0, onlyPositive["pr_auc"]!.Value, 12);

        // Nothing at all: every count metric is undefined.
        var none = MetricComputer.CountedMetrics(0, 0, 0, 0).ToDictionary(x => x.Name, x => x.Value);
        Assert.All(none.Values, Assert.Null);
    }

    private sealed class RegressionRow
    {
        public float Label { get; set; }
        public float Score { get; set; }
    }

    [Fact]
    public void R2_of_a_part_with_a_constant_label_is_undefined_not_a_huge_negative_number()
    {
        var ml = new MLContext(1);
        var warnings = new List<string>();
        var scored = ml.Data.LoadFromEnumerable(new[] { 3.7f, 3.7f, 3.7f, 3.7f }.Select((l, i) => new RegressionRow { Label = l, Score = 3.5f + 0.1f * i }));
        var values = MetricComputer.Compute(ml, MlTaskKind.Regression, scored, "split 2", warnings);
        Assert.Null(values["r2"]);
        Assert.NotNull(values["rmse"]);
        Assert.Contains(warnings, w => w.StartsWith("split 2: r2 is undefined (constant label)", StringComparison.Ordinal));

        var varying = ml.Data.LoadFromEnumerable(new[] { 1f, 2f, 3f, 4f }.Select(l => new RegressionRow { Label = l, Score = l + 0.1f }));
        Assert.NotNull(MetricComputer.Compute(ml, MlTaskKind.Regression, varying, "split", new List<string>())["r2"]);
    }

    [Fact]
    public void Ensemble_selection_scores_precision_without_a_predicted_positive_as_undefined()
    {
        double[] p = LowProbabilities.Select(v => (double)v).ToArray(), y = RareLabels.Select(l => l ? 1.0 : 0.0).ToArray();
        Assert.True(double.IsNaN(OutOfFoldMetrics.For("precision", y, true, out _)!(p))); // was 0
        Assert.Equal(0.0, OutOfFoldMetrics.For("f1", y, true, out _)!(p));
        Assert.Equal(0.0, OutOfFoldMetrics.For("recall", y, true, out _)!(p));
        // A blend that calls nothing positive never beats one that does on an undefined score.
        var selection = CaruanaSelection.Select(
            [new EnsembleCandidate(1, p), new EnsembleCandidate(2, p.Select((v, i) => y[i] > 0.5 ? 0.9 : v).ToArray())],
            OutOfFoldMetrics.For("precision", y, true, out _)!, higherIsBetter: true, steps: 1);
        Assert.Equal(2, selection.BestSingleTrial);
    }

    [Fact]
    public void The_test_look_bootstrap_gives_precision_no_error_when_many_resamples_have_no_predicted_positive()
    {
        // 300 rows, 2 called positive (one right): about e^-2 = 14 % of resamples draw neither, so precision is undefined
        // there. Counting those as 0 gave it an error; left out, it is defined in under 90 % of resamples: no error.
        var ml = new MLContext(1);
        var labels = Enumerable.Range(0, 300).Select(i => i % 20 == 0).ToArray();
        var probabilities = Enumerable.Range(0, 300).Select(i => i == 0 || i == 1 ? 0.9f : i % 20 == 0 ? 0.4f : 0.1f).ToArray();
        var scored = Scored(ml, labels, probabilities);
        var look = global::PipelineGen.Runtime.Training.TrainingMetrics.Evaluate(ml, MlTaskKind.BinaryClassification, scored);
        Assert.Equal(0.5, look["precision"], 12);
        var errors = TestLookBootstrap.StandardErrors(MlTaskKind.BinaryClassification, scored, look, seed: 3);
        Assert.False(errors.ContainsKey("precision"), $"precision error {errors.GetValueOrDefault("precision")}");
        Assert.True(errors.ContainsKey("recall"));
        Assert.True(errors.ContainsKey("auc"));
    }

    [Fact]
    public void The_comparison_draws_no_verdict_on_the_splits_a_model_chose_by_calling_positives()
    {
        // The model called a positive on 3 of 5 splits only; the baseline on all.
        double?[] model = [0.9, null, 0.95, null, 0.92];
        double?[] baseline = [0.1, 0.12, 0.09, 0.11, 0.1];
        var precision = BaselineComparison.Compare("precision", model, baseline, 0.25);
        Assert.Equal(Verdict.Inconclusive, precision.Verdict);
        Assert.Contains("the model's precision is undefined (no predicted positive) on 2 of 5 splits", precision.Explanation);
        // A metric whose definedness is the data's (auc on a one-class fold) is compared on the splits both have, saying so.
        var auc = BaselineComparison.Compare("auc", model, baseline, 0.25);
        Assert.Equal(Verdict.BeatsBaseline, auc.Verdict);
        Assert.Contains("compared on the 3 of 5 splits where both are defined", auc.Explanation);
        // A baseline undefined everywhere (the prior calls no row positive): nothing to compare, and who says so.
        var none = BaselineComparison.Compare("precision", [0.5, 0.6, 0.4], [null, null, null], 0.25);
        Assert.Equal(Verdict.Inconclusive, none.Verdict);
        Assert.Equal("the baseline's precision is undefined (no predicted positive) on 3 of 3 splits, so no split can be compared.", none.Explanation);
    }

    [Fact]
    public void Evaluate_on_rare_positives_shows_precision_as_undefined_never_as_0()
    {
        // 5 positives in 300 rows, a feature of pure noise: neither the model nor the prior baseline calls a row positive.
        var rare = BinaryPipeline.OneFeature("Rare", TestPipeline.DataPath("rare_positive.csv"), "yes");
        var pipeline = new BinaryPipeline(rare.Settings with { Metric = "precision" });
        var result = Evaluator.Evaluate(pipeline);

        var model = result.ModelMetric("precision")!;
        Assert.Null(model.Mean);
        Assert.Equal(5, model.UndefinedCount);
        Assert.Null(result.BaselineMetric("precision").Mean);
        Assert.Equal(0.0, result.ModelMetric("f1")!.Mean); // positives exist in every fold: f1 = 0 is measured
        Assert.Equal(Verdict.Inconclusive, result.Comparison!.Verdict);
        Assert.Contains("precision is undefined (no predicted positive) on 5 of 5 splits", result.Comparison.Explanation);
        Assert.Contains(result.Warnings, w => w.Contains("the primary metric precision of the model is undefined (no predicted positive) on every split"));

        var writer = new StringWriter { NewLine = "\n" };
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Ansi = Spectre.Console.AnsiSupport.No, Interactive = Spectre.Console.InteractionSupport.No,
            Out = new Spectre.Console.AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 160;
        EvaluationReportWriter.Write(console, result, perSplit: true);
        string text = writer.ToString();
        var precisionRow = text.Split('\n').First(l => l.TrimStart().StartsWith("precision", StringComparison.Ordinal));
        Assert.Contains("undefined (no predicted positive)", precisionRow);
        Assert.DoesNotContain("0.0000", precisionRow);
        Assert.Contains("precision: the model's is undefined (no predicted positive) on every split; the baseline's is undefined (no predicted positive) on every split.", text);

        var html = EvaluationHtml.Render(result);
        Assert.Contains("undefined (no predicted positive)", html);
    }
}
