using PipelineGen.Runtime.Tuning;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning;

/// <summary>
/// Successive halving / Hyperband with a starting point (trial 1: the spec's own or the pinned configuration) on cheap
/// known objectives: evaluated once at the full budget, journaled as a trial, competing with the brackets' full-budget
/// winners, neither lost nor repeated by a resume, and the brackets' proposals unchanged.
/// </summary>
public sealed class HalvingStartingPointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pg-halving-start-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static readonly SearchSpace Space = new([
        SearchParameter.Range("x", HyperparameterType.Float, -5, 5),
        SearchParameter.Range("n", HyperparameterType.Int, 1, 64, log: true),
    ]);

    private static double F(Configuration c) => Math.Pow(c["x"] - 1, 2) + Math.Abs(Math.Log(c["n"]) - 2);

    /// <summary>
    /// Low budgets are worse by the same amount for everyone; the starting point (no value set) scores
    /// <paramref name="start"/> and must be asked at the full budget only.
    /// </summary>
    private static HalvingRunner.BudgetedTrialExecutor Ranked(double start, List<(int Number, double Fraction)>? calls = null) => (number, c, fraction, _) =>
    {
        calls?.Add((number, fraction)); // one worker: evaluations run one at a time
        if (c.IsStartingPoint)
        {
            Assert.Equal(1.0, fraction);
            Assert.Empty(c);
            return Task.FromResult(new TrialOutcome(start, 0.01, 5));
        }
        return Task.FromResult(new TrialOutcome(F(c) + 3 * (1 - fraction), 0.01, 5));
    };

    private static StudyInfo NewStudy(string id, string? start, string strategy = "hyperband") =>
        new(id, "P", "spec", "data", Space.Fingerprint(), strategy, 5, "rmse", false, DateTimeOffset.UtcNow) { StartingPoint = start };

    private StudyResult Run(string id, string? start, HalvingOptions options, ISampler sampler, int trials, HalvingRunner.BudgetedTrialExecutor execute,
        CancellationToken ct = default, double? units = null, string strategy = "hyperband")
    {
        using var journal = new TuningJournal(Path.Combine(_dir, id + ".db"));
        var study = journal.LatestStudy("P") ?? NewStudy(id, start, strategy);
        if (journal.LatestStudy("P") is null) journal.CreateStudy(study);
        return HalvingRunner.RunAsync(study, Space, options, sampler, journal, trials, null, 1, execute, null, null, ct, false, units).GetAwaiter().GetResult();
    }

    private static readonly HalvingOptions Hyperband = new(Hyperband: true, Eta: 3, MaxLevel: 2, Sampler: "bayesian");

    [Fact]
    public void The_starting_point_is_evaluated_once_at_the_full_budget_and_the_brackets_propose_what_they_did_without_it()
    {
        var calls = new List<(int, double)>();
        var with = Run("s", StartingPoint.Spec, Hyperband, new TpeSampler(5, startupTrials: 4), trials: 17, Ranked(start: 50, calls));
        var without = Run("w", null, Hyperband, new TpeSampler(5, startupTrials: 4), trials: 17, Ranked(start: 50));

        // Trial 1, first, once, at the full budget; a trial verdict, not a rung result (it is in no bracket).
        Assert.Equal((0, 1.0), calls[0]);
        Assert.Single(calls, c => c.Item1 == 0);
        var first = with.Trials[0];
        Assert.Equal((0, "complete", 50.0, (double?)null), (first.Number, first.State, first.Value!.Value, first.Budget));
        Assert.Equal(StartingPoint.Spec, first.Configuration.Origin);
        Assert.DoesNotContain(with.Rungs, r => r.Trial == 0);
        using (var journal = new TuningJournal(Path.Combine(_dir, "s.db")))
        {
            Assert.True(journal.Trials("s")[0].Configuration.IsStartingPoint);
            Assert.DoesNotContain(journal.Rungs("s"), r => r.Trial == 0);
        }

        // --trials counts the brackets' configurations; they are trials 2.. and exactly the proposals, rung results and
        // verdicts of the study without a starting point (TPE learns from the rungs, never from the starting point).
        Assert.Equal(18, with.Trials.Count);
        Assert.Equal(without.Rungs.Select(r => (r.Trial + 1, r.Rung, r.Bracket, r.Fraction, r.Configuration.Describe(Space), r.Value)),
                     with.Rungs.Select(r => (r.Trial, r.Rung, r.Bracket, r.Fraction, r.Configuration.Describe(Space), r.Value)));
        Assert.Equal(without.Trials.Select(t => (t.Number + 1, t.State, t.Value, t.Budget)),
                     with.Trials.Skip(1).Select(t => (t.Number, t.State, t.Value, t.Budget)));
        // It lost to the brackets' full-budget winners: the winner is the one the study without it found.
        Assert.Equal(without.Best!.Number + 1, with.Best!.Number);
    }

    [Fact]
    public void It_competes_with_the_rung_winners_at_the_full_budget_and_wins_when_they_are_worse()
    {
        // Every proposal's full-budget loss is ≥ 0; the starting point scores -1: nothing beats it.
        var result = Run("win", StartingPoint.Pinned, Hyperband, new RandomSampler(3), trials: 9, Ranked(start: -1));
        Assert.Equal(0, result.Best!.Number);
        Assert.Equal(StartingPoint.Pinned, result.Best.Configuration.Origin);
        // Only full-budget results compete: a low rung's value of a proposal is never compared with it.
        Assert.All(result.Completed, t => Assert.Null(t.Budget));
    }

    [Fact]
    public void A_failing_starting_point_is_journaled_failed_and_the_brackets_still_run()
    {
        var result = Run("f", StartingPoint.Spec, Hyperband, new RandomSampler(3), trials: 5,
            (n, c, f, ct) => c.IsStartingPoint ? throw new InvalidOperationException("the spec's values break the trainer") : Ranked(0)(n, c, f, ct));
        Assert.Equal("InvalidOperationException: the spec's values break the trainer", result.Trials[0].Error);
        Assert.True(result.Trials[0].Failed);
        Assert.NotEqual(0, result.Best!.Number);
        Assert.Equal(6, result.Trials.Count);
    }

    [Fact]
    public void A_study_killed_during_or_after_the_starting_point_resumes_without_losing_or_repeating_it()
    {
        var straight = Run("a", StartingPoint.Spec, Hyperband, new TpeSampler(5, startupTrials: 4), trials: 14, Ranked(start: 2));

        // Killed while the starting point runs: nothing journaled, it runs again.
        using (var kill = new CancellationTokenSource())
        {
            Assert.ThrowsAny<OperationCanceledException>(() => Run("b", StartingPoint.Spec, Hyperband, new TpeSampler(5, startupTrials: 4), 14, (n, c, f, ct) =>
            {
                kill.Cancel();
                kill.Token.ThrowIfCancellationRequested();
                return Ranked(2)(n, c, f, ct);
            }, kill.Token));
        }
        // Killed mid-rung of the first bracket (the 6th evaluation: the starting point and 4 rung results are journaled).
        int calls = 0;
        using (var kill = new CancellationTokenSource())
        {
            Assert.ThrowsAny<OperationCanceledException>(() => Run("b", StartingPoint.Spec, Hyperband, new TpeSampler(5, startupTrials: 4), 14, (n, c, f, ct) =>
            {
                if (++calls == 6) { kill.Cancel(); kill.Token.ThrowIfCancellationRequested(); }
                return Ranked(2)(n, c, f, ct);
            }, kill.Token));
        }
        using (var journal = new TuningJournal(Path.Combine(_dir, "b.db")))
        {
            Assert.Single(journal.Trials("b"), t => t.Configuration.IsStartingPoint);
            Assert.Equal(4, journal.Rungs("b").Count);
        }

        var evaluated = new List<(int Number, double Fraction)>();
        var resumed = Run("b", StartingPoint.Spec, Hyperband, new TpeSampler(5, startupTrials: 4), 14, Ranked(2, evaluated));
        Assert.DoesNotContain(evaluated, e => e.Number == 0);
        Assert.Equal(straight.Rungs.Count - 4, evaluated.Count);
        Assert.Equal(straight.Trials.Select(t => (t.Number, t.State, t.Value, t.Configuration.Describe(Space))),
                     resumed.Trials.Select(t => (t.Number, t.State, t.Value, t.Configuration.Describe(Space))));
        Assert.Equal(straight.Best!.Number, resumed.Best!.Number);
    }

    [Fact]
    public void The_starting_point_costs_one_full_trial_equivalent_of_the_unit_budget()
    {
        var halving = new HalvingOptions(Hyperband: false, Eta: 3, MaxLevel: 2, Sampler: "random");
        // 9 × 1/9 + 3 × 1/3 + 1 = 3 units a bracket: 4 units are the starting point and one bracket, not a second.
        var calls = new List<(int Number, double Fraction)>();
        var result = Run("u", StartingPoint.Spec, halving, new RandomSampler(1), int.MaxValue, Ranked(0.5, calls), units: 4, strategy: "halving");
        Assert.Equal(StopReason.UnitBudget, result.StopReason);
        Assert.Equal(4.0, calls.Sum(c => c.Fraction), 9);
        Assert.Equal(1 + 13, calls.Count);
        // Resumed with the same budget: the spent units count, the starting point's included; nothing runs.
        var again = new List<(int Number, double Fraction)>();
        Run("u", StartingPoint.Spec, halving, new RandomSampler(1), int.MaxValue, Ranked(0.5, again), units: 4, strategy: "halving");
        Assert.Empty(again);
    }

    [Fact]
    public void An_iteration_budget_leaves_the_starting_point_exactly_as_built()
    {
        var settings = new PipelineSettings
        {
            Name = "P", Task = MlTaskKind.BinaryClassification, LabelColumn = "y", TrainerName = "lightgbm", TrainDataPath = "d.csv", Columns = [],
            CapacityHyperparameter = "iterations",
            Hyperparameters = new Dictionary<string, string> { ["leaves"] = "8", ["iterations"] = "40" },
        };
        var budget = HalvingBudget.For(settings, new TuningSettings { Strategy = "hyperband", Space = [SearchParameter.Range("iterations", HyperparameterType.Int, 90, 900, log: true)] }, "iterations");
        var fit = budget.At(StartingPoint.Of(StartingPoint.Spec), 1.0);
        // No capacity value set on it (a proposal at the full budget gets its searched count): the pipeline's own is used.
        Assert.Empty(fit.Configuration);
        Assert.True(fit.Configuration.IsStartingPoint);
        Assert.Null(fit.RowFraction);
        Assert.Throws<InvalidOperationException>(() => budget.At(StartingPoint.Of(StartingPoint.Spec), 1.0 / 3));
    }
}
