using System.Diagnostics;
using System.Globalization;
using PipelineGen.Runtime.Tuning;
using Spectre.Console;

namespace PipelineGen.Runtime.Cli;

/// <summary>
/// What a running study looks like from outside, counted from its events (a trial or rung evaluation starting, a
/// verdict journaled): running, finished, failed, the best so far and the time left. Thread-safe: worker processes
/// report from the thread pool. The best so far is the search score (the best of many looks at the same folds, so
/// optimistic); the honest estimate is computed once the study ends and is said to be.
/// </summary>
/// <param name="budget">Trials of the study; null when there is no count to go by (halving on a unit budget).</param>
/// <param name="time">The session's --time budget, if any.</param>
/// <param name="clock">Started when the session's study started.</param>
/// <param name="workers">Trials run at once (the time-left estimate divides by it).</param>
internal sealed class TuningLiveStatus(int? budget, TimeSpan? time, Stopwatch clock, int workers)
{
    private readonly object _gate = new();
    private readonly HashSet<int> _running = [];
    private StudyResult? _state;

    public void Started(int number) { lock (_gate) _running.Add(number); }

    /// <summary>A rung evaluation ended (successive halving): its trial is no longer running until promoted.</summary>
    public void RungFinished(int number) { lock (_gate) _running.Remove(number); }

    public void Finished(TrialRecord trial, StudyResult state)
    {
        lock (_gate) { _running.Remove(trial.Number); _state = state; }
    }

    public (int Running, int Finished, int Pruned, int Failed, int Stopped, TrialRecord? Best, string? Metric, int NewTrials) Snapshot()
    {
        lock (_gate)
        {
            var trials = _state?.Trials ?? [];
            return (_running.Count, trials.Count(t => t.State is "complete" or "pruned"), trials.Count(t => t.State == "pruned"), trials.Count(t => t.Failed),
                trials.Count(t => t.State == "stopped"), _state?.Best, _state?.Study.Metric, _state?.NewTrials ?? 0);
        }
    }

    /// <summary>
    /// Time left: what --time leaves, or the remaining trials at the mean trial duration so far shared among the
    /// workers, whichever is less; null before the first trial of this session. (The session's elapsed time per
    /// finished trial already has the workers in it: dividing that by the workers again halved the estimate with 2.)
    /// </summary>
    public TimeSpan? TimeLeft()
    {
        var s = Snapshot();
        var elapsed = clock.Elapsed;
        TimeSpan? byTime = time is { } t ? (t - elapsed > TimeSpan.Zero ? t - elapsed : TimeSpan.Zero) : null;
        int done = s.Finished + s.Failed + s.Stopped;
        TimeSpan? byTrials = s.NewTrials == 0 || budget is not { } b0 || MeanTrialDuration() is not { } mean
            ? null
            : TimeSpan.FromTicks(mean.Ticks * Math.Max(0, b0 - done) / Math.Max(1, workers));
        return byTime is { } a && byTrials is { } b ? (a < b ? a : b) : byTime ?? byTrials;
    }

    /// <summary>The mean duration of the trials that ended with a verdict (each trial's own time, not the session's wall time).</summary>
    private TimeSpan? MeanTrialDuration()
    {
        lock (_gate)
        {
            var durations = (_state?.Trials ?? []).Where(t => t.State is "complete" or "pruned" or "failed" && t.Duration > TimeSpan.Zero).Select(t => t.Duration.Ticks).ToArray();
            return durations.Length == 0 ? null : TimeSpan.FromTicks((long)durations.Average());
        }
    }

    public string BestText()
    {
        var s = Snapshot();
        return s.Best is { Value: { } v } best
            ? $"{s.Metric} {PipelineTuner.F(v)}{(best.StdDev is { } sd ? " ± " + PipelineTuner.F(sd) : "")} (trial {best.Number + 1}; search score, optimistic: the honest estimate is computed when the study ends)"
            : "none yet";
    }

    /// <summary>The redirected form, printed under each trial's line.</summary>
    public string PlainLine()
    {
        var s = Snapshot();
        var left = TimeLeft();
        return $"status: running {s.Running}, finished {s.Finished}" + (s.Pruned > 0 ? $" ({s.Pruned} pruned)" : "") + $", failed {s.Failed}"
            + (s.Stopped > 0 ? $", stopped {s.Stopped}" : "") + $" | best so far {BestText()}" + (left is { } l ? $" | about {TuningCommandContributor.FormatDuration(l)} left" : "");
    }
}
