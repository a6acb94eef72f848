using Microsoft.CodeAnalysis;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Tuning;
using PipelineGen.Spec.Data;

namespace PipelineGen.Generator.Tests.Tuning;

/// <summary>
/// A spec that searches the trainer itself (tune.trainers) and preparation choices (tune.prepare): the generated
/// pipeline builds a trial for any configuration, 'tune' journals trials of every trainer, and the lock it writes makes
/// the next build's constants reproduce the winner without tuning.
/// </summary>
public sealed class SearchedTrainerGenerationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pg-searchgen-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Its own name: the snapshot is compiled into this test project beside the others.
    public static readonly string SearchedSpec = Fixtures.TitanicSpec.Replace("name: Titanic", "name: SearchedTitanic") + """

        tune:
          strategy: random
          trials: 6
          trainers:
            lightgbm: { leaves: { min: 2, max: 16, scale: log }, l2_regularization: { min: 0.001, max: 10, scale: log } }
            fast_forest: { trees: { min: 5, max: 30 } }
            sdca: { l2_regularization: { min: 0.00001, max: 1, scale: log } }
          prepare:
            missing_indicators: [true, false]
            categorical_encoding: [onehot, hash]
            word_ngrams: [1, 2]
        """;

    public const string SdcaLock = """
        version: 1
        pipeline: 'SearchedTitanic'
        trainer: 'sdca'
        params:
          l2_regularization: 0.01
        prepare:
          missing_indicators: false
          categorical_encoding: hash
        study:
          id: '20261130-000000-abcdef'
        """;

    private ITunablePipeline Create(string spec, string? lockText = null)
    {
        var path = Path.Combine(_dir, "titanic.csv");
        if (!File.Exists(path)) File.Copy(Path.Combine(Fixtures.TestData, "titanic.csv"), path);
        var run = GeneratorHarness.RunWithLock(Path.Combine(_dir, "pipeline.yaml"), spec, Fixtures.TitanicSchema, lockText);
        Assert.Empty(run.GeneratorDiagnostics);
        // Generated code holds no build-machine folder: the test says where the spec (and its data) is.
        var type = GeneratorHarness.Load(run).GetTypes().Single(t => t.Name.EndsWith("Pipeline", StringComparison.Ordinal) && typeof(ITunablePipeline).IsAssignableFrom(t));
        return (ITunablePipeline)GeneratorHarness.CreatePipeline(type.Assembly, type.FullName!, _dir);
    }

    /// <summary>Fits on the titanic rows and returns the AUC on them (a fingerprint of the fitted model).</summary>
    private double FitScore(IPipelineDefinition pipeline)
    {
        var ml = new Microsoft.ML.MLContext(1);
        var data = pipeline.LoadData(ml, Path.Combine(_dir, "titanic.csv"));
        return ml.BinaryClassification.Evaluate(pipeline.BuildPipeline(ml).Fit(data).Transform(data)).AreaUnderRocCurve;
    }

    [Fact]
    public void Multi_trainer_spec_with_a_lock_matches_the_snapshot_and_compiles()
    {
        var run = GeneratorHarness.RunWithLock("/specs/searched/pipeline.yaml", SearchedSpec, Fixtures.TitanicSchema, SdcaLock);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileErrors);
        var text = run.Source("SearchedTitanic.PipelineGen.g.cs");
        // The lock's trainer is the pipeline's trainer; its value and preparation choices are the constants.
        Assert.Contains("SdcaLogisticRegressionBinaryTrainer.Options", text);
        Assert.Contains("L2Regularization = 0.01f, // pinned by pipeline.lock.yaml", text);
        Assert.Contains("TrainerName = \"sdca\"", text);
        Assert.Contains("Prepare(\"categorical_encoding\", \"hash\")", text);

        SnapshotFile.AssertMatches("SearchedTrainers.g.cs", text);
    }

    [Fact]
    public void A_trial_for_each_trainer_and_each_preparation_choice_fits()
    {
        var pipeline = Create(SearchedSpec);
        var space = new SearchSpace(pipeline.Tuning.Space);
        Assert.Equal(["trainer", "lightgbm.leaves", "lightgbm.l2_regularization", "fast_forest.trees", "sdca.l2_regularization",
            "prepare.missing_indicators", "prepare.categorical_encoding", "prepare.word_ngrams"], space.Parameters.Select(p => p.Name));
        Assert.Equal(["lightgbm", "fast_forest", "sdca"], space.Parameters[0].Labels!);

        var scores = new Dictionary<string, double>();
        foreach (var (trainer, index, param, value) in new[] { ("lightgbm", 0, "lightgbm.leaves", 4.0), ("fast_forest", 1, "fast_forest.trees", 10), ("sdca", 2, "sdca.l2_regularization", 0.01) })
        {
            var trial = pipeline.WithHyperparameters(new Configuration { ["trainer"] = index, [param] = value, ["prepare.missing_indicators"] = 1, ["prepare.categorical_encoding"] = 0, ["prepare.word_ngrams"] = 2 });
            Assert.Equal(trainer, trial.Settings.TrainerName);
            // The trial's settings declare the chosen trainer's values: the trial's, over that trainer's own.
            Assert.Equal(value.ToString(System.Globalization.CultureInfo.InvariantCulture), trial.Settings.Hyperparameters![param[(param.IndexOf('.') + 1)..]]);
            Assert.Equal(pipeline.Tuning.TrainerHyperparameters![trainer].Keys, trial.Settings.Hyperparameters.Keys);
            scores[trainer] = FitScore(trial);
            Assert.InRange(scores[trainer], 0.6, 1.0);
        }
        Assert.Equal(3, scores.Values.Distinct().Count());
        // lightgbm is model.trainer: its base is the spec's values; fast_forest's is its catalog defaults, threads 1.
        Assert.Equal("30", pipeline.Tuning.TrainerHyperparameters!["lightgbm"]["iterations"]);
        Assert.Equal(("20", "1"), (pipeline.Tuning.TrainerHyperparameters["fast_forest"]["leaves"], pipeline.Tuning.TrainerHyperparameters["fast_forest"]["threads"]));

        // Each preparation choice changes the fitted model (same trainer, same values otherwise).
        var baseConfig = new Configuration { ["trainer"] = 2, ["sdca.l2_regularization"] = 0.01, ["prepare.missing_indicators"] = 1, ["prepare.categorical_encoding"] = 0, ["prepare.word_ngrams"] = 2 };
        foreach (var (name, other) in new[] { ("prepare.missing_indicators", 0.0), ("prepare.categorical_encoding", 1), ("prepare.word_ngrams", 1) })
        {
            var changed = new Configuration(baseConfig) { [name] = other };
            Assert.NotEqual(scores["sdca"], FitScore(pipeline.WithHyperparameters(changed)));
        }
        // A parameter of a trainer not chosen is not a name this space has; a trainer index out of range is refused.
        Assert.Throws<ArgumentException>(() => pipeline.WithHyperparameters(new Dictionary<string, double> { ["sdca.leaves"] = 3 }));
        Assert.Throws<ArgumentException>(() => pipeline.WithHyperparameters(new Dictionary<string, double> { ["trainer"] = 7 }));
    }

    [Fact]
    public void Tune_without_a_space_searches_the_default_trainers_and_each_fits()
    {
        var spec = SearchedSpec.Substring(0, SearchedSpec.IndexOf("\ntune:", StringComparison.Ordinal)) + "\ntune:\n  trials: 5\n";
        var pipeline = Create(spec);
        var trainers = pipeline.Tuning.Space[0].Labels!;
        Assert.Equal(["lightgbm", "fast_tree", "fast_forest", "lbfgs", "sdca"], trainers);
        var sampler = new RandomSampler(5);
        var space = new SearchSpace(pipeline.Tuning.Space);
        for (int i = 0; i < trainers.Count; i++)
        {
            // A random configuration of each branch (the default ranges), forced to trainer i.
            Configuration config;
            int n = 0;
            do config = sampler.Propose(space, n++, [])!; while (config["trainer"] != i);
            var trial = pipeline.WithHyperparameters(config);
            Assert.Equal(trainers[i], trial.Settings.TrainerName);
            Assert.InRange(FitScore(trial), 0.6, 1.0);
        }

        // The default space's portfolio is generated as points of it (proposed first: FirstProposalsSampler) and builds
        // the forest it names: 300 trees, 64 leaves, one example per leaf, 0.3 of the features.
        var first = Assert.Single(pipeline.Tuning.StartingConfigurations);
        Assert.Equal(new Dictionary<string, double> { ["trainer"] = 2, ["fast_forest.leaves"] = 64, ["fast_forest.min_examples_per_leaf"] = 1, ["fast_forest.feature_fraction"] = 0.3 }, first);
        var proposed = FirstProposalsSampler.Wrap(new RandomSampler(5), pipeline.Tuning, space).Propose(space, 0, [])!;
        var forest = pipeline.WithHyperparameters(proposed);
        Assert.Equal("fast_forest", forest.Settings.TrainerName);
        Assert.Equal(("300", "64", "1", "0.3"), (forest.Settings.Hyperparameters!["trees"], forest.Settings.Hyperparameters["leaves"],
            forest.Settings.Hyperparameters["min_examples_per_leaf"], forest.Settings.Hyperparameters["feature_fraction"]));
        Assert.InRange(FitScore(forest), 0.6, 1.0);
        // A declared space gets none.
        Assert.Empty(Create(SearchedSpec).Tuning.StartingConfigurations);
    }

    [Fact]
    public void Tune_over_two_trainers_journals_both_and_the_lock_reproduces_the_winner_through_a_rebuild()
    {
        var spec = SearchedSpec
            .Replace("    fast_forest: { trees: { min: 5, max: 30 } }\n", "")
            .Replace("    missing_indicators: [true, false]\n", "")
            .Replace("    word_ngrams: [1, 2]", "")
            // One split per trial keeps the test short; the protocol does not change what is journaled and pinned.
            .Replace("protocol: kfold", "protocol: holdout");
        var pipeline = Create(spec);
        var output = new StringWriter();
        var error = new StringWriter();
        // Nine trials: the spec's own configuration, then eight proposals.
        var exit = PipelineApp.Run(["tune", "--trials", "9"], pipeline, output, error);
        Assert.True(exit == 0, output + "\n" + error);

        using (var journal = new TuningJournal(TuningJournal.DefaultPath(pipeline.Settings)))
        {
            var study = journal.LatestStudy(pipeline.Settings.Name)!;
            var all = journal.Trials(study.Id);
            Assert.Equal(9, all.Count);
            Assert.All(all, t => Assert.False(t.Failed, t.Error));
            // Trial 1 is the spec's own configuration (its trainer, its prepare): it sets no value of the space.
            Assert.Equal(StartingPoint.Spec, all[0].Configuration.Origin);
            Assert.Empty(all[0].Configuration);
            var trials = all.Skip(1).ToArray();
            // Both trainers were tried, each with only its own parameters.
            Assert.Equal([0.0, 1.0], trials.Select(t => t.Configuration["trainer"]).Distinct().Order());
            Assert.All(trials.Where(t => t.Configuration["trainer"] == 1), t => Assert.DoesNotContain(t.Configuration.Keys, k => k.StartsWith("lightgbm.", StringComparison.Ordinal)));
        }

        var lockText = File.ReadAllText(pipeline.LockFilePath);
        Assert.Matches(@"trainer: '(lightgbm|sdca)'", lockText);
        Assert.True(lockText.Contains("prepare:\n  categorical_encoding: "), lockText);

        // The winner as the study evaluated it (a trial pipeline) and the rebuilt pipeline (no tuning) fit the same model.
        var winnerTrainer = System.Text.RegularExpressions.Regex.Match(lockText, "trainer: '([a-z_]+)'").Groups[1].Value;
        var rebuilt = Create(spec, lockText);
        Assert.Equal(winnerTrainer, rebuilt.Settings.TrainerName);
        Assert.Equal(winnerTrainer, rebuilt.PinnedHyperparameters.GetValueOrDefault("trainer", winnerTrainer));
        using var journal2 = new TuningJournal(TuningJournal.DefaultPath(pipeline.Settings));
        var best = journal2.Trials(journal2.LatestStudy(pipeline.Settings.Name)!.Id).Where(t => !t.Failed).OrderByDescending(t => t.Value).ThenBy(t => t.Number).First();
        Assert.Equal(FitScore(pipeline.WithHyperparameters(best.Configuration)), FitScore(rebuilt), 6);
    }

    /// <summary>
    /// The spec's trainer (lightgbm) is not under tune.trainers, and the only searched trainer is starved (one or two
    /// stumps): trial 1, the spec's own configuration, is the winner, and the lock pins it so that a rebuild (no
    /// diagnostic: the lock's trainer is model.trainer) fits exactly the spec's model.
    /// </summary>
    [Fact]
    public void When_the_spec_s_own_configuration_wins_the_lock_rebuilds_exactly_it()
    {
        var spec = SearchedSpec.Substring(0, SearchedSpec.IndexOf("\ntune:", StringComparison.Ordinal))
            + "\ntune:\n  strategy: random\n  trials: 4\n  trainers:\n    fast_forest: { trees: { min: 1, max: 2 }, leaves: { min: 2, max: 3 } }\n";
        var pipeline = Create(spec);
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = PipelineApp.Run(["tune", "--no-ensemble"], pipeline, output, error);
        Assert.True(exit == 0, output + "\n" + error);
        Assert.Contains("Winner: trial 1: the spec's own configuration", output.ToString());
        Assert.Contains("No trial beat the spec's own configuration on the search objective: the lock pins its values.", output.ToString());

        var lockText = File.ReadAllText(pipeline.LockFilePath);
        Assert.Contains("trainer: 'lightgbm'\nparams: {}\nstudy:", lockText);
        var rebuilt = Create(spec, lockText);
        Assert.Equal("lightgbm", rebuilt.Settings.TrainerName);
        Assert.Equal(FitScore(pipeline), FitScore(rebuilt), 9);
    }
}
