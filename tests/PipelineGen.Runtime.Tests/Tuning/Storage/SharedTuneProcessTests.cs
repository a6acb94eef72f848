using System.Diagnostics;
using System.Globalization;
using PipelineGen.Runtime.Tuning;
using PipelineGen.Runtime.Tuning.Storage;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning.Storage;

/// <summary>
/// Three real <c>tune</c> processes (tests/PipelineGen.FaultHost: the tunable Titanic stand-in behind
/// <c>PipelineApp.Run</c>) join one study in a real PostgreSQL; one is killed with SIGKILL in the middle of a trial.
/// The survivors must mark its trial lost, run it again (--retry-lost), spend exactly the study's budget, and pin the
/// best finished trial in the lock file.
/// </summary>
public sealed class SharedTuneProcessTests : IDisposable
{
    private readonly TuneWorkerProcesses _workers = new();

    public void Dispose() => _workers.Dispose();

    [SkippableFact]
    public void Three_workers_share_a_study_one_is_killed_mid_trial_and_every_trial_is_accounted_for()
    {
        const int Budget = 8;
        var connection = PostgresServer.Shared.NewDatabase();
        string[] args = ["--storage", connection, "--trials", Budget.ToString(CultureInfo.InvariantCulture), "--retry-lost", "--heartbeat-timeout", "8s"]; // 8 s: on a loaded machine a live worker's beat can be seconds late
        var workers = Enumerable.Range(0, 3).Select(_ => _workers.Start(args)).ToArray();
        var victim = workers[1].Process;

        // Wait until the victim holds a running trial, then kill it (SIGKILL: no chance to clean up).
        using var storage = new PostgresStudyStorage(connection);
        var clock = Stopwatch.StartNew();
        RunningTrial? killedTrial = null;
        var seen = new HashSet<string>();
        while (killedTrial is null)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), "the victim never started a trial");
            // (The message is built only on failure: reading the output waits for the process to end.)
            if (victim.HasExited) Assert.Fail($"the victim (pid {victim.Id}) exited before it was seen running a trial; seen: {string.Join(", ", seen)}. {workers[1].Output.Result}");
            var latest = storage.LatestStudy("Titanic");
            if (latest is { } s)
            {
                var st = storage.Status(s.Id);
                var running = st.Running;
                seen.UnionWith(running.Select(r => r.WorkerId));
                killedTrial = running.FirstOrDefault(r => r.WorkerId.Contains($":{victim.Id}:", StringComparison.Ordinal));
            }
            if (killedTrial is null) Thread.Sleep(100);
        }
        victim.Kill(); // SIGKILL on Linux
        victim.WaitForExit();

        foreach (var survivor in workers.Where(w => w.Process != victim))
            TuneWorkerProcesses.AssertSucceeds(survivor, TimeSpan.FromMinutes(4), "a surviving worker did not finish");

        var study = storage.LatestStudy("Titanic")!;
        var status = storage.Status(study.Id);
        var trials = status.Finished;
        Assert.Empty(status.Running);
        Assert.Equal(Enumerable.Range(0, trials.Count), trials.Select(t => t.Number));
        // The killed trial: failed as lost, and run again exactly once with the same configuration.
        var lost = Assert.Single(trials, t => t.Lost);
        Assert.Equal(killedTrial.Number, lost.Number);
        Assert.StartsWith("worker lost:", lost.Error);
        var retry = Assert.Single(trials, t => t.RetryOf is not null);
        Assert.Equal(lost.Number, retry.RetryOf);
        Assert.Equal(TuningJournal.ParamsJson(lost.Configuration), TuningJournal.ParamsJson(retry.Configuration));
        Assert.NotEqual(lost.WorkerId, retry.WorkerId);
        // The budget is the study's: every slot is a finished trial, the retry taking the lost one's place.
        Assert.Equal(Budget + 1, trials.Count);
        Assert.All(trials.Where(t => !t.Lost), t => Assert.Contains(t.State, new[] { "complete", "failed" }));
        // No configuration evaluated twice, apart from the retry of the lost one.
        Assert.Equal(Budget, trials.Where(t => !t.Lost).Select(t => TuningJournal.ParamsJson(t.Configuration)).Distinct().Count());
        // Every surviving worker ran trials, and the killed one had started at least the one it lost.
        Assert.True(trials.Select(t => t.WorkerId).Distinct().Count() >= 2, "the study was not shared");
        Assert.Equal(3, status.Workers.Count);

        // The pinned winner is the best finished trial.
        var best = trials.Where(t => t.State == "complete").OrderBy(t => study.HigherIsBetter ? -t.Value!.Value : t.Value!.Value).ThenBy(t => t.Number).First();
        var lockText = File.ReadAllText(Path.Combine(_workers.Project, "pipeline.lock.yaml"));
        Assert.Contains($"  id: '{study.Id}'", lockText);
        Assert.Contains($"  search_score: {best.Value!.Value.ToString("R", CultureInfo.InvariantCulture)}", lockText);
        Assert.Contains($"  leaves: {Math.Round(best.Configuration["leaves"]).ToString(CultureInfo.InvariantCulture)}", lockText);
        Assert.Contains($"  learning_rate: {best.Configuration["learning_rate"].ToString("R", CultureInfo.InvariantCulture)}", lockText);

        // tune --status reads the finished study from the storage.
        var (statusProcess, statusOutput) = _workers.Start("--status", "--storage", connection);
        Assert.True(statusProcess.WaitForExit(TimeSpan.FromMinutes(1)));
        statusProcess.WaitForExit();
        Assert.Equal(0, statusProcess.ExitCode);
        Assert.Contains($"Best so far: trial {best.Number + 1}, {study.Metric} {PipelineTuner.F(best.Value.Value)}", statusOutput.Result);
        Assert.Contains("(1 lost), 1 retried, 0 running", statusOutput.Result);
    }
}
