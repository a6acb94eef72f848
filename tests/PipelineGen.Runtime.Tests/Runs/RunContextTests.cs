using Microsoft.Data.Sqlite;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Runs;
using PipelineGen.Runtime.Tests.Training;
using PipelineGen.Runtime.Training;
using Xunit;

namespace PipelineGen.Runtime.Tests.Runs;

/// <summary>What determined a run is stored, compared, and decides whether evaluate's metrics belong in a model card.</summary>
public sealed class RunContextTests : IDisposable
{
    private readonly string _project = TitanicTestPipeline.NewProjectDirectory();

    public void Dispose() => Directory.Delete(_project, recursive: true);

    private string ModelPath => Path.Combine(_project, ".pipelinegen", "models", "Titanic.zip");

    /// <summary>Like generated code for a spec with <c>iterations: 6</c>.</summary>
    private sealed class SixIterations : TitanicTestPipeline
    {
        public new const string SpecHash = "spec-with-6-iterations";
        public SixIterations(string project) : base(project) => Settings = Settings with { SpecHash = SpecHash, Hyperparameters = Declared(6) };
        public override int DefaultCapacity => 6;
    }

    /// <summary>The same spec after changing <c>iterations</c> to 200 (so the generator's spec hash changed too).</summary>
    private sealed class TwoHundredIterations : TitanicTestPipeline
    {
        public new const string SpecHash = "spec-with-200-iterations";
        public TwoHundredIterations(string project) : base(project) => Settings = Settings with { SpecHash = SpecHash, Hyperparameters = Declared(200) };
        public override int DefaultCapacity => 200;
    }

    /// <summary>Like generated code for a spec with <c>data.columns.age.missing_values: ["-1"]</c>.</summary>
    private sealed class AgeCodedMissing : TitanicTestPipeline
    {
        public AgeCodedMissing(string project) : base(project) =>
            Settings = Settings with { Columns = Settings.Columns.Select(c => c.Name == "age" ? c with { MissingTokens = ["-1"] } : c).ToArray() };
    }

    [Fact]
    public void A_columns_own_missing_tokens_are_part_of_the_recorded_preparation()
    {
        var plain = RunContext.Of(new TitanicTestPipeline(_project)).Preparation;
        var coded = RunContext.Of(new AgeCodedMissing(_project)).Preparation;

        // They change what the column reads, so two runs that differ in them do not look alike.
        Assert.Equal("'-1'", coded["column.age.missing_tokens"]);
        Assert.False(plain.ContainsKey("column.age.missing_tokens"));
        Assert.DoesNotContain(coded.Keys, k => k.EndsWith(".missing_tokens", StringComparison.Ordinal) && k != "column.age.missing_tokens");
        Assert.Equal(plain["missing_tokens"], coded["missing_tokens"]);
    }

    private (int Exit, string Output, string Error) Cli(IPipelineDefinition pipeline, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = PipelineApp.Run(args, pipeline, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void TrainAfterChangingAHyperparameterSaysTheModelWasNotEvaluatedAndRunsCompareShowsTheChange()
    {
        var evaluate = Cli(new SixIterations(_project), "evaluate");
        Assert.True(evaluate.Exit is 0 or 1, evaluate.Error);
        var evaluated = ModelCardOf(Cli(new SixIterations(_project), "train"));
        Assert.NotNull(evaluated.Metrics);
        Assert.NotNull(evaluated.EvaluationRunId);
        Assert.Null(evaluated.NotEvaluatedReason);

        // iterations 6 → 200, train only: the 6-iteration AUC must not appear beside the 200-iteration hyperparameters.
        var train = Cli(new TwoHundredIterations(_project), "train");
        Assert.True(train.Exit == 0, train.Error);
        Assert.Contains("this model was not evaluated", train.Output);
        Assert.Contains("Run 'evaluate'", train.Output);
        var card = ModelCard.TryRead(ModelPath)!;
        Assert.Equal("200", card.Trainer.Hyperparameters["iterations"]);
        Assert.Null(card.Metrics);
        Assert.Null(card.Baseline);
        Assert.Contains("iterations 6 → 200", card.NotEvaluatedReason);
        Assert.Contains("spec hash spec-with-6-", card.NotEvaluatedReason);
        var markdown = File.ReadAllText(ModelCard.MarkdownPath(ModelStore.Resolve(ModelPath)));
        Assert.Contains("**This model was not evaluated.**", markdown);
        Assert.DoesNotContain("| auc |", markdown);

        // Evaluating the 200-iteration spec makes its metrics eligible again.
        Cli(new TwoHundredIterations(_project), "evaluate");
        var matched = ModelCardOf(Cli(new TwoHundredIterations(_project), "train"));
        Assert.NotNull(matched.Metrics);
        Assert.Null(matched.NotEvaluatedReason);

        using var store = RunStore.OpenDefault(new SixIterations(_project).Settings);
        var evaluations = store.List(pipeline: "Titanic").Where(r => r.Step == "evaluate").ToArray();
        Assert.Equal(2, evaluations.Length);
        Assert.Equal(SixIterations.SpecHash, evaluations[1].Context!.SpecHash);
        Assert.Equal("6", evaluations[1].Context!.Hyperparameters["iterations"]);
        Assert.Equal(FileHash.Sha256(Path.Combine(_project, "titanic_train.csv")), evaluations[1].Context!.DataSha256);
        Assert.Equal("5.0.1", evaluations[1].Context!.Packages["Microsoft.ML"]);
        Assert.Equal("numeric label", evaluations[1].Context!.Preparation["column.survived"]);

        var compare = Cli(new SixIterations(_project), "runs", "compare", evaluations[1].Id, evaluations[0].Id);
        Assert.True(compare.Exit == 0, compare.Error);
        var iterations = compare.Output.Split('\n').Single(l => l.Contains("hyperparameter.iterations", StringComparison.Ordinal));
        Assert.Matches(@"iterations\s+6\s+200\s+differs", iterations);
        Assert.Matches(@"spec_hash\s+spec-with-6-iterations\s+spec-with-200-iterations\s+differs", compare.Output);
        Assert.DoesNotContain("hyperparameter.learning_rate", compare.Output); // equal determinants are summarised, not listed
        Assert.Contains("other recorded determinant(s)", compare.Output);
    }

    private ModelCard ModelCardOf((int Exit, string Output, string Error) train)
    {
        Assert.True(train.Exit == 0, train.Error);
        return ModelCard.TryRead(ModelPath)!;
    }

    [Fact]
    public void ARunsDatabaseWithoutTheContextColumnsIsMigratedAndItsOldRowsStillRead()
    {
        var path = Path.Combine(_project, ".pipelinegen", "runs.db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var old = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            old.Open();
            using var create = old.CreateCommand();
            // The schema of the first release, with one row.
            create.CommandText = """
                CREATE TABLE runs (id TEXT PRIMARY KEY, pipeline TEXT NOT NULL, step TEXT NOT NULL, started_utc TEXT NOT NULL,
                    duration_ms REAL NOT NULL, parameters TEXT NOT NULL, outcome TEXT NOT NULL, message TEXT);
                CREATE TABLE run_metrics (run_id TEXT NOT NULL REFERENCES runs(id), role TEXT NOT NULL, name TEXT NOT NULL,
                    mean REAL, std REAL, ci_low REAL, ci_high REAL, PRIMARY KEY (run_id, role, name));
                INSERT INTO runs VALUES ('20260101-000000-aaaaaa', 'Titanic', 'evaluate', '2026-01-01T00:00:00.0000000Z', 1000, '{"seed":"42"}', 'beats-baseline', NULL);
                INSERT INTO run_metrics VALUES ('20260101-000000-aaaaaa', 'model', 'auc', 0.8, 0.01, 0.78, 0.82);
                """;
            create.ExecuteNonQuery();
        }

        using (var store = new RunStore(path))
        {
            var old = store.Get("20260101-000000-aaaaaa")!;
            Assert.Null(old.Context);
            Assert.Equal(0.8, old.Metrics.Single().Mean);
            Assert.Null(old.Metrics.Single().Splits); // recorded before split counts: the card cannot place a test look with it
            store.Record(new RunRecord("20260102-000000-bbbbbb", "Titanic", "evaluate", new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero),
                TimeSpan.FromSeconds(1), new Dictionary<string, string> { ["seed"] = "42" }, [new RunMetric("auc", "model", 0.8, 0.01, 0.78, 0.82, 4, 178)], "ok")
            { Context = RunContext.Of(new TitanicTestPipeline(_project)) });
            // The migrated run_metrics table holds the split count and validation rows of a new run.
            Assert.Equal((4, 178.0), store.Get("20260102-000000-bbbbbb")!.Metrics.Single() is var m ? (m.Splits, m.ValidationRows) : default);
        }

        var compare = Cli(new TitanicTestPipeline(_project), "runs", "compare", "20260101", "20260102");
        Assert.True(compare.Exit == 0, compare.Error);
        Assert.Contains("was recorded before spec hash", compare.Output);
        Assert.Matches(@"hyperparameter\.iterations\s+\(not recorded\)\s+40\s+differs", compare.Output);

        // An evaluate run without a context cannot vouch for a model: train says the model was not evaluated.
        var train = Cli(new TitanicTestPipeline(_project), "train", "--evaluation-run", "20260101");
        Assert.True(train.Exit == 0, train.Error);
        Assert.Null(ModelCard.TryRead(ModelPath)!.Metrics);
        Assert.Contains("not recorded", ModelCard.TryRead(ModelPath)!.NotEvaluatedReason);
    }

    [Fact]
    public void AReadOnlyPipelinegenFolderGivesNoStackTraceToRunsOrTrain()
    {
        var pipeline = new TitanicTestPipeline(_project);
        Assert.Equal(0, Cli(pipeline, "train").Exit); // records a run: runs.db exists
        var folder = Path.Combine(_project, ".pipelinegen");
        (int Exit, string Output, string Error) runs, compare, train;
        using (var readOnly = new ReadOnlyFolder(folder))
        {
            Assert.True(readOnly.Active, $"could not make {folder} read-only on this machine");
            runs = Cli(pipeline, "runs");
            compare = Cli(pipeline, "runs", "compare", "a", "b");
            train = Cli(pipeline, "train");
        }
        foreach (var result in new[] { runs, compare, train })
        {
            Assert.DoesNotContain("   at ", result.Error);
            Assert.NotEqual(1, result.Exit);
        }
        // Reading the history may work from a read-only folder; when SQLite cannot open it the path and the reason are given.
        if (runs.Exit == 2) Assert.Contains(Path.Combine(folder, "runs.db"), runs.Error);
        else Assert.Contains("run(s) shown", runs.Output);
        Assert.Equal(0, train.Exit); // the model folder below is writable; the run history is not
        Assert.Contains("could not record the run", train.Error);
    }

    [Fact]
    public void ARunsDatabaseThatCannotBeOpenedIsExit2WithThePath()
    {
        // A folder where the database file should be: SQLite cannot open it, whoever runs the test.
        var path = Path.Combine(_project, ".pipelinegen", "runs.db");
        Directory.CreateDirectory(path);
        var runs = Cli(new TitanicTestPipeline(_project), "runs", "compare", "a", "b");
        Assert.Equal(2, runs.Exit);
        Assert.Contains(path, runs.Error);
        Assert.DoesNotContain("   at ", runs.Error);
    }
}
