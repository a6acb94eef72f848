using System.Data.Common;
using System.Diagnostics;

namespace PipelineGen.Runtime.Tuning.Storage;

/// <summary>
/// One worker's loop over a shared successive-halving / Hyperband study: claim a rung evaluation (the claim also
/// promotes finished rungs and opens brackets, see <see cref="SharedHalving"/>), fit it on its share of each training
/// fold while sending heartbeats, record the result, until the study is over for everyone. A worker with nothing to
/// claim (a rung waits for others' evaluations) keeps marking silent workers' evaluations lost, so a killed worker
/// never blocks a promotion: the lost evaluation is failed, or run again once with --retry-lost.
/// </summary>
internal static class SharedHalvingRunner
{
    public static async Task<StudyResult> RunAsync(
        IStudyStorage storage, StudyInfo study, SearchSpace space, HalvingOptions halving, ISampler sampler, SharedRunOptions options,
        HalvingRunner.BudgetedTrialExecutor execute, Action<TrialRecord, StudyResult>? onTrial, Action<RungResult>? onRung, CancellationToken cancellation)
    {
        if (options.Slots < 1) throw new ArgumentException($"--workers {options.Slots}: use 1 or more.");
        if (StartingPointSampler.Unwrap(sampler) is GridSampler) throw new ArgumentException("successive halving draws configurations from the bayesian or random sampler, not a grid.");
        // The starting point is a row of its own (SharedHalving.StartingBracket), claimed by one worker; the brackets' proposals follow it.
        if (study.StartingPoint is { } start && sampler is not StartingPointSampler)
            sampler = new StartingPointSampler(sampler, StartingPoint.OriginOf(start));
        var worker = options.Worker;
        storage.RegisterWorker(study.Id, worker);
        var interval = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(200).Ticks, options.HeartbeatTimeout.Ticks / 4));
        var running = new Dictionary<int, (Task<TrialOutcome> Task, Stopwatch Clock, RungRow Row)>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        if (study.TimeBudget is { } budget && options.KillRunningAtDeadline)
        {
            var left = study.CreatedUtc + budget - storage.Status(study.Id).NowUtc;
            deadline.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }
        StopReason reason = StopReason.TrialBudget;
        int mine = 0;
        var known = new HashSet<int>(storage.Trials(study.Id).Select(t => t.Number));
        // The starting point's row is no rung result (as in one process: it is in no bracket).
        StudyResult Snapshot() => new(study, storage.Trials(study.Id), mine, reason)
        { Rungs = storage.RungRows(study.Id).Where(r => r.Bracket != SharedHalving.StartingBracket && r.State is "complete" or "failed" or "stopped").Select(r => r.ToResult()).ToArray() };

        // Verdicts written by any worker's claim are reported once each, by the worker that sees them first.
        void ReportVerdicts()
        {
            if (onTrial is null) return;
            var snapshot = Snapshot();
            foreach (var t in snapshot.Trials.Where(t => known.Add(t.Number))) onTrial(t, snapshot);
        }

        try
        {
            while (true)
            {
                cancellation.ThrowIfCancellationRequested();
                StopReason? stop = null;
                bool nothingToClaim = false;
                while (running.Count < options.Slots && !deadline.IsCancellationRequested)
                {
                    var claimed = SharedStudyRunner.Retrying(() => storage.ClaimRung(study.Id, worker.Id, c =>
                    {
                        var plan = SharedHalving.Plan(c, space, halving, sampler, options.RetryLost);
                        stop = plan.Stop;
                        return plan;
                    }), "claim a rung evaluation", options);
                    if (claimed is null) { nothingToClaim = true; break; }
                    if (claimed.Bracket == SharedHalving.StartingBracket) claimed = claimed with { Configuration = SharedHalving.StartingConfiguration(study) };
                    if (claimed.Attempts > 1) options.OnEvent?.Invoke($"trial {claimed.Trial + 1} rung {claimed.Rung + 1}: runs a lost evaluation again");
                    Task<TrialOutcome> task;
                    try { task = execute(claimed.Trial, claimed.Configuration, claimed.Fraction, deadline.Token); }
                    catch (Exception e) { task = Task.FromException<TrialOutcome>(e); }
                    running[claimed.Trial] = (task, Stopwatch.StartNew(), claimed);
                }
                ReportVerdicts();
                if (deadline.IsCancellationRequested && !cancellation.IsCancellationRequested) { nothingToClaim = true; stop ??= StopReason.TimeBudget; }

                if (running.Count == 0)
                {
                    // The plan says the study is over for everyone: nothing runs, nothing is pending, no bracket can open.
                    if (nothingToClaim && stop is { } s) { reason = s; break; }
                    foreach (var (t, r) in SharedStudyRunner.Retrying(() => storage.MarkLostRungs(study.Id, options.HeartbeatTimeout), "check heartbeats", options))
                        options.OnEvent?.Invoke($"trial {t + 1} rung {r + 1} marked failed: its worker sent no heartbeat for {options.HeartbeatTimeout.TotalSeconds:0.#} s");
                    SharedStudyRunner.Retrying(() => { storage.HeartbeatRungs(study.Id, worker.Id, []); return 0; }, "send a heartbeat", options);
                    await Task.Delay(interval, cancellation).ConfigureAwait(false);
                    continue;
                }

                var delay = Task.Delay(interval, cancellation);
                await Task.WhenAny(running.Values.Select(r => (Task)r.Task).Append(delay)).ConfigureAwait(false);
                cancellation.ThrowIfCancellationRequested();
                try { storage.HeartbeatRungs(study.Id, worker.Id, running.Keys.ToArray()); }
                catch (DbException e) { options.OnEvent?.Invoke($"heartbeat not sent ({e.Message.Split('\n')[0]}); retrying"); }
                try
                {
                    foreach (var (t, r) in storage.MarkLostRungs(study.Id, options.HeartbeatTimeout))
                        options.OnEvent?.Invoke($"trial {t + 1} rung {r + 1} marked failed: its worker sent no heartbeat for {options.HeartbeatTimeout.TotalSeconds:0.#} s");
                }
                catch (DbException) { /* checked again at the next beat */ }
                foreach (var (trial, entry) in running.Where(r => r.Value.Task.IsCompleted).ToArray())
                {
                    running.Remove(trial);
                    var result = Result(study, entry.Row, entry.Task, entry.Clock.Elapsed, cancellation, deadline);
                    if (result.State == "stopped") reason = StopReason.TimeBudget;
                    bool recorded = SharedStudyRunner.Retrying(() => storage.FinishRung(study.Id, worker.Id, result), $"record trial {trial + 1} rung {result.Rung + 1}", options);
                    if (!recorded) options.OnEvent?.Invoke($"trial {trial + 1} rung {result.Rung + 1} was not this worker's claim any more (or its rung was promoted without it); its result was not recorded");
                    else
                    {
                        mine++;
                        onRung?.Invoke(result.ToResult());
                        // A stopped rung is never judged (it is not done, and no claim follows the deadline), so no promotion
                        // gives its trial a verdict: record the one the single-process runner records (HalvingRunner.ResultOf).
                        if (result.State == "stopped")
                            SharedStudyRunner.Retrying(() => { storage.Append(study.Id, StoppedVerdict(result, worker.Id)); return 0; }, $"record trial {trial + 1} as stopped", options);
                    }
                }
            }
        }
        finally
        {
            if (running.Count > 0)
            {
                deadline.Cancel();
                try { await Task.WhenAll(running.Values.Select(r => r.Task)).ConfigureAwait(false); } catch { /* abandoned: other workers mark them lost */ }
            }
        }
        ReportVerdicts();
        // This worker's share: the verdicts of trials whose deciding evaluation it ran (summed over workers: the study's trials).
        var final = Snapshot();
        return final with { NewTrials = final.Trials.Count(t => t.WorkerId == worker.Id) };
    }

    /// <summary>
    /// The trial verdict of a rung evaluation the study's time budget ended, as the single-process runner records it:
    /// <c>stopped</c>, no value, the rung's share of the rows as its budget (null at the full folds), and its worker.
    /// </summary>
    internal static TrialRecord StoppedVerdict(RungRow stopped, string workerId) =>
        SharedStudyRunner.Stopped(stopped.Trial, stopped.Configuration, stopped.Duration) with { Budget = stopped.Fraction >= 1 ? null : stopped.Fraction, WorkerId = workerId };

    private static RungRow Result(StudyInfo study, RungRow row, Task<TrialOutcome> task, TimeSpan elapsed, CancellationToken cancellation, CancellationTokenSource deadline)
    {
        try
        {
            var outcome = task.GetAwaiter().GetResult();
            return double.IsFinite(outcome.Value)
                ? row with { State = "complete", Value = outcome.Value, StdDev = outcome.StdDev, Splits = outcome.Splits, Duration = elapsed }
                : row with { State = "failed", Splits = outcome.Splits, Error = outcome.UndefinedReason(study.Metric), Duration = elapsed };
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested && deadline.IsCancellationRequested)
        {
            return row with { State = "stopped", Error = SharedStudyRunner.Stopped(row.Trial, row.Configuration, elapsed).Error, Duration = elapsed };
        }
        catch (OperationCanceledException) { throw; }
        catch (Exception e) when (e is not (OutOfMemoryException or Data.DataValidationException))
        {
            string first = e.Message.Split('\n')[0].TrimEnd('\r');
            return row with { State = "failed", Error = e is TrialFailedException ? first : $"{e.GetType().Name}: {first}", Duration = elapsed };
        }
    }
}
