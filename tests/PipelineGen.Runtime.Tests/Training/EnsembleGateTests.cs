using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Data;
using PipelineGen.Runtime.Evaluation;
using PipelineGen.Runtime.Gates;
using PipelineGen.Runtime.Tests.Evaluation;
using PipelineGen.Runtime.Tests.Tuning;
using PipelineGen.Runtime.Training;
using PipelineGen.Runtime.Tuning;
using PipelineGen.Runtime.Tuning.Ensembles;
using Xunit;

namespace PipelineGen.Runtime.Tests.Training;

/// <summary>
/// With an ensemble pinned, <c>train</c>'s gates, card evaluation, promotion evidence and trainer entry are about the
/// blend it saves, not its best member: the gate's value is recomputed here independently (the protocol's splits, every
/// member fitted per split with <see cref="EnsembleBuilder.Fit"/>, ML.NET's own evaluator) and must equal it; a threshold
/// between the blend's and the single winner's value decides by the blend; a stored evaluate run of the single
/// configuration is not taken as the blend's. Real LightGBM fits (1 thread) on Titanic (300 rows, 4-fold) and iris (3-fold).
/// </summary>
public sealed class EnsembleGateTests(Xunit.Abstractions.ITestOutputHelper log) : IDisposable
{
    private readonly string _project = TitanicTestPipeline.NewProjectDirectory();

    public void Dispose() => Directory.Delete(_project, recursive: true);

    private static TuningSettings Space() => new()
    {
        Space =
        [
            SearchParameter.Range("leaves", HyperparameterType.Int, 2, 64, log: true),
            SearchParameter.Range("learning_rate", HyperparameterType.Float, 0.01, 0.5, log: true),
        ],
    };

    // Two members far apart, so the blend scores differently from the pipeline's own (single) configuration.
    private static readonly EnsembleMember[] Members =
    [
        new(1, 0.55, new Configuration { ["leaves"] = 3, ["learning_rate"] = 0.05 }),
        new(2, 0.45, new Configuration { ["leaves"] = 32, ["learning_rate"] = 0.4 }),
    ];

    private static GateSettings Gate(string metric, GateKind kind, double threshold, string? cls = null) =>
        new(metric, kind, threshold, cls, null, "pipeline.yaml", 12, 5);

    /// <summary>The tunable Titanic pipeline with gates and (optionally) an ensemble pinned, as a lock file's 'ensemble:' block makes the generated code.</summary>
    private sealed class PinnedTitanic(string project, IReadOnlyList<GateSettings>? gates, bool pinned) : ITunablePipeline
    {
        private readonly TunableTitanicPipeline _inner = new(project, Space());

        public PipelineSettings Settings => _inner.Settings with { Gates = gates };
        public IDataView LoadData(MLContext mlContext, string path) => _inner.LoadData(mlContext, path);
        public IEstimator<ITransformer> BuildPreprocessing(MLContext mlContext) => _inner.BuildPreprocessing(mlContext);
        public IEstimator<ITransformer> BuildTrainer(MLContext mlContext) => ((IPipelineDefinition)_inner).BuildTrainer(mlContext);
        public IEstimator<ITransformer> BuildPipeline(MLContext mlContext) => ((IPipelineDefinition)_inner).BuildPipeline(mlContext);
        public TuningSettings Tuning => _inner.Tuning;
        public IReadOnlyList<string> HyperparameterNames => _inner.HyperparameterNames;
        public IReadOnlyDictionary<string, string> PinnedHyperparameters => _inner.PinnedHyperparameters;
        public string LockFilePath => _inner.LockFilePath;
        public IPipelineDefinition WithHyperparameters(IReadOnlyDictionary<string, double> values) => _inner.WithHyperparameters(values);

        public IReadOnlyList<PinnedEnsembleMember> PinnedEnsemble => pinned
            ?
            [
                new(0.55, new Dictionary<string, string> { ["leaves"] = "3", ["learning_rate"] = "0.05" }),
                new(0.45, new Dictionary<string, string> { ["leaves"] = "32", ["learning_rate"] = "0.4" }),
            ]
            : [];
    }

    /// <summary>Per split of the spec's protocol: fit (on the training rows only) and score the validation rows; the metric per split.</summary>
    private static double[] PerSplit(IPipelineDefinition pipeline, Func<MLContext, IDataView, ITransformer> fit, Func<MLContext, IDataView, double> metric)
    {
        var settings = pipeline.Settings;
        var path = settings.ResolvePath(settings.TrainDataPath);
        var plan = SplitPlanner.Plan(DataScan.Run(settings, path).Keys, settings.Evaluation, settings.Task);
        return plan.Splits.Select(split =>
        {
            var ml = new MLContext(settings.Seed);
            var data = pipeline.LoadData(ml, path);
            return metric(ml, fit(ml, split.Training(data)).Transform(split.Validation(data)));
        }).ToArray();
    }

    private static double Auc(MLContext ml, IDataView scored) => ml.BinaryClassification.EvaluateNonCalibrated(scored).AreaUnderRocCurve;

    [Fact]
    public void Gates_promotion_evidence_and_the_card_are_measured_on_the_blend_and_decide_by_it()
    {
        var plain = new PinnedTitanic(_project, null, pinned: false);
        var blendScores = PerSplit(plain, (ml, rows) => EnsembleBuilder.Fit(plain, Members, ml, rows), Auc);
        var singleScores = PerSplit(plain, (ml, rows) => plain.BuildPipeline(ml).Fit(rows), Auc);
        double blend = blendScores.Average(), single = singleScores.Average();
        log.WriteLine($"titanic 4-fold auc: blend {blend:0.#####}, single {single:0.#####}");
        Assert.Equal(4, blendScores.Length);
        Assert.True(Math.Abs(blend - single) > 1e-3, $"blend {blend} and single {single} must differ for this test to decide anything");

        // A threshold between the two: whichever side the blend is on decides, and the single winner would decide the other way.
        double threshold = (blend + single) / 2;
        var gated = new PinnedTitanic(_project, [Gate("auc", GateKind.Min, threshold)], pinned: true);
        var members = PinnedEnsembleTraining.Members(gated);
        Assert.Equal(Members.Select(m => (m.Weight, m.Configuration["leaves"], m.Configuration["learning_rate"])),
            members.Select(m => (m.Weight, m.Configuration["leaves"], m.Configuration["learning_rate"])));
        var result = TrainStep.Train(new MLContext(gated.Settings.Seed), gated, new TrainOptions { Ensemble = new EnsemblePipeline(gated, members), SpecHash = gated.Settings.SpecHash });
        var card = result.Card;

        var gate = Assert.Single(card.Gates!);
        Assert.Equal(blend, gate.Value!.Value, 9);
        Assert.Equal(blend >= threshold, gate.Passed);
        Assert.NotEqual(single >= threshold, gate.Passed);
        Assert.Equal(gate.Passed, result.Promoted);
        // The promotion evidence is the blend's split by split, and the card's evaluation is the blend's, said so.
        Assert.Equal(blendScores.Select(s => Math.Round(s, 9)), card.Evidence!.SplitScores.Select(s => Math.Round(s!.Value, 9)));
        Assert.Equal(blend, card.Metrics!["auc"].Mean, 9);
        Assert.Contains("with this very ensemble (2 members, weights 0.55/0.45)", card.EvaluationNote);
        Assert.Null(card.EvaluationRunId);

        // The trainer entry is the ensemble with every member's weight, values and options — not one member's as the model's.
        Assert.Equal("ensemble of 2 LightGbm models", card.Trainer.Name);
        Assert.Equal("0.55", card.Trainer.Hyperparameters["member01.weight"]);
        Assert.Equal("leaves=32, learning_rate=0.4", card.Trainer.Hyperparameters["member02.values"]);
        Assert.Equal("32", card.Trainer.Hyperparameters["member02.leaves"]);
        Assert.Equal("3", card.Trainer.Hyperparameters["member01.leaves"]);
        Assert.DoesNotContain("leaves", card.Trainer.Hyperparameters.Keys);
        Assert.Null(card.Capacity);
        Assert.Contains("ensemble of 2 LightGbm models", card.ToMarkdown());

        // The saved model is that blend: fitted on all rows, it scores as EnsembleBuilder's fit of the same members.
        var ml = new MLContext(gated.Settings.Seed);
        var data = gated.LoadData(ml, gated.Settings.ResolvePath(gated.Settings.TrainDataPath));
        var saved = ModelStore.Load(ml, result.ModelPath, out _);
        Assert.Equal(Auc(ml, EnsembleBuilder.Fit(plain, Members, ml, data).Transform(data)), Auc(ml, saved.Transform(data)), 6);
    }

    [Fact]
    public void A_capacity_choice_is_not_applied_to_the_members_and_the_note_says_so()
    {
        var gated = new PinnedTitanic(_project, [], pinned: true);
        var notes = new List<string>();
        var curve = new CapacityChoice("NumberOfIterations", 40, 80, "curve", "chosen by a curve of the single configuration");
        var card = TrainStep.Train(new MLContext(gated.Settings.Seed), gated,
            new TrainOptions { Ensemble = PinnedEnsembleTraining.Pipeline(gated), Capacity = curve }, notes.Add).Card;
        Assert.Null(card.Capacity);
        Assert.Contains(notes, n => n.Contains("the capacity choice NumberOfIterations=80 (curve) is not applied", StringComparison.Ordinal));
        // The members kept the pipeline's own 40 iterations.
        Assert.Equal("40", card.Trainer.Hyperparameters["member01.iterations"]);
        Assert.Equal("40", card.Trainer.Hyperparameters["member02.iterations"]);
    }

    [Fact]
    public void A_stored_evaluate_run_of_the_single_configuration_is_not_taken_as_the_ensembles_evaluation()
    {
        static (int Exit, string Output, string Error) Cli(IPipelineDefinition pipeline, params string[] args)
        {
            var output = new StringWriter();
            var error = new StringWriter();
            return (PipelineApp.Run(args, pipeline, output, error), output.ToString(), error.ToString());
        }
        var modelPath = ModelStore.DefaultModelPath(new PinnedTitanic(_project, null, false).Settings);
        var evaluated = Cli(new PinnedTitanic(_project, null, pinned: false), "evaluate");
        Assert.True(evaluated.Exit is 0 or 1, evaluated.Output + evaluated.Error);

        // Control: the single configuration takes the evaluate run's metrics (same spec, data, trainer and options).
        var single = Cli(new PinnedTitanic(_project, null, pinned: false), "train");
        Assert.True(single.Exit == 0, single.Output + single.Error);
        Assert.NotNull(ModelCard.TryRead(modelPath)!.EvaluationRunId);

        // The pinned ensemble does not: evaluate measured one configuration, not the blend.
        var ensemble = Cli(new PinnedTitanic(_project, null, pinned: true), "train");
        Assert.True(ensemble.Exit == 0, ensemble.Output + ensemble.Error);
        Assert.Contains("Training the ensemble pinned in the lock file (2 members", ensemble.Output);
        Assert.Contains("Trained ensemble of 2 LightGbm models on", ensemble.Output);
        var card = ModelCard.TryRead(modelPath)!;
        Assert.Null(card.Metrics);
        Assert.Null(card.EvaluationRunId);
        Assert.Contains("not this ensemble (2 members, weights 0.55/0.45); run 'evaluate' again", card.NotEvaluatedReason);
        Assert.Contains("This model was not evaluated.", card.ToMarkdown());
        // The run store records the blend as what determined the train run, not the single configuration.
        using (var store = new PipelineGen.Runtime.Runs.RunStore(PipelineGen.Runtime.Runs.RunStore.DefaultPath(new PinnedTitanic(_project, null, true).Settings)))
        {
            var runs = store.List(10).Where(r => r.Step == "train").ToArray(); // newest first
            Assert.Equal("ensemble of 2 LightGbm models (weighted blend of the members' predictions (EnsembleModel))", runs[0].Context!.Trainer);
            Assert.Equal("0.45", runs[0].Context!.Hyperparameters["member02.weight"]);
            Assert.Equal("LightGbm", runs[1].Context!.Trainer); // the single configuration, by spec name (TrainerLabel)
        }

        // 'gates: []' has train measure the blend itself: the card then holds the blend's metrics, said so.
        var measured = Cli(new PinnedTitanic(_project, [], pinned: true), "train");
        Assert.True(measured.Exit == 0, measured.Output + measured.Error);
        Assert.Contains("evaluating this ensemble (2 members, weights 0.55/0.45; every member fitted on each split's training rows)", measured.Output);
        card = ModelCard.TryRead(modelPath)!;
        Assert.Null(card.EvaluationRunId);
        Assert.Contains("with this very ensemble", card.EvaluationNote);
        var plain = new PinnedTitanic(_project, null, pinned: false);
        double blend = PerSplit(plain, (ml, rows) => EnsembleBuilder.Fit(plain, Members, ml, rows), Auc).Average();
        Assert.Equal(blend, card.Metrics!["auc"].Mean, 9);

        // With the ensemble pinned, 'evaluate' measures the blend (not the single configuration), and train then takes
        // that evaluate run for the card: the same number on every split as the blend computed here.
        var evaluatedBlend = Cli(new PinnedTitanic(_project, null, pinned: true), "evaluate");
        Assert.True(evaluatedBlend.Exit is 0 or 1, evaluatedBlend.Output + evaluatedBlend.Error);
        Assert.Contains("Evaluating the ensemble pinned in the lock file (2 members, weights 0.55/0.45)", evaluatedBlend.Output);
        var trainedAfter = Cli(new PinnedTitanic(_project, null, pinned: true), "train");
        Assert.True(trainedAfter.Exit == 0, trainedAfter.Output + trainedAfter.Error);
        card = ModelCard.TryRead(modelPath)!;
        Assert.True(card.NotEvaluatedReason is null, card.NotEvaluatedReason);
        Assert.NotNull(card.EvaluationRunId);
        Assert.Equal(blend, card.Metrics!["auc"].Mean, 9);
    }

    /// <summary>Iris with a multiclass LightGBM whose leaves and learning rate a configuration sets (label as text: the ensemble needs it).</summary>
    private sealed class TunableIris(PipelineSettings settings, IReadOnlyDictionary<string, double>? values = null) : TestPipeline(settings), ITunablePipeline
    {
        public override IEstimator<ITransformer> BuildPreprocessing(MLContext ml) =>
            ml.Transforms.Conversion.MapValueToKey("Label", Settings.LabelColumn).Append(Features(ml));

        public override IEstimator<ITransformer> BuildTrainer(MLContext ml) =>
            ml.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options
            {
                NumberOfLeaves = (int)(values?.GetValueOrDefault("leaves") ?? 8),
                LearningRate = values?.GetValueOrDefault("learning_rate") ?? 0.2,
                NumberOfIterations = 30, MinimumExampleCountPerLeaf = 5, NumberOfThreads = 1, Seed = 1,
            }).Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabelValue", "PredictedLabel"));

        public TuningSettings Tuning => Space();
        public IReadOnlyList<string> HyperparameterNames { get; } = ["leaves", "learning_rate"];
        public IReadOnlyDictionary<string, string> PinnedHyperparameters { get; } = new Dictionary<string, string>();
        public string LockFilePath => Path.Combine(Settings.ProjectDirectory, "pipeline.lock.yaml");
        public IPipelineDefinition WithHyperparameters(IReadOnlyDictionary<string, double> overrides) => new TunableIris(Settings, overrides);
    }

    [Fact]
    public void Multiclass_gates_are_measured_on_the_blended_class_probabilities()
    {
        var iris = new TunableIris(MulticlassPipeline.Iris().Settings with
        {
            TrainerName = "lightgbm",
            ProjectDirectory = _project,
            Evaluation = new EvaluationSettings { Protocol = EvaluationProtocol.KFold, Folds = 3, Seed = 3 },
        });
        static double LogLoss(MLContext ml, IDataView scored) => ml.MulticlassClassification.Evaluate(scored).LogLoss;
        var blendScores = PerSplit(iris, (ml, rows) => EnsembleBuilder.Fit(iris, Members, ml, rows), LogLoss);
        double single = PerSplit(iris, (ml, rows) => iris.BuildPipeline(ml).Fit(rows), LogLoss).Average();
        double blend = blendScores.Average();
        log.WriteLine($"iris 3-fold log_loss: blend {blend:0.#####}, single {single:0.#####}");
        Assert.True(Math.Abs(blend - single) > 1e-3, $"blend {blend} and single {single} must differ");

        var gated = new TunableIris(iris.Settings with { Gates = [Gate("log_loss", GateKind.Max, (blend + single) / 2), Gate("recall", GateKind.Min, 0.5, cls: "virginica")] });
        var card = TrainStep.Train(new MLContext(gated.Settings.Seed), gated, new TrainOptions { Ensemble = new EnsemblePipeline(gated, Members) }).Card;
        var logLoss = card.Gates![0];
        Assert.Equal(blend, logLoss.Value!.Value, 9);
        Assert.Equal(blend <= (blend + single) / 2, logLoss.Passed);
        // The per-class gate reads the blend's predicted class against the label, class by class.
        var recall = card.Gates[1];
        Assert.Equal("virginica", Assert.Single(recall.Segments!).Segment);
        Assert.InRange(recall.Value!.Value, 0.5, 1.0);
        Assert.Equal(3, card.Evidence!.SplitScores.Count);
        Assert.Equal("ensemble of 2 lightgbm models", card.Trainer.Name);
    }
}
