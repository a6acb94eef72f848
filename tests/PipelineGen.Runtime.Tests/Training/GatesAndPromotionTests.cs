using Microsoft.ML;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Gates;
using PipelineGen.Runtime.Runs;
using PipelineGen.Runtime.Training;
using Xunit;

namespace PipelineGen.Runtime.Tests.Training;

/// <summary>
/// Quality gates and promotion through the command-line host with real LightGBM fits on the Titanic sample (300 rows,
/// 4-fold): a gate passed (exit 0, current) and failed (exit 1, a located PG0410 line, a candidate that is not current),
/// per-class and per-group gates, a model worse than the current one by more than the noise refused (PG0411), promote and
/// rollback with their reasons in the history, gate results side by side in 'runs compare', and the 80-column 'models' list.
/// </summary>
public sealed class GatesAndPromotionTests(Xunit.Abstractions.ITestOutputHelper log) : IDisposable
{
    private readonly string _project = TitanicTestPipeline.NewProjectDirectory();

    public void Dispose() => Directory.Delete(_project, recursive: true);

    private static GateSettings Gate(string metric, GateKind kind, double threshold, string? cls = null, string? group = null, int line = 12) =>
        new(metric, kind, threshold, cls, group, "pipeline.yaml", line, 5);

    /// <summary>The Titanic stand-in on 4-fold cross-validation with the given gates (what the generator emits for a 'gates' section).</summary>
    private class GatedPipeline : TitanicTestPipeline
    {
        public new const string SpecHash = "gated-spec-hash";

        public GatedPipeline(string project, params GateSettings[] gates) : base(project) =>
            Settings = Settings with
            {
                SpecHash = SpecHash,
                Evaluation = new EvaluationSettings { Protocol = EvaluationProtocol.KFold, Folds = 4, Seed = 7 },
                Gates = gates,
            };
    }

    /// <summary>The same pipeline with one weak feature (parch) instead of seven: a model clearly worse on the same folds.</summary>
    private sealed class WeakPipeline(string project, params GateSettings[] gates) : GatedPipeline(project, gates), IPipelineDefinition
    {
        IEstimator<ITransformer> IPipelineDefinition.BuildPreprocessing(MLContext ml) =>
            ml.Transforms.Expression("Label", "x : x > 0.5", "survived").Append(ml.Transforms.Concatenate("Features", "parch"));

        IEstimator<ITransformer> IPipelineDefinition.BuildPipeline(MLContext ml) =>
            ((IPipelineDefinition)this).BuildPreprocessing(ml).Append(BuildTrainer(ml));
    }

    private static (int Exit, string Output, string Error) Cli(IPipelineDefinition pipeline, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = PipelineApp.Run(args, pipeline, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private string ModelPath => Path.Combine(_project, ".pipelinegen", "models", "Titanic.zip");

    [Fact]
    public void A_passed_gate_makes_the_model_current_and_a_failed_one_keeps_it_as_a_candidate_with_a_located_error()
    {
        var passed = Cli(new GatedPipeline(_project, Gate("auc", GateKind.Min, 0.6)), "train");
        Assert.True(passed.Exit == 0, passed.Output + passed.Error);
        Assert.Contains("pass  auc >= 0.6: auc 0.", passed.Output);
        Assert.Contains("Promoted: all 1 gate(s) passed; there was no current model.", passed.Output);
        var first = ModelStore.CurrentVersion(ModelPath);
        var card = ModelCard.TryRead(ModelPath)!;
        var gate = Assert.Single(card.Gates!);
        Assert.True(gate.Passed);
        Assert.NotNull(gate.CiLow);
        Assert.Equal(4, card.Evidence!.SplitScores.Count);
        Assert.Contains("## Gates", File.ReadAllText(ModelCard.MarkdownPath(ModelStore.Resolve(ModelPath))));

        var failed = Cli(new GatedPipeline(_project, Gate("auc", GateKind.Min, 0.99, line: 31)), "train");
        Assert.Equal(1, failed.Exit);
        var spec = Path.Combine(_project, "pipeline.yaml");
        Assert.Matches(@"(?m)^" + System.Text.RegularExpressions.Regex.Escape(spec) + @"\(31,5\): error PG0410: auc 0\.\d+ \[0\.\d+, 0\.\d+\] is below the gate 0\.99\. The model is kept as candidate version \S+; the current model is unchanged\.", failed.Error);
        Assert.Contains("FAIL  auc >= 0.99", failed.Output);
        Assert.Equal(first, ModelStore.CurrentVersion(ModelPath));
        var versions = ModelStore.Versions(ModelPath);
        Assert.Equal(2, versions.Count);
        var candidate = versions.Single(v => v != first);
        Assert.Contains($"Candidate version {candidate}: NOT current", failed.Output);
        var candidateCard = ModelVersions.List(ModelPath).Single(v => v.Version == candidate).Card!;
        Assert.False(candidateCard.Promotion!.Promoted);
        Assert.False(candidateCard.Gates![0].Passed);

        // predict reads the current model, not the newer candidate.
        var predict = Cli(new GatedPipeline(_project), "predict", "--json", """{"pclass": 1, "sex": "female", "age": 30, "sibsp": 0, "parch": 0, "fare": 80, "embarked": "S"}""");
        Assert.True(predict.Exit == 0, predict.Error);
        Assert.Equal(ModelStore.Resolve(ModelPath), Path.Combine(ModelStore.VersionsDirectory(ModelPath), first!, ModelStore.ModelFileName));

        // 'models' lists both in 80 columns, the current one starred, the candidate marked.
        var list = Cli(new GatedPipeline(_project), "models");
        Assert.Equal(0, list.Exit);
        var lines = list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.All(lines, l => Assert.True(l.Length <= ModelsCommandContributor.Width, $"{l.Length} columns: {l}"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, $@"^\s*\*\s+{first}\s") && l.Contains("1/1") && l.Contains("current"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, $@"^\s+{candidate}\s") && l.Contains("0/1") && l.Contains("candidate: gate failed"));
    }

    [Fact]
    public void Per_class_and_per_group_gates_are_measured_in_each_class_and_group_value()
    {
        var result = Cli(new GatedPipeline(_project,
            Gate("recall", GateKind.Min, 0.3, cls: "1"),
            Gate("accuracy", GateKind.Min, 0.9, group: "sex")), "train");
        Assert.True(result.Exit == 1, result.Output + result.Error);
        var card = ModelVersions.List(ModelPath).Single().Card!;
        var recall = card.Gates![0];
        Assert.True(recall.Passed, recall.Message);
        Assert.Equal("1", Assert.Single(recall.Segments!).Segment);
        var bySex = card.Gates[1];
        Assert.Equal(["female", "male"], bySex.Segments!.Select(s => s.Segment));
        Assert.All(bySex.Segments!, s => Assert.Equal(4, s.Splits));
        // Titanic: accuracy is far from 0.9 for at least one sex, and the message names the worst value.
        Assert.False(bySex.Passed);
        var worst = bySex.Segments!.MinBy(s => s.Mean)!;
        Assert.Contains($"in 'sex' = '{worst.Segment}'", bySex.Message);
        Assert.Contains("error PG0410: accuracy in 'sex'", result.Error);
        Assert.Null(ModelStore.CurrentVersion(ModelPath));
    }

    [Fact]
    public void A_model_worse_than_the_current_one_beyond_the_noise_is_not_promoted_and_promote_and_rollback_record_the_reason()
    {
        var gates = new[] { Gate("auc", GateKind.Min, 0.5) };
        var good = Cli(new GatedPipeline(_project, gates), "train");
        Assert.True(good.Exit == 0, good.Output + good.Error);
        var goodVersion = ModelStore.CurrentVersion(ModelPath)!;

        // Same data, same folds, a pipeline that sees only 'parch': it passes the gate but loses to the current model.
        var weak = Cli(new WeakPipeline(_project, gates), "train");
        log.WriteLine(good.Output + weak.Output + weak.Error);
        Assert.Equal(1, weak.Exit);
        Assert.Contains("error PG0411: The new model (version", weak.Error);
        Assert.Contains($"is worse than the current one ({goodVersion})", weak.Error);
        Assert.Contains("on the same 4 splits its auc is worse by", weak.Error);
        Assert.Equal(goodVersion, ModelStore.CurrentVersion(ModelPath));
        var weakVersion = ModelStore.Versions(ModelPath).Single(v => v != goodVersion);
        var decision = ModelVersions.List(ModelPath).Single(v => v.Version == weakVersion).Card!.Promotion!;
        Assert.True(decision.WorseThanCurrent);
        Assert.True(decision.PValue < 0.05);
        Assert.True(-decision.MeanDifference!.Value > decision.Noise!.Value);

        // Retraining the same configuration is not worse than itself: promoted, with the comparison in the reason.
        var same = Cli(new GatedPipeline(_project, gates), "train");
        Assert.True(same.Exit == 0, same.Output + same.Error);
        Assert.Contains($"not worse than the current version {goodVersion} on the same 4 splits", same.Output);
        var sameVersion = ModelStore.CurrentVersion(ModelPath)!;

        // A human overrides: promote the weak candidate, then roll back; both reasons are in the history.
        var promote = Cli(new GatedPipeline(_project), "models", "promote", weakVersion, "--reason", "A/B test of the parch-only model");
        Assert.True(promote.Exit == 0, promote.Error);
        Assert.Equal(weakVersion, ModelStore.CurrentVersion(ModelPath));
        var rollback = Cli(new GatedPipeline(_project), "models", "rollback", "--reason", "A/B test over");
        Assert.True(rollback.Exit == 0, rollback.Error);
        Assert.Contains($"current model {sameVersion} (was {weakVersion})", rollback.Output);
        Assert.Equal(sameVersion, ModelStore.CurrentVersion(ModelPath));
        var history = ModelHistory.Read(ModelPath);
        Assert.Equal(["train", "candidate", "train", "promote", "rollback"], history.Select(h => h.Action));
        Assert.Equal("A/B test of the parch-only model", history[3].Reason);
        Assert.Equal(("A/B test over", sameVersion, weakVersion), (history[4].Reason, history[4].Version, history[4].Previous));

        // A reason is required, and an unknown version is bad input with what to do.
        Assert.Equal(2, Cli(new GatedPipeline(_project), "models", "promote", "nope", "--reason", "x").Exit);
        Assert.NotEqual(0, Cli(new GatedPipeline(_project), "models", "rollback").Exit);
        Assert.Equal(sameVersion, ModelStore.CurrentVersion(ModelPath));
        log.WriteLine(Cli(new GatedPipeline(_project), "models").Output);
    }

    /// <summary>The parch-only model's auc interval straddles 0.5: it passes 'min: 0.5' on its mean and fails with 'require: interval'.</summary>
    [Fact]
    public void The_weak_model_passes_auc_0_5_on_its_mean_but_not_with_require_interval()
    {
        var gate = Gate("auc", GateKind.Min, 0.5);
        var weak = new WeakPipeline(_project, gate);
        var measured = GateCheck.Measure(weak, weak.Settings.Gates!);
        var onMean = GateCheck.Check(measured, [gate])[0];
        var onInterval = GateCheck.Check(measured, [gate with { Require = GateRequire.Interval }])[0];
        log.WriteLine(onMean.Short + "\n" + onInterval.Short);
        Assert.True(onMean.Passed, onMean.Message);
        Assert.False(onInterval.Passed, onInterval.Message);
        Assert.True(onInterval.CiLow < 0.5 && onInterval.Value >= 0.5);
        Assert.EndsWith($"lower bound {GateCheck.Fmt(onInterval.CiLow!.Value)} < 0.5 (require: interval)", onInterval.Message);
    }

    [Fact]
    public void Runs_compare_shows_the_gate_results_of_two_trainings_side_by_side()
    {
        Assert.Equal(0, Cli(new GatedPipeline(_project, Gate("auc", GateKind.Min, 0.6)), "train").Exit);
        Assert.Equal(1, Cli(new GatedPipeline(_project, Gate("auc", GateKind.Min, 0.6), Gate("auc", GateKind.Min, 0.99)), "train").Exit);
        string[] ids;
        using (var store = new RunStore(RunStore.DefaultPath(new GatedPipeline(_project).Settings)))
            ids = store.List(10).Where(r => r.Step == "train").Select(r => r.Id).Reverse().ToArray();
        Assert.Equal(2, ids.Length);
        var compare = Cli(new GatedPipeline(_project), "runs", "compare", ids[0], ids[1]);
        Assert.True(compare.Exit == 0, compare.Error);
        Assert.Contains("gate auc >= 0.6", compare.Output);
        Assert.Contains("gate auc >= 0.99", compare.Output);
        Assert.Contains("FAIL: auc", compare.Output);
        Assert.Contains("promoted", compare.Output);
        Assert.Contains("gate-failed", compare.Output);

        // 'runs' lists each training by the card's estimate of its primary metric (was '-').
        var card = ModelCard.TryRead(ModelPath)!;
        var list = Cli(new GatedPipeline(_project), "runs");
        Assert.Contains($"auc {EvaluationReportWriter.F(card.Metrics!["auc"].Mean)} (model)", list.Output);
        Assert.Contains("auc 0.", list.Output.Split('\n').First(l => l.Contains("gate-failed", StringComparison.Ordinal)));
    }

    [Fact]
    public void Promotion_says_so_when_the_scores_cannot_be_paired()
    {
        var evidence = new ModelEvidence("auc", "KFold folds=4", "aaaa", [0.8, 0.82, 0.79, 0.81], 0.33);
        var otherData = evidence with { DataSha256 = "bbbb" };
        var decision = Promotion.Decide([], otherData, evidence, "v1");
        Assert.True(decision.Promoted);
        Assert.Contains("not compared with the current version v1 on the same folds, because the training data differs", decision.Reason);
        Assert.Null(decision.ComparedWith);

        var worse = evidence with { SplitScores = [0.70, 0.71, 0.69, 0.72] };
        var refused = Promotion.Decide([], worse, evidence, "v1");
        Assert.False(refused.Promoted);
        Assert.True(refused.WorseThanCurrent);
        // Within the noise: not refused.
        var noisy = evidence with { SplitScores = [0.81, 0.80, 0.78, 0.81] };
        Assert.True(Promotion.Decide([], noisy, evidence, "v1").Promoted);
    }

    /// <summary>Retraining the same configuration printed "auc difference +-0 on average" (a negative zero after the sign).</summary>
    [Fact]
    public void No_difference_is_printed_as_zero_without_a_sign()
    {
        var evidence = new ModelEvidence("auc", "KFold folds=4", "aaaa", [0.8, 0.82, 0.79, 0.81], 0.33);
        var same = Promotion.Decide([], evidence, evidence, "v1");
        Assert.True(same.Promoted);
        Assert.Contains("(auc difference 0 on average", same.Reason);
        var tiny = Promotion.Decide([], evidence with { SplitScores = [0.79999, 0.82, 0.79, 0.81] }, evidence, "v1");
        Assert.Contains("(auc difference 0 on average", tiny.Reason);
        var better = Promotion.Decide([], evidence with { SplitScores = [0.81, 0.83, 0.8, 0.82] }, evidence, "v1");
        Assert.Contains("(auc difference +0.01 on average", better.Reason);
    }
}
