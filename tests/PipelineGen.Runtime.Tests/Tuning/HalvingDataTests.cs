using Microsoft.Data.Sqlite;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Data;
using PipelineGen.Runtime.Evaluation;
using PipelineGen.Runtime.Tests.Training;
using PipelineGen.Runtime.Tuning;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning;

/// <summary>The rung budget (training subsamples), the journal's in-place migration, and halving through <c>tune</c> on real fits.</summary>
public sealed class HalvingDataTests : IDisposable
{
    private readonly string _project = TitanicTestPipeline.NewProjectDirectory();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_project, recursive: true);
    }

    [Fact]
    public void Training_subsamples_are_stratified_seeded_nested_and_leave_validation_rows_alone()
    {
        var pipeline = new TitanicTestPipeline(_project);
        var path = pipeline.Settings.ResolvePath(pipeline.Settings.TrainDataPath);
        var scan = DataScan.Run(pipeline.Settings, path);
        var plan = SplitPlanner.Plan(scan.Keys, new EvaluationSettings { Protocol = EvaluationProtocol.KFold, Folds = 4, Seed = 3 }, pipeline.Settings.Task);
        var split = plan.Splits[1];
        var labels = scan.Keys.LabelClass!;
        var third = TrainingSubsample.Select(scan.Keys, split, 1.0 / 3, seed: 3);
        var ninth = TrainingSubsample.Select(scan.Keys, split, 1.0 / 9, seed: 3);

        Assert.Equal(third, TrainingSubsample.Select(scan.Keys, split, 1.0 / 3, seed: 3)); // same rows for every trial
        Assert.NotEqual(third, TrainingSubsample.Select(scan.Keys, split, 1.0 / 3, seed: 4));
        for (long row = 0; row < scan.Keys.RowCount; row++)
        {
            if (third[row] || ninth[row]) Assert.True(split.IsTraining(row), $"row {row} is not a training row of the split");
            if (ninth[row]) Assert.True(third[row], $"row {row} is in the 1/9 subsample but not in the 1/3 one");
        }
        foreach (int cls in labels.Distinct().Where(c => c >= 0))
        {
            long inTraining = Enumerable.Range(0, labels.Length).Count(r => labels[r] == cls && split.IsTraining(r));
            long kept = Enumerable.Range(0, labels.Length).Count(r => labels[r] == cls && third[r]);
            Assert.Equal(Math.Round(inTraining / 3.0, MidpointRounding.AwayFromZero), kept);
        }
    }

    [Fact]
    public void A_journal_of_the_first_schema_is_migrated_in_place_and_its_study_still_reads()
    {
        var path = Path.Combine(_project, "old.db");
        using (var old = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            old.Open();
            using var create = old.CreateCommand();
            // The schema the first tune.db had (no user_version, no options, no budget, no rung_results).
            create.CommandText = """
                CREATE TABLE studies (id TEXT PRIMARY KEY, pipeline TEXT NOT NULL, spec_hash TEXT NOT NULL, data_hash TEXT NOT NULL, space TEXT NOT NULL,
                    strategy TEXT NOT NULL, seed INTEGER NOT NULL, metric TEXT NOT NULL, higher_is_better INTEGER NOT NULL, created_utc TEXT NOT NULL);
                CREATE TABLE trials (study_id TEXT NOT NULL REFERENCES studies(id), number INTEGER NOT NULL, params TEXT NOT NULL, state TEXT NOT NULL,
                    value REAL, std REAL, splits INTEGER NOT NULL, error TEXT, duration_ms REAL NOT NULL, finished_utc TEXT NOT NULL, PRIMARY KEY (study_id, number));
                INSERT INTO studies VALUES ('s1', 'Titanic', 'h', 'd', 'Float:x in [0, 1]', 'bayesian', 7, 'auc', 1, '2026-01-01T00:00:00.0000000Z');
                INSERT INTO trials VALUES ('s1', 0, '{"x":0.5}', 'complete', 0.81, 0.02, 4, NULL, 1200, '2026-01-01T00:01:00.0000000Z');
                """;
            create.ExecuteNonQuery();
        }
        using (var journal = new TuningJournal(path))
        {
            var study = journal.LatestStudy("Titanic")!;
            Assert.Equal("s1", study.Id);
            Assert.Null(study.Options);
            var trial = Assert.Single(journal.Trials("s1"));
            Assert.Equal((0.81, "complete", (double?)null), (trial.Value!.Value, trial.State, trial.Budget));
            Assert.Empty(journal.Rungs("s1"));
            // The old study goes on being written after the migration.
            journal.Append("s1", new TrialRecord(1, new Configuration { ["x"] = 0.25 }, "complete", 0.8, null, 4, null, TimeSpan.FromSeconds(1)));
            Assert.Equal(2, journal.Trials("s1").Count);
        }
        using var check = new SqliteConnection($"Data Source={path};Pooling=False");
        check.Open();
        using var version = check.CreateCommand();
        version.CommandText = "PRAGMA user_version;";
        Assert.Equal((long)JournalSchema.CurrentVersion, (long)version.ExecuteScalar()!);
    }

    private static TuningSettings Tuning(string strategy) => new()
    {
        Strategy = strategy,
        Trials = 9,
        Space =
        [
            SearchParameter.Range("leaves", HyperparameterType.Int, 2, 64, log: true),
            SearchParameter.Range("learning_rate", HyperparameterType.Float, 0.01, 0.5, log: true),
        ],
    };

    [Fact]
    public void Tune_with_halving_fits_low_rungs_on_fewer_rows_prunes_and_pins_a_full_budget_winner()
    {
        var pipeline = new TunableTitanicPipeline(_project, Tuning("halving"));
        var output = new StringWriter();
        var error = new StringWriter();
        // The trainer has a tree count (auto would spend it): this study spends rows.
        int exit = PipelineApp.Run(["tune", "--sampler", "random", "--halving-budget", "rows"], pipeline, output, error);
        Assert.True(exit == 0, output + "\n" + error);
        var text = output.ToString();
        Assert.Contains("of the rows, pruned", text);
        Assert.Contains("at the full budget", text);
        Assert.Contains("pruned at a lower rung", text);
        using var journal = new TuningJournal(Path.Combine(_project, ".pipelinegen", "tune.db"));
        var study = journal.LatestStudy("Titanic")!;
        Assert.Equal("halving", study.Strategy);
        Assert.StartsWith("eta=3;levels=", study.Options);
        var trials = journal.Trials(study.Id);
        var rungs = journal.Rungs(study.Id);
        // 9 configurations in the bracket, and trial 1 before them: the starting point, once, at the full budget.
        Assert.Equal(10, trials.Count);
        Assert.True(trials[0].Configuration.IsStartingPoint);
        Assert.Equal(("complete", (double?)null), (trials[0].State, trials[0].Budget));
        Assert.DoesNotContain(rungs, r => r.Trial == 0);
        Assert.True(rungs.Count > 9, $"only {rungs.Count} rung evaluations");
        Assert.Contains(trials, t => t.State == "pruned" && t.Budget < 1);
        var winner = trials.Where(t => t.State == "complete" && !t.Configuration.IsStartingPoint).MaxBy(t => t.Value)!;
        Assert.Contains($"id: '{study.Id}'", File.ReadAllText(pipeline.LockFilePath));
        Assert.Equal(1.0, rungs.Where(r => r.Trial == winner.Number).Max(r => r.Fraction));
    }

    [Fact]
    public void Resuming_a_halving_study_with_another_eta_is_refused_with_the_reason()
    {
        var pipeline = new TunableTitanicPipeline(_project, Tuning("hyperband") with { Trials = 3 });
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(0, PipelineApp.Run(["tune", "--sampler", "random"], pipeline, output, error));
        int exit = PipelineApp.Run(["tune", "--resume", "--sampler", "random", "--eta", "2"], pipeline, output, error);
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("the strategy's options changed (study eta=3;", error.ToString());
    }
}
