using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using PipelineGen.Runtime.Tests.Training;
using PipelineGen.Runtime.Tuning;
using PipelineGen.Runtime.Tuning.Ensembles;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning.Ensembles;

/// <summary>
/// The ensemble's candidates (<see cref="EnsembleBuilder.CandidatePool"/>): the best trial of each trainer first, then
/// the best others, so a blend has different models to combine; one trainer: the best 10, as before.
/// </summary>
public sealed class CandidatePoolTests : IDisposable
{
    private readonly string _project = TitanicTestPipeline.NewProjectDirectory();

    public void Dispose() => Directory.Delete(_project, recursive: true);

    private static readonly SearchSpace TwoTrainers = new([
        SearchParameter.Labelled("trainer", "fast_forest", "lightgbm", "sdca"),
        SearchParameter.Range("fast_forest.trees", HyperparameterType.Int, 5, 500).When("trainer", 0),
        SearchParameter.Range("lightgbm.leaves", HyperparameterType.Int, 2, 64).When("trainer", 1),
    ]);

    private static TrialRecord Trial(int number, double? value, double? trainer = null, string state = "complete")
    {
        var configuration = new Configuration { ["x"] = number };
        if (trainer is { } t) configuration["trainer"] = t;
        return new TrialRecord(number, configuration, state, value, null, 5, state == "failed" ? "boom" : null, TimeSpan.FromSeconds(1));
    }

    private static StudyResult Study(bool higherIsBetter, params TrialRecord[] trials) =>
        new(new StudyInfo("s", "P", "spec", "data", "", "random", 1, higherIsBetter ? "auc" : "rmse", higherIsBetter, DateTimeOffset.UtcNow),
            trials, trials.Length, StopReason.TrialBudget);

    private static int[] Pool(StudyResult result) => EnsembleBuilder.CandidatePool(result, null).Select(t => t.Number).ToArray();

    [Fact]
    public void The_best_trial_of_a_trainer_ranked_11th_is_a_candidate_when_the_top_10_are_one_trainer()
    {
        // Trials 0..11: forests scoring 0.80, 0.799, ... (all better than any lightgbm); trials 12, 13: lightgbm 0.75, 0.74.
        var trials = Enumerable.Range(0, 12).Select(i => Trial(i, 0.80 - i * 0.001, trainer: 0))
            .Append(Trial(12, 0.75, trainer: 1)).Append(Trial(13, 0.74, trainer: 1)).ToArray();
        var pool = Pool(Study(true, trials));

        // The nine best forests and the best lightgbm (13th overall), in rank order; not the second lightgbm.
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 12], pool);
        Assert.Equal(EnsembleBuilder.CandidateCount, pool.Length);
    }

    [Fact]
    public void Every_trainer_gets_its_best_trial_in_then_the_best_others_fill_the_pool_whatever_the_direction()
    {
        // rmse (lower is better): sdca's best (trial 20) is the worst trainer, lightgbm's best (trial 15) the middle one.
        var trials = Enumerable.Range(0, 15).Select(i => Trial(i, 1.0 + i * 0.01, trainer: 0))
            .Concat([Trial(15, 1.5, trainer: 1), Trial(16, 1.6, trainer: 1), Trial(17, 2.1, trainer: 2), Trial(20, 2.0, trainer: 2)])
            .Append(Trial(18, null, trainer: 2, state: "failed")).Append(Trial(19, 0.1, trainer: 1, state: "pruned")).ToArray();
        var result = Study(false, trials);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, 15, 20], Pool(result));

        // The report names the trainers of the candidates from the space's labels.
        var report = new EnsembleReport
        {
            Members = [], Candidates = 10, SelectionRows = 100, OutOfFoldScore = 1, BestSingleOutOfFoldScore = 1, ScoreByStep = [],
            Kept = false, Verdict = "v", CandidateTrials = EnsembleBuilder.CandidatePool(result, null),
        };
        Assert.Equal("10 trials from 3 trainers (fast_forest, lightgbm, sdca: each trainer's best trial, then the best others)",
            report.DescribeCandidates(TwoTrainers));
        Assert.Equal("the best 10 trials", (report with { CandidateTrials = EnsembleBuilder.CandidatePool(result, null).Take(8).ToArray() }).DescribeCandidates(TwoTrainers));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void One_trainer_gives_the_best_10_by_value_with_ties_to_the_earlier_trial(bool searchedTrainer)
    {
        // Values with ties, in scrambled order: a flat space (no 'trainer' key) or a searched trainer of which only one
        // completed trials (the others failed) rank exactly as before the diversity rule.
        double?[] values = [0.70, 0.90, 0.80, 0.90, 0.60, 0.85, 0.80, 0.75, 0.95, 0.65, 0.80, 0.55, 0.90, 0.72];
        var trials = values.Select((v, i) => Trial(i, v, searchedTrainer ? 1 : null))
            .Append(Trial(14, null, searchedTrainer ? 0 : null, state: "failed")).ToArray();
        // auc: 0.95 (8), 0.90 (1, 3, 12), 0.85 (5), 0.80 (2, 6, 10), 0.75 (7), 0.72 (13)
        Assert.Equal([8, 1, 3, 12, 5, 2, 6, 10, 7, 13], Pool(Study(true, trials)));
        // rmse: the same values, lower is better: 0.55 (11), 0.60 (4), 0.65 (9), 0.70 (0), 0.72 (13), 0.75 (7), 0.80 (2, 6, 10), 0.85 (5)
        Assert.Equal([11, 4, 9, 0, 13, 7, 2, 6, 10, 5], Pool(Study(false, trials)));
    }

    /// <summary>
    /// Real trials: a grid over two trainers on the small titanic data (4-fold, 1 thread): ten LightGBM configurations
    /// and a FastTree stump (one tree, two leaves) on the port of embarkation only, a weak model that ranks 11th. Without the diversity rule the candidates would be
    /// the ten LightGBM trials; with it the stump is a candidate, its out-of-fold file is kept, and the worst LightGBM's is
    /// pruned.
    /// </summary>
    [Fact]
    public void A_two_trainer_study_gives_an_ensemble_whose_candidates_include_both_trainers()
    {
        var pipeline = new TwoTrainerTitanicPipeline(_project);
        // The eleven grid points only: this is about the candidates a grid's trials give (the starting trial is never one).
        var report = PipelineTuner.Run(pipeline, new TuneOptions { Strategy = "grid", Trials = 11, Ensemble = true, WriteLock = false, SpecTrial = false });

        var completed = report.Result.Completed.ToArray();
        Assert.Equal(11, completed.Length);
        var stump = Assert.Single(completed, t => t.Configuration["trainer"] == 1);
        var lightgbm = completed.Where(t => t.Configuration["trainer"] == 0).OrderByDescending(t => t.Value).ThenBy(t => t.Number).ToArray();
        // The setting the test is about: the stump is worse than every LightGBM configuration (11th of 11).
        Assert.All(lightgbm, t => Assert.True(t.Value > stump.Value, $"LightGBM trial {t.Number} ({t.Value}) is not better than the stump ({stump.Value})"));

        var ensemble = report.Ensemble;
        Assert.True(ensemble is not null, report.EnsembleNotBuilt);
        Assert.Equal(10, ensemble.Candidates);
        Assert.Equal(lightgbm.Take(9).Select(t => t.Number).Append(stump.Number).Order(), ensemble.CandidateTrials.Select(t => t.Number).Order());
        Assert.Equal(2, ensemble.CandidateTrials.Select(t => t.Configuration["trainer"]).Distinct().Count());
        Assert.Equal("10 trials from 2 trainers (lightgbm, fast_tree: each trainer's best trial, then the best others)", ensemble.DescribeCandidates(report.Space));
        Assert.All(ensemble.Members, m => Assert.Contains(m.Trial, ensemble.CandidateTrials.Select(t => t.Number)));

        // A blend's card names each member's own trainer (the spec's model.trainer is not theirs when the search chose it).
        EnsembleMember[] mixed = [new(lightgbm[0].Number, 0.5, lightgbm[0].Configuration), new(lightgbm[1].Number, 0.25, lightgbm[1].Configuration), new(stump.Number, 0.25, stump.Configuration)];
        Assert.Equal("ensemble of 3 models: 2 lightgbm, fast_tree", new EnsemblePipeline(pipeline, mixed).DescribeBlend().Name);
        Assert.Equal("ensemble of 2 lightgbm models", new EnsemblePipeline(pipeline, mixed[..2]).DescribeBlend().Name);

        // The out-of-fold files kept are the candidates' (the stump's kept, the worst LightGBM's pruned).
        var directory = OutOfFoldStore.Directory(report.WorkDirectory!, report.Result.Study.Id);
        Assert.True(File.Exists(OutOfFoldStore.PathOf(directory, stump.Number)));
        Assert.False(File.Exists(OutOfFoldStore.PathOf(directory, lightgbm[^1].Number)));
        Assert.Equal(10, Directory.EnumerateFiles(directory, "trial-*.oof").Count());
        // Both trainers really ran: the stump's out-of-fold probabilities take at most two values per fold (one split), LightGBM's many.
        Assert.InRange(OutOfFoldStore.TryRead(OutOfFoldStore.PathOf(directory, stump.Number))!.Value.Predictions.Distinct().Count(), 1, 8);
        Assert.True(OutOfFoldStore.TryRead(OutOfFoldStore.PathOf(directory, lightgbm[0].Number))!.Value.Predictions.Distinct().Count() > 20);
    }

    /// <summary>
    /// What the generator emits for a titanic spec whose tune space searches the trainer, by hand: 'trainer' chooses
    /// LightGBM (leaves searched) or a FastTree stump that sees only the port of embarkation (weak on purpose: it must rank
    /// below every LightGBM trial, which a stump on all features does not on these 300 rows); a trial's values are split
    /// as generated code splits them.
    /// </summary>
    private sealed class TwoTrainerTitanicPipeline : TitanicTestPipeline, ITunablePipeline
    {
        private readonly TrialConfiguration? _trial;

        public TwoTrainerTitanicPipeline(string project, TrialConfiguration? trial = null) : base(project)
        {
            _trial = trial;
            Settings = Settings with
            {
                SpecHash = "two-trainer-hash",
                Evaluation = new EvaluationSettings { Protocol = EvaluationProtocol.KFold, Folds = 4, Seed = 7 },
            };
            // As generated WithHyperparameters does: the trial's trainer and values are declared in its settings.
            if (trial is not null) Settings = TrialConfiguration.Apply(Settings, Tuning, trial);
        }

        public TuningSettings Tuning { get; } = new()
        {
            Strategy = "grid",
            Trials = 11,
            // 10 LightGBM grid points (leaves 2..11) + 1 stump.
            Space = [SearchParameter.Labelled("trainer", "lightgbm", "fast_tree"), SearchParameter.Range("lightgbm.leaves", HyperparameterType.Int, 2, 11).When("trainer", 0)],
        };

        public IReadOnlyList<string> HyperparameterNames { get; } = ["trainer", "lightgbm.leaves"];
        public IReadOnlyDictionary<string, string> PinnedHyperparameters { get; } = new Dictionary<string, string>();
        public string LockFilePath => Path.Combine(Settings.ProjectDirectory, "pipeline.lock.yaml");

        public IPipelineDefinition WithHyperparameters(IReadOnlyDictionary<string, double> values) =>
            new TwoTrainerTitanicPipeline(Settings.ProjectDirectory, TrialConfiguration.Split(Tuning.Space, values));

        public new IEstimator<ITransformer> BuildTrainer(MLContext ml)
        {
            if (_trial?.Trainer == "fast_tree")
                return ml.Transforms.Concatenate("WeakFeatures", "embarked").Append(ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
                {
                    FeatureColumnName = "WeakFeatures", NumberOfTrees = 1, NumberOfLeaves = 2, MinimumExampleCountPerLeaf = 5, NumberOfThreads = 1,
                }));
            var leaves = _trial?.Hyperparameters.TryGetValue("leaves", out var l) == true ? (int)Math.Round(l) : 8;
            return ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
            {
                NumberOfIterations = 40, LearningRate = 0.2, NumberOfLeaves = leaves, MinimumExampleCountPerLeaf = 5, NumberOfThreads = 1, Seed = 1,
            });
        }

        IEstimator<ITransformer> IPipelineDefinition.BuildTrainer(MLContext ml) => BuildTrainer(ml);
        IEstimator<ITransformer> IPipelineDefinition.BuildPipeline(MLContext ml) => BuildPreprocessing(ml).Append(BuildTrainer(ml));
    }
}
