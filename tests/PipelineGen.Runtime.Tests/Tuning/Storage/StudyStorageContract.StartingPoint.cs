using System.Collections.Concurrent;
using PipelineGen.Runtime.Tuning;
using PipelineGen.Runtime.Tuning.Storage;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning.Storage;

/// <summary>
/// The starting trial (the spec's own or the pinned configuration) in shared studies, on both storages: two concurrent
/// participants on separate connections, exactly one of them claims it, it is counted once, and everything else is
/// what a study without it would have proposed.
/// </summary>
public abstract partial class StudyStorageContract
{
    /// <summary>The starting point scores <paramref name="start"/> (no value set); a proposal its known loss.</summary>
    private static TrialOutcome WithStart(Configuration c, double start) => c.IsStartingPoint ? new(start, 0.01, 3) : new(F(c), 0.01, 3);

    [SkippableFact]
    public void Two_concurrent_workers_run_the_starting_point_once_counted_once_and_the_proposals_after_it_are_the_sampler_s()
    {
        const int Budget = 10;
        var study = NewStudy(Budget, "shared-start") with { StartingPoint = StartingPoint.Spec };
        using (var setup = Open()) setup.JoinStudy(study);
        var starts = new ConcurrentBag<string>();
        using var gate = new Barrier(2);
        var loops = Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
        {
            using var storage = Open();
            var joined = storage.JoinStudy(study);
            Assert.Equal(StartingPoint.Spec, joined.StartingPoint);
            var options = new SharedRunOptions(new WorkerInfo($"w{w}", "h", w)) { HeartbeatTimeout = TimeSpan.FromSeconds(3) };
            gate.SignalAndWait();
            return await SharedStudyRunner.RunAsync(storage, joined, Space, new RandomSampler(3), options, async (n, c, ct) =>
            {
                if (c.IsStartingPoint) starts.Add($"w{w}:{n}");
                await Task.Delay(15 + (n * 37 + w * 11) % 40, ct);
                return WithStart(c, start: 0.5);
            }, null, CancellationToken.None);
        })).ToArray();
        Assert.True(Task.WaitAll(loops, TimeSpan.FromMinutes(2)), "the worker loops did not finish");
        var results = loops.Select(l => l.Result).ToArray();

        // Exactly one evaluation of it, by one of the two, as trial 1; the budget counts it once (10 trials in all).
        var run = Assert.Single(starts);
        Assert.EndsWith(":0", run);
        Assert.Equal(Budget, results.Sum(r => r.NewTrials));
        var trials = results[0].Trials;
        Assert.Equal(Enumerable.Range(0, Budget), trials.Select(t => t.Number));
        var first = Assert.Single(trials, t => t.Configuration.IsStartingPoint);
        Assert.Equal((0, StartingPoint.Spec, 0.5), (first.Number, first.Configuration.Origin, first.Value!.Value));
        Assert.Equal(run.Split(':')[0], first.WorkerId);
        // The proposals after it: random search's proposals 1.. of a single-process study with the same seed (by trial number).
        var sampler = new StartingPointSampler(new RandomSampler(3), StartingPoint.Spec);
        Assert.All(trials.Skip(1), t => Assert.Equal(TuningJournal.ParamsJson(sampler.Propose(Space, t.Number, [])!), TuningJournal.ParamsJson(t.Configuration)));
        // Every worker saw the same finished study, so each pins the same winner.
        Assert.Single(results.Select(r => r.Best!.Number).Distinct());
    }

    [SkippableFact]
    public void Two_concurrent_hyperband_workers_run_the_starting_point_once_at_the_full_budget_and_end_with_the_single_process_verdicts()
    {
        var study = HalvingStudy(HyperbandTrials, "shared-halving-start", "random") with { StartingPoint = StartingPoint.Pinned };
        using (var setup = Open()) setup.JoinStudy(study);
        var starts = new ConcurrentBag<(string Worker, int Number, double Fraction)>();
        using var gate = new Barrier(2);
        var loops = Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
        {
            using var storage = Open();
            var joined = storage.LatestStudy("P")!;
            var options = new SharedRunOptions(new WorkerInfo($"w{w}", "h", w)) { HeartbeatTimeout = TimeSpan.FromSeconds(3) };
            gate.SignalAndWait();
            return await SharedHalvingRunner.RunAsync(storage, joined, Space, Hyperband, new RandomSampler(3), options, async (n, c, f, ct) =>
            {
                if (c.IsStartingPoint) starts.Add(($"w{w}", n, f));
                await Task.Delay(5 + (n * 37 + w * 11) % 20, ct);
                return c.IsStartingPoint ? new TrialOutcome(-1, 0.01, 3) : Rung(c, f);
            }, null, null, CancellationToken.None);
        })).ToArray();
        Assert.True(Task.WaitAll(loops, TimeSpan.FromMinutes(2)), "the worker loops did not finish");
        var results = loops.Select(l => l.Result).ToArray();

        var (worker, number, fraction) = Assert.Single(starts);
        Assert.Equal((0, 1.0), (number, fraction));
        var trials = results[0].Trials;
        Assert.Equal(HyperbandTrials + 1, trials.Count);
        var first = Assert.Single(trials, t => t.Configuration.IsStartingPoint);
        Assert.Equal((0, "complete", -1.0, (double?)null, worker), (first.Number, first.State, first.Value!.Value, first.Budget, first.WorkerId));
        Assert.DoesNotContain(results[0].Rungs, r => r.Trial == 0);
        // It beats every full-budget rung winner here, so both workers pin it.
        Assert.All(results, r => Assert.Equal(0, r.Best!.Number));

        // The rest is the single-process study with its starting point: same configurations (random: seed and number), same verdicts.
        var dir = Directory.CreateTempSubdirectory("pg-halving-start-reference-").FullName;
        try
        {
            using var journal = new TuningJournal(Path.Combine(dir, "tune.db"));
            var reference = study with { Id = "reference" };
            journal.CreateStudy(reference);
            var single = HalvingRunner.RunAsync(reference, Space, Hyperband, new RandomSampler(3), journal, HyperbandTrials, null, 1,
                (_, c, f, _) => Task.FromResult(c.IsStartingPoint ? new TrialOutcome(-1, 0.01, 3) : Rung(c, f)), null, null, CancellationToken.None, killRunningAtDeadline: false).GetAwaiter().GetResult();
            Assert.Equal(Verdicts(single), Verdicts(results[0]));
            Assert.Equal(Evaluations(single.Rungs), Evaluations(results[0].Rungs));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }
}
