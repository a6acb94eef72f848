using System.Diagnostics;

namespace PipelineGen.Runtime.Tuning;

/// <summary>What one evaluation of a configuration measured: the metric's mean over the splits and its spread.</summary>
/// <summary>A trial's objective: the metric's mean over the splits (NaN when undefined, <c>Undefined</c> saying why).</summary>
internal sealed record TrialOutcome(double Value, double? StdDev, int Splits, string? Undefined = null)
{
    /// <summary>Why the trial has no objective, for its journal entry.</summary>
    public string UndefinedReason(string metric) => Undefined ?? $"the metric {metric} was undefined for this configuration";
}

/// <summary>A trial that failed elsewhere (in a worker process); the message already names the original error.</summary>
internal sealed class TrialFailedException(string message) : Exception(message);

/// <summary>Why a study stopped.</summary>
internal enum StopReason { TrialBudget, TimeBudget, SpaceExhausted, /** halving's compute budget (--budget-units) spent */ UnitBudget }

internal sealed record StudyResult(StudyInfo Study, IReadOnlyList<TrialRecord> Trials, int NewTrials, StopReason StopReason)
{
    /// <summary>Successive halving: every rung evaluation (empty for the other strategies).</summary>
    public IReadOnlyList<RungResult> Rungs { get; init; } = [];

    /// <summary>Trials measured on the full training folds (not failed, not pruned at a lower rung, not stopped by the budget).</summary>
    public IEnumerable<TrialRecord> Completed => Trials.Where(t => t.State == "complete");

    /// <summary>The leaders scored again on fresh splits after the search (<see cref="Rescoring"/>); null when that did not run.</summary>
    public RescoreResult? Rescore { get; init; }

    /// <summary>
    /// The winner: the trial the re-scoring chose (<see cref="Rescore"/>) when it ran, else <see cref="SearchBest"/>.
    /// </summary>
    public TrialRecord? Best => Rescore is { } rescore ? Trials.First(t => t.Number == rescore.ChosenNumber) : SearchBest;

    /// <summary>The completed trial with the best search score (ties: the earlier), or null when every trial failed.</summary>
    public TrialRecord? SearchBest => Completed
        .OrderBy(t => Study.HigherIsBetter ? -t.Value!.Value : t.Value!.Value)
        .ThenBy(t => t.Number)
        .FirstOrDefault();
}

/// <summary>
/// The study loop: propose, evaluate, journal, until the trial budget, the time budget or the space runs out. Up to
/// <c>workers</c> trials run at once. Trial k is proposed from the seed and the finished trials numbered below
/// k − workers + 1 only, and not before those have finished, so the proposals do not depend on which worker finished
/// first, and a resumed study (which reruns the numbers missing from the journal) proposes exactly what an
/// uninterrupted one would have. With one worker, trial k sees every trial before it.
/// A configuration whose evaluation throws is journaled as failed with its error and the study goes on.
/// <see cref="OperationCanceledException"/> is not a trial failure: the running trials are abandoned without being
/// journaled (what a kill does) and a resume runs them again; when the time budget runs out, running trials are
/// cancelled the same way (a worker process is ended).
/// </summary>
internal static class StudyRunner
{
    /// <summary>Evaluates one configuration (trial number, configuration, cancellation when the budget runs out).</summary>
    public delegate Task<TrialOutcome> TrialExecutor(int number, Configuration configuration, CancellationToken cancellation);

    /// <summary>
    /// Sequential, in-process: the objective runs on the calling thread. <c>trials</c> is the total of the study (those
    /// journaled before a resume included); <c>time</c> the wall-clock budget of this session, checked before each trial starts.
    /// </summary>
    public static StudyResult Run(
        StudyInfo study, SearchSpace space, ISampler sampler, TuningJournal journal, int trials, TimeSpan? time,
        Func<Configuration, TrialOutcome> objective, Action<TrialRecord, StudyResult>? onTrial = null, CancellationToken cancellation = default) =>
        RunAsync(study, space, sampler, journal, trials, time, workers: 1,
            (_, config, _) => Task.FromResult(objective(config)), onTrial, cancellation, killRunningAtDeadline: false).GetAwaiter().GetResult();

    /// <summary>
    /// Up to <c>workers</c> trials at once. With <c>killRunningAtDeadline</c>, a trial still running when the time budget
    /// ends is cancelled (its worker process ended) and not journaled; without, it finishes (an in-process fit cannot be stopped).
    /// </summary>
    public static async Task<StudyResult> RunAsync(
        StudyInfo study, SearchSpace space, ISampler sampler, TuningJournal journal, int trials, TimeSpan? time, int workers,
        TrialExecutor execute, Action<TrialRecord, StudyResult>? onTrial, CancellationToken cancellation, bool killRunningAtDeadline,
        Func<IEnumerable<TrialRecord>, TimeSpan>? reserve = null)
    {
        if (workers < 1) throw new ArgumentException($"--workers {workers}: use 1 or more.");
        var clock = Stopwatch.StartNew();
        // A trial stopped by an earlier session's time budget is not a result: it is run again (and its row replaced).
        var history = journal.Trials(study.Id).Where(t => t.State != "stopped").ToDictionary(t => t.Number);
        int startCount = history.Count;
        var reason = StopReason.TrialBudget;
        var running = new Dictionary<int, (Task<TrialOutcome> Task, Stopwatch Clock, Configuration Config)>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        if (time is { } budget && killRunningAtDeadline) deadline.CancelAfter(budget);
        int next = 0;
        bool exhausted = false;

        StudyResult Snapshot() => new(study, history.Values.OrderBy(t => t.Number).ToArray(), history.Count - startCount, reason);

        try
        {
            while (true)
            {
                cancellation.ThrowIfCancellationRequested();
                // A reserve (the re-scoring of the leaders after the search) is kept back from the time budget.
                bool outOfTime = (time is { } b && clock.Elapsed >= b - (reserve?.Invoke(history.Values) ?? TimeSpan.Zero)) || (deadline.IsCancellationRequested && !cancellation.IsCancellationRequested);
                if (outOfTime) reason = StopReason.TimeBudget;
                // Start what may start: the next number not journaled, once the trials it is proposed from have finished.
                while (!outOfTime && !exhausted && running.Count < workers)
                {
                    while (next < trials && history.ContainsKey(next)) next++;
                    if (next >= trials) break;
                    int visible = next - workers + 1;
                    if (Enumerable.Range(0, Math.Max(0, visible)).Any(n => !history.ContainsKey(n))) break;
                    var finished = history.Values.Where(t => t.Number < visible).OrderBy(t => t.Number)
                        .Select(t => new FinishedTrial(t.Number, t.Configuration, Loss(study, t))).ToArray();
                    var config = sampler.Propose(space, next, finished);
                    if (config is null) { exhausted = true; reason = StopReason.SpaceExhausted; break; }
                    int number = next++;
                    var trialClock = Stopwatch.StartNew();
                    Task<TrialOutcome> task;
                    try { task = execute(number, config, deadline.Token); }
                    catch (Exception e) { task = Task.FromException<TrialOutcome>(e); }
                    running[number] = (task, trialClock, config);
                }
                if (running.Count == 0)
                {
                    if (!outOfTime && !exhausted && history.Count(t => t.Key < trials) < trials)
                        continue; // cannot happen: something would have started
                    break;
                }

                var done = await Task.WhenAny(running.Values.Select(r => r.Task)).ConfigureAwait(false);
                var (doneNumber, entry) = running.First(r => r.Value.Task == done);
                running.Remove(doneNumber);
                TrialRecord record;
                try
                {
                    var outcome = await done.ConfigureAwait(false);
                    record = double.IsNaN(outcome.Value) || double.IsInfinity(outcome.Value)
                        ? new TrialRecord(doneNumber, entry.Config, "failed", null, null, outcome.Splits, outcome.UndefinedReason(study.Metric), entry.Clock.Elapsed)
                        : new TrialRecord(doneNumber, entry.Config, "complete", outcome.Value, outcome.StdDev, outcome.Splits, null, entry.Clock.Elapsed);
                }
                catch (OperationCanceledException) when (!cancellation.IsCancellationRequested && deadline.IsCancellationRequested)
                {
                    // The time budget ended this trial (its worker process was ended): journaled as stopped, which says
                    // nothing about the configuration; a resume runs it again.
                    reason = StopReason.TimeBudget;
                    record = Stopped(doneNumber, entry.Config, entry.Clock.Elapsed);
                }
                catch (OperationCanceledException) { throw; }
                catch (Exception e) when (e is not (OutOfMemoryException or Data.DataValidationException))
                {
                    record = new TrialRecord(doneNumber, entry.Config, "failed", null, null, 0,
                        e is TrialFailedException ? FirstLine(e.Message) : $"{e.GetType().Name}: {FirstLine(e.Message)}", entry.Clock.Elapsed);
                }
                try { journal.Append(study.Id, record); }
                catch (Microsoft.Data.Sqlite.SqliteException e)
                {
                    // A full disk or a locked journal: stop cleanly. What is journaled stays; running trials are abandoned (finally).
                    throw new Evaluation.EvaluationException(
                        $"could not journal trial {record.Number + 1} in {journal.DatabasePath} ({e.Message}). The study stopped; the {history.Count} trial(s) journaled before are kept. Free the disk (or close what holds the journal) and run 'tune --resume'.");
                }
                history[record.Number] = record;
                onTrial?.Invoke(record, Snapshot());
                if (record.State == "stopped") continue;
                if (history.Count(t => t.Key < trials) >= trials && running.Count == 0) { reason = StopReason.TrialBudget; break; }
            }
        }
        finally
        {
            // Whatever still runs (a kill, an error) is abandoned: cancel it so worker processes end.
            if (running.Count > 0)
            {
                deadline.Cancel();
                try { await Task.WhenAll(running.Values.Select(r => r.Task)).ConfigureAwait(false); } catch { /* abandoned trials */ }
            }
        }
        return Snapshot();
    }

    /// <summary>A trial the time budget ended: recorded as stopped, with how long it ran, and not as a failure of its configuration.</summary>
    public static TrialRecord Stopped(int number, Configuration configuration, TimeSpan ran) =>
        new(number, configuration, "stopped", null, null, 0,
            $"stopped by the time budget after {ran.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)} s (not a failure of the configuration; 'tune --resume' runs it again)", ran);

    /// <summary>What the sampler minimises: the metric, negated when higher is better; null for a failed trial.</summary>
    public static double? Loss(StudyInfo study, TrialRecord trial) =>
        trial.Value is not { } v ? null : study.HigherIsBetter ? -v : v;

    private static string FirstLine(string message)
    {
        int newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }
}
