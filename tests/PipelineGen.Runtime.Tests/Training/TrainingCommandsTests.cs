using System.Text.Json;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Runs;
using PipelineGen.Runtime.Training;
using Xunit;

namespace PipelineGen.Runtime.Tests.Training;

/// <summary>The training commands through the command-line host, as <c>dotnet run -- ...</c> calls them.</summary>
public sealed class TrainingCommandsTests : IDisposable
{
    private readonly string _project = TitanicTestPipeline.NewProjectDirectory();

    public void Dispose() => Directory.Delete(_project, recursive: true);

    /// <summary>Like generated code: the spec hash is a public constant on the pipeline class and in its settings.</summary>
    private sealed class GeneratedLikePipeline : TitanicTestPipeline
    {
        public new const string SpecHash = "generated-hash-42";

        public GeneratedLikePipeline(string project, bool kfold) : base(project)
        {
            Settings = Settings with { SpecHash = SpecHash };
            if (kfold)
                Settings = Settings with { Evaluation = new EvaluationSettings { Protocol = EvaluationProtocol.KFold, Folds = 4, Seed = 7 } };
        }
    }

    private (int Exit, string Output, string Error) Cli(params string[] args) => Cli(kfold: false, args);

    private (int Exit, string Output, string Error) Cli(bool kfold, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = PipelineApp.Run(args, new GeneratedLikePipeline(_project, kfold), output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private string ModelPath => Path.Combine(_project, ".pipelinegen", "models", "Titanic.zip");

    [Fact]
    public void TrainTestPredictThroughTheHost()
    {
        var train = Cli("train");
        Assert.True(train.Exit == 0, train.Error);
        Assert.Equal("generated-hash-42", ModelCard.TryRead(ModelPath)!.SpecHash);

        Assert.Equal(0, Cli("test").Exit);
        var again = Cli("test");
        Assert.Equal(1, again.Exit);
        Assert.Contains("--force", again.Error);
        Assert.Equal(0, Cli("test", "--force").Exit);

        var predict = Cli("predict", "--json", """{"pclass": 3, "sex": "male", "age": 40, "sibsp": 0, "parch": 0, "fare": 7.5, "embarked": "S"}""");
        Assert.True(predict.Exit == 0, predict.Error);
        using (var json = JsonDocument.Parse(predict.Output))
            Assert.False(json.RootElement.GetProperty("PredictedLabel").GetBoolean());

        var csvOut = Path.Combine(_project, "scored.csv");
        Assert.Equal(0, Cli("predict", "--input", Path.Combine(_project, "titanic_test.csv"), "--output", csvOut).Exit);
        Assert.Equal(101, File.ReadAllLines(csvOut).Length);
        Assert.Equal(2, Cli("predict").Exit);

        using var store = RunStore.OpenDefault(new GeneratedLikePipeline(_project, kfold: false).Settings);
        var steps = store.List(pipeline: "Titanic").Select(r => (r.Step, r.Outcome)).ToArray();
        Assert.Contains(("test", "test-locked"), steps);
        Assert.Contains(store.List(pipeline: "Titanic"), r => r.Step == "test" && r.Metrics.Any(m => m.Role == "test" && m.Name == "auc"));
    }

    [Fact]
    public void PredictWritesTheFileItsHelpNamesAndIsLoggedOnlyWhenAsked()
    {
        Assert.Equal(0, Cli("train").Exit);
        // The help's example is "data/new.csv -> <default>": the default printed must be the file predict writes.
        var help = Cli("predict", "--help").Output.Replace("\n", " ", StringComparison.Ordinal);
        var example = PredictStep.DefaultOutputPath(Path.Combine("data", "new.csv"));
        Assert.Equal(Path.Combine("data", "new.predictions.csv"), example);
        Assert.Contains(example, help.Replace(" ", "", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("--log-run", help);

        var input = Path.Combine(_project, "titanic_test.csv");
        var scored = Cli("predict", "--input", input);
        Assert.True(scored.Exit == 0, scored.Error);
        Assert.True(File.Exists(Path.Combine(_project, "titanic_test.predictions.csv")), scored.Output);
        Assert.DoesNotContain("recorded", scored.Output);
        int PredictRuns()
        {
            using var store = RunStore.OpenDefault(new GeneratedLikePipeline(_project, kfold: false).Settings);
            return store.List(pipeline: "Titanic").Count(r => r.Step == "predict");
        }
        Assert.Equal(0, PredictRuns());

        var logged = Cli("predict", "--input", input, "--log-run");
        Assert.True(logged.Exit == 0, logged.Error);
        Assert.Contains("recorded", logged.Output);
        Assert.Equal(1, PredictRuns());
    }

    [Fact]
    public void RunGoesFromExploreToTestAndRecordsTheEvaluationInTheCard()
    {
        var run = Cli(kfold: true, "run", "--ignore-explore-findings");

        Assert.True(run.Exit == 0, run.Output + run.Error);
        foreach (var banner in new[] { "1/5 explore", "2/5 baseline + evaluate", "3/5 curve", "4/5 train", "5/5 test" })
            Assert.Contains(banner, run.Output);
        var card = ModelCard.TryRead(ModelPath)!;
        Assert.NotNull(card.Metrics);
        Assert.Contains(card.Metric, card.Metrics!.Keys);
        Assert.NotNull(card.Baseline);
        Assert.Single(card.TestLooks);
        // The test step places the look in the range expected for one look, from the splits and rows the card records.
        var estimate = card.Metrics[card.Metric];
        Assert.True(estimate.Splits >= 2, $"splits {estimate.Splits}");
        Assert.True(estimate.ValidationRows > 0, $"validation rows {estimate.ValidationRows}");
        Assert.Matches(@"(Test look beside the estimate|warning: the test set disagrees with the model.s estimate \(recorded in the model card\)|Note: the test look is better than the model.s estimate allows for \(recorded in the model card\)): \w+: test [\d.]+ lies (inside|outside) the range expected for one look at \d+ rows \[", run.Output);
        Assert.Contains("the range expected for one look at", File.ReadAllText(ModelCard.MarkdownPath(ModelStore.Resolve(ModelPath))));

        // A second run retrains, then the test lock stops it.
        var second = Cli(kfold: true, "run", "--ignore-explore-findings");
        Assert.Equal(1, second.Exit);
        Assert.Contains("already evaluated", second.Error);
    }

    [Fact]
    public void RunStopsBeforeTrainingWhenTheModelIsNotShownToBeatTheBaseline()
    {
        // The survived column shuffled (seeded): the label no longer depends on the features, so the holdout
        // comparison (on disjoint validation chunks) does not show the model beating the baseline, and nothing is trained.
        var train = Path.Combine(_project, "titanic_train.csv");
        var lines = File.ReadAllLines(train);
        var random = new Random(11);
        var labels = lines.Skip(1).Select(l => l.Split(',')[0]).OrderBy(_ => random.Next()).ToArray();
        File.WriteAllLines(train, lines.Take(1).Concat(lines.Skip(1).Select((l, i) => labels[i] + l.Substring(l.IndexOf(',')))));
        var run = Cli(kfold: false, "run", "--ignore-explore-findings");

        Assert.Equal(1, run.Exit);
        Assert.Contains("run stopped", run.Error);
        Assert.Contains("baseline", run.Error);
        Assert.DoesNotContain("3/5 curve", run.Output);
        Assert.False(File.Exists(ModelPath));
    }
}
