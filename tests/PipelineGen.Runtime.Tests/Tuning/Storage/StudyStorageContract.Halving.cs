using System.Collections.Concurrent;
using PipelineGen.Runtime.Tuning;
using PipelineGen.Runtime.Tuning.Storage;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning.Storage;

/// <summary>
/// Shared successive halving / Hyperband on both storages: rung evaluations claimed once each under contention,
/// each rung promoted once, lost evaluations failed or retried, and the same results as the single-process runner.
/// </summary>
public abstract partial class StudyStorageContract
{
    // Hyperband, eta 3, levels 0..2: brackets of 9 (rungs 9, 3, 1), 5 (5, 1) and 3 (3) configurations = 17 trials, 22 evaluations.
    private static readonly HalvingOptions Hyperband = new(Hyperband: true, Eta: 3, MaxLevel: 2, Sampler: "bayesian");
    private const int HyperbandTrials = 17, HyperbandEvaluations = 22;

    /// <summary>The objective at a share of the rows: the full-budget value plus a budget-dependent bias; undefined (a failure) in one corner.</summary>
    private static TrialOutcome Rung(Configuration c, double fraction) =>
        new(c["x"] > 4.2 ? double.NaN : F(c) + (1 - fraction) * 3 * Math.Sin(c["x"] * c["y"]), 0.01, 3);

    private static StudyInfo HalvingStudy(int trials, string id, string sampler = "bayesian") =>
        NewStudy(trials, id) with { Strategy = "hyperband", Options = (Hyperband with { Sampler = sampler }).Describe() };

    /// <summary>The single-process runner's results on its own journal (the reference).</summary>
    private static StudyResult SingleProcess(ISampler sampler, int trials)
    {
        var dir = Directory.CreateTempSubdirectory("pg-halving-reference-").FullName;
        try
        {
            using var journal = new TuningJournal(Path.Combine(dir, "tune.db"));
            var study = HalvingStudy(trials, "reference");
            journal.CreateStudy(study);
            return HalvingRunner.RunAsync(study, Space, Hyperband, sampler, journal, trials, null, 1,
                (_, c, f, _) => Task.FromResult(Rung(c, f)), null, null, CancellationToken.None, killRunningAtDeadline: false).GetAwaiter().GetResult();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string[] Verdicts(StudyResult r) =>
        r.Trials.OrderBy(t => t.Number).Select(t => $"{t.Number} {t.State} {t.Value:R} {t.Budget:R} {TuningJournal.ParamsJson(t.Configuration)}").ToArray();

    private static string[] Evaluations(IEnumerable<RungResult> rungs) =>
        rungs.OrderBy(r => r.Trial).ThenBy(r => r.Rung).Select(r => $"{r.Trial}/{r.Rung} b{r.Bracket} {r.Fraction:R} {r.State} {r.Value:R} {TuningJournal.ParamsJson(r.Configuration)}").ToArray();

    private Task<StudyResult> HalvingLoop(string studyId, string worker, ISampler sampler, bool retryLost = false, Func<int, int, Task>? delay = null) => Task.Run(async () =>
    {
        using var storage = Open();
        var study = storage.LatestStudy("P")!;
        Assert.Equal(studyId, study.Id);
        var options = new SharedRunOptions(new WorkerInfo(worker, "h", 1)) { HeartbeatTimeout = TimeSpan.FromSeconds(3), RetryLost = retryLost };
        return await SharedHalvingRunner.RunAsync(storage, study, Space, Hyperband, sampler, options,
            async (n, c, f, ct) => { if (delay is not null) await delay(n, (int)Math.Round(f * 9)); return Rung(c, f); }, null, null, CancellationToken.None);
    });

    [SkippableFact]
    public void Shared_hyperband_with_one_worker_gives_the_single_process_results_for_the_same_seed()
    {
        using (var setup = Open()) setup.JoinStudy(HalvingStudy(HyperbandTrials, "shared-halving-1"));
        var shared = HalvingLoop("shared-halving-1", "only", new TpeSampler(7, startupTrials: 4)).GetAwaiter().GetResult();
        var reference = SingleProcess(new TpeSampler(7, startupTrials: 4), HyperbandTrials);

        // TPE's proposals depend on the earlier brackets' results: with one worker they see exactly what the single process saw.
        Assert.Equal(Evaluations(reference.Rungs), Evaluations(shared.Rungs));
        Assert.Equal(Verdicts(reference), Verdicts(shared));
        Assert.Equal(HyperbandEvaluations, shared.Rungs.Count);
        Assert.Contains(shared.Trials, t => t.State == "failed");
        Assert.Contains(shared.Trials, t => t.State == "pruned");
        Assert.Equal(reference.Best!.Number, shared.Best!.Number);
        Assert.Equal(HyperbandTrials, shared.NewTrials);
    }

    [SkippableFact]
    public void Racing_rung_claims_on_separate_connections_run_each_evaluation_once_and_promote_each_rung_once()
    {
        const int Workers = 6;
        using (var setup = Open()) setup.JoinStudy(HalvingStudy(HyperbandTrials, "shared-halving-race", "random"));
        var claims = new ConcurrentBag<(string Worker, RungRow Row)>();
        var errors = new ConcurrentBag<Exception>();
        using var gate = new Barrier(Workers);
        var threads = Enumerable.Range(0, Workers).Select(w => new Thread(() =>
        {
            try
            {
                using var storage = Open();
                var sampler = new RandomSampler(3);
                gate.SignalAndWait();
                while (true)
                {
                    StopReason? stop = null;
                    var row = storage.ClaimRung("shared-halving-race", $"w{w}", c => { var p = SharedHalving.Plan(c, Space, Hyperband, sampler, retryLost: false); stop = p.Stop; return p; });
                    if (row is null)
                    {
                        if (stop is not null) break;
                        Thread.Sleep(2); // a rung waits for another worker's evaluation
                        continue;
                    }
                    claims.Add(($"w{w}", row));
                    Thread.Sleep(5); // the fit: other workers claim meanwhile (SQLite's busy wait would otherwise let one thread win every claim)
                    var outcome = Rung(row.Configuration, row.Fraction);
                    var result = double.IsFinite(outcome.Value) ? row with { State = "complete", Value = outcome.Value, StdDev = outcome.StdDev, Splits = 3 } : row with { State = "failed", Error = "undefined" };
                    Assert.True(storage.FinishRung("shared-halving-race", $"w{w}", result));
                }
            }
            catch (Exception e) { errors.Add(e); }
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) Assert.True(t.Join(TimeSpan.FromMinutes(2)), "a claiming worker hung");
        // A second promotion of a rung would insert a second promotion row (primary key) or a second next-rung row: an error here.
        Assert.Empty(errors);

        Assert.Equal(HyperbandEvaluations, claims.Count);
        Assert.Equal(HyperbandEvaluations, claims.Select(c => (c.Row.Trial, c.Row.Rung)).Distinct().Count());
        Assert.True(claims.Select(c => c.Worker).Distinct().Count() >= 2, "the evaluations were not shared");
        using var check = Open();
        var rows = check.RungRows("shared-halving-race");
        Assert.All(rows, r => Assert.Contains(r.State, new[] { "complete", "failed" }));
        Assert.All(rows, r => Assert.Equal(1, r.Attempts));
        // Rung sizes of each bracket are the schedule's: 9, 3, 1 | 5, 1 | 3.
        Assert.Equal(["0/0:9", "0/1:3", "0/2:1", "1/0:5", "1/1:1", "2/0:3"],
            rows.GroupBy(r => (r.Bracket, r.Rung)).OrderBy(g => g.Key).Select(g => $"{g.Key.Bracket}/{g.Key.Rung}:{g.Count()}"));
        // The random sampler proposes from the seed and the trial number only, so the racing study decided what one process decides.
        var reference = SingleProcess(new RandomSampler(3), HyperbandTrials);
        var trials = check.Trials("shared-halving-race");
        Assert.Equal(Verdicts(reference), Verdicts(new StudyResult(reference.Study, trials, 0, StopReason.TrialBudget)));
        Assert.Empty(check.Status("shared-halving-race").Running);
    }

    [SkippableFact]
    public void Three_halving_worker_loops_share_the_brackets_and_end_with_the_single_process_verdicts()
    {
        using (var setup = Open()) setup.JoinStudy(HalvingStudy(HyperbandTrials, "shared-halving-loops", "random"));
        // Lower rungs are quicker (as fits on fewer rows are); the order of finishing differs from worker to worker.
        var loops = Enumerable.Range(0, 3).Select(w => HalvingLoop("shared-halving-loops", $"loop{w}", new RandomSampler(3), delay: (n, share) => Task.Delay(10 + share * 8 + (n * 37 + w * 11) % 30))).ToArray();
        Assert.True(Task.WaitAll(loops, TimeSpan.FromMinutes(2)), "the worker loops did not finish");
        var results = loops.Select(l => l.Result).ToArray();
        var reference = SingleProcess(new RandomSampler(3), HyperbandTrials);
        Assert.All(results, r => Assert.Equal(Verdicts(reference), Verdicts(r)));
        Assert.All(results, r => Assert.Equal(Evaluations(reference.Rungs), Evaluations(r.Rungs)));
        Assert.Equal(HyperbandTrials, results.Sum(r => r.NewTrials));
        Assert.True(results.Count(r => r.NewTrials > 0) >= 2, "the verdicts were not shared between the loops");
        // Every loop ends with the whole study, so each pins the same winner.
        Assert.Single(results.Select(r => r.Best!.Number).Distinct());
    }

    /// <summary>A study of one halving bracket: 3 configurations at a third of the rows, the best at all of them.</summary>
    private static readonly HalvingOptions SmallHalving = new(Hyperband: false, Eta: 3, MaxLevel: 1, Sampler: "random");

    private static RungRow? ClaimSmall(IStudyStorage s, string study, string worker, bool retry) =>
        s.ClaimRung(study, worker, c => SharedHalving.Plan(c, Space, SmallHalving, new RandomSampler(5), retry));

    private static RungRow Done(RungRow r) => r with { State = "complete", Value = F(r.Configuration), StdDev = 0.1, Splits = 3 };

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_killed_workers_rung_evaluation_is_found_by_heartbeat_then_retried_or_failed_and_the_rung_promoted(bool retry)
    {
        string id = retry ? "shared-halving-lost-retry" : "shared-halving-lost";
        using var a = Open();
        using var b = Open();
        a.JoinStudy(NewStudy(3, id) with { Strategy = "halving", Options = SmallHalving.Describe() });
        var dead = ClaimSmall(a, id, "dead", retry)!;
        Assert.Equal((0, 0, 1), (dead.Trial, dead.Rung, dead.Attempts));
        for (int k = 0; k < 2; k++) Assert.True(b.FinishRung(id, "alive", Done(ClaimSmall(b, id, "alive", retry)!)));
        // The rung waits for the dead worker's evaluation: nothing to claim, and nothing promoted yet.
        Assert.Null(ClaimSmall(b, id, "alive", retry));
        Assert.Empty(b.Trials(id));
        Assert.Single(b.Status(id).Running);

        Thread.Sleep(1200);
        var marked = new[] { Task.Run(() => a.MarkLostRungs(id, TimeSpan.FromSeconds(1))), Task.Run(() => b.MarkLostRungs(id, TimeSpan.FromSeconds(1))) }.SelectMany(t => t.Result).ToArray();
        Assert.Equal([(0, 0)], marked);
        if (retry)
        {
            var again = ClaimSmall(b, id, "alive", retry)!;
            Assert.Equal((0, 0, 2), (again.Trial, again.Rung, again.Attempts));
            Assert.Equal(TuningJournal.ParamsJson(dead.Configuration), TuningJournal.ParamsJson(again.Configuration));
            Assert.True(b.FinishRung(id, "alive", Done(again)));
        }
        // The next claim promotes rung 0 (once) and takes the promoted trial's full-budget evaluation.
        var top = ClaimSmall(b, id, "alive", retry)!;
        Assert.Equal((1, 1.0), (top.Rung, top.Fraction));
        // The dead worker's late result is refused: its rung was promoted without it.
        Assert.False(a.FinishRung(id, "dead", Done(dead)));
        Assert.True(b.FinishRung(id, "alive", Done(top)));
        Assert.Null(ClaimSmall(b, id, "alive", retry));

        var trials = b.Trials(id);
        Assert.Equal([0, 1, 2], trials.Select(t => t.Number));
        Assert.Equal(1, trials.Count(t => t.State == "complete"));
        Assert.Equal(top.Trial, trials.Single(t => t.State == "complete").Number);
        if (retry)
        {
            Assert.Equal(2, trials.Count(t => t.State == "pruned"));
            Assert.DoesNotContain(trials, t => t.Lost);
        }
        else
        {
            var lost = Assert.Single(trials, t => t.Lost);
            Assert.Equal((0, "failed"), (lost.Number, lost.State));
            Assert.StartsWith("worker lost: dead sent no heartbeat for", lost.Error);
            Assert.Equal(1, trials.Count(t => t.State == "pruned"));
        }
    }
}

public abstract partial class StudyStorageContract
{
    [SkippableFact]
    public void Out_of_fold_predictions_stored_by_one_worker_are_read_by_another_and_a_rerun_replaces_them()
    {
        using var a = Open();
        using var b = Open();
        var study = a.JoinStudy(NewStudy(3));
        a.SaveOutOfFold(study.Id, 0, [1, 2, 3]);
        b.SaveOutOfFold(study.Id, 2, [9]);
        a.SaveOutOfFold(study.Id, 0, [4, 5]);
        var all = b.OutOfFold(study.Id);
        Assert.Equal([0, 2], all.Keys.Order());
        Assert.Equal(new byte[] { 4, 5 }, all[0]);
        Assert.Equal(new byte[] { 9 }, all[2]);
        Assert.Empty(a.OutOfFold("another-study"));
    }
}
