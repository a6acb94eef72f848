using System.Diagnostics;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Tuning;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning;

/// <summary>
/// The study's live status (running / finished / failed, best so far, time left): counted from the study's events, and
/// printed as a plain line under each trial when output is redirected (as in these tests; interactive terminals get a
/// Spectre live table drawn from the same counts).
/// </summary>
public sealed class TuningLiveDisplayTests : IDisposable
{
    private readonly string _project = Training.TitanicTestPipeline.NewProjectDirectory();

    public void Dispose() => Directory.Delete(_project, recursive: true);

    private static readonly StudyInfo Study = new("s", "P", "spec", "data", "space", "random", 1, "auc", true, DateTimeOffset.UtcNow);

    private static TrialRecord Trial(int n, string state, double? value) =>
        new(n, new Configuration { ["leaves"] = n + 2 }, state, value, value is null ? null : 0.01, 4, state == "failed" ? "boom" : null, TimeSpan.FromSeconds(1));

    [Fact]
    public void Counts_follow_the_events_and_the_best_is_labelled_as_the_optimistic_search_score()
    {
        var status = new TuningLiveStatus(budget: 5, time: null, Stopwatch.StartNew(), workers: 2);
        status.Started(0);
        status.Started(1);
        Assert.Equal(2, status.Snapshot().Running);
        Assert.Contains("best so far none yet", status.PlainLine());

        var t0 = Trial(0, "complete", 0.81);
        status.Finished(t0, new StudyResult(Study, [t0], 1, StopReason.TrialBudget));
        var t1 = Trial(1, "failed", null);
        status.Started(2);
        status.Finished(t1, new StudyResult(Study, [t0, t1], 2, StopReason.TrialBudget));
        var s = status.Snapshot();
        Assert.Equal((1, 1, 1), (s.Running, s.Finished, s.Failed));
        var line = status.PlainLine();
        Assert.StartsWith("status: running 1, finished 1, failed 1 | best so far auc 0.8100 ± 0.0100 (trial 1; search score, optimistic", line);
        Assert.Contains("left", line); // 3 trials to go at the mean trial time
    }

    /// <summary>
    /// 2 workers, trials of 10 s each, 2 of 10 done: 8 trials left at 10 s shared by 2 workers is 40 s. The old estimate
    /// (the session's elapsed time per finished trial, divided by the workers again) said half of that.
    /// </summary>
    [Fact]
    public void Time_left_is_the_remaining_trials_at_the_mean_trial_duration_shared_among_the_workers()
    {
        var status = new TuningLiveStatus(budget: 10, time: null, new Stopwatch(), workers: 2);
        Assert.Null(status.TimeLeft());
        TrialRecord Ten(int n) => Trial(n, "complete", 0.8) with { Duration = TimeSpan.FromSeconds(10) };
        var done = new[] { Ten(0), Ten(1) };
        status.Finished(done[1], new StudyResult(Study, done, 2, StopReason.TrialBudget));
        Assert.Equal(TimeSpan.FromSeconds(40), status.TimeLeft());
        // A --time budget that leaves less wins.
        Assert.Equal(TimeSpan.FromSeconds(30), new TuningLiveStatus(10, TimeSpan.FromSeconds(30), new Stopwatch(), 2).TimeLeft());
    }

    [Fact]
    public void Redirected_tune_prints_the_plain_status_under_every_trial()
    {
        var tuning = new TuningSettings
        {
            Strategy = "random", Trials = 3,
            Space = [SearchParameter.Range("leaves", HyperparameterType.Int, 2, 64, log: true)],
        };
        var output = new StringWriter();
        var exit = PipelineApp.Run(["tune", "--no-lock"], new TunableTitanicPipeline(_project, tuning), output, new StringWriter());
        var text = output.ToString();
        Assert.True(exit == 0, text);
        var lines = text.Split('\n').Where(l => l.TrimStart().StartsWith("status: ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(3, lines.Length);
        for (int i = 0; i < 3; i++)
            Assert.Matches($@"status: running 0, finished {i + 1}, failed 0 \| best so far auc 0\.\d{{4}} ± 0\.\d{{4}} \(trial \d; search score, optimistic", lines[i]);
        Assert.DoesNotContain("╭", text); // no live table when redirected
    }
}
