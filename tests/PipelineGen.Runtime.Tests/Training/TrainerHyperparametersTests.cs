using Microsoft.ML;
using PipelineGen.Runtime.Training;
using PipelineGen.Runtime.Tuning;
using Xunit;

namespace PipelineGen.Runtime.Tests.Training;

/// <summary>
/// The trainer is described from the settings the generator emits (spec names, spec values and defaults), never from
/// ML.NET's trainer objects: these pipelines throw if anything builds their trainer.
/// </summary>
public sealed class TrainerHyperparametersTests
{
    private sealed class SettingsOnly(PipelineSettings settings) : IPipelineDefinition
    {
        public PipelineSettings Settings { get; } = settings;
        public IDataView LoadData(MLContext mlContext, string path) => throw Built();
        public IEstimator<ITransformer> BuildPreprocessing(MLContext mlContext) => throw Built();
        public IEstimator<ITransformer> BuildTrainer(MLContext mlContext) => throw Built();
        public IEstimator<ITransformer> BuildPipeline(MLContext mlContext) => throw Built();
        private static InvalidOperationException Built() => new("describing the trainer must not build it");
    }

    private static PipelineSettings Settings(IReadOnlyDictionary<string, string>? hyperparameters, string? capacity = "iterations") => new()
    {
        Name = "Churn",
        Task = MlTaskKind.BinaryClassification,
        LabelColumn = "churned",
        TrainerName = "lightgbm",
        TrainDataPath = "churn.csv",
        Columns = [new ColumnInfo("churned", 0, "Churned", ColumnKind.Boolean, ColumnRole.Label, false)],
        Hyperparameters = hyperparameters,
        CapacityHyperparameter = hyperparameters is null ? null : capacity,
    };

    // As the generator emits them for 'leaves: 8' (catalog order; defaults for the rest, threads 1).
    private static Dictionary<string, string> Lightgbm(string leaves = "8") => new()
    {
        ["leaves"] = leaves, ["iterations"] = "100", ["learning_rate"] = "auto", ["l2_regularization"] = "0.01", ["threads"] = "1",
    };

    private static ModelCard Card(TrainerDescription trainer) => new()
    {
        Name = "Churn", CreatedUtc = DateTimeOffset.UnixEpoch, Task = "BinaryClassification", LabelColumn = "churned", Metric = "auc",
        TrainData = new DataFingerprint("churn.csv", "abc", 10), ModelFile = "model.zip", ModelSha256 = "def",
        Packages = new Dictionary<string, string>(), Protocol = "5-fold", Trainer = trainer,
        Preparation = new PreparationSummary(null, new Dictionary<string, int>(), []),
    };

    [Fact]
    public void The_card_lists_the_declared_values_by_spec_name_in_their_order()
    {
        var trainer = TrainerHyperparameters.Describe(new SettingsOnly(Settings(Lightgbm())));

        Assert.Equal("lightgbm", trainer.Name);
        Assert.Null(trainer.Type);
        Assert.Null(trainer.Note);
        Assert.Equal(["leaves", "iterations", "learning_rate", "l2_regularization", "threads"], trainer.Hyperparameters.Keys);
        var markdown = Card(trainer).ToMarkdown();
        Assert.Contains("| leaves | 8 |", markdown);
        Assert.Contains("| learning_rate | auto |", markdown);
        Assert.True(markdown.IndexOf("| leaves |", StringComparison.Ordinal) < markdown.IndexOf("| threads |", StringComparison.Ordinal));
    }

    [Fact]
    public void The_capacity_the_model_is_fitted_at_replaces_the_capacity_hyperparameter()
    {
        var pipeline = new SettingsOnly(Settings(Lightgbm()));

        Assert.Equal("37", TrainerHyperparameters.Describe(pipeline, capacity: 37).Hyperparameters["iterations"]);
        Assert.Equal("100", TrainerHyperparameters.Describe(pipeline).Hyperparameters["iterations"]);
        // The settings themselves are not changed by describing.
        Assert.Equal("100", pipeline.Settings.Hyperparameters!["iterations"]);
        // Without a named capacity hyperparameter nothing is replaced (and nothing is invented).
        var unnamed = TrainerHyperparameters.Describe(new SettingsOnly(Settings(Lightgbm(), capacity: null)), capacity: 37);
        Assert.Equal("100", unnamed.Hyperparameters["iterations"]);
        Assert.Equal(5, unnamed.Hyperparameters.Count);
    }

    [Fact]
    public void A_pipeline_whose_settings_declare_none_says_so_instead_of_guessing()
    {
        var trainer = TrainerHyperparameters.Describe(new SettingsOnly(Settings(null)), capacity: 12);

        Assert.Empty(trainer.Hyperparameters);
        Assert.Equal(TrainerHyperparameters.NotDeclared, trainer.Note);
        var markdown = Card(trainer).ToMarkdown();
        Assert.Contains("not declared by the pipeline", markdown);
        Assert.DoesNotContain("| hyperparameter | value |", markdown);
    }

    [Fact]
    public void Contexts_of_the_same_declaration_compare_equal_and_a_changed_value_is_named_by_its_spec_name()
    {
        static EvaluationContext Context(IReadOnlyDictionary<string, string> values)
        {
            var trainer = TrainerHyperparameters.Describe(new SettingsOnly(Settings(values)));
            return new EvaluationContext("hash", "data", EvaluationContext.TrainerLabel(trainer), trainer.Hyperparameters);
        }

        Assert.Empty(Context(Lightgbm()).DifferencesTo(Context(Lightgbm())));
        Assert.Equal(["leaves 8 → 16"], Context(Lightgbm()).DifferencesTo(Context(Lightgbm("16"))));
    }

    [Fact]
    public void An_evaluation_stored_with_MLNET_field_names_shows_as_different_without_failing()
    {
        // What 'evaluate' stored before the settings declared hyperparameters: the trainer type and ML.NET's option fields.
        var old = new EvaluationContext("hash", "data", "lightgbm (LightGbmBinaryTrainer)",
            new Dictionary<string, string> { ["NumberOfLeaves"] = "8", ["NumberOfThreads"] = "1" });
        var trainer = TrainerHyperparameters.Describe(new SettingsOnly(Settings(Lightgbm())));
        var now = new EvaluationContext("hash", "data", EvaluationContext.TrainerLabel(trainer), trainer.Hyperparameters);

        var differences = old.DifferencesTo(now);
        Assert.Contains("trainer lightgbm (LightGbmBinaryTrainer) → lightgbm", differences);
        Assert.Contains("NumberOfLeaves 8 → -", differences);
        Assert.Contains("leaves - → 8", differences);
    }

    [Fact]
    public void A_trial_declares_its_values_over_the_trainer_it_chose()
    {
        var settings = Settings(Lightgbm());
        var flat = new TuningSettings { Space = [SearchParameter.Range("leaves", HyperparameterType.Int, 2, 64)] };

        var trial = TrialConfiguration.Apply(settings, flat, new Dictionary<string, double> { ["leaves"] = 23.4 });
        Assert.Equal("23", trial.Hyperparameters!["leaves"]);
        Assert.Equal("100", trial.Hyperparameters["iterations"]);
        Assert.Equal("iterations", trial.CapacityHyperparameter);

        // A searched trainer: the chosen one's declared values (from the tune settings) with the trial's over them.
        var searched = new TuningSettings
        {
            Space = [SearchParameter.Labelled("trainer", "lightgbm", "fast_forest"),
                SearchParameter.Range("fast_forest.trees", HyperparameterType.Int, 5, 30).When("trainer", 1)],
            TrainerHyperparameters = new Dictionary<string, IReadOnlyDictionary<string, string>>
            {
                ["lightgbm"] = Lightgbm(),
                ["fast_forest"] = new Dictionary<string, string> { ["leaves"] = "20", ["trees"] = "100", ["threads"] = "1" },
            },
        };
        var forest = TrialConfiguration.Apply(settings, searched, TrialConfiguration.Split(searched.Space,
            new Dictionary<string, double> { ["trainer"] = 1, ["fast_forest.trees"] = 12 }));
        Assert.Equal("fast_forest", forest.TrainerName);
        Assert.Equal(["leaves", "trees", "threads"], forest.Hyperparameters!.Keys);
        Assert.Equal(("20", "12"), (forest.Hyperparameters["leaves"], forest.Hyperparameters["trees"]));
        Assert.Null(forest.CapacityHyperparameter);

        // Settings that declare nothing stay undeclared: a trial's few values are not the whole trainer.
        Assert.Null(TrialConfiguration.Apply(Settings(null), flat, new Dictionary<string, double> { ["leaves"] = 4 }).Hyperparameters);
    }
}
