using Microsoft.ML;
using PipelineGen.Runtime.Evaluation;
using Xunit;

namespace PipelineGen.Runtime.Tests.Evaluation;

public class StatisticsTests
{
    [Fact]
    public void Summary_is_mean_sample_std_and_t_interval()
    {
        var summary = MetricSummary.From("rmse", [1.0, 2.0, null, 3.0, 4.0, 5.0]);

        Assert.Equal(5, summary.Count);
        Assert.Equal(1, summary.UndefinedCount);
        Assert.Equal(3.0, summary.Mean!.Value, 12);
        Assert.Equal(Math.Sqrt(2.5), summary.StdDev!.Value, 12);
        // t(0.975, 4) = 2.7764451; half width = 2.7764451 * sqrt(2.5) / sqrt(5)
        double half = 2.7764451052 * Math.Sqrt(2.5) / Math.Sqrt(5);
        Assert.Equal(3 - half, summary.CiLow!.Value, 6);
        Assert.Equal(3 + half, summary.CiHigh!.Value, 6);
    }

    [Fact]
    public void The_interval_is_clipped_to_the_metric_range()
    {
        var accuracy = MetricSummary.From("micro_accuracy", [0.92, 1.0, 0.99]);
        Assert.Equal(1.0, accuracy.CiHigh);
        Assert.True(accuracy.CiLow < accuracy.Mean);
        var rmse = MetricSummary.From("rmse", [0.01, 0.5, 0.02]);
        Assert.Equal(0.0, rmse.CiLow);
    }

    [Fact]
    public void A_metric_undefined_everywhere_has_no_numbers_and_one_value_has_no_spread()
    {
        var none = MetricSummary.From("auc", [null, null]);
        Assert.False(none.IsDefined);
        Assert.Null(none.Mean);

        var one = MetricSummary.From("auc", [0.7]);
        Assert.Equal(0.7, one.Mean);
        Assert.Null(one.StdDev);
        Assert.Null(one.CiLow);
    }

    [Fact]
    public void Consistent_large_improvement_beats_the_baseline()
    {
        var comparison = BaselineComparison.Compare("auc", [0.90, 0.92, 0.88, 0.91, 0.89], [0.5, 0.5, 0.5, 0.5, 0.5], 0.25);
        Assert.Equal(Verdict.BeatsBaseline, comparison.Verdict);
        Assert.Equal(0.4, comparison.MeanImprovement!.Value, 10);
        Assert.True(comparison.PValue < 0.001);
    }

    [Fact]
    public void Improvement_within_the_noise_does_not_beat_the_baseline()
    {
        // The baseline moves with the model from fold to fold, so the improvement is steady (0.04-0.06) and highly
        // significant, yet the model's own fold-to-fold spread (~0.12) is larger than it: only the noise check can
        // refuse this (with that check deleted the verdict is BeatsBaseline and this test fails).
        var comparison = BaselineComparison.Compare("auc",
            [0.60, 0.90, 0.70, 0.80, 0.65], [0.55, 0.84, 0.65, 0.76, 0.60], 0.25);
        Assert.True(comparison.PValue < BaselineComparison.SignificanceLevel, $"p = {comparison.PValue}");
        Assert.True(comparison.MeanImprovement > 0);
        Assert.True(comparison.Noise > comparison.MeanImprovement);
        Assert.Equal(Verdict.DoesNotBeatBaseline, comparison.Verdict);
        Assert.Contains("within the fold-to-fold noise", comparison.Explanation);
    }

    [Fact]
    public void Improvement_not_significant_does_not_beat_the_baseline()
    {
        var comparison = BaselineComparison.Compare("auc", [0.55, 0.45, 0.60, 0.48, 0.52], [0.5, 0.5, 0.5, 0.5, 0.5], 0.25);
        Assert.Equal(Verdict.DoesNotBeatBaseline, comparison.Verdict);
        Assert.Contains("not significant", comparison.Explanation);
    }

    [Fact]
    public void Lower_is_better_metrics_count_a_decrease_as_improvement()
    {
        var better = BaselineComparison.Compare("rmse", [0.50, 0.52, 0.49, 0.51, 0.50], [0.80, 0.82, 0.79, 0.81, 0.80], 0.25);
        var worse = BaselineComparison.Compare("rmse", [0.80, 0.82, 0.79, 0.81, 0.80], [0.50, 0.52, 0.49, 0.51, 0.50], 0.25);
        Assert.Equal(Verdict.BeatsBaseline, better.Verdict);
        Assert.True(better.MeanImprovement > 0);
        Assert.Equal(Verdict.DoesNotBeatBaseline, worse.Verdict);
    }

    [Fact]
    public void One_split_is_inconclusive()
    {
        var comparison = BaselineComparison.Compare("auc", [0.9], [0.5], 0.25);
        Assert.Equal(Verdict.Inconclusive, comparison.Verdict);
        Assert.Contains("only one split", comparison.Explanation);
    }

    [Theory]
    [InlineData("1", "pr_auc")]
    [InlineData("0", "auc")]
    public void An_imbalanced_binary_label_gets_pr_auc_only_when_its_positive_class_is_the_rare_one(string positive, string expected)
    {
        // 90 % '0': pr_auc of '0' would give a constant score 0.9, so auc is chosen and the reason says why.
        var settings = new PipelineSettings
        {
            Name = "x", Task = MlTaskKind.BinaryClassification, LabelColumn = "y", PositiveClass = positive, TrainerName = "t", TrainDataPath = "d",
            Columns = [new ColumnInfo("y", 0, "Y", ColumnKind.Numeric, ColumnRole.Label, false)],
        };
        var (metric, reason) = MetricCatalog.ChoosePrimary(settings, [new KeyValuePair<string, long>("0", 90), new KeyValuePair<string, long>("1.0", 10)]);
        Assert.Equal(expected, metric);
        if (expected == "auc") Assert.Contains("positive class '0' is the common one (90.0 % of rows)", reason);
    }

    [Theory]
    [InlineData(MlTaskKind.BinaryClassification, new long[] { 50, 50 }, "auc")]
    [InlineData(MlTaskKind.BinaryClassification, new long[] { 90, 10 }, "pr_auc")]
    [InlineData(MlTaskKind.MulticlassClassification, new long[] { 50, 50, 50 }, "micro_accuracy")]
    [InlineData(MlTaskKind.MulticlassClassification, new long[] { 80, 15, 5 }, "macro_accuracy")]
    [InlineData(MlTaskKind.Regression, new long[0], "rmse")]
    public void Primary_metric_follows_task_and_balance(MlTaskKind task, long[] counts, string expected)
    {
        var settings = new PipelineSettings { Name = "x", Task = task, LabelColumn = "y", TrainerName = "t", TrainDataPath = "d", Columns = [] };
        var (metric, reason) = MetricCatalog.ChoosePrimary(settings, counts);
        Assert.Equal(expected, metric);
        Assert.False(string.IsNullOrWhiteSpace(reason));
        Assert.Equal("log_loss", MetricCatalog.ChoosePrimary(settings with { Task = MlTaskKind.BinaryClassification, Metric = "log_loss" }, counts).Metric);
        Assert.Throws<ArgumentException>(() => MetricCatalog.ChoosePrimary(settings with { Task = MlTaskKind.Regression, Metric = "auc" }, counts));
    }
}

public class BaselineModelTests
{
    private sealed class BoolLabel { public bool Label { get; set; } }
    private sealed class FloatLabel { public float Label { get; set; } }

    private static readonly MLContext Ml = new(1);

    [Fact]
    public void Binary_prior_predicts_the_training_positive_rate()
    {
        var training = Ml.Data.LoadFromEnumerable(new[] { true, true, true, false }.Select(v => new BoolLabel { Label = v }));
        var validation = Ml.Data.LoadFromEnumerable(new[] { true, false, false, true, true }.Select(v => new BoolLabel { Label = v }));

        var baseline = BaselineModel.Fit(MlTaskKind.BinaryClassification, "prior", training);
        var metrics = MetricComputer.Compute(Ml, MlTaskKind.BinaryClassification, baseline.Score(Ml, validation), "test", new List<string>());

        Assert.Equal("prior: P(positive) = 0.75", baseline.Description);
        Assert.Equal(0.6, metrics["accuracy"]!.Value, 10);   // always predicts positive; 3 of 5 are
        Assert.Equal(0.5, metrics["auc"]!.Value, 10);        // a constant score cannot rank
        Assert.Equal(1.0, metrics["recall"]!.Value, 10);
        // log loss in bits: -(3 log2 0.75 + 2 log2 0.25) / 5
        Assert.Equal(-(3 * Math.Log2(0.75) + 2 * Math.Log2(0.25)) / 5, metrics["log_loss"]!.Value, 5);
    }

    [Fact]
    public void Binary_prior_below_one_half_predicts_negative()
    {
        var training = Ml.Data.LoadFromEnumerable(new[] { true, false, false, false }.Select(v => new BoolLabel { Label = v }));
        var validation = Ml.Data.LoadFromEnumerable(new[] { true, false, false, false, true }.Select(v => new BoolLabel { Label = v }));

        var baseline = BaselineModel.Fit(MlTaskKind.BinaryClassification, "prior", training);
        var metrics = MetricComputer.Compute(Ml, MlTaskKind.BinaryClassification, baseline.Score(Ml, validation), "test", new List<string>());

        Assert.Equal(0.6, metrics["accuracy"]!.Value, 10); // always negative; 3 of 5 are
        Assert.Equal(0.0, metrics["recall"]!.Value, 10);
        Assert.Equal(-(2 * Math.Log2(0.25) + 3 * Math.Log2(0.75)) / 5, metrics["log_loss"]!.Value, 5);
    }

    [Fact]
    public void Binary_majority_has_no_log_loss()
    {
        var training = Ml.Data.LoadFromEnumerable(new[] { false, false, true }.Select(v => new BoolLabel { Label = v }));
        var validation = Ml.Data.LoadFromEnumerable(new[] { true, false, false, false }.Select(v => new BoolLabel { Label = v }));
        var baseline = BaselineModel.Fit(MlTaskKind.BinaryClassification, "majority", training);
        var metrics = MetricComputer.Compute(Ml, MlTaskKind.BinaryClassification, baseline.Score(Ml, validation), "test", new List<string>());
        Assert.Equal(0.75, metrics["accuracy"]!.Value, 10);
        Assert.Null(metrics["log_loss"]);
    }

    [Fact]
    public void Regression_mean_and_median_are_taken_from_training_labels()
    {
        var training = Ml.Data.LoadFromEnumerable(new[] { 1f, 2f, 3f, 10f }.Select(v => new FloatLabel { Label = v }));
        var validation = Ml.Data.LoadFromEnumerable(new[] { 2f, 4f }.Select(v => new FloatLabel { Label = v }));

        var mean = BaselineModel.Fit(MlTaskKind.Regression, "mean", training);
        var median = BaselineModel.Fit(MlTaskKind.Regression, "median", training);
        var meanMetrics = MetricComputer.Compute(Ml, MlTaskKind.Regression, mean.Score(Ml, validation), "test", new List<string>());
        var medianMetrics = MetricComputer.Compute(Ml, MlTaskKind.Regression, median.Score(Ml, validation), "test", new List<string>());

        Assert.Equal(Math.Sqrt(2), meanMetrics["rmse"]!.Value, 5);  // predicts 4: errors 2 and 0
        Assert.Equal(1.0, medianMetrics["mae"]!.Value, 5);           // predicts 2.5: errors 0.5 and 1.5
    }

    [Fact]
    public void Multiclass_prior_predicts_the_most_frequent_training_class()
    {
        var pipeline = MulticlassPipeline.Iris();
        var ml = new MLContext(1);
        var data = pipeline.LoadData(ml, pipeline.Settings.TrainDataPath);
        // Training: all setosa and versicolor rows plus 10 virginica; validation: the other virginica rows.
        var training = new PipelineGen.Runtime.Data.RowFilterDataView(data, r => r < 110);
        var validation = new PipelineGen.Runtime.Data.RowFilterDataView(data, r => r >= 110);
        var preprocessing = pipeline.BuildPreprocessing(ml).Fit(training);

        var baseline = BaselineModel.Fit(MlTaskKind.MulticlassClassification, "prior", preprocessing.Transform(training));
        var metrics = MetricComputer.Compute(ml, MlTaskKind.MulticlassClassification,
            baseline.Score(ml, preprocessing.Transform(validation)), "test", new List<string>());

        Assert.Equal("prior: class frequencies 0.45/0.45/0.09", baseline.Description);
        Assert.Equal(0.0, metrics["micro_accuracy"]!.Value, 10); // predicts setosa (first of the tied two); validation is all virginica

        // Mostly setosa in training; validation: 10 setosa and 50 versicolor rows.
        var setosaHeavy = new PipelineGen.Runtime.Data.RowFilterDataView(data, r => r < 60);
        var mixed = new PipelineGen.Runtime.Data.RowFilterDataView(data, r => r >= 40 && r < 100);
        preprocessing = pipeline.BuildPreprocessing(ml).Fit(setosaHeavy);
        var majority = BaselineModel.Fit(MlTaskKind.MulticlassClassification, "majority", preprocessing.Transform(setosaHeavy));
        var mixedMetrics = MetricComputer.Compute(ml, MlTaskKind.MulticlassClassification,
            majority.Score(ml, preprocessing.Transform(mixed)), "test", new List<string>());
        Assert.Equal(10 / 60.0, mixedMetrics["micro_accuracy"]!.Value, 10);
        Assert.Equal(0.5, mixedMetrics["macro_accuracy"]!.Value, 10); // recall 1 for setosa, 0 for versicolor
    }

    [Fact]
    public void Strategy_must_fit_the_task()
    {
        Assert.Equal("prior", BaselineModel.ResolveStrategy("auto", MlTaskKind.BinaryClassification, "auc"));
        Assert.Equal("median", BaselineModel.ResolveStrategy("auto", MlTaskKind.Regression, "mae"));
        Assert.Equal("mean", BaselineModel.ResolveStrategy("auto", MlTaskKind.Regression, "rmse"));
        Assert.Throws<ArgumentException>(() => BaselineModel.ResolveStrategy("mean", MlTaskKind.MulticlassClassification, "micro_accuracy"));
    }
}
