using PipelineGen.Runtime.Tuning;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning;

/// <summary>
/// The study's trial 1 is its starting point (the spec's own configuration, or the values a lock pinned): the loop and
/// the journal on a cheap known objective (no training).
/// </summary>
public sealed class StartingTrialTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pg-start-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly SearchSpace Space = new([
        SearchParameter.Range("x", HyperparameterType.Float, -5, 5),
        SearchParameter.Range("n", HyperparameterType.Int, 1, 64, log: true),
    ]);

    /// <summary>A proposal's loss; the starting point (no value set) scores 0.3, better than most proposals.</summary>
    private static TrialOutcome Objective(Configuration c) =>
        c.IsStartingPoint ? new(0.3, 0.01, 5) : new(Math.Pow(c["x"] - 1, 2) + Math.Abs(Math.Log(c["n"]) - 2), 0.01, 5);

    private static StudyInfo NewStudy(string id, string? start = StartingPoint.Spec) =>
        new(id, "P", "spec", "data", Space.Fingerprint(), "bayesian", 3, "rmse", false, DateTimeOffset.UtcNow) { StartingPoint = start };

    private static ISampler Sampler() => new StartingPointSampler(new TpeSampler(3), StartingPoint.Spec);

    [Fact]
    public void Trial_1_is_the_starting_point_journaled_as_such_and_the_proposals_after_it_are_the_sampler_s_own()
    {
        using var journal = new TuningJournal(Path.Combine(_dir, "s.db"));
        journal.CreateStudy(NewStudy("s"));
        var result = StudyRunner.Run(NewStudy("s"), Space, Sampler(), journal, 15, null, Objective);

        // Counted in the budget: 15 trials, the first of them the spec's own configuration.
        Assert.Equal(15, result.Trials.Count);
        var first = journal.Trials("s")[0];
        Assert.Equal(0, first.Number);
        Assert.Equal(StartingPoint.Spec, first.Configuration.Origin);
        Assert.Empty(first.Configuration);
        Assert.Equal("the spec's own configuration", first.Configuration.Describe(Space));
        Assert.Equal(StartingPoint.Spec, journal.LatestStudy("P")!.StartingPoint);
        Assert.Single(result.Trials, t => t.Configuration.IsStartingPoint);

        // The 14 proposals after it are exactly those of a study of 14 without it (same seed): TPE learns from proposals only.
        using var plain = new TuningJournal(Path.Combine(_dir, "p.db"));
        plain.CreateStudy(NewStudy("p", start: null));
        var without = StudyRunner.Run(NewStudy("p", start: null), Space, new TpeSampler(3), plain, 14, null, Objective);
        Assert.Equal(without.Trials.Select(t => (t.Number + 1, t.Configuration.Describe(Space), t.Value)),
                     result.Trials.Skip(1).Select(t => (t.Number, t.Configuration.Describe(Space), t.Value)));
    }

    [Fact]
    public void A_killed_study_resumed_neither_repeats_nor_loses_the_starting_trial()
    {
        using var straight = new TuningJournal(Path.Combine(_dir, "a.db"));
        straight.CreateStudy(NewStudy("a"));
        var uninterrupted = StudyRunner.Run(NewStudy("a"), Space, Sampler(), straight, 12, null, Objective);

        var path = Path.Combine(_dir, "b.db");
        int startingFits = 0;
        TrialOutcome Counted(Configuration c) { if (c.IsStartingPoint) startingFits++; return Objective(c); }
        using (var journal = new TuningJournal(path))
        {
            journal.CreateStudy(NewStudy("b"));
            using var kill = new CancellationTokenSource();
            int calls = 0;
            Assert.Throws<OperationCanceledException>(() => StudyRunner.Run(NewStudy("b"), Space, Sampler(), journal, 12, null, c =>
            {
                if (++calls == 6) { kill.Cancel(); kill.Token.ThrowIfCancellationRequested(); }
                return Counted(c);
            }, cancellation: kill.Token));
            Assert.Equal(5, journal.Trials("b").Count);
        }
        using (var reopened = new TuningJournal(path))
        {
            var resumed = StudyRunner.Run(reopened.LatestStudy("P")!, Space, Sampler(), reopened, 12, null, Counted);
            Assert.Equal(7, resumed.NewTrials);
            Assert.Equal(1, startingFits);
            Assert.Equal(uninterrupted.Trials.Select(t => (t.Number, t.Configuration.Describe(Space), t.Value)),
                         resumed.Trials.Select(t => (t.Number, t.Configuration.Describe(Space), t.Value)));
        }
    }

    [Fact]
    public void A_grid_after_the_starting_trial_tries_each_of_its_points_once()
    {
        using var journal = new TuningJournal(Path.Combine(_dir, "g.db"));
        var small = new SearchSpace([SearchParameter.Choice("x", HyperparameterType.Float, 1, 2, 3)]);
        var study = NewStudy("g") with { Strategy = "grid", SpaceFingerprint = small.Fingerprint() };
        journal.CreateStudy(study);
        var result = StudyRunner.Run(study, small, new StartingPointSampler(new GridSampler(1), StartingPoint.Spec), journal, 10, null,
            c => new(c.IsStartingPoint ? 0.5 : c["x"], null, 1));
        Assert.Equal(StopReason.SpaceExhausted, result.StopReason);
        Assert.Equal(4, result.Trials.Count);
        Assert.True(result.Trials[0].Configuration.IsStartingPoint);
        Assert.Equal([1.0, 2.0, 3.0], result.Trials.Skip(1).Select(t => t.Configuration["x"]).Order());
        // It competes: the best on the objective wins, here the starting point (0.5 < 1).
        Assert.Equal(0, result.Best!.Number);
    }

    [Fact]
    public void A_version_4_journal_is_migrated_and_its_study_has_no_starting_trial()
    {
        var path = Path.Combine(_dir, "old.db");
        using (var journal = new TuningJournal(path))
        {
            journal.CreateStudy(NewStudy("old", start: null));
            StudyRunner.Run(NewStudy("old", start: null), Space, new TpeSampler(3), journal, 3, null, Objective);
            // Back to what version 4 wrote: no starting point, no origin.
            using var command = journal.Connection.CreateCommand();
            command.CommandText = "ALTER TABLE studies DROP COLUMN starting_point; ALTER TABLE trials DROP COLUMN origin; PRAGMA user_version = 4;";
            command.ExecuteNonQuery();
        }
        using var reopened = new TuningJournal(path);
        var study = reopened.LatestStudy("P")!;
        Assert.Null(study.StartingPoint);
        // It resumes as it ran: every trial a proposal, the same ones as a study of 5 without a starting trial.
        var resumed = StudyRunner.Run(study, Space, new TpeSampler(3), reopened, 5, null, Objective);
        Assert.Equal(2, resumed.NewTrials);
        Assert.All(reopened.Trials("old"), t => Assert.False(t.Configuration.IsStartingPoint));
        using var plain = new TuningJournal(Path.Combine(_dir, "plain.db"));
        plain.CreateStudy(NewStudy("plain", start: null));
        var straight = StudyRunner.Run(NewStudy("plain", start: null), Space, new TpeSampler(3), plain, 5, null, Objective);
        Assert.Equal(straight.Trials.Select(t => t.Configuration.Describe(Space)), resumed.Trials.Select(t => t.Configuration.Describe(Space)));
    }
}
