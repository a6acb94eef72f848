using System.Diagnostics;

namespace PipelineGen.Runtime.Tuning;

/// <summary>What one evaluation of a configuration measured: the metric's mean over the splits and its spread.</summary>
public sealed record TrialOutcome(double Value, double? StdDev, int Splits);

/// <summary>Why a study stopped.</summary>
public enum StopReason { TrialBudget, TimeBudget, SpaceExhausted }

public sealed record StudyResult(StudyInfo Study, IReadOnlyList<TrialRecord> Trials, int NewTrials, StopReason StopReason)
{
    public IEnumerable<TrialRecord> Completed => Trials.Where(t => !t.Failed);

    /// <summary>The best completed trial (ties: the earlier), or null when every trial failed.</summary>
    public TrialRecord? Best => Completed
        .OrderBy(t => Study.HigherIsBetter ? -t.Value!.Value : t.Value!.Value)
        .ThenBy(t => t.Number)
        .FirstOrDefault();
}

/// <summary>
/// The study loop: propose (from the seed and the finished trials only), evaluate, journal, repeat until the trial
/// budget, the time budget or the space runs out. A configuration whose evaluation throws is journaled as failed with
/// its error and the study goes on. <see cref="OperationCanceledException"/> is not a trial failure: it stops the study
/// at once without journaling the running trial (what a kill does), so a resume runs that trial again.
/// </summary>
public static class StudyRunner
{
    /// <param name="trials">Total trials of the study, those journaled before a resume included.</param>
    /// <param name="time">Wall-clock budget of this session; checked before each trial starts.</param>
    public static StudyResult Run(
        StudyInfo study, SearchSpace space, ISampler sampler, TuningJournal journal, int trials, TimeSpan? time,
        Func<Configuration, TrialOutcome> objective, Action<TrialRecord, StudyResult>? onTrial = null, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        var history = journal.Trials(study.Id).ToList();
        int startCount = history.Count;
        StopReason reason = StopReason.TrialBudget;
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            if (history.Count >= trials) { reason = StopReason.TrialBudget; break; }
            if (time is { } budget && clock.Elapsed >= budget) { reason = StopReason.TimeBudget; break; }
            int number = history.Count;
            var finished = history.Select(t => new FinishedTrial(t.Number, t.Configuration, Loss(study, t))).ToArray();
            var config = sampler.Propose(space, number, finished);
            if (config is null) { reason = StopReason.SpaceExhausted; break; }

            var trialClock = Stopwatch.StartNew();
            TrialRecord record;
            try
            {
                var outcome = objective(config);
                record = double.IsNaN(outcome.Value) || double.IsInfinity(outcome.Value)
                    ? new TrialRecord(number, config, "failed", null, null, outcome.Splits, $"the metric {study.Metric} was undefined for this configuration", trialClock.Elapsed)
                    : new TrialRecord(number, config, "complete", outcome.Value, outcome.StdDev, outcome.Splits, null, trialClock.Elapsed);
            }
            catch (OperationCanceledException) { throw; }
            catch (Exception e) when (e is not (OutOfMemoryException or Data.DataValidationException))
            {
                record = new TrialRecord(number, config, "failed", null, null, 0, $"{e.GetType().Name}: {FirstLine(e.Message)}", trialClock.Elapsed);
            }
            journal.Append(study.Id, record);
            history.Add(record);
            onTrial?.Invoke(record, new StudyResult(study, history.ToArray(), history.Count - startCount, reason));
        }
        return new StudyResult(study, history, history.Count - startCount, reason);
    }

    /// <summary>What the sampler minimises: the metric, negated when higher is better; null for a failed trial.</summary>
    public static double? Loss(StudyInfo study, TrialRecord trial) =>
        trial.Value is not { } v ? null : study.HigherIsBetter ? -v : v;

    private static string FirstLine(string message)
    {
        int newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }
}
