using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Tuning;
using PipelineGen.Runtime.Tuning.Storage;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning.Storage;

/// <summary>
/// What every <see cref="IStudyStorage"/> must do, run against both implementations (SQLite file, real PostgreSQL):
/// claims under contention from separate connections, heartbeats and lost trials, retries, budget accounting, status.
/// </summary>
public abstract partial class StudyStorageContract : IDisposable
{
    /// <summary>A new storage on the same database as every other call of this test (a new connection: another worker).</summary>
    private protected abstract IStudyStorage Open(); // private protected: the storage types are internal to the runtime

    public virtual void Dispose() { }

    private protected static readonly SearchSpace Space = new([
        SearchParameter.Range("x", HyperparameterType.Float, -5, 5),
        SearchParameter.Range("y", HyperparameterType.Float, -5, 5),
    ]);

    private static double F(Configuration c) => Math.Pow(c["x"] - 1, 2) + Math.Pow(c["y"] + 2, 2);

    private protected static StudyInfo NewStudy(int trials, string id = "shared-test") =>
        new(id, "P", "spec", "data", Space.Fingerprint(), "random", 3, "rmse", false, DateTimeOffset.UtcNow) { TrialBudget = trials };

    private static ClaimedTrial? ClaimNext(IStudyStorage storage, string studyId, string worker, bool retry = false, ISampler? sampler = null) =>
        storage.Claim(studyId, worker, c => SharedStudyRunner.Decide(c, Space, sampler ?? new RandomSampler(3), retry, out _));

    private static TrialRecord Complete(ClaimedTrial t, string worker) =>
        new(t.Number, t.Configuration, "complete", F(t.Configuration), 0.1, 3, null, TimeSpan.FromMilliseconds(5)) { WorkerId = worker };

    [SkippableFact]
    public void Join_creates_the_study_once_and_a_later_worker_gets_the_first_workers_budget()
    {
        using var a = Open();
        using var b = Open();
        var first = a.JoinStudy(NewStudy(12));
        var second = b.JoinStudy(NewStudy(99));
        Assert.Equal(12, first.TrialBudget);
        Assert.Equal(12, second.TrialBudget);
        Assert.Equal(first.CreatedUtc, second.CreatedUtc);
        Assert.Equal("shared-test", b.LatestStudy("P")!.Id);
    }

    [SkippableFact]
    public void A_claimed_trial_is_running_not_a_result_until_its_worker_finishes_it()
    {
        using var s = Open();
        var study = s.JoinStudy(NewStudy(5));
        s.RegisterWorker(study.Id, new WorkerInfo("w1", "host-a", 101));
        var claim = ClaimNext(s, study.Id, "w1")!;
        Assert.Equal(0, claim.Number);
        Assert.Empty(s.Trials(study.Id));
        var status = s.Status(study.Id);
        Assert.Equal([0], status.Running.Select(r => r.Number));
        Assert.Equal("w1", status.Running[0].WorkerId);
        Assert.Equal(["w1"], status.Workers.Select(w => w.Id));

        Assert.False(s.Finish(study.Id, "someone-else", Complete(claim, "someone-else")));
        Assert.True(s.Finish(study.Id, "w1", Complete(claim, "w1")));
        var trial = Assert.Single(s.Trials(study.Id));
        Assert.Equal(("complete", "w1"), (trial.State, trial.WorkerId));
        Assert.Equal(F(claim.Configuration), trial.Value);
        Assert.Empty(s.Status(study.Id).Running);
    }

    [SkippableFact]
    public void Racing_workers_on_separate_connections_never_claim_the_same_trial_and_spend_the_budget_exactly()
    {
        const int Budget = 60, Workers = 8;
        using (var setup = Open()) setup.JoinStudy(NewStudy(Budget));
        var claims = new System.Collections.Concurrent.ConcurrentBag<(string Worker, ClaimedTrial Trial)>();
        using var gate = new Barrier(Workers);
        var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        var threads = Enumerable.Range(0, Workers).Select(w => new Thread(() =>
        {
            try
            {
                using var storage = Open();
                gate.SignalAndWait();
                while (ClaimNext(storage, "shared-test", $"w{w}") is { } claim)
                {
                    claims.Add(($"w{w}", claim));
                    if (claim.Number % 3 == 0) storage.Finish("shared-test", $"w{w}", Complete(claim, $"w{w}")); // some finished, some still running
                }
            }
            catch (Exception e) { errors.Add(e); }
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) Assert.True(t.Join(TimeSpan.FromMinutes(2)), "a claiming worker hung");
        // Without the claim's lock two workers compute the same next number and one insert fails on the primary key.
        Assert.Empty(errors);

        Assert.Equal(Budget, claims.Count);
        Assert.Equal(Enumerable.Range(0, Budget), claims.Select(c => c.Trial.Number).Order());
        Assert.Equal(Budget, claims.Select(c => TuningJournal.ParamsJson(c.Trial.Configuration)).Distinct().Count());
        using var check = Open();
        var status = check.Status("shared-test");
        Assert.Equal(Budget / 3, status.Finished.Count);
        Assert.Equal(Budget - Budget / 3, status.Running.Count);
        // Each running row belongs to the worker that got the claim.
        var owner = claims.ToDictionary(c => c.Trial.Number, c => c.Worker);
        Assert.All(status.Running, r => Assert.Equal(owner[r.Number], r.WorkerId));
    }

    [SkippableFact]
    public void A_silent_workers_trial_is_marked_lost_once_and_retried_once_in_its_place_in_the_budget()
    {
        using var a = Open();
        using var b = Open();
        using var c = Open();
        var study = a.JoinStudy(NewStudy(3));
        var dead = ClaimNext(a, study.Id, "dead")!;
        var alive = ClaimNext(b, study.Id, "alive")!;
        var timeout = TimeSpan.FromSeconds(1.5);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < timeout + TimeSpan.FromSeconds(1))
        {
            b.Heartbeat(study.Id, "alive", [alive.Number]);
            Thread.Sleep(250);
        }
        // Two workers check at once: the trial is marked by exactly one of them.
        var marked = new[] { Task.Run(() => b.MarkLost(study.Id, timeout)), Task.Run(() => c.MarkLost(study.Id, timeout)) }.SelectMany(t => t.Result).ToArray();
        Assert.Equal([dead.Number], marked);
        var lost = Assert.Single(c.Trials(study.Id));
        Assert.True(lost.Lost);
        Assert.Equal("failed", lost.State);
        Assert.StartsWith("worker lost: dead sent no heartbeat for", lost.Error);
        Assert.Equal([alive.Number], c.Status(study.Id).Running.Select(r => r.Number));

        // Without --retry-lost the lost trial counts as a failed one: one trial of the budget is left.
        var fresh = ClaimNext(c, study.Id, "c")!;
        Assert.Null(fresh.RetryOf);
        Assert.Null(ClaimNext(c, study.Id, "c"));
        // With it, the lost configuration runs again (once, whoever asks first) and takes the lost trial's place.
        var retries = new[] { Task.Run(() => ClaimNext(b, study.Id, "alive", retry: true)), Task.Run(() => ClaimNext(c, study.Id, "c", retry: true)) }.Select(t => t.Result).ToArray();
        var retry = Assert.Single(retries, r => r is not null)!;
        Assert.Equal(dead.Number, retry.RetryOf);
        Assert.Equal(TuningJournal.ParamsJson(dead.Configuration), TuningJournal.ParamsJson(retry.Configuration));
        Assert.Null(ClaimNext(c, study.Id, "c", retry: true));
    }

    [SkippableFact]
    public void A_result_that_arrives_after_its_trial_was_marked_lost_is_kept()
    {
        using var s = Open();
        var study = s.JoinStudy(NewStudy(2));
        var slow = ClaimNext(s, study.Id, "slow")!;
        Thread.Sleep(1200);
        Assert.Equal([slow.Number], s.MarkLost(study.Id, TimeSpan.FromSeconds(1)));
        Assert.True(s.Finish(study.Id, "slow", Complete(slow, "slow")));
        var trial = Assert.Single(s.Trials(study.Id));
        Assert.Equal("complete", trial.State);
        Assert.False(trial.Lost);
    }

    [SkippableFact]
    public void Three_worker_loops_on_separate_connections_share_one_study_and_every_trial_is_accounted_for()
    {
        const int Budget = 24;
        using (var setup = Open()) setup.JoinStudy(NewStudy(Budget) with { Strategy = "bayesian" });
        var loops = Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
        {
            using var storage = Open();
            var study = storage.JoinStudy(NewStudy(Budget) with { Strategy = "bayesian" });
            var options = new SharedRunOptions(new WorkerInfo($"loop{w}", "h", w)) { HeartbeatTimeout = TimeSpan.FromSeconds(3) };
            return await SharedStudyRunner.RunAsync(storage, study, Space, new TpeSampler(5, startupTrials: 6), options,
                async (n, c, ct) => { await Task.Delay(20 + (n * 37 + w * 11) % 60, ct); return new TrialOutcome(F(c), 0.01, 3); }, null, CancellationToken.None);
        })).ToArray();
        Assert.True(Task.WaitAll(loops, TimeSpan.FromMinutes(2)), "the worker loops did not finish");
        var results = loops.Select(l => l.Result).ToArray();
        Assert.Equal(Budget, results.Sum(r => r.NewTrials));
        Assert.All(results, r => Assert.Equal(Enumerable.Range(0, Budget), r.Trials.Select(t => t.Number)));
        Assert.All(results, r => Assert.All(r.Trials, t => Assert.Equal("complete", t.State)));
        Assert.Equal(Budget, results[0].Trials.Select(t => TuningJournal.ParamsJson(t.Configuration)).Distinct().Count());
        // Every worker saw the same finished study, so each pins the same winner.
        Assert.Single(results.Select(r => r.Best!.Number).Distinct());
        Assert.True(results.All(r => r.Trials.Select(t => t.WorkerId).Distinct().Count() >= 2), "the trials were not shared between the loops");
    }

    [SkippableFact]
    public void The_status_shows_workers_running_finished_lost_and_the_best_in_80_columns()
    {
        using var s = Open();
        var study = s.JoinStudy(NewStudy(10) with { TimeBudget = TimeSpan.FromMinutes(10) });
        s.RegisterWorker(study.Id, new WorkerInfo("a-very-long-host-name.example.internal:123456:abcdef", "a-very-long-host-name.example.internal", 123456));
        var t0 = ClaimNext(s, study.Id, "a-very-long-host-name.example.internal:123456:abcdef")!;
        s.Finish(study.Id, "a-very-long-host-name.example.internal:123456:abcdef", Complete(t0, "x"));
        var t1 = ClaimNext(s, study.Id, "gone")!;
        Thread.Sleep(1100);
        s.MarkLost(study.Id, TimeSpan.FromSeconds(1));
        ClaimNext(s, study.Id, "a-very-long-host-name.example.internal:123456:abcdef");
        var lines = TuningCommandContributor.StatusLines(s.Status(study.Id), s.Location);
        Assert.All(lines, l => Assert.True(l.Length <= 80, $"{l.Length} columns: {l}"));
        var text = string.Join('\n', lines);
        Assert.Contains("Trials: 1 complete, 1 failed (1 lost), 0 retried, 1 running", text);
        Assert.Contains($"Best so far: trial 1, rmse {PipelineTuner.F(F(t0.Configuration))}", text);
        Assert.Contains("Workers (1):", text);
        Assert.Contains("trial 3", text);
        Assert.Contains($"Lost: trial {t1.Number + 1}: worker lost: gone", text);
        Assert.Contains("min left", text);
    }
}

/// <summary>The contract on the embedded SQLite journal (each <see cref="Open"/> is another connection to one file).</summary>
public sealed class SqliteStudyStorageTests : StudyStorageContract
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pg-sqlite-storage-").FullName;

    private protected override IStudyStorage Open() => new TuningJournal(Path.Combine(_dir, "tune.db"));

    public override void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}

/// <summary>The contract on a real PostgreSQL server (a database of its own per test), at the server's default isolation.</summary>
public sealed class PostgresStudyStorageTests : StudyStorageContract
{
    private readonly Lazy<string> _database = new(() => PostgresServer.Shared.NewDatabase());

    private protected override IStudyStorage Open() => new PostgresStudyStorage(_database.Value);

    [SkippableFact]
    public void The_schema_is_created_once_by_workers_starting_together_and_its_version_recorded()
    {
        var opens = Enumerable.Range(0, 6).Select(_ => Task.Run(() => { using var s = Open(); return s.Location; })).ToArray();
        Task.WaitAll(opens);
        using var c = new Npgsql.NpgsqlConnection(_database.Value);
        c.Open();
        using var q = new Npgsql.NpgsqlCommand("SELECT string_agg(version::text, ',') FROM pipelinegen_schema_version", c);
        Assert.Equal("1,2,3", q.ExecuteScalar());
        using var iso = new Npgsql.NpgsqlCommand("SHOW default_transaction_isolation", c);
        Assert.Equal("read committed", iso.ExecuteScalar());
        Assert.DoesNotContain("Password", opens[0].Result, StringComparison.OrdinalIgnoreCase);
    }

    [SkippableFact]
    public void A_storage_that_cannot_be_reached_is_a_clear_error_without_the_password()
    {
        var e = Assert.Throws<PipelineGen.Runtime.Evaluation.EvaluationException>(() => new PostgresStudyStorage("Host=127.0.0.1;Port=1;Username=tuner;Password=s3cret;Database=x;Timeout=3"));
        Assert.Contains("could not open the tuning storage postgresql://tuner@127.0.0.1:1/x", e.Message);
        Assert.DoesNotContain("s3cret", e.Message);
    }
}
