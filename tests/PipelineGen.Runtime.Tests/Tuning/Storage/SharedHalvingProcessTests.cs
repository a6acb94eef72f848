using System.Diagnostics;
using System.Globalization;
using PipelineGen.Runtime.Tuning;
using PipelineGen.Runtime.Tuning.Storage;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning.Storage;

/// <summary>
/// Three real <c>tune --strategy hyperband --storage</c> processes (tests/PipelineGen.FaultHost: the tunable Titanic
/// stand-in) share one Hyperband study in a real PostgreSQL; one is killed with SIGKILL while it runs a rung
/// evaluation. The survivors must find it by heartbeat, run that evaluation again (--retry-lost), promote every rung,
/// give each trial exactly one verdict, and pin the best complete trial.
/// </summary>
public sealed class SharedHalvingProcessTests : IDisposable
{
    private readonly TuneWorkerProcesses _workers =
        new(new Dictionary<string, string> { ["PIPELINEGEN_FAULTHOST_ITERATIONS"] = "150" }); // fits long enough to be caught running

    public void Dispose() => _workers.Dispose();

    [SkippableFact]
    public void Three_hyperband_workers_share_the_brackets_one_is_killed_mid_rung_and_every_trial_gets_one_verdict()
    {
        const int Budget = 12;
        var connection = PostgresServer.Shared.NewDatabase();
        string[] args = ["--storage", connection, "--strategy", "hyperband", "--trials", Budget.ToString(CultureInfo.InvariantCulture), "--retry-lost", "--heartbeat-timeout", "8s"];
        var workers = Enumerable.Range(0, 3).Select(_ => _workers.Start(args)).ToArray();
        var victim = workers[1].Process;

        using var storage = new PostgresStudyStorage(connection);
        var clock = Stopwatch.StartNew();
        RungRow? killed = null;
        while (killed is null)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), "the victim never started a rung evaluation");
            if (victim.HasExited) Assert.Fail($"the victim (pid {victim.Id}) exited before it was seen running an evaluation. {workers[1].Output.Result}");
            if (storage.LatestStudy("Titanic") is { } s)
                killed = storage.RungRows(s.Id).FirstOrDefault(r => r.State == "running" && r.WorkerId!.Contains($":{victim.Id}:", StringComparison.Ordinal));
            if (killed is null) Thread.Sleep(50);
        }
        victim.Kill(); // SIGKILL on Linux
        victim.WaitForExit();

        foreach (var survivor in workers.Where(w => w.Process != victim))
            TuneWorkerProcesses.AssertSucceeds(survivor, TimeSpan.FromMinutes(4), "a surviving worker did not finish");

        var study = storage.LatestStudy("Titanic")!;
        Assert.Equal("hyperband", study.Strategy);
        Assert.StartsWith("eta=3;levels=", study.Options);
        var rows = storage.RungRows(study.Id);
        var status = storage.Status(study.Id);
        Assert.Empty(status.Running);
        // The killed evaluation was found by heartbeat and run again once, by a survivor. (On an overloaded machine a live
        // worker's heartbeat can be late too: its evaluation is then retried as well, never more than once.)
        var again = rows.Single(r => (r.Trial, r.Rung) == (killed.Trial, killed.Rung));
        Assert.Equal(2, again.Attempts);
        Assert.NotEqual(killed.WorkerId, again.WorkerId);
        Assert.All(rows, r => Assert.InRange(r.Attempts, 1, 2));
        Assert.All(rows, r => Assert.Contains(r.State, new[] { "complete", "failed" }));
        // Every trial of the budget has exactly one verdict, and so has trial 1, the starting point (claimed by one
        // worker, at the full budget); complete ones were measured on all the rows.
        var trials = status.Finished;
        Assert.Equal(Enumerable.Range(0, Budget + 1), trials.Select(t => t.Number));
        Assert.True(trials[0].Configuration.IsStartingPoint);
        Assert.Single(rows, r => r.Bracket == SharedHalving.StartingBracket);
        Assert.All(trials, t => Assert.Contains(t.State, new[] { "complete", "pruned", "failed" }));
        Assert.Contains(trials, t => t.State == "pruned");
        Assert.All(trials.Where(t => t.State == "complete"), t => Assert.Null(t.Budget));
        Assert.DoesNotContain(trials, t => t.Lost);
        // The brackets were shared: evaluations by at least two workers.
        Assert.True(rows.Select(r => r.WorkerId).Distinct().Count() >= 2, "the brackets were not shared");

        var best = trials.Where(t => t.State == "complete").OrderBy(t => study.HigherIsBetter ? -t.Value!.Value : t.Value!.Value).ThenBy(t => t.Number).First();
        var lockText = File.ReadAllText(Path.Combine(_workers.Project, "pipeline.lock.yaml"));
        Assert.Contains($"  id: '{study.Id}'", lockText);
        Assert.Contains($"  search_score: {best.Value!.Value.ToString("R", CultureInfo.InvariantCulture)}", lockText);
        Assert.Contains($"  leaves: {Math.Round(best.Configuration["leaves"]).ToString(CultureInfo.InvariantCulture)}", lockText);
    }
}
