using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Evaluation;
using PipelineGen.Runtime.Training;
using Xunit;

namespace PipelineGen.Runtime.Tests.Training;

/// <summary>
/// A standalone <c>test</c> puts its one look beside the cross-validated estimate that <c>evaluate</c> stored, in the
/// evaluation report and the model card; without an estimate, or with one made for other data, it says so instead.
/// </summary>
public sealed class TestLookInReportTests : IDisposable
{
    private readonly string _project = TitanicTestPipeline.NewProjectDirectory();

    public void Dispose() => Directory.Delete(_project, recursive: true);

    /// <summary>Titanic under 4-fold CV (so the estimate has a 95% interval).</summary>
    private sealed class KfoldTitanic : TitanicTestPipeline
    {
        // As generated code declares it (on the class, and in the settings the runtime reads).
        public new const string SpecHash = "kfold-titanic-hash";

        public KfoldTitanic(string project) : base(project) =>
            Settings = Settings with { SpecHash = SpecHash, Evaluation = new EvaluationSettings { Protocol = EvaluationProtocol.KFold, Folds = 4, Seed = 7 } };
    }

    private (int Exit, string Output, string Error) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = PipelineApp.Run(args, new KfoldTitanic(_project), output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private string Reports => Path.Combine(_project, ".pipelinegen", "reports");
    private string ReportPath => Path.Combine(Reports, "Titanic.evaluate.html");
    private string ModelPath => Path.Combine(_project, ".pipelinegen", "models", "Titanic.zip");

    [Fact]
    public void Evaluate_then_train_then_test_adds_the_look_to_the_report_and_the_card_beside_the_estimate()
    {
        var evaluate = Cli("evaluate");
        Assert.True(evaluate.Exit == 0, evaluate.Output + evaluate.Error);
        var stored = StoredEvaluation.TryRead(Path.Combine(Reports, "Titanic.evaluate.json"), out var problem);
        Assert.True(stored is not null, problem);
        Assert.Equal(KfoldTitanic.SpecHash, stored!.Context.SpecHash);
        Assert.NotNull(stored.Context.RunId);
        Assert.DoesNotContain("test (one look)", File.ReadAllText(ReportPath));

        Assert.Equal(0, Cli("train").Exit);
        var test = Cli("test");
        Assert.True(test.Exit == 0, test.Output + test.Error);
        Assert.Contains("Report (with the test look)", test.Output);

        var look = ModelCard.TryRead(ModelPath)!.TestLooks.Single();
        var html = File.ReadAllText(ReportPath);
        Assert.Contains("test (one look)", html);
        Assert.Contains($"test auc (one look, {look.Rows} rows)", html);
        Assert.Contains(HtmlReport_Metric(look.Metrics["auc"]), html);
        Assert.Contains("ROC curve", html); // the charts the evaluation drew are still there
        var estimate = stored.Report.ModelMetric("auc")!;
        Assert.Equal(4, estimate.Count);
        Assert.NotNull(estimate.ValidationRows); // stored, so a later test can compute the range for its look
        // The look carries its own bootstrap error, and the range combines it with the spread of the mean.
        Assert.True(look.StandardErrors!["auc"] > 0);
        var (low, high) = TestLookRange.Range("auc", estimate.Mean!.Value, estimate.StdDev, 4, estimate.ValidationRows, look.Rows, look.StandardErrors["auc"])!.Value;
        bool inside = look.Metrics["auc"] >= low && look.Metrics["auc"] <= high;
        Assert.Equal(!inside, html.Contains("disagrees with the cross-validated estimate", StringComparison.Ordinal));
        string where = $"auc: test {HtmlReport_Metric(look.Metrics["auc"])} lies {(inside ? "inside" : "outside")} the range expected for one look at {look.Rows} rows [{HtmlReport_Metric(low)}, {HtmlReport_Metric(high)}]";
        if (inside) Assert.Contains($"Test look beside the estimate: {where}", test.Output);
        Assert.Equal(inside ? "inside" : look.Metrics["auc"] > high ? "better" : "worse", look.EstimateCheck!.Placement);

        // train read the estimate from the run store: the card's estimate carries the splits and rows too.
        var card = File.ReadAllText(ModelCard.MarkdownPath(ModelStore.Resolve(ModelPath)));
        Assert.Contains($"auc: test {look.Metrics["auc"].ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)} lies {(inside ? "inside" : "outside")} the range expected for one look at {look.Rows} rows", card);
    }

    [Fact]
    public void Test_without_an_evaluation_says_there_is_no_estimate_to_compare_with()
    {
        Assert.Equal(0, Cli("train").Exit);
        var test = Cli("test");

        Assert.True(test.Exit == 0, test.Output + test.Error);
        Assert.Contains("the test look was not added to the evaluation report: no evaluation is stored", test.Output);
        Assert.Contains("Run 'evaluate'", test.Output);
        Assert.False(File.Exists(ReportPath));
        Assert.Single(ModelCard.TryRead(ModelPath)!.TestLooks); // the look itself is recorded
    }

    [Fact]
    public void Test_after_the_training_data_changed_does_not_show_the_old_estimate()
    {
        Assert.Equal(0, Cli("evaluate").Exit);
        var train = Path.Combine(_project, "titanic_train.csv");
        var lines = File.ReadAllLines(train);
        File.WriteAllLines(train, lines.Take(lines.Length - 20)); // other data: another SHA-256
        Assert.Equal(0, Cli("train").Exit);

        var test = Cli("test");

        Assert.True(test.Exit == 0, test.Output + test.Error);
        Assert.Contains("was made for something else than the tested model: training data SHA-256", test.Output);
        Assert.DoesNotContain("test (one look)", File.ReadAllText(ReportPath));
    }

    /// <summary>A stored 4-fold estimate: auc 0.905 ± 0.004 (interval of the mean [0.90, 0.91]) over splits of <paramref name="validationRows"/> rows.</summary>
    private static EvaluationSnapshot Snapshot(double? validationRows) => new()
    {
        PipelineName = "Titanic", Subtitle = "binary", ProtocolDescription = "4-fold", PrimaryMetric = "auc", SplitCount = 4,
        Model = [new MetricSummary("auc", 4, 0, 0.905, 0.004, 0.90, 0.91, validationRows)],
        Baseline = [new MetricSummary("auc", 4, 0, 0.5, 0, 0.5, 0.5, validationRows)],
        BodyHtml = "<section><h2>Charts kept</h2></section>",
    };

    private static TestLook Look(double auc, long rows = 100) =>
        new(DateTimeOffset.UtcNow, "t.csv", "abc", rows, "m", false, new Dictionary<string, double> { ["auc"] = auc });

    private static ModelCard Card(MetricEstimate auc) => new()
    {
        Name = "Titanic", CreatedUtc = DateTimeOffset.UtcNow, Task = "binary", LabelColumn = "survived", Metric = "auc",
        TrainData = new DataFingerprint("x.csv", "d", 10), ModelFile = "m.zip", ModelSha256 = "m", Packages = new Dictionary<string, string>(),
        Protocol = "4-fold", Trainer = new TrainerDescription("t", null, new Dictionary<string, string>()),
        Preparation = new PreparationSummary(null, new Dictionary<string, int>(), []),
        Metrics = new Dictionary<string, MetricEstimate> { ["auc"] = auc },
    };

    [Fact]
    public void A_test_value_outside_the_range_for_one_look_is_called_out_in_the_report_and_the_card()
    {
        var settings = new KfoldTitanic(_project).Settings;
        var context = new EvaluationContext("h", "d", "t", new Dictionary<string, string>(), "run-1");
        new StoredEvaluation(StoredEvaluation.CurrentFormat, DateTimeOffset.UtcNow, context, Snapshot(200)).Write(StoredEvaluation.DefaultPath(settings));
        // t(0.975, 3) = 3.182446; 0.905 ± 3.182446 · 0.004 · √(1/4 + 200/100) = 0.905 ± 0.019094
        var outcome = TestReport.AddLook(settings, context, null, Look(0.62));

        Assert.Null(outcome.Reason);
        Assert.Equal("auc: test 0.6200 lies outside the range expected for one look at 100 rows [0.8859, 0.9241] (cross-validated mean 0.9050, std 0.0040 over 4 splits of 200 rows): "
            + TestLookComparison.WorseAdvice, Assert.Single(outcome.Disagreements));
        // The primary metric's disagreement is the test command's own warning (TestStep), not repeated as a note.
        Assert.Empty(outcome.Notes);
        var html = File.ReadAllText(outcome.ReportPath!);
        Assert.Contains("The test set disagrees with the cross-validated estimate", html);
        Assert.Contains("Charts kept", html);
        // Outside the old interval of the mean [0.90, 0.91], inside the range for one look: no disagreement.
        var near = TestReport.AddLook(settings, context, null, Look(0.92));
        Assert.Empty(near.Disagreements);
        Assert.Equal("Test look beside the estimate: auc: test 0.9200 lies inside the range expected for one look at 100 rows [0.8859, 0.9241] (cross-validated mean 0.9050, std 0.0040 over 4 splits of 200 rows).",
            Assert.Single(near.Notes));
        Assert.DoesNotContain("disagrees", File.ReadAllText(near.ReportPath!));

        // Another spec hash: the stored estimate is not shown.
        var other = TestReport.AddLook(settings, context with { SpecHash = "other" }, null, Look(0.62));
        Assert.Null(other.ReportPath);
        Assert.Contains("spec hash h → other", other.Reason);

        var card = Card(new MetricEstimate(0.905, 0.004, 0.90, 0.91, 4, 200));
        Assert.Equal("**auc: test 0.62 lies outside the range expected for one look at 100 rows [0.8859, 0.9241]** (cross-validated mean 0.905, std 0.004 over 4 splits of 200 rows): "
            + TestLookComparison.WorseAdvice + ".", card.BesideEstimate(Look(0.62)));
        Assert.StartsWith("auc: test 0.92 lies inside the range expected for one look at 100 rows", card.BesideEstimate(Look(0.92)));

        // The tested model is the evaluated configuration: the look goes beside the estimate — also when the pipeline's
        // own context names another trainer (an ensemble pinned: the pipeline describes its single winner, while the
        // stored evaluation and the model are both the blend).
        Assert.NotNull(TestReport.AddLook(settings, context, card with { SpecHash = "h" }, Look(0.62)).ReportPath);
        Assert.NotNull(TestReport.AddLook(settings, context with { Trainer = "fast_forest" }, card with { SpecHash = "h" }, Look(0.62)).ReportPath);
        Assert.Null(TestReport.AddLook(settings, context with { Trainer = "fast_forest" }, null, Look(0.62)).ReportPath);
        // A tuned model or an ensemble is another model than the one evaluate measured (the pipeline's own settings, which
        // the lock only changes at the next build): its test look is not set beside that estimate.
        var blend = card with { SpecHash = "h", Trainer = new TrainerDescription("ensemble of 2 models: lightgbm, sdca", "weighted blend", new Dictionary<string, string> { ["member01.weight"] = "0.5" }) };
        var tuned = TestReport.AddLook(settings, context, blend, Look(0.62));
        Assert.Null(tuned.ReportPath);
        Assert.Contains("trainer t → ensemble of 2 models: lightgbm, sdca (weighted blend) (the tested model)", tuned.Reason);
    }

    [Fact]
    public void A_difference_shared_by_the_pipeline_and_the_tested_model_is_named_once()
    {
        // After the spec and data changed and 'train' ran, both the pipeline and the model's card differ from the stored
        // evaluation in the same way: the note listed each difference twice, once with "(the tested model)".
        var settings = new KfoldTitanic(_project).Settings;
        var context = new EvaluationContext("h", "d", "t", new Dictionary<string, string>(), "run-1");
        new StoredEvaluation(StoredEvaluation.CurrentFormat, DateTimeOffset.UtcNow, context, Snapshot(200)).Write(StoredEvaluation.DefaultPath(settings));
        var card = Card(new MetricEstimate(0.905, 0.004, 0.90, 0.91, 4, 200));

        var reason = TestReport.AddLook(settings, context with { SpecHash = "other" }, card with { SpecHash = "other" }, Look(0.62)).Reason!;

        Assert.Single(System.Text.RegularExpressions.Regex.Matches(reason, "spec hash h → other"));
    }

    [Fact]
    public void An_estimate_stored_before_the_rows_were_recorded_makes_no_claim_and_says_why()
    {
        var settings = new KfoldTitanic(_project).Settings;
        var context = new EvaluationContext("h", "d", "t", new Dictionary<string, string>(), "run-1");
        var path = StoredEvaluation.DefaultPath(settings);
        new StoredEvaluation(StoredEvaluation.CurrentFormat, DateTimeOffset.UtcNow, context, Snapshot(null)).Write(path);
        Assert.DoesNotContain("validationRows", File.ReadAllText(path)); // as an earlier version wrote it

        var outcome = TestReport.AddLook(settings, context, null, Look(0.62));

        Assert.Empty(outcome.Disagreements); // far from the mean, yet no claim without the range
        var note = Assert.Single(outcome.Notes);
        Assert.Contains("auc: test 0.6200 beside the cross-validated mean 0.9050", note);
        Assert.Contains("cannot be computed from this estimate", note);
        Assert.Contains("evaluate again to compare", note);
        var html = File.ReadAllText(outcome.ReportPath!);
        Assert.DoesNotContain("disagrees", html);
        Assert.Contains("<div class=\"card \"><div class=\"v\">0.6200</div>", html); // neither ok nor warn
        Assert.DoesNotContain("its primary metric is checked against", html);
        Assert.Contains("evaluate again to compare", html);

        // A card written before: its JSON has no split count or rows; read back, it makes no claim either.
        var modelPath = Path.Combine(_project, "old.zip");
        Card(new MetricEstimate(0.905, 0.004, 0.90, 0.91)).Write(modelPath);
        var json = File.ReadAllText(ModelCard.JsonPath(modelPath));
        Assert.DoesNotContain("\"splits\"", json);
        var beside = ModelCard.TryRead(modelPath)!.BesideEstimate(Look(0.62));
        Assert.DoesNotContain("lies", beside);
        Assert.Contains("cannot be computed from this estimate", beside);
        Assert.Contains("evaluate again to compare", beside);
    }

    [Fact]
    public void A_holdout_estimate_without_the_look_s_own_error_has_no_range_and_no_inside_or_outside_claim()
    {
        var holdout = MetricSummary.From("auc", [0.9], [250]);
        Assert.Equal(250, holdout.ValidationRows);
        var figures = new TestSetFigures(new Dictionary<string, double> { ["auc"] = 0.62 }, 100, "t.csv");

        Assert.Empty(EvaluationHtml.Disagreements([holdout], "auc", figures));
        Assert.Equal("Test look beside the estimate: auc: test 0.6200 beside the cross-validated mean 0.9000 (no range for one look: a single split has no spread to scale, and the look has no standard error of its own).",
            Assert.Single(EvaluationHtml.ConsoleNotes([holdout], "auc", figures)));
        var card = Card(new MetricEstimate(0.9, Splits: 1, ValidationRows: 250));
        Assert.Equal("auc: test 0.62 beside the cross-validated mean 0.9 (no range for one look: a single split has no spread to scale, and the look has no standard error of its own).", card.BesideEstimate(Look(0.62)));
    }

    [Fact]
    public void A_holdout_estimate_is_compared_through_the_look_s_own_error()
    {
        // A look recorded with its bootstrap error (0.03 over 100 rows) beside a holdout estimate on 250 rows: the
        // estimate's own error is the look's rescaled to its rows, 0.03·√(100/250), so the range is
        // 0.9 ± 1.96·0.03·√(1 + 100/250) = 0.9 ± 0.0696.
        var card = Card(new MetricEstimate(0.9, Splits: 1, ValidationRows: 250));
        var look = Look(0.62) with { StandardErrors = new Dictionary<string, double> { ["auc"] = 0.03 } };
        var far = card.CompareWithEstimate(look)!;
        Assert.Equal(TestLookPlacement.Outside, far.Placement);
        Assert.StartsWith("auc: test 0.62 lies outside the range expected for one look at 100 rows [0.8304, 0.9696] (single-split estimate 0.9 on 250 validation rows, 95% interval [0.8628, 0.9372]", far.Text);
        Assert.Contains("test 95% interval [0.5612, 0.6788] from its bootstrap standard error 0.03 over 200 resamples of the 100 test rows", far.Text);
        Assert.EndsWith(TestLookComparison.WorseAdvice, far.Text);
        Assert.Equal(TestLookPlacement.Inside, card.CompareWithEstimate(look with { Metrics = new Dictionary<string, double> { ["auc"] = 0.86 } })!.Placement);

        var figures = TestSetFigures.Of(look);
        Assert.Single(EvaluationHtml.Disagreements([MetricSummary.From("auc", [0.9], [250])], "auc", figures));
    }

    [Fact]
    public void A_damaged_stored_evaluation_is_named_and_not_used()
    {
        var settings = new KfoldTitanic(_project).Settings;
        var path = StoredEvaluation.DefaultPath(settings);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "{\"format\": 1, \"report\": ");
        var look = new TestLook(DateTimeOffset.UtcNow, "t.csv", "abc", 100, "m", false, new Dictionary<string, double> { ["auc"] = 0.8 });

        var outcome = TestReport.AddLook(settings, new EvaluationContext("h", "d", "t", null), null, look);

        Assert.Null(outcome.ReportPath);
        Assert.Contains($"'{path}' cannot be read", outcome.Reason);
        Assert.Contains("Run 'evaluate'", outcome.Reason);

        File.WriteAllText(path, "{\"format\": 99}");
        Assert.Contains("written by another version of PipelineGen (format 99, expected 1)", TestReport.AddLook(settings, new EvaluationContext("h", "d", "t", null), null, look).Reason);
    }

    private static string HtmlReport_Metric(double v) => PipelineGen.Runtime.Reporting.HtmlReport.Metric(v);
}
