using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using PipelineGen.Runtime.Tests.Training;
using PipelineGen.Runtime.Tuning;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning;

/// <summary>
/// <c>tune --workers</c> with real persistent worker processes (tests/PipelineGen.FaultHost: the tunable Titanic
/// stand-in behind <c>PipelineApp.Run</c>, LightGBM with one thread, 4-fold CV): a worker is started once and serves
/// many trials, with the values of in-process trials; a worker killed mid-trial fails only that trial; the time budget
/// ends a running worker; a worker whose stdin closes (its parent is gone) exits, even in the middle of a trial.
/// </summary>
public sealed class PersistentWorkerTests : IDisposable
{
    private static readonly string HostDll = typeof(PersistentWorkerTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "FaultHost").Value!;

    private static readonly TuningSettings Tuning = new()
    {
        Space =
        [
            SearchParameter.Range("leaves", HyperparameterType.Int, 2, 32, log: true),
            SearchParameter.Range("learning_rate", HyperparameterType.Float, 0.05, 0.3, log: true),
        ],
    };

    /// <summary>A trial that takes minutes (so a kill or the budget certainly meets it running).</summary>
    private static readonly Configuration Slow = new()
    {
        ["leaves"] = 64, ["iterations"] = 100_000, ["learning_rate"] = 0.01, ["min_examples_per_leaf"] = 2,
    };

    private readonly string _project = TitanicTestPipeline.NewProjectDirectory();
    private readonly List<Process> _processes = [];

    private string Data => Path.Combine(_project, "titanic_train.csv");

    public void Dispose()
    {
        foreach (var p in _processes) { try { if (!p.HasExited) p.Kill(true); } catch (InvalidOperationException) { } p.Dispose(); }
        Directory.Delete(_project, recursive: true);
    }

    private WorkerCommand Host()
    {
        Assert.True(File.Exists(HostDll), $"the fault host was not built: {HostDll}");
        return new WorkerCommand("dotnet", [HostDll, _project]);
    }

    private static StudyInfo NewStudy(string id, SearchSpace space) =>
        new(id, "Titanic", "s", "d", space.Fingerprint(), "random", 3, "auc", true, DateTimeOffset.UtcNow);

    private static bool Gone(int pid)
    {
        try { using var p = Process.GetProcessById(pid); return p.HasExited; }
        catch (ArgumentException) { return true; }
    }

    [Fact]
    public async Task Six_trials_through_two_persistent_workers_start_two_processes_and_give_the_in_process_values()
    {
        var space = new SearchSpace(Tuning.Space);
        var study = NewStudy("w", space);
        using var journal = new TuningJournal(Path.Combine(_project, "w.db"));
        journal.CreateStudy(study);
        int[] started;
        StudyResult result;
        IReadOnlyDictionary<int, int> answeredBy;
        using (var executor = new ProcessTrialExecutor(Host(), Data, null, "auc"))
        {
            result = await StudyRunner.RunAsync(study, space, new RandomSampler(3), journal, 6, null, 2, executor.Execute, null,
                CancellationToken.None, killRunningAtDeadline: true);
            started = executor.StartedProcessIds.ToArray();
            answeredBy = executor.TrialWorkers;
        }

        Assert.All(result.Trials, t => Assert.True(t.State == "complete", $"trial {t.Number}: {t.State} {t.Error}"));
        Assert.Equal(6, result.Trials.Count);
        // Two processes served all six trials (each answer names the process that ran it) ...
        Assert.Equal(2, started.Length);
        Assert.Equal(started.Order(), answeredBy.Values.Distinct().Order());
        Assert.Equal(6, answeredBy.Count);
        // ... and they are gone once the executor is disposed (their stdin closed).
        Assert.All(started, pid => Assert.True(SpinWait.SpinUntil(() => Gone(pid), TimeSpan.FromSeconds(30)), $"worker {pid} still runs"));

        // The same values as the same configurations evaluated in this process: nothing leaks from one trial to the next.
        var pipeline = new TunableTitanicPipeline(_project, Tuning);
        foreach (var trial in result.Trials)
        {
            var expected = PipelineTuner.Evaluate(pipeline, trial.Configuration, Data, null, "auc");
            Assert.Equal(expected.Value, trial.Value);
            Assert.Equal(expected.StdDev, trial.StdDev);
            Assert.Equal(4, trial.Splits);
        }
    }

    [Fact]
    public async Task A_worker_killed_in_the_middle_of_a_trial_fails_that_trial_and_the_next_one_runs_on_a_new_worker()
    {
        using var executor = new ProcessTrialExecutor(Host(), Data, null, "auc");
        var quick = new Configuration { ["leaves"] = 4 };
        var first = await executor.Execute(0, quick, CancellationToken.None);
        int victim = executor.TrialWorkers[0];

        var slow = executor.Execute(1, Slow, CancellationToken.None);
        Assert.Single(executor.StartedProcessIds); // the slow trial went to the same, idle worker
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(slow.IsCompleted, "the slow trial finished before it could be killed");
        using (var process = Process.GetProcessById(victim)) process.Kill(); // SIGKILL, like a native crash
        var error = await Assert.ThrowsAsync<TrialFailedException>(() => slow);
        Assert.StartsWith("the worker process exited with code 137 without a result (", error.Message);

        var next = await executor.Execute(2, quick, CancellationToken.None);
        Assert.Equal(first, next);
        Assert.NotEqual(victim, executor.TrialWorkers[2]);
        Assert.Equal(2, executor.StartedProcessIds.Count);
    }

    [Fact]
    public async Task The_time_budget_ends_a_trial_running_in_a_persistent_worker()
    {
        var space = new SearchSpace(Tuning.Space);
        var study = NewStudy("t", space);
        using var journal = new TuningJournal(Path.Combine(_project, "t.db"));
        journal.CreateStudy(study);
        using var executor = new ProcessTrialExecutor(Host(), Data, null, "auc");
        // A first trial outside the study: the worker is up and idle, so the study's trial runs in a process that already served one.
        await executor.Execute(99, new Configuration { ["leaves"] = 4 }, CancellationToken.None);
        int worker = Assert.Single(executor.StartedProcessIds);

        var clock = Stopwatch.StartNew();
        var result = await StudyRunner.RunAsync(study, space, new RandomSampler(3), journal, 3, TimeSpan.FromSeconds(5), 1,
            (n, _, ct) => executor.Execute(n, Slow, ct), null, CancellationToken.None, killRunningAtDeadline: true);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the running trial was not ended ({clock.Elapsed})");
        Assert.Equal(StopReason.TimeBudget, result.StopReason);
        var trial = Assert.Single(journal.Trials("t"));
        Assert.Equal("stopped", trial.State);
        Assert.StartsWith("stopped by the time budget after ", trial.Error);
        Assert.Equal(worker, Assert.Single(executor.StartedProcessIds)); // the trial ran in the persistent worker ...
        Assert.True(SpinWait.SpinUntil(() => Gone(worker), TimeSpan.FromSeconds(30)), "the worker process still runs"); // ... which was ended
    }

    private Process StartWorker()
    {
        Assert.True(File.Exists(HostDll), $"the fault host was not built: {HostDll}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { HostDll, _project, "tune-worker" }) start.ArgumentList.Add(a);
        start.Environment.Remove("PIPELINEGEN_PARENT_PID"); // only stdin tells this worker its parent is gone
        var process = Process.Start(start)!;
        _processes.Add(process);
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }

    private string RequestLine(Configuration configuration) =>
        JsonSerializer.Serialize(new TrialRequest(new Dictionary<string, double>(configuration), Data, null, "auc"));

    private static async Task<TrialResponse?> ReadResponse(Process process)
    {
        string? line;
        while ((line = await process.StandardOutput.ReadLineAsync()) is not null)
        {
            int at = line.IndexOf(TrialWorker.ResultMarker, StringComparison.Ordinal);
            if (at >= 0) return JsonSerializer.Deserialize<TrialResponse>(line[(at + TrialWorker.ResultMarker.Length)..]);
        }
        return null;
    }

    private static async Task Send(Process process, string line)
    {
        await process.StandardInput.WriteLineAsync(line);
        await process.StandardInput.FlushAsync();
    }

    [Fact]
    public async Task A_worker_answers_on_stdout_and_exits_when_its_stdin_closes_between_trials()
    {
        var process = StartWorker();
        var quick = new Configuration { ["leaves"] = 4 };
        await Send(process, RequestLine(quick));
        var response = await ReadResponse(process);
        Assert.NotNull(response);
        Assert.Equal(process.Id, response.WorkerPid);
        Assert.Null(response.Error);
        Assert.Equal(PipelineTuner.Evaluate(new TunableTitanicPipeline(_project, Tuning), quick, Data, null, "auc").Value, response.Value);

        process.StandardInput.Close();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "the worker did not exit when its stdin closed");
        Assert.Equal(0, process.ExitCode);
    }

    [Fact]
    public async Task A_worker_whose_stdin_closes_in_the_middle_of_a_trial_exits_without_finishing_it()
    {
        var process = StartWorker();
        await Send(process, RequestLine(new Configuration { ["leaves"] = 4 }));
        Assert.NotNull(await ReadResponse(process)); // up and warm
        await Send(process, RequestLine(Slow));
        await Task.Delay(TimeSpan.FromSeconds(2)); // the slow trial is running
        process.StandardInput.Close(); // what the tune process's death does to the pipe
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "the worker kept running its trial after its stdin closed");
        Assert.Null(await ReadResponse(process)); // it ended without answering the slow trial
    }
}
