using PipelineGen.Runtime.Tuning;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning;

/// <summary>Successive halving and Hyperband on cheap known objectives (no training): the schedule, promotion, resume.</summary>
public sealed class HalvingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pg-halving-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static readonly SearchSpace Space = new([
        SearchParameter.Range("x", HyperparameterType.Float, -5, 5),
        SearchParameter.Range("n", HyperparameterType.Int, 1, 64, log: true),
    ]);

    /// <summary>The full-budget loss of a configuration.</summary>
    private static double F(Configuration c) => Math.Pow(c["x"] - 1, 2) + Math.Abs(Math.Log(c["n"]) - 2);

    /// <summary>Low budgets are worse by the same amount for everyone, so low-budget ranks match full-budget ranks.</summary>
    private static Task<TrialOutcome> Ranked(int number, Configuration c, double fraction, CancellationToken ct) =>
        Task.FromResult(new TrialOutcome(F(c) + 3 * (1 - fraction), 0.01, 5));

    private static StudyInfo NewStudy(string id, string strategy = "halving") =>
        new(id, "P", "spec", "data", Space.Fingerprint(), strategy, 5, "rmse", false, DateTimeOffset.UtcNow);

    private StudyResult Run(string id, HalvingOptions options, ISampler sampler, int trials, HalvingRunner.BudgetedTrialExecutor execute,
        string? db = null, CancellationToken ct = default, int workers = 1, TimeSpan? time = null, bool kill = false)
    {
        using var journal = new TuningJournal(db ?? Path.Combine(_dir, id + ".db"));
        if (journal.LatestStudy("P")?.Id != id) journal.CreateStudy(NewStudy(id));
        return HalvingRunner.RunAsync(NewStudy(id), Space, options, sampler, journal, trials, time, workers, execute, null, null, ct, kill).GetAwaiter().GetResult();
    }

    [Fact]
    public void Hyperband_brackets_have_the_sizes_of_the_paper()
    {
        // Li et al. 2018, table 1: R = 81, eta = 3 (5 levels: 1/81 .. 1 of the rows).
        var hyperband = new HalvingOptions(Hyperband: true, Eta: 3, MaxLevel: 4, Sampler: "random");
        var brackets = Enumerable.Range(0, 5).Select(b => hyperband.Promotions(b)).ToArray();
        Assert.Equal([4, 3, 2, 1, 0], brackets);
        Assert.Equal([81, 27, 9, 3, 1], hyperband.RungSizes(hyperband.BracketSize(4), 4));
        Assert.Equal([34, 11, 3, 1], hyperband.RungSizes(hyperband.BracketSize(3), 3));
        Assert.Equal([15, 5, 1], hyperband.RungSizes(hyperband.BracketSize(2), 2));
        Assert.Equal([8, 2], hyperband.RungSizes(hyperband.BracketSize(1), 1));
        Assert.Equal([5], hyperband.RungSizes(hyperband.BracketSize(0), 0));
        Assert.Equal(4, hyperband.Promotions(5)); // the cycle starts again
        Assert.Equal(1.0 / 81, hyperband.Fraction(0), 12);
        Assert.Equal(1.0, hyperband.Fraction(4), 12);

        var halving = new HalvingOptions(Hyperband: false, Eta: 3, MaxLevel: 2, Sampler: "random");
        Assert.Equal([2, 2, 2], Enumerable.Range(0, 3).Select(halving.Promotions));
        Assert.Equal([9, 3, 1], halving.RungSizes(halving.BracketSize(2), 2));
    }

    [Theory]
    [InlineData(40, 1)]    // too few rows for a lower rung of 50: still one promotion
    [InlineData(640, 2)]   // 640/9 = 71 rows at the lowest rung
    [InlineData(100000, 4)]
    public void Levels_keep_the_lowest_rung_at_fifty_rows_or_more(long rows, int levels) =>
        Assert.Equal(levels, HalvingOptions.For("hyperband", rows).MaxLevel);

    /// <summary>
    /// Random search stops proposing once every point of a finite space was scored. Halving shows it the results of its
    /// highest rung; once the winners of earlier brackets covered the 3 points, the next bracket got null and threw "the
    /// sampler has nothing left to propose". Its brackets are filled with repeats instead.
    /// </summary>
    [Fact]
    public async Task Halving_over_a_finite_space_runs_every_bracket_after_its_points_were_all_scored()
    {
        var finite = new SearchSpace([SearchParameter.Choice("x", HyperparameterType.Float, -1, 0, 1)]);
        var study = new StudyInfo("finite", "P", "spec", "data", finite.Fingerprint(), "halving", 5, "rmse", false, DateTimeOffset.UtcNow);
        using var journal = new TuningJournal(Path.Combine(_dir, "finite.db"));
        journal.CreateStudy(study);
        var options = new HalvingOptions(Hyperband: false, Eta: 3, MaxLevel: 2, Sampler: "random");
        // A noisy objective: which point wins a bracket changes from bracket to bracket.
        Task<TrialOutcome> Execute(int number, Configuration c, double fraction, CancellationToken ct) =>
            Task.FromResult(new TrialOutcome(Samplers.Rng(7, number).NextDouble() + 3 * (1 - fraction), 0.01, 5));
        var result = await HalvingRunner.RunAsync(study, finite, options, new RandomSampler(11), journal, 54, null, 1, Execute, null, null, CancellationToken.None, false);

        Assert.Equal(54, result.Trials.Count);
        Assert.Equal(6, result.Completed.Count());
        // The brackets' winners covered every point before the last bracket started: the case that threw.
        Assert.Equal(3, result.Completed.Take(5).Select(t => t.Configuration["x"]).Distinct().Count());
    }

    /// <summary>
    /// Halving with the bayesian sampler over a 9-point space: a bracket's proposals avoid the points the brackets before
    /// it scored at the observed rung, and once every point was scored TPE has nothing left to propose and the bracket is
    /// filled with repeats (as with the random sampler), so all 5 brackets run.
    /// </summary>
    [Fact]
    public async Task Halving_with_tpe_over_a_finite_space_avoids_scored_points_and_runs_every_bracket()
    {
        var finite = new SearchSpace([SearchParameter.Choice("x", HyperparameterType.Float, -1, 0, 1), SearchParameter.Choice("y", HyperparameterType.Int, 0, 1, 2)]);
        var study = new StudyInfo("finite-tpe", "P", "spec", "data", finite.Fingerprint(), "halving", 5, "rmse", false, DateTimeOffset.UtcNow);
        using var journal = new TuningJournal(Path.Combine(_dir, "finite-tpe.db"));
        journal.CreateStudy(study);
        var options = new HalvingOptions(Hyperband: false, Eta: 3, MaxLevel: 2, Sampler: "bayesian");
        Task<TrialOutcome> Execute(int number, Configuration c, double fraction, CancellationToken ct) =>
            Task.FromResult(new TrialOutcome(Math.Abs(c["x"] - 1) + c["y"] + 3 * (1 - fraction), 0.01, 5));
        var result = await HalvingRunner.RunAsync(study, finite, options, new TpeSampler(11), journal, 45, null, 1, Execute, null, null, CancellationToken.None, false);

        Assert.Equal(45, result.Trials.Count);
        Assert.Equal(5, result.Completed.Count());
        string[] Bracket(int b) => result.Rungs.Where(r => r.Rung == 0 && r.Trial / 9 == b).Select(r => r.Configuration.Describe(finite)).ToArray();
        // The first bracket's draws see no results, so they may repeat each other; it left points unscored, and the
        // second bracket proposed only those.
        Assert.True(Bracket(0).Distinct().Count() < 9);
        Assert.Empty(Bracket(1).Intersect(Bracket(0)));
        // Every point was scored before the last bracket started: the case where TPE returns null.
        Assert.Equal(9, Enumerable.Range(0, 4).SelectMany(Bracket).Distinct().Count());
    }

    [Fact]
    public void When_low_budget_ranks_match_the_best_configuration_survives_every_rung()
    {
        var options = new HalvingOptions(Hyperband: false, Eta: 3, MaxLevel: 2, Sampler: "random");
        var result = Run("p", options, new RandomSampler(11), trials: 18, Ranked);

        Assert.Equal(18, result.Trials.Count);
        foreach (int bracket in new[] { 0, 1 })
        {
            var rungs = result.Rungs.Where(r => r.Bracket == bracket).ToArray();
            Assert.Equal([9, 3, 1], Enumerable.Range(0, 3).Select(i => rungs.Count(r => r.Rung == i)));
            Assert.Equal([1.0 / 9, 1.0 / 3, 1.0], Enumerable.Range(0, 3).Select(i => rungs.First(r => r.Rung == i).Fraction));
            // Each rung promotes exactly the best third of the one below.
            for (int i = 0; i < 2; i++)
            {
                var expected = rungs.Where(r => r.Rung == i).OrderBy(r => r.Value).Take(rungs.Count(r => r.Rung == i + 1)).Select(r => r.Trial).Order();
                Assert.Equal(expected, rungs.Where(r => r.Rung == i + 1).Select(r => r.Trial).Order());
            }
            var bestOfBracket = rungs.Where(r => r.Rung == 0).MinBy(r => F(r.Configuration))!.Trial;
            Assert.Equal(bestOfBracket, rungs.Single(r => r.Rung == 2).Trial);
        }
        Assert.Equal(2, result.Completed.Count());
        Assert.Equal(16, result.Trials.Count(t => t.State == "pruned"));
        Assert.All(result.Trials.Where(t => t.State == "pruned"), t => Assert.True(t.Budget is 1.0 / 9 or 1.0 / 3));
        Assert.Equal(result.Trials.MinBy(t => F(t.Configuration))!.Number, result.Best!.Number);
    }

    [Fact]
    public void A_failing_configuration_is_recorded_failed_at_its_rung_and_never_promoted()
    {
        var options = new HalvingOptions(Hyperband: false, Eta: 3, MaxLevel: 2, Sampler: "random");
        var result = Run("f", options, new RandomSampler(3), trials: 9, (n, c, f, ct) =>
            c["x"] > 0 ? throw new InvalidOperationException($"x {c["x"]:0.00} breaks the trainer") : Ranked(n, c, f, ct));
        var failed = result.Trials.Where(t => t.Failed).ToArray();
        Assert.NotEmpty(failed);
        Assert.All(failed, t => Assert.StartsWith("InvalidOperationException: x ", t.Error));
        Assert.DoesNotContain(result.Rungs, r => r.Rung > 0 && r.Configuration["x"] > 0);
        Assert.Equal(9, result.Trials.Count);
    }

    [Fact]
    public void A_study_killed_mid_rung_resumes_without_repeating_or_losing_a_rung_result()
    {
        var options = new HalvingOptions(Hyperband: true, Eta: 3, MaxLevel: 2, Sampler: "bayesian");
        // Hyperband with levels 0..2: brackets of 9, 5 and 3 configurations; 3 brackets and part of a 4th.
        var straight = Run("a", options, new TpeSampler(5, startupTrials: 4), trials: 24, Ranked);
        Assert.Equal(24, straight.Trials.Count);

        var db = Path.Combine(_dir, "b.db");
        int calls = 0;
        using (var kill = new CancellationTokenSource())
        {
            // The "kill -9": cancelled while the 16th evaluation runs: the first bracket took 9 + 3 + 1, so this is the third of
            // the second bracket's first rung (5 configurations at 1/3 of the rows): mid-rung.
            Assert.ThrowsAny<OperationCanceledException>(() => Run("b", options, new TpeSampler(5, startupTrials: 4), 24, (n, c, f, ct) =>
            {
                if (++calls == 16) { kill.Cancel(); kill.Token.ThrowIfCancellationRequested(); }
                return Ranked(n, c, f, ct);
            }, db, kill.Token));
        }
        int journaled;
        using (var journal = new TuningJournal(db)) journaled = journal.Rungs("b").Count;
        Assert.Equal(15, journaled);

        var evaluated = new List<(int, double)>();
        var resumed = Run("b", options, new TpeSampler(5, startupTrials: 4), 24, (n, c, f, ct) =>
        {
            evaluated.Add((n, f));
            return Ranked(n, c, f, ct);
        }, db);
        Assert.Equal(straight.Rungs.Count - 15, evaluated.Count);
        Assert.DoesNotContain(evaluated, e => resumed.Rungs.Count(r => r.Trial == e.Item1 && Math.Abs(r.Fraction - e.Item2) < 1e-12) != 1);
        Assert.Equal(straight.Rungs.Select(r => (r.Trial, r.Rung, r.Configuration.Describe(Space), r.Value)),
                     resumed.Rungs.Select(r => (r.Trial, r.Rung, r.Configuration.Describe(Space), r.Value)));
        Assert.Equal(straight.Trials.Select(t => (t.Number, t.State, t.Value)), resumed.Trials.Select(t => (t.Number, t.State, t.Value)));
        Assert.Equal(straight.Best!.Number, resumed.Best!.Number);
    }

    [Fact]
    public void Proposals_learn_from_the_highest_rung_with_enough_results()
    {
        var study = NewStudy("o");
        var c = new Configuration { ["x"] = 0, ["n"] = 4 };
        RungResult R(int trial, double fraction, double value) => new(trial, 0, 0, fraction, c, "complete", value, null, 1, null, TimeSpan.Zero);
        var results = Enumerable.Range(0, 9).Select(i => R(i, 1.0 / 9, i)).Concat(Enumerable.Range(0, 3).Select(i => R(i, 1.0 / 3, 10 + i))).ToArray();
        // TPE needs 4 results: the 1/3 rung has 3, so the 1/9 rung is used; random search uses the highest rung at once.
        Assert.Equal(9, HalvingRunner.Observations(results, study, new TpeSampler(1, startupTrials: 4)).Count);
        Assert.Equal([10.0, 11, 12], HalvingRunner.Observations(results, study, new RandomSampler(1)).Select(f => f.Loss!.Value));
        Assert.Equal(3, HalvingRunner.Observations(results, study, new TpeSampler(1, startupTrials: 3)).Count);
    }

    [Fact]
    public void The_time_budget_ends_a_running_rung_evaluation_and_records_it_as_stopped()
    {
        var options = new HalvingOptions(Hyperband: false, Eta: 3, MaxLevel: 1, Sampler: "random");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = Run("t", options, new RandomSampler(2), trials: 3, async (n, c, f, ct) =>
        {
            if (n == 2) await Task.Delay(TimeSpan.FromSeconds(60), ct); // a fit that outlives the budget
            return new TrialOutcome(F(c), null, 1);
        }, workers: 3, time: TimeSpan.FromSeconds(1), kill: true);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the running evaluation was not ended ({clock.Elapsed})");
        Assert.Equal(StopReason.TimeBudget, result.StopReason);
        var stopped = Assert.Single(result.Trials, t => t.State == "stopped");
        Assert.Equal(2, stopped.Number);
        Assert.StartsWith("stopped by the time budget after ", stopped.Error);
        Assert.DoesNotContain(result.Trials, t => t.Failed);
        Assert.Null(result.Best); // nothing reached the full training folds

        // A resume runs the stopped evaluation again and replaces its row; nothing else is repeated.
        var evaluated = new List<int>();
        var resumed = Run("t", options, new RandomSampler(2), trials: 3, (n, c, f, ct) => { evaluated.Add(n); return Task.FromResult(new TrialOutcome(F(c), null, 1)); });
        Assert.Equal(2, evaluated[0]);
        Assert.Equal(1 + 1, evaluated.Count); // trial 2 at rung 0, then the one promoted to the full budget
        Assert.DoesNotContain(resumed.Trials, t => t.State == "stopped");
        Assert.Equal(3, resumed.Trials.Count);
        Assert.NotNull(resumed.Best);
    }
}
