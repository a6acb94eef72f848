using PipelineGen.Runtime.Tuning;
using PipelineGen.Runtime.Tuning.Storage;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning.Storage;

/// <summary>
/// Issue 17: the time budget of a shared halving study ends a running rung evaluation. Its trial gets the verdict the
/// single-process runner gives (stopped, no value, the rung's share as its budget) instead of vanishing from the
/// trials that <c>tune</c>, <c>tune --status</c> and the study report count.
/// </summary>
public abstract partial class StudyStorageContract
{
    private static readonly TimeSpan StopBudget = TimeSpan.FromSeconds(5);

    /// <summary>Trial 0's lowest rung finishes at once; any other evaluation runs until the time budget ends it.</summary>
    private static async Task<TrialOutcome> UntilTheDeadline(int number, Configuration c, double fraction, CancellationToken deadline)
    {
        if (number > 0) await Task.Delay(Timeout.Infinite, deadline);
        return Rung(c, fraction);
    }

    [SkippableFact]
    public void The_time_budget_ending_a_shared_rung_evaluation_gives_its_trial_the_single_process_stopped_verdict()
    {
        using (var setup = Open()) setup.JoinStudy(HalvingStudy(HyperbandTrials, "shared-halving-stop") with { TimeBudget = StopBudget });
        using var storage = Open();
        var study = storage.LatestStudy("P")!;
        var options = new SharedRunOptions(new WorkerInfo("w1", "h", 1)) { HeartbeatTimeout = TimeSpan.FromSeconds(30), KillRunningAtDeadline = true };
        var reported = new List<TrialRecord>();
        var shared = SharedHalvingRunner.RunAsync(storage, study, Space, Hyperband, new TpeSampler(7, startupTrials: 4), options,
            UntilTheDeadline, (t, _) => reported.Add(t), null, CancellationToken.None).GetAwaiter().GetResult();

        Assert.Equal(StopReason.TimeBudget, shared.StopReason);
        var stopped = Assert.Single(shared.Trials);
        Assert.Equal((1, "stopped", (double?)null), (stopped.Number, stopped.State, stopped.Value));
        Assert.Equal(1.0 / 9, stopped.Budget!.Value, 12); // the lowest rung of the first bracket: a ninth of each training fold
        Assert.Equal("w1", stopped.WorkerId);
        Assert.StartsWith("stopped by the time budget after ", stopped.Error);
        Assert.Contains("no worker runs it again", stopped.Error);
        Assert.Equal(1, shared.NewTrials);
        Assert.Equal(new[] { 1 }, reported.Select(t => t.Number));
        // The rung row says the same; trial 0's finished rung waits for a promotion that never comes, so it has no verdict.
        var rows = storage.RungRows(study.Id).Where(r => r.State != "pending").OrderBy(r => r.Trial).ToArray();
        Assert.Equal(new[] { "0/0 complete", "1/0 stopped" }, rows.Select(r => $"{r.Trial}/{r.Rung} {r.State}"));
        Assert.Equal(stopped.Error, rows[1].Error);

        // The single-process runner on the same schedule, seed and evaluations records the same verdict.
        var dir = Directory.CreateTempSubdirectory("pg-halving-stop-reference-").FullName;
        try
        {
            using var journal = new TuningJournal(Path.Combine(dir, "tune.db"));
            var reference = HalvingStudy(HyperbandTrials, "reference");
            journal.CreateStudy(reference);
            var single = HalvingRunner.RunAsync(reference, Space, Hyperband, new TpeSampler(7, startupTrials: 4), journal, HyperbandTrials, StopBudget, 1,
                UntilTheDeadline, null, null, CancellationToken.None, killRunningAtDeadline: true).GetAwaiter().GetResult();
            Assert.Equal(StopReason.TimeBudget, single.StopReason);
            Assert.Equal(Verdicts(single), Verdicts(shared));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }
}
