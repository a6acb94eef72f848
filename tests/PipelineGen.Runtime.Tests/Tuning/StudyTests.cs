using PipelineGen.Runtime.Tuning;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning;

/// <summary>The study loop and its journal, on a cheap known objective (no training).</summary>
public sealed class StudyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pg-study-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly SearchSpace Space = new([
        SearchParameter.Range("x", HyperparameterType.Float, -5, 5),
        SearchParameter.Range("n", HyperparameterType.Int, 1, 64, log: true),
    ]);

    private static TrialOutcome Objective(Configuration c) => new(Math.Pow(c["x"] - 1, 2) + Math.Abs(Math.Log(c["n"]) - 2), 0.01, 5);

    private static StudyInfo NewStudy(string id) =>
        new(id, "P", "spec", "data", Space.Fingerprint(), "bayesian", 3, "rmse", false, DateTimeOffset.UtcNow);

    [Fact]
    public void A_killed_study_resumed_gives_exactly_the_trials_of_an_uninterrupted_one()
    {
        using var straight = new TuningJournal(Path.Combine(_dir, "a.db"));
        straight.CreateStudy(NewStudy("a"));
        var uninterrupted = StudyRunner.Run(NewStudy("a"), Space, new TpeSampler(3), straight, 25, null, Objective);

        var path = Path.Combine(_dir, "b.db");
        using (var journal = new TuningJournal(path))
        {
            journal.CreateStudy(NewStudy("b"));
            // The "kill": cancellation while trial 15 runs. Nothing of trial 15 is journaled.
            using var kill = new CancellationTokenSource();
            int calls = 0;
            Assert.Throws<OperationCanceledException>(() => StudyRunner.Run(NewStudy("b"), Space, new TpeSampler(3), journal, 25, null, c =>
            {
                if (++calls == 15) { kill.Cancel(); kill.Token.ThrowIfCancellationRequested(); }
                return Objective(c);
            }, cancellation: kill.Token));
            Assert.Equal(14, journal.Trials("b").Count);
        }
        // A new process: a fresh journal connection and a fresh sampler.
        using (var reopened = new TuningJournal(path))
        {
            var resumed = StudyRunner.Run(NewStudy("b"), Space, new TpeSampler(3), reopened, 25, null, Objective);
            Assert.Equal(11, resumed.NewTrials);
            Assert.Equal(uninterrupted.Trials.Select(t => (t.Number, t.Configuration.Describe(Space), t.Value)),
                         resumed.Trials.Select(t => (t.Number, t.Configuration.Describe(Space), t.Value)));
            Assert.Equal(uninterrupted.Best!.Number, resumed.Best!.Number);
        }
    }

    [Fact]
    public void A_failing_configuration_is_journaled_with_its_error_and_the_study_goes_on()
    {
        using var journal = new TuningJournal(Path.Combine(_dir, "f.db"));
        var study = NewStudy("f");
        journal.CreateStudy(study);
        var result = StudyRunner.Run(study, Space, new RandomSampler(1), journal, 12, null,
            c => c["x"] > 0 ? throw new InvalidOperationException("the trainer rejects x > 0\nstack...") : Objective(c));
        Assert.Equal(12, result.Trials.Count);
        var failed = result.Trials.Where(t => t.Failed).ToArray();
        Assert.NotEmpty(failed);
        Assert.All(failed, t => Assert.Equal("InvalidOperationException: the trainer rejects x > 0", t.Error));
        Assert.All(failed, t => Assert.Null(t.Value));
        Assert.True(result.Best!.Configuration["x"] <= 0);
        Assert.Equal(failed.Length, journal.Trials("f").Count(t => t.Failed));
    }

    [Fact]
    public void Budgets_stop_the_study_and_say_why()
    {
        using var journal = new TuningJournal(Path.Combine(_dir, "b.db"));
        var timed = NewStudy("t");
        journal.CreateStudy(timed);
        var byTime = StudyRunner.Run(timed, Space, new RandomSampler(1), journal, 1000, TimeSpan.FromMilliseconds(300), c => { Thread.Sleep(100); return Objective(c); });
        Assert.Equal(StopReason.TimeBudget, byTime.StopReason);
        Assert.InRange(byTime.Trials.Count, 1, 5);

        var grid = NewStudy("g") with { Strategy = "grid" };
        journal.CreateStudy(grid);
        var small = new SearchSpace([SearchParameter.Choice("x", HyperparameterType.Float, 1, 2, 3)]);
        var exhausted = StudyRunner.Run(grid, small, new GridSampler(1), journal, 10, null, Objective2);
        Assert.Equal(StopReason.SpaceExhausted, exhausted.StopReason);
        Assert.Equal(3, exhausted.Trials.Count);
        static TrialOutcome Objective2(Configuration c) => new(c["x"], null, 1);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("10m", 600)]
    [InlineData("1h30m", 5400)]
    [InlineData("2.5m", 150)]
    [InlineData("45", 45)]
    public void Durations_parse(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), PipelineGen.Runtime.Cli.TuningCommandContributor.ParseDuration(text));

    [Theory]
    [InlineData("0")]
    [InlineData("0m")]
    [InlineData("ten minutes")]
    [InlineData("-5")]
    public void Bad_durations_are_refused(string text) =>
        Assert.Contains("not a duration", Assert.Throws<ArgumentException>(() => PipelineGen.Runtime.Cli.TuningCommandContributor.ParseDuration(text)).Message);

    [Theory]
    [InlineData("99999999h")] // failed with "un-representable DateTime" after every trial had run
    [InlineData("1e300")]
    [InlineData("9000h")]
    public void Durations_beyond_a_year_are_refused_before_the_study(string text) =>
        Assert.Contains("longer than a year", Assert.Throws<ArgumentException>(() => PipelineGen.Runtime.Cli.TuningCommandContributor.ParseDuration(text)).Message);
}

/// <summary>A journal that cannot be written (disk full, locked) stops the study cleanly, keeping what was journaled.</summary>
public sealed class JournalFailureTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pg-journal-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void A_journal_write_failure_stops_the_study_with_the_reason_and_keeps_the_journaled_trials()
    {
        var space = new SearchSpace([SearchParameter.Range("x", HyperparameterType.Float, 0, 1)]);
        var path = Path.Combine(_dir, "tune.db");
        var study = new StudyInfo("j", "P", "s", "d", space.Fingerprint(), "random", 1, "rmse", false, DateTimeOffset.UtcNow);
        using var journal = new TuningJournal(path);
        journal.CreateStudy(study);
        StudyRunner.Run(study, space, new RandomSampler(1), journal, 2, null, c => new TrialOutcome(c["x"], null, 1));

        // Another writer holds the database exclusively: the next insert fails after the busy timeout, like a full disk.
        using var holder = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        holder.Open();
        using (var begin = holder.CreateCommand()) { begin.CommandText = "BEGIN EXCLUSIVE;"; begin.ExecuteNonQuery(); }
        var error = Assert.Throws<PipelineGen.Runtime.Evaluation.EvaluationException>(() =>
            StudyRunner.Run(study, space, new RandomSampler(1), journal, 4, null, c => new TrialOutcome(c["x"], null, 1)));
        Assert.Contains("could not journal trial 3", error.Message);
        Assert.Contains("the 2 trial(s) journaled before are kept", error.Message);
        using (var rollback = holder.CreateCommand()) { rollback.CommandText = "ROLLBACK;"; rollback.ExecuteNonQuery(); }
        Assert.Equal([0, 1], journal.Trials("j").Select(t => t.Number));
    }

    [Fact]
    public void The_noise_warning_fires_only_when_the_lead_is_within_the_fold_spread()
    {
        var study = new StudyInfo("n", "P", "s", "d", "", "random", 1, "auc", true, DateTimeOffset.UtcNow);
        TrialRecord T(int n, double v, double std) => new(n, new Configuration { ["x"] = n }, "complete", v, std, 5, null, TimeSpan.Zero);
        var flat = new StudyResult(study, [T(0, 0.80, 0.03), T(1, 0.81, 0.03), T(2, 0.82, 0.03)], 3, StopReason.TrialBudget);
        var warnings = new List<string>();
        PipelineTuner.AddNoiseWarnings(flat, "auc", true, warnings);
        Assert.Contains(warnings, w => w.Contains("leads the median trial by 0.0100 auc, within the fold-to-fold spread of its own score (std 0.0300)"));

        var clear = new StudyResult(study, [T(0, 0.70, 0.01), T(1, 0.71, 0.01), T(2, 0.85, 0.01)], 3, StopReason.TrialBudget);
        warnings.Clear();
        PipelineTuner.AddNoiseWarnings(clear, "auc", true, warnings);
        Assert.Empty(warnings);
    }
}
