using System.Text.Json;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Tests.Training;
using PipelineGen.Runtime.Tuning;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning;

/// <summary>Parallel trials: the scheduling window, the worker protocol, and the worker process plumbing.</summary>
public sealed class WorkerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pg-workers-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly SearchSpace Space = new([
        SearchParameter.Range("x", HyperparameterType.Float, -5, 5),
        SearchParameter.Range("y", HyperparameterType.Float, -5, 5),
    ]);

    private static StudyInfo NewStudy(string id) => new(id, "P", "s", "d", Space.Fingerprint(), "bayesian", 9, "rmse", false, DateTimeOffset.UtcNow);

    private static double F(Configuration c) => Math.Pow(c["x"] - 1, 2) + Math.Pow(c["y"] + 2, 2);

    /// <summary>An executor whose trials finish after a delay that depends on <paramref name="pattern"/>: completion order varies.</summary>
    private static StudyRunner.TrialExecutor Delayed(int pattern) => async (number, config, ct) =>
    {
        await Task.Delay(((number * 7 + pattern * 13) % 5) * 15, ct);
        return new TrialOutcome(F(config), null, 1);
    };

    private StudyResult RunParallel(string id, int trials, int pattern, CancellationToken ct = default, string? db = null)
    {
        using var journal = new TuningJournal(db ?? Path.Combine(_dir, id + ".db"));
        if (journal.LatestStudy("P") is not { Id: var existing } || existing != id) journal.CreateStudy(NewStudy(id));
        return StudyRunner.RunAsync(NewStudy(id), Space, new TpeSampler(9, startupTrials: 6), journal, trials, null, 3, Delayed(pattern), null, ct, false).GetAwaiter().GetResult();
    }

    [Fact]
    public void With_three_workers_the_proposals_do_not_depend_on_which_trial_finishes_first()
    {
        var a = RunParallel("a", 30, pattern: 0);
        var b = RunParallel("b", 30, pattern: 3);
        Assert.Equal(30, a.Trials.Count);
        Assert.Equal(a.Trials.Select(t => t.Configuration.Describe(Space)), b.Trials.Select(t => t.Configuration.Describe(Space)));
    }

    [Fact]
    public void A_parallel_study_killed_and_resumed_matches_the_uninterrupted_one()
    {
        var straight = RunParallel("s", 24, pattern: 1);
        var db = Path.Combine(_dir, "k.db");
        using (var kill = new CancellationTokenSource(TimeSpan.FromMilliseconds(250)))
            Assert.ThrowsAny<OperationCanceledException>(() => RunParallel("k", 24, pattern: 2, kill.Token, db));
        using (var journal = new TuningJournal(db)) Assert.InRange(journal.Trials("k").Count, 1, 23);
        var resumed = RunParallel("k", 24, pattern: 4, db: db);
        Assert.Equal(straight.Trials.Select(t => (t.Number, t.Configuration.Describe(Space))), resumed.Trials.Select(t => (t.Number, t.Configuration.Describe(Space))));
    }

    private static WorkerCommand Shell(string script) => new("/bin/sh", ["-c", script, "sh"]);

    /// <summary>A fake persistent worker: answers every request line with <paramref name="json"/> (the tune-worker protocol).</summary>
    private static WorkerCommand Answering(string json) =>
        Shell($"while read -r line; do echo 'native noise without newline' | tr -d '\\n'; echo '{TrialWorker.ResultMarker}{json}'; done");

    [Fact]
    public async Task Worker_processes_answer_on_stdout_serve_many_trials_and_a_crash_fails_only_its_trial()
    {
        // The answer may follow other text on the same line (native code printing to stdout): the marker finds it.
        using var ok = new ProcessTrialExecutor(Answering("""{"Value":0.75,"StdDev":0.02,"Splits":5,"Error":null}"""), "search.csv", 1, "auc");
        for (int n = 0; n < 3; n++)
            Assert.Equal(new TrialOutcome(0.75, 0.02, 5), await ok.Execute(n, new Configuration { ["x"] = 1 }, CancellationToken.None));
        Assert.Single(ok.StartedProcessIds); // one process served the three trials

        using var crash = new ProcessTrialExecutor(Shell("read -r line; echo 'Segmentation fault in lib_lightgbm' >&2; exit 139"), "search.csv", 1, "auc");
        var error = await Assert.ThrowsAsync<TrialFailedException>(() => crash.Execute(1, new Configuration { ["x"] = 1 }, CancellationToken.None));
        Assert.Equal("the worker process exited with code 139 without a result (Segmentation fault in lib_lightgbm)", error.Message);
        // The next trial gets a new worker (this one crashes again, as it is scripted to).
        await Assert.ThrowsAsync<TrialFailedException>(() => crash.Execute(2, new Configuration { ["x"] = 1 }, CancellationToken.None));
        Assert.Equal(2, crash.StartedProcessIds.Distinct().Count());

        using var failing = new ProcessTrialExecutor(Answering("""{"Value":null,"StdDev":null,"Splits":0,"Error":"InvalidOperationException: bad leaves"}"""), "s.csv", 1, "auc");
        Assert.Equal("InvalidOperationException: bad leaves",
            (await Assert.ThrowsAsync<TrialFailedException>(() => failing.Execute(2, new Configuration { ["x"] = 1 }, CancellationToken.None))).Message);
        // A configuration the trainer rejects does not cost the worker: the next trial reuses it.
        await Assert.ThrowsAsync<TrialFailedException>(() => failing.Execute(3, new Configuration { ["x"] = 1 }, CancellationToken.None));
        Assert.Single(failing.StartedProcessIds);
    }

    [Fact]
    public async Task The_time_budget_ends_a_running_worker_and_its_trial_is_recorded_as_stopped_not_failed()
    {
        using var journal = new TuningJournal(Path.Combine(_dir, "t.db"));
        var study = NewStudy("t");
        journal.CreateStudy(study);
        using var fast = new ProcessTrialExecutor(Answering("""{"Value":1.0,"StdDev":null,"Splits":1,"Error":null}"""), "s.csv", 1, "rmse");
        using var slow = new ProcessTrialExecutor(Shell("read -r line; sleep 60"), "s.csv", 1, "rmse");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await StudyRunner.RunAsync(study, Space, new RandomSampler(1), journal, 10, TimeSpan.FromSeconds(3), 2,
            (n, c, ct) => n < 2 ? fast.Execute(n, c, ct) : slow.Execute(n, c, ct), null, CancellationToken.None, killRunningAtDeadline: true);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the sleeping workers were not ended ({clock.Elapsed})");
        Assert.Equal(StopReason.TimeBudget, result.StopReason);
        var journaled = journal.Trials("t");
        Assert.Equal([0, 1], journaled.Where(t => t.State == "complete").Select(t => t.Number));
        Assert.Equal([2, 3], journaled.Where(t => t.State == "stopped").Select(t => t.Number));
        Assert.All(journaled.Where(t => t.State == "stopped"), t => Assert.StartsWith("stopped by the time budget after ", t.Error));
        Assert.DoesNotContain(journaled, t => t.Failed);
        Assert.Equal(1.0, result.Best!.Value);

        // A resume runs the stopped trials again (their rows are replaced), not the finished ones.
        var rerun = new List<int>();
        var resumed = await StudyRunner.RunAsync(study, Space, new RandomSampler(1), journal, 4, null, 2,
            (n, c, ct) => { lock (rerun) rerun.Add(n); return fast.Execute(n, c, ct); }, null, CancellationToken.None, killRunningAtDeadline: true);
        Assert.Equal([2, 3], rerun.Order());
        Assert.Equal(["complete", "complete", "complete", "complete"], journal.Trials("t").Select(t => t.State));
        Assert.Equal(4, resumed.Trials.Count);
    }

    [Fact]
    public void The_hidden_tune_trial_command_evaluates_one_configuration_like_an_in_process_trial()
    {
        var project = TitanicTestPipeline.NewProjectDirectory();
        try
        {
            var tuning = new TuningSettings { Space = [SearchParameter.Range("leaves", HyperparameterType.Int, 2, 16)] };
            var pipeline = new TunableTitanicPipeline(project, tuning);
            var data = Path.Combine(project, "titanic_train.csv");
            var request = Path.Combine(project, "r.json");
            var result = Path.Combine(project, "o.json");
            File.WriteAllText(request, JsonSerializer.Serialize(new TrialRequest(new() { ["leaves"] = 4 }, data, null, "auc")));
            Assert.Equal(0, PipelineApp.Run(["tune-trial", "--request", request, "--result", result], pipeline, new StringWriter(), new StringWriter()));
            var response = JsonSerializer.Deserialize<TrialResponse>(File.ReadAllText(result))!;
            var expected = PipelineTuner.Evaluate(pipeline, new Configuration { ["leaves"] = 4 }, data, null, "auc");
            Assert.Equal(expected.Value, response.Value);
            Assert.Equal(4, response.Splits);
            Assert.Null(response.Error);

            var broken = new TunableTitanicPipeline(project, tuning) { FailAboveLeaves = 2 };
            Assert.Equal(0, PipelineApp.Run(["tune-trial", "--request", request, "--result", result], broken, new StringWriter(), new StringWriter()));
            Assert.StartsWith("InvalidOperationException: leaves 4", JsonSerializer.Deserialize<TrialResponse>(File.ReadAllText(result))!.Error);
        }
        finally { Directory.Delete(project, recursive: true); }
    }
}
