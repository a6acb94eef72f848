using System.Globalization;
using System.Text;
using Microsoft.ML;
using PipelineGen.Runtime.Data;
using PipelineGen.Runtime.Evaluation;
using Xunit;

namespace PipelineGen.Runtime.Tests.Evaluation;

public class EvaluatorTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Iris_beats_the_prior_baseline()
    {
        var result = Evaluator.Evaluate(MulticlassPipeline.Iris());

        Assert.Equal("micro_accuracy", result.PrimaryMetric);
        Assert.Equal(5, result.Splits.Count);
        Assert.True(result.ModelMetric("micro_accuracy")!.Mean > 0.85);
        Assert.True(result.BaselineMetric("micro_accuracy").Mean < 0.4); // stratified folds: prior predicts one of three equal classes
        Assert.Equal(Verdict.BeatsBaseline, result.Comparison!.Verdict);
        Assert.True(result.Comparison.PValue < 0.05);
    }

    [Fact]
    public void A_label_independent_of_the_features_does_not_beat_the_baseline()
    {
        var random = new Random(2024);
        var csv = new StringBuilder("a,b,c,label\n");
        for (int i = 0; i < 240; i++)
            csv.Append(CultureInfo.InvariantCulture,
                $"{random.NextDouble():0.####},{random.NextDouble():0.####},{random.Next(5)},{(random.NextDouble() < 0.5 ? "yes" : "no")}\n");
        string path = _dir.Write("noise.csv", csv.ToString());
        var pipeline = new BinaryPipeline(new PipelineSettings
        {
            Name = "Noise",
            Task = MlTaskKind.BinaryClassification,
            LabelColumn = "label",
            PositiveClass = "yes",
            TrainerName = "sdca_logistic_regression",
            TrainDataPath = path,
            Columns =
            [
                TestPipeline.Column("a", 0, ColumnKind.Numeric), TestPipeline.Column("b", 1, ColumnKind.Numeric),
                TestPipeline.Column("c", 2, ColumnKind.Categorical), TestPipeline.Column("label", 3, ColumnKind.Categorical, ColumnRole.Label),
            ],
        });

        var result = Evaluator.Evaluate(pipeline);

        Assert.Equal("auc", result.PrimaryMetric);
        Assert.Equal(Verdict.DoesNotBeatBaseline, result.Comparison!.Verdict);
        Assert.Equal(0.5, result.BaselineMetric("auc").Mean!.Value, 10);

        // The holdout's chunk comparison reaches the same verdict on the same noise.
        var holdout = Evaluator.Evaluate(pipeline, new EvaluationOptions { Protocol = EvaluationProtocol.Holdout, HoldoutFraction = 0.3 });
        Assert.Equal(Verdict.DoesNotBeatBaseline, holdout.Comparison!.Verdict);
    }

    [Fact]
    public void Reruns_with_the_same_seed_are_bit_identical()
    {
        var options = new EvaluationOptions { Protocol = EvaluationProtocol.RepeatedKFold, Folds = 3, Repeats = 2, Seed = 5 };
        var first = Evaluator.Evaluate(BinaryPipeline.Titanic(), options);
        var second = Evaluator.Evaluate(BinaryPipeline.Titanic(), options);
        var otherSeed = Evaluator.Evaluate(BinaryPipeline.Titanic(), options with { Seed = 6 });

        Assert.Equal(6, first.Splits.Count);
        Assert.Equal(first.Model, second.Model);
        Assert.Equal(first.Baseline, second.Baseline);
        Assert.Equal(first.Splits.Select(s => s.Model!["auc"]), second.Splits.Select(s => s.Model!["auc"]));
        Assert.NotEqual(first.Splits.Select(s => s.Model!["auc"]), otherSeed.Splits.Select(s => s.Model!["auc"]));
    }

    [Fact]
    public void Titanic_reports_every_binary_metric_and_its_duplicates()
    {
        var result = Evaluator.Evaluate(BinaryPipeline.Titanic());

        Assert.Equal(21, result.DuplicateRowCount);
        Assert.Contains(result.Warnings, w => w.Contains("21 row(s) are exact duplicates"));
        foreach (var name in MetricCatalog.For(MlTaskKind.BinaryClassification))
        {
            var model = result.ModelMetric(name)!;
            Assert.True(model.IsDefined, name);
            Assert.True(double.IsFinite(model.Mean!.Value) && double.IsFinite(model.StdDev!.Value), name);
            Assert.True(model.CiLow <= model.Mean && model.Mean <= model.CiHigh, name);
        }
        Assert.True(result.ModelMetric("auc")!.Mean > 0.75);
        Assert.Equal(Verdict.BeatsBaseline, result.Comparison!.Verdict);
    }

    [Fact]
    public void Regression_with_lightgbm_beats_the_mean()
    {
        var result = Evaluator.Evaluate(RegressionPipeline.Wine(), new EvaluationOptions { Folds = 4 });

        Assert.Equal("rmse", result.PrimaryMetric);
        Assert.Equal("mean", result.BaselineStrategy);
        Assert.True(result.ModelMetric("rmse")!.Mean < result.BaselineMetric("rmse").Mean);
        Assert.Equal(Verdict.BeatsBaseline, result.Comparison!.Verdict);
    }

    [Fact]
    public void Holdout_has_one_split_and_compares_on_disjoint_validation_chunks()
    {
        var result = Evaluator.Evaluate(MulticlassPipeline.Iris(), new EvaluationOptions { Protocol = EvaluationProtocol.Holdout, HoldoutFraction = 0.2 });
        var split = Assert.Single(result.Splits);
        Assert.Equal(30, split.ValidationRows);
        Assert.Equal(Verdict.BeatsBaseline, result.Comparison!.Verdict);
        Assert.Equal(Evaluator.HoldoutChunks, result.Comparison.Pairs);
        Assert.Contains("validation chunks", result.Comparison.Explanation);
    }

    [Fact]
    public void A_holdout_too_small_for_chunks_is_inconclusive()
    {
        var result = Evaluator.Evaluate(MulticlassPipeline.Iris(), new EvaluationOptions { Protocol = EvaluationProtocol.Holdout, HoldoutFraction = 0.05 });
        Assert.True(Assert.Single(result.Splits).ValidationRows < 2 * Evaluator.HoldoutChunks);
        Assert.Equal(Verdict.Inconclusive, result.Comparison!.Verdict);
    }

    [Fact]
    public void A_fold_without_positives_reports_undefined_metrics_never_NaN()
    {
        // Positives come in two groups of three rows; with three folds one validation fold gets none of them.
        var csv = new StringBuilder("x,g,label\n");
        for (int i = 0; i < 54; i++) csv.Append(CultureInfo.InvariantCulture, $"{i * 0.01:0.00},n{i},no\n");
        for (int i = 0; i < 6; i++) csv.Append(CultureInfo.InvariantCulture, $"{0.9 + i * 0.01:0.00},{(i < 3 ? "A" : "B")},yes\n");
        string path = _dir.Write("rare.csv", csv.ToString());
        var pipeline = new BinaryPipeline(new PipelineSettings
        {
            Name = "Rare",
            Task = MlTaskKind.BinaryClassification,
            LabelColumn = "label",
            PositiveClass = "yes",
            TrainerName = "sdca_logistic_regression",
            TrainDataPath = path,
            Columns =
            [
                TestPipeline.Column("x", 0, ColumnKind.Numeric), TestPipeline.Column("g", 1, ColumnKind.Categorical, ColumnRole.Group),
                TestPipeline.Column("label", 2, ColumnKind.Categorical, ColumnRole.Label),
            ],
        });

        var result = Evaluator.Evaluate(pipeline, new EvaluationOptions { Folds = 3 });

        Assert.Equal("pr_auc", result.PrimaryMetric); // 10% positives
        Assert.Equal(1, result.ModelMetric("auc")!.UndefinedCount);
        Assert.Equal(2, result.ModelMetric("auc")!.Count);
        Assert.Contains(result.Warnings, w => w.Contains("has no positive example"));
        Assert.All(result.Splits.SelectMany(s => s.Model!.Values.Concat(s.Baseline.Values)), v => Assert.True(v is null || double.IsFinite(v.Value)));
        Assert.All(result.Model!.Concat(result.Baseline), m => Assert.True(m.Mean is null || double.IsFinite(m.Mean.Value)));
    }

    [Fact]
    public void An_imbalanced_label_whose_positive_class_is_the_common_one_is_scored_by_auc()
    {
        // 'no' (90 %) is positive: pr_auc would give the constant prior 0.9 and hide what the model finds about 'yes'.
        var csv = new StringBuilder("x,label\n");
        for (int i = 0; i < 60; i++) csv.Append(CultureInfo.InvariantCulture, $"{i * 0.01:0.00},{(i % 10 == 0 ? "yes" : "no")}\n");
        var pipeline = BinaryPipeline.OneFeature("CommonPositive", _dir.Write("common.csv", csv.ToString()), positiveClass: "no");

        var result = Evaluator.Evaluate(pipeline, new EvaluationOptions { Folds = 3 });

        Assert.Equal("auc", result.PrimaryMetric);
        Assert.Contains("the positive class 'no' is the common one", result.PrimaryMetricReason);
    }

    /// <summary>
    /// The data make a transform fitted on validation rows visible: the outlier rows (one group, so one validation
    /// fold) stretch x's min-max range a thousandfold. The protocol's numbers must equal a manual fit on the training
    /// part only, and differ from fitting the preprocessing on all rows.
    /// </summary>
    [Fact]
    public void Every_fitted_transform_sees_training_rows_only()
    {
        var random = new Random(11);
        var csv = new StringBuilder("x,z,g,label\n");
        for (int i = 0; i < 100; i++)
        {
            double x = random.NextDouble();
            bool positive = x + 0.3 * (random.NextDouble() - 0.5) > 0.5;
            csv.Append(CultureInfo.InvariantCulture, $"{x:0.0000},{random.NextDouble():0.0000},g{i},{(positive ? "yes" : "no")}\n");
        }
        for (int i = 0; i < 10; i++)
            csv.Append(CultureInfo.InvariantCulture, $"{1000 + i:0.0000},{random.NextDouble():0.0000},outliers,{(i % 2 == 0 ? "yes" : "no")}\n");
        string path = _dir.Write("leak.csv", csv.ToString());
        var pipeline = new BinaryPipeline(new PipelineSettings
        {
            Name = "Leak",
            Task = MlTaskKind.BinaryClassification,
            LabelColumn = "label",
            PositiveClass = "yes",
            TrainerName = "sdca_logistic_regression",
            TrainDataPath = path,
            Columns =
            [
                TestPipeline.Column("x", 0, ColumnKind.Numeric), TestPipeline.Column("z", 1, ColumnKind.Numeric),
                TestPipeline.Column("g", 2, ColumnKind.Categorical, ColumnRole.Group),
                TestPipeline.Column("label", 3, ColumnKind.Categorical, ColumnRole.Label),
            ],
        });

        var result = Evaluator.Evaluate(pipeline);

        var plan = SplitPlanner.Plan(DataScan.Run(pipeline.Settings, path).Keys, pipeline.Settings.Evaluation, MlTaskKind.BinaryClassification);
        double maxLeakGap = 0;
        for (int i = 0; i < plan.Splits.Count; i++)
        {
            var split = plan.Splits[i];
            var ml = new MLContext(pipeline.Settings.Seed);
            var data = pipeline.LoadData(ml, path);
            var training = split.Training(data);
            var validation = split.Validation(data);

            var honest = ml.BinaryClassification.Evaluate(pipeline.BuildPipeline(ml).Fit(training).Transform(validation));
            var reported = result.Splits[i].Model!;
            Assert.Equal(Finite(honest.AreaUnderRocCurve), reported["auc"]);
            Assert.Equal(Finite(honest.LogLoss), reported["log_loss"]);
            Assert.Equal(Finite(honest.Accuracy), reported["accuracy"]);

            var leakyMl = new MLContext(pipeline.Settings.Seed);
            var preprocessingOnAll = pipeline.BuildPreprocessing(leakyMl).Fit(data);
            var trainer = pipeline.BuildTrainer(leakyMl).Fit(preprocessingOnAll.Transform(training));
            var leaky = leakyMl.BinaryClassification.Evaluate(trainer.Transform(preprocessingOnAll.Transform(validation)));
            maxLeakGap = Math.Max(maxLeakGap, Math.Abs(leaky.Accuracy - honest.Accuracy));
        }
        Assert.True(maxLeakGap > 0.1, $"fit-on-all should change the validation accuracy visibly; largest gap {maxLeakGap}");
    }

    // The runtime reports a non-finite metric as undefined (null), never as NaN or infinity.
    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
