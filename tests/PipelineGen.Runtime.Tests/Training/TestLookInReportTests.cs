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
        bool inside = look.Metrics["auc"] >= estimate.CiLow && look.Metrics["auc"] <= estimate.CiHigh;
        Assert.Equal(!inside, html.Contains("disagrees with the cross-validated estimate", StringComparison.Ordinal));

        var card = File.ReadAllText(ModelCard.MarkdownPath(ModelStore.Resolve(ModelPath)));
        Assert.Contains($"auc: test {look.Metrics["auc"].ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)} lies {(inside ? "inside" : "outside")} the cross-validated 95% interval", card);
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

    [Fact]
    public void A_test_value_outside_the_interval_is_called_out_in_the_report()
    {
        var pipeline = new KfoldTitanic(_project);
        var settings = pipeline.Settings;
        var context = new EvaluationContext("h", "d", "t", new Dictionary<string, string>(), "run-1");
        var snapshot = new EvaluationSnapshot
        {
            PipelineName = "Titanic", Subtitle = "binary", ProtocolDescription = "4-fold", PrimaryMetric = "auc", SplitCount = 4,
            Model = [new MetricSummary("auc", 4, 0, 0.905, 0.004, 0.90, 0.91)],
            Baseline = [new MetricSummary("auc", 4, 0, 0.5, 0, 0.5, 0.5)],
            BodyHtml = "<section><h2>Charts kept</h2></section>",
        };
        new StoredEvaluation(StoredEvaluation.CurrentFormat, DateTimeOffset.UtcNow, context, snapshot).Write(StoredEvaluation.DefaultPath(settings));
        var look = new TestLook(DateTimeOffset.UtcNow, "t.csv", "abc", 100, "m", false, new Dictionary<string, double> { ["auc"] = 0.62 });

        var outcome = TestReport.AddLook(settings, context, null, look);

        Assert.Null(outcome.Reason);
        Assert.Contains("auc: test 0.6200 lies outside the cross-validated 95% interval [0.9000, 0.9100]", Assert.Single(outcome.Disagreements));
        var html = File.ReadAllText(outcome.ReportPath!);
        Assert.Contains("The test set disagrees with the cross-validated estimate", html);
        Assert.Contains("Charts kept", html);

        // Another spec hash: the stored estimate is not shown.
        var other = TestReport.AddLook(settings, context with { SpecHash = "other" }, null, look);
        Assert.Null(other.ReportPath);
        Assert.Contains("spec hash h → other", other.Reason);

        var card = new ModelCard
        {
            Name = "Titanic", CreatedUtc = DateTimeOffset.UtcNow, Task = "binary", LabelColumn = "survived", Metric = "auc",
            TrainData = new DataFingerprint("x.csv", "d", 10), ModelFile = "m.zip", ModelSha256 = "m", Packages = new Dictionary<string, string>(),
            Protocol = "4-fold", Trainer = new TrainerDescription("t", null, new Dictionary<string, string>()),
            Preparation = new PreparationSummary(null, new Dictionary<string, int>(), []),
            Metrics = new Dictionary<string, MetricEstimate> { ["auc"] = new(0.905, 0.004, 0.90, 0.91) },
        };
        Assert.Contains("**auc: test 0.62 lies outside the cross-validated 95% interval [0.9, 0.91]**", card.BesideEstimate(look));
        Assert.Contains("lies inside", card.BesideEstimate(look with { Metrics = new Dictionary<string, double> { ["auc"] = 0.905 } }));

        // The tested model is the evaluated configuration: the look goes beside the estimate — also when the pipeline's
        // own context names another trainer (an ensemble pinned: the pipeline describes its single winner, while the
        // stored evaluation and the model are both the blend).
        Assert.NotNull(TestReport.AddLook(settings, context, card with { SpecHash = "h" }, look).ReportPath);
        Assert.NotNull(TestReport.AddLook(settings, context with { Trainer = "fast_forest" }, card with { SpecHash = "h" }, look).ReportPath);
        Assert.Null(TestReport.AddLook(settings, context with { Trainer = "fast_forest" }, null, look).ReportPath);
        // A tuned model or an ensemble is another model than the one evaluate measured (the pipeline's own settings, which
        // the lock only changes at the next build): its test look is not set beside that estimate.
        var blend = card with { SpecHash = "h", Trainer = new TrainerDescription("ensemble of 2 models: lightgbm, sdca", "weighted blend", new Dictionary<string, string> { ["member01.weight"] = "0.5" }) };
        var tuned = TestReport.AddLook(settings, context, blend, look);
        Assert.Null(tuned.ReportPath);
        Assert.Contains("trainer t → ensemble of 2 models: lightgbm, sdca (weighted blend) (the tested model)", tuned.Reason);
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
