using PipelineGen.Runtime.Evaluation;
using PipelineGen.Runtime.Gates;
using PipelineGen.Runtime.Runs;
using PipelineGen.Runtime.Training;
using PipelineGen.Runtime.Tuning;
using Xunit;

namespace PipelineGen.Runtime.Tests.Evaluation;

/// <summary>
/// What gates, tuning and the capacity curve do with a metric that is undefined on some or all splits: a gate cannot be
/// shown to hold on a chosen part of the evaluation (it fails, saying why), a trial whose precision exists only where it
/// called a positive has no objective (recorded with why, never ranked), and a curve point never prints NaN.
/// </summary>
public sealed class UndefinedMetricConsumerTests
{
    private static GateSettings Gate(string metric, GateKind kind, double threshold, string? cls = null) =>
        new(metric, kind, threshold, cls, null, "pipeline.yaml", 12, 5);

    // Five splits; the model calls no row positive on splits 2 and 4 (precision undefined there), the prior baseline on all.
    private static EvaluationResult Evaluation(double?[] modelPrecision, double?[] baselinePrecision)
    {
        var splits = modelPrecision.Select((m, i) => new SplitResult(0, i, 80, 20,
            new Dictionary<string, double?> { ["precision"] = m, ["auc"] = 0.8 },
            new Dictionary<string, double?> { ["precision"] = baselinePrecision[i], ["auc"] = 0.5 })).ToArray();
        MetricSummary[] Summaries(Func<SplitResult, IReadOnlyDictionary<string, double?>> pick) =>
            new[] { "precision", "auc" }.Select(n => MetricSummary.From(n, splits.Select(s => pick(s)[n]).ToArray())).ToArray();
        return new EvaluationResult
        {
            PipelineName = "Rare", Task = MlTaskKind.BinaryClassification, DataPath = "rare.csv", Settings = new EvaluationSettings(),
            ProtocolDescription = "5-fold", RowCount = 100, UsedRowCount = 100, SkippedBadRowCount = 0, DuplicateRowCount = 0,
            PrimaryMetric = "precision", PrimaryMetricReason = "named in the spec", BaselineStrategy = "prior",
            Splits = splits, Model = Summaries(s => s.Model!), Baseline = Summaries(s => s.Baseline), Warnings = [], Duration = TimeSpan.Zero,
        };
    }

    [Fact]
    public void A_gate_on_precision_undefined_on_some_splits_fails_with_why_instead_of_passing_on_the_others()
    {
        var evaluation = Evaluation([0.9, null, 0.95, null, 0.92], [null, null, null, null, null]);
        GateSettings[] gates = [Gate("precision", GateKind.Min, 0.8), Gate("precision", GateKind.MinImprovement, 0), Gate("auc", GateKind.Min, 0.7)];
        var results = GateCheck.Check(new GateMeasurement { Evaluation = evaluation, SegmentValues = new Dictionary<int, Dictionary<string, List<double?>>>() }, gates);

        // The mean over the 3 splits where it exists (0.923) clears 0.8, but the model chose those splits.
        Assert.False(results[0].Passed, results[0].Message);
        Assert.Contains("the model's precision is undefined (no predicted positive) on 2 of 5 split(s)", results[0].Message);
        Assert.Contains("cannot be shown to hold", results[0].Message);
        // No split has both: the improvement cannot be measured, and the message says whose precision is missing.
        Assert.False(results[1].Passed, results[1].Message);
        Assert.Contains("the prior baseline's precision is undefined (no predicted positive) on 5 of 5 split(s)", results[1].Message);
        Assert.True(results[2].Passed, results[2].Message);

        // Defined everywhere: the gate is decided on the mean as before.
        var whole = GateCheck.Check(new GateMeasurement { Evaluation = Evaluation([0.9, 0.85, 0.95, 0.88, 0.92], [0.1, 0.1, 0.1, 0.1, 0.1]), SegmentValues = new Dictionary<int, Dictionary<string, List<double?>>>() }, gates);
        Assert.True(whole[0].Passed, whole[0].Message);
        Assert.True(whole[1].Passed, whole[1].Message);
    }

    [Fact]
    public void A_per_class_gate_on_precision_undefined_on_some_splits_fails()
    {
        var evaluation = Evaluation([0.9, 0.85, 0.95, 0.88, 0.92], [0.1, 0.1, 0.1, 0.1, 0.1]);
        GateSettings[] gates = [Gate("precision", GateKind.Min, 0.5, cls: "yes")];
        var segments = new Dictionary<int, Dictionary<string, List<double?>>> { [0] = new() { ["yes"] = [0.9, null, 0.8, 0.7, null] } };
        var result = GateCheck.Check(new GateMeasurement { Evaluation = evaluation, SegmentValues = segments }, gates)[0];
        Assert.False(result.Passed, result.Message);
        Assert.Contains("precision is undefined (no predicted positive) in 'yes' on 2 of 5 split(s)", result.Message);

        segments[0]["yes"] = [0.9, 0.6, 0.8, 0.7, 0.75];
        Assert.True(GateCheck.Check(new GateMeasurement { Evaluation = evaluation, SegmentValues = segments }, gates)[0].Passed);
    }

    [Fact]
    public void Trains_console_line_for_a_gate_value_says_on_how_many_splits_the_metric_was_undefined_and_why()
    {
        var evaluation = Evaluation([0.9, 0.85, 0.95, 0.88, 0.92], [0.1, 0.1, 0.1, 0.1, 0.1]);
        GateSettings[] gates = [new("precision", GateKind.Min, 0.5, null, "embarked", "pipeline.yaml", 12, 5)];
        var segments = new Dictionary<int, Dictionary<string, List<double?>>>
        {
            [0] = new() { ["C"] = [null, null, null], ["Q"] = [0.7, 0.8, 0.75, 0.72, 0.78], ["S"] = [0.9, null, 0.8, 0.7, null] },
        };
        var gate = GateCheck.Check(new GateMeasurement { Evaluation = evaluation, SegmentValues = segments }, gates)[0];
        var lines = gate.Segments!.Select(v => GateCheck.SegmentLine(gate, v)).ToArray();
        Assert.Equal("C: precision undefined (no predicted positive) on 3 of 3 split(s)", lines[0]);
        Assert.DoesNotContain("undefined", lines[1]);
        Assert.Equal("S: 0.8 [0.5516, 1] over 3 split(s); precision undefined (no predicted positive) on 2 of 5 split(s)  <- fails", lines[2]);

        // A card written before the counts were kept: undefined without an invented count.
        var old = gate with { Metric = null, Segments = gate.Segments!.Select(v => v with { UndefinedSplits = null }).ToArray() };
        Assert.Equal("C: undefined", GateCheck.SegmentLine(old, old.Segments![0]));
        Assert.Equal("S: 0.8 [0.5516, 1] over 3 split(s)  <- fails", GateCheck.SegmentLine(old, old.Segments![2]));
    }

    [Fact]
    public void A_trial_whose_precision_exists_only_on_some_splits_has_no_objective_and_says_why()
    {
        var partly = PipelineTuner.Objective(MetricSummary.From("precision", [0.9, null, 1.0, null, 0.95]), 5);
        Assert.True(double.IsNaN(partly.Value)); // was 0.95, the best of any honest trial
        Assert.Equal("precision is undefined (no predicted positive) on 2 of 5 splits for this configuration; "
            + "a mean over the others would favour a model that rarely calls a positive, so it has no objective and is not ranked", partly.UndefinedReason("precision"));

        var never = PipelineTuner.Objective(MetricSummary.From("precision", [null, null, null]), 3);
        Assert.True(double.IsNaN(never.Value));
        Assert.StartsWith("precision is undefined (no predicted positive) on every split", never.UndefinedReason("precision"));

        // The data's own gaps (auc on a fold with one class) are the same for every trial: the mean over the rest ranks.
        var auc = PipelineTuner.Objective(MetricSummary.From("auc", [0.8, null, 0.9]), 3);
        Assert.Equal(0.85, auc.Value, 12);
        Assert.Null(auc.Undefined);
    }

    [Fact]
    public void A_capacity_curve_point_without_a_value_prints_undefined_never_NaN()
    {
        CapacityPoint[] points =
        [
            new(10, 0.9, double.NaN) { ValidationPerSplit = [double.NaN, 0.8], ValidationStd = null },
            new(20, 0.95, 0.7) { ValidationPerSplit = [0.7, 0.7], ValidationStd = 0.01 },
        ];
        var result = new CapacityCurveResult("P", "lightgbm", "NumberOfIterations", "precision", false, 100, 25, points, 1, CapacityVerdict.Found, "chosen 20");
        var table = CapacityCurve.RenderTable(result);
        Assert.DoesNotContain("NaN", table);
        Assert.Contains("undefined", table.Split('\n').First(l => l.TrimStart().StartsWith("10 ", StringComparison.Ordinal)));
        // An undefined point counts as the worst: the defined one is the top.
        Assert.Equal(1, CapacityCurve.Judge(points, lowerIsBetter: false).Top);
    }

    [Fact]
    public void The_model_card_lists_a_metric_undefined_on_every_split_as_undefined_with_why()
    {
        var card = new ModelCard
        {
            Name = "Rare", CreatedUtc = DateTimeOffset.UnixEpoch, Task = nameof(MlTaskKind.BinaryClassification), LabelColumn = "label",
            Metric = "precision", TrainData = new DataFingerprint("rare.csv", "abc", 300), ModelFile = "model.zip", ModelSha256 = "def",
            Packages = new Dictionary<string, string>(), Protocol = "5-fold",
            Trainer = new TrainerDescription("sdca_logistic_regression", null, new Dictionary<string, string>()),
            Preparation = new PreparationSummary(null, new Dictionary<string, int>(), []),
            // precision was undefined for the model and the baseline on every split: the evaluation left it out.
            Metrics = new Dictionary<string, MetricEstimate> { ["auc"] = new(0.6), ["f1"] = new(0) },
            Baseline = new Dictionary<string, MetricEstimate> { ["auc"] = new(0.5), ["f1"] = new(0) },
            BaselineStrategy = "prior",
        };
        var markdown = card.ToMarkdown();
        Assert.Contains("| precision | undefined (no predicted positive) | - | - | undefined (no predicted positive) |", markdown);
        Assert.Contains("| f1 | 0 | - | - | 0 |", markdown);
    }

    [Fact]
    public void A_multiclass_split_without_a_row_of_some_class_is_named_for_its_macro_accuracy()
    {
        var empty = new Dictionary<string, double?>();
        SplitResult[] splits =
        [
            new(0, 0, 90, 10, empty, empty, [4, 6, 0]),
            new(0, 1, 90, 10, empty, empty, [3, 3, 4]),
        ];
        var warning = Evaluator.AbsentClasses(MlTaskKind.MulticlassClassification, splits, ["a", "b", "c"]);
        Assert.Equal("1 of 2 split(s) have no validation row of some class (first: 'c' in split 1.1): that class has no accuracy there (0/0), "
            + "so those splits' macro_accuracy is the mean over the classes present, not a 0 for the absent one.", warning);
        Assert.Null(Evaluator.AbsentClasses(MlTaskKind.MulticlassClassification, [splits[1]], ["a", "b", "c"]));
    }

    [Fact]
    public void Promotion_on_precision_undefined_on_some_splits_claims_nothing_about_which_model_is_better()
    {
        // The new model calls no positive on two folds; where it does, it looks far better than the current one.
        var current = new ModelEvidence("precision", "kfold", "sha", [0.5, 0.52, 0.49, 0.51, 0.5], 0.25);
        var candidate = current with { SplitScores = [0.9, null, 0.95, null, 0.92] };
        var decision = Promotion.Decide([], candidate, current, "v1");
        Assert.True(decision.Promoted); // promoted on its gates (none here), as when the scores cannot be paired
        Assert.Null(decision.MeanDifference);
        Assert.Contains("not compared with the current version v1: precision is undefined (no predicted positive) on 2 of 5 splits for this model and 0 for the current one", decision.Reason);
        Assert.Contains("nothing is claimed about which is better", decision.Reason);
    }

    [Fact]
    public void Per_class_gates_on_rare_positives_measure_f1_as_0_and_refuse_an_undefined_precision()
    {
        // 5 positives in 300 rows, a noise feature: the model calls no row 'yes' on any split.
        var pipeline = BinaryPipeline.OneFeature("Rare", TestPipeline.DataPath("rare_positive.csv"), "yes");
        GateSettings[] gates = [Gate("f1", GateKind.Max, 0.5, cls: "yes"), Gate("precision", GateKind.Max, 0.5, cls: "yes")];
        var results = GateCheck.Check(GateCheck.Measure(pipeline, gates), gates);

        // f1 = 2TP / (2TP + FP + FN) = 0 on every split: measured (it was undefined, as if precision's 0/0 spread to it).
        Assert.True(results[0].Passed, results[0].Message);
        Assert.Equal(0.0, results[0].Value);
        // precision of 'yes' is 0/0 on every split: the gate cannot pass on it, whichever way it points.
        Assert.False(results[1].Passed, results[1].Message);
        Assert.Null(results[1].Value);
        Assert.Contains("cannot be shown to hold", results[1].Message);
    }

    [Fact]
    public void Test_lists_precision_of_a_model_that_calls_no_test_row_positive_as_undefined()
    {
        using var project = new TempDirectory();
        File.Copy(TestPipeline.DataPath("rare_positive.csv"), Path.Combine(project.Path, "train.csv"));
        var random = new Random(5);
        project.Write("test.csv", "x,label\n" + string.Concat(Enumerable.Range(0, 60).Select(i =>
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{random.NextDouble() * 10:0.000},{(i % 30 == 7 ? "yes" : "no")}\n"))));
        var rare = BinaryPipeline.OneFeature("Rare", "train.csv", "yes");
        var pipeline = new BinaryPipeline(rare.Settings with { ProjectDirectory = project.Path, TestDataPath = "test.csv" });
        var error = new StringWriter();
        Assert.Equal(0, TrainStep.Run(pipeline, new TrainOptions(), TextWriter.Null, error));

        var output = new StringWriter { NewLine = "\n" };
        Assert.Equal(0, TestStep.Run(pipeline, new TestOptions(), output, error));
        string text = output.ToString();
        var precisionRow = text.Split('\n').First(l => l.TrimStart().StartsWith("precision", StringComparison.Ordinal));
        Assert.Contains("undefined (no predicted positive)", precisionRow); // was missing from the table
        Assert.Contains(text.Split('\n'), l => l.TrimStart().StartsWith("f1", StringComparison.Ordinal) && l.Contains("0.0000"));
        Assert.Contains("warning: test set: precision is undefined (no predicted positive)", text);
        // The card records no number for it.
        var card = ModelCard.TryRead(Path.Combine(project.Path, ".pipelinegen", "models", "Rare.zip"))!;
        Assert.False(card.TestLooks[^1].Metrics.ContainsKey("precision"));
    }

    [Fact]
    public void The_multiclass_report_shows_a_class_never_predicted_as_undefined_precision_not_n_a()
    {
        var o = new OutOfFoldPredictions { Task = MlTaskKind.MulticlassClassification };
        o.ClassNames.AddRange(["a", "b", "c"]);
        // Class 'c' occurs (2 rows) but is never predicted: its precision is 0/0; its recall and F1 are 0.
        (int Label, int Predicted)[] rows = [(0, 0), (0, 0), (1, 1), (1, 0), (2, 1), (2, 0), (0, 0), (1, 1)];
        foreach (var (label, predicted) in rows) { o.Split.Add(0); o.Label.Add(label); o.Score.Add(predicted); }
        MetricSummary[] Summaries(double value) => new[] { "macro_accuracy", "micro_accuracy", "log_loss" }.Select(n => MetricSummary.From(n, [value, value])).ToArray();
        var result = new EvaluationResult
        {
            PipelineName = "Abc", Task = MlTaskKind.MulticlassClassification, DataPath = "abc.csv", Settings = new EvaluationSettings(),
            ProtocolDescription = "2-fold", RowCount = 8, UsedRowCount = 8, SkippedBadRowCount = 0, DuplicateRowCount = 0,
            PrimaryMetric = "macro_accuracy", PrimaryMetricReason = "named in the spec", BaselineStrategy = "prior",
            Splits = [], Model = Summaries(0.5), Baseline = Summaries(0.33), Warnings = [], Duration = TimeSpan.Zero,
            ClassNames = ["a", "b", "c"], OutOfFold = o,
        };
        var html = EvaluationHtml.Render(result);
        var rowC = html[html.IndexOf("<td>c</td>", StringComparison.Ordinal)..];
        rowC = rowC[..rowC.IndexOf("</tr>", StringComparison.Ordinal)];
        Assert.Contains("undefined (never predicted)", rowC);
        Assert.DoesNotContain("n/a", rowC);
        Assert.Contains("undefined (a class is never predicted)", html); // the macro precision over the classes
    }

    [Fact]
    public void Runs_compare_says_over_how_many_splits_a_partly_undefined_mean_is_and_subtracts_no_such_means()
    {
        using var project = new TempDirectory();
        RunRecord Run(string id, double? precision, int? splits) => new(
            id, "Rare", "evaluate", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(1),
            new Dictionary<string, string> { ["protocol"] = "KFold", ["folds"] = "5", ["repeats"] = "1" },
            [new RunMetric("precision", "model", precision, null, null, null, splits), new RunMetric("auc", "model", 0.7, null, null, null, 5)], "ok");
        using (var store = new RunStore(Path.Combine(project.Path, ".pipelinegen", "runs.db")))
        {
            store.Record(Run("a", 0.5, 5));
            store.Record(Run("b", 0.92, 3)); // precision undefined (no predicted positive) on 2 of 5 splits
        }
        var pipeline = new BinaryPipeline(BinaryPipeline.OneFeature("Rare", "rare.csv", "yes").Settings with { ProjectDirectory = project.Path });
        var output = new StringWriter();
        Assert.Equal(0, global::PipelineGen.Runtime.Cli.PipelineApp.Run(["runs", "compare", "a", "b"], pipeline, output, new StringWriter(), consoleWidth: 200));
        var row = output.ToString().Split('\n').First(l => l.Contains("model precision", StringComparison.Ordinal));
        // A store written before the undefined count was kept: derived from the protocol's 5 splits.
        Assert.Contains("0.9200 (3 of 5 splits; undefined (no predicted positive) on 2)", row);
        Assert.Contains("- (partly undefined)", row);
        Assert.DoesNotContain("+0.4200", row);
    }

    [Fact]
    public void Runs_and_runs_compare_show_the_recorded_count_of_splits_a_metric_was_undefined_on()
    {
        using var project = new TempDirectory();
        var dbPath = Path.Combine(project.Path, ".pipelinegen", "runs.db");
        // As evaluate records it: the mean, the splits it is over and the splits it was undefined on (no protocol
        // parameters here, so the count can only come from the record).
        var evaluation = Evaluation([0.9, null, 0.95, null, 0.92], [null, null, null, null, null]);
        RunRecord Run(string id) => new(id, "Rare", "evaluate", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(1),
            new Dictionary<string, string> { ["primary_metric"] = "precision" },
            global::PipelineGen.Runtime.Cli.EvaluationCommandContributor.ToRunMetrics(evaluation).ToArray(), "ok");
        using (var store = new RunStore(dbPath))
        {
            store.Record(Run("a"));
            store.Record(Run("b"));
            var read = store.Get("a")!.Metrics.Single(m => m.Role == "model" && m.Name == "precision");
            Assert.Equal((3, 2), (read.Splits, read.UndefinedSplits));
            Assert.Equal(0, store.Get("a")!.Metrics.Single(m => m.Role == "model" && m.Name == "auc").UndefinedSplits);
        }
        var pipeline = new BinaryPipeline(BinaryPipeline.OneFeature("Rare", "rare.csv", "yes").Settings with { ProjectDirectory = project.Path });
        var list = new StringWriter();
        Assert.Equal(0, global::PipelineGen.Runtime.Cli.PipelineApp.Run(["runs"], pipeline, list, new StringWriter(), consoleWidth: 200));
        Assert.Contains("precision 0.9233 (model, 3 of 5 splits; undefined (no predicted positive) on 2)", list.ToString());

        var compare = new StringWriter();
        Assert.Equal(0, global::PipelineGen.Runtime.Cli.PipelineApp.Run(["runs", "compare", "a", "b"], pipeline, compare, new StringWriter(), consoleWidth: 200));
        var lines = compare.ToString().Split('\n');
        Assert.Contains("0.9233 ± 0.0252 (3 of 5 splits; undefined (no predicted positive) on 2)", lines.First(l => l.Contains("model precision", StringComparison.Ordinal)));
        Assert.Contains("undefined (no predicted positive) on 5 of 5 splits", lines.First(l => l.Contains("baseline precision", StringComparison.Ordinal)));
        Assert.DoesNotContain("splits", lines.First(l => l.Contains("model auc", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_run_store_written_before_the_undefined_count_reads_it_as_unknown_not_zero()
    {
        using var project = new TempDirectory();
        var dbPath = Path.Combine(project.Path, ".pipelinegen", "runs.db");
        using (var store = new RunStore(dbPath))
            store.Record(new RunRecord("old", "Rare", "train", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(1),
                new Dictionary<string, string> { ["primary_metric"] = "precision" }, [new RunMetric("precision", "model", 0.92, null, null, null, 3)], "ok"));
        // The column as an older version left it: absent, so every row's value is NULL after the migration adds it.
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={dbPath};Pooling=False"))
        {
            connection.Open();
            using var drop = connection.CreateCommand();
            drop.CommandText = "ALTER TABLE run_metrics DROP COLUMN undefined_splits;";
            drop.ExecuteNonQuery();
        }
        using (var store = new RunStore(dbPath))
            Assert.Null(store.Get("old")!.Metrics.Single().UndefinedSplits);
        var pipeline = new BinaryPipeline(BinaryPipeline.OneFeature("Rare", "rare.csv", "yes").Settings with { ProjectDirectory = project.Path });
        var list = new StringWriter();
        Assert.Equal(0, global::PipelineGen.Runtime.Cli.PipelineApp.Run(["runs"], pipeline, list, new StringWriter(), consoleWidth: 200));
        // No protocol, no recorded count: the mean is shown without a made-up split count.
        Assert.Contains("precision 0.9200 (model)", list.ToString());
    }
}
