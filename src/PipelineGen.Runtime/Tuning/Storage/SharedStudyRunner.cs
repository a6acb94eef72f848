using System.Data.Common;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace PipelineGen.Runtime.Tuning.Storage;

/// <summary>How one worker process takes part in a shared study.</summary>
internal sealed record SharedRunOptions(WorkerInfo Worker)
{
    /// <summary>Trials this process runs at once (1 in-process; N with --workers, each in a worker process).</summary>
    public int Slots { get; init; } = 1;
    /// <summary>A running trial whose heartbeat is older than this is marked failed ("worker lost").</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Run a lost trial's configuration again (a new trial that takes its place in the budget).</summary>
    public bool RetryLost { get; init; }
    /// <summary>End running trials when the study's time budget is over (worker processes can be ended; an in-process fit cannot).</summary>
    public bool KillRunningAtDeadline { get; init; }
    /// <summary>What happened that the user should see (a lost worker, a retry, a storage hiccup).</summary>
    public Action<string>? OnEvent { get; init; }

    /// <summary>This process as a worker: host name, process id and a random suffix (two runs of one pid never share an id).</summary>
    public static WorkerInfo CurrentWorker()
    {
        var host = Environment.MachineName;
        int pid = Environment.ProcessId;
        return new WorkerInfo($"{host}:{pid}:{Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant()}", host, pid);
    }
}

/// <summary>
/// One worker's loop over a study shared through an <see cref="IStudyStorage"/>: claim a trial (the storage makes the
/// claim atomic), evaluate it while sending heartbeats, record the result, until the study's budget is used. Proposals
/// see every finished trial of every worker, and the running ones as a constant liar (each pending configuration
/// counted with the worst loss observed so far) so the Bayesian sampler does not propose next to what others are
/// already trying. A worker with nothing left to claim keeps watching the study until no trial runs anywhere: it marks
/// trials of silent workers lost and (with <see cref="SharedRunOptions.RetryLost"/>) runs them again, and every worker
/// ends with the same set of finished trials, so each pins the same winner.
/// Unlike the single-process study, proposals depend on which worker finished first: a shared study is not
/// reproducible trial by trial (its set of results is what is kept).
/// </summary>
internal static class SharedStudyRunner
{
    /// <summary>A study id every worker computes the same from what the study measures: same spec, data, space, strategy, seed, metric → same study.</summary>
    public static string StudyId(string pipeline, string specHash, string dataHash, string space, string strategy, int seed, string metric, string? options)
    {
        var text = string.Join('\n', pipeline, specHash, dataHash, space, strategy, seed.ToString(System.Globalization.CultureInfo.InvariantCulture), metric, options ?? "");
        return "shared-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16].ToLowerInvariant();
    }

    /// <summary>The losses a proposal learns from: finished trials (lost ones say nothing about their configuration) and the running ones at the worst loss seen.</summary>
    public static IReadOnlyList<FinishedTrial> Observations(ClaimContext context)
    {
        var finished = context.Finished.Where(t => t.State != "stopped" && !t.Lost)
            .Select(t => new FinishedTrial(t.Number, t.Configuration, StudyRunner.Loss(context.Study, t))).ToList();
        var losses = finished.Where(f => f.Loss is not null).Select(f => f.Loss!.Value).ToArray();
        double? liar = losses.Length > 0 ? losses.Max() : null;
        finished.AddRange(context.Running.Select(r => new FinishedTrial(r.Number, r.Configuration, liar)));
        return finished.OrderBy(f => f.Number).ToArray();
    }

    /// <summary>The claim decision: a lost trial first (with retry), then a new proposal while the budget lasts.</summary>
    public static ClaimDecision? Decide(ClaimContext context, SearchSpace space, ISampler sampler, bool retryLost, out StopReason? stop)
    {
        stop = null;
        if (context.DeadlinePassed) { stop = StopReason.TimeBudget; return null; }
        if (retryLost && context.LostNotRetried.Count > 0)
        {
            var lost = context.LostNotRetried[0];
            return new ClaimDecision(lost.Configuration, lost.Number);
        }
        if (context.Study.TrialBudget is { } budget && context.Used >= budget) { stop = StopReason.TrialBudget; return null; }
        // Fresh proposals are indexed by how many fresh trials exist (retries do not use up a grid point or a seed).
        int index = context.Finished.Count(t => t.RetryOf is null) + context.Running.Count(r => r.RetryOf is null);
        var config = sampler.Propose(space, index, Observations(context));
        if (config is null) { stop = StopReason.SpaceExhausted; return null; }
        return new ClaimDecision(config);
    }

    public static async Task<StudyResult> RunAsync(
        IStudyStorage storage, StudyInfo study, SearchSpace space, ISampler sampler, SharedRunOptions options,
        StudyRunner.TrialExecutor execute, Action<TrialRecord, StudyResult>? onTrial, CancellationToken cancellation)
    {
        if (options.Slots < 1) throw new ArgumentException($"--workers {options.Slots}: use 1 or more.");
        // A study with a starting point: fresh proposal 0 is it. Claims are serialised by the storage, so exactly one
        // worker claims it (the study's first claim), it counts once in the trial budget, and the proposals after it are
        // the sampler's own (StartingPointSampler); a lost one is retried as the starting point (its origin is stored).
        if (study.StartingPoint is { } start && sampler is not StartingPointSampler)
            sampler = new StartingPointSampler(sampler, StartingPoint.OriginOf(start));
        var worker = options.Worker;
        storage.RegisterWorker(study.Id, worker);
        var interval = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(200).Ticks, options.HeartbeatTimeout.Ticks / 4));
        var running = new Dictionary<int, (Task<TrialOutcome> Task, Stopwatch Clock, Configuration Config, int? RetryOf)>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        if (study.TimeBudget is { } budget && options.KillRunningAtDeadline)
        {
            var left = study.CreatedUtc + budget - storage.Status(study.Id).NowUtc;
            deadline.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }
        StopReason reason = StopReason.TrialBudget;
        int mine = 0;
        StudyResult Snapshot() => new(study, storage.Trials(study.Id), mine, reason);

        try
        {
            while (true)
            {
                cancellation.ThrowIfCancellationRequested();
                bool nothingToClaim = false;
                while (running.Count < options.Slots && !deadline.IsCancellationRequested)
                {
                    StopReason? stop = null;
                    var claimed = Retrying(() => storage.Claim(study.Id, worker.Id, c => Decide(c, space, sampler, options.RetryLost, out stop)), "claim a trial", options);
                    if (claimed is null) { nothingToClaim = true; if (stop is { } s) reason = s; break; }
                    if (claimed.RetryOf is { } of) options.OnEvent?.Invoke($"trial {claimed.Number + 1} runs lost trial {of + 1} again");
                    Task<TrialOutcome> task;
                    try { task = execute(claimed.Number, claimed.Configuration, deadline.Token); }
                    catch (Exception e) { task = Task.FromException<TrialOutcome>(e); }
                    running[claimed.Number] = (task, Stopwatch.StartNew(), claimed.Configuration, claimed.RetryOf);
                }
                if (deadline.IsCancellationRequested && !cancellation.IsCancellationRequested) { nothingToClaim = true; reason = StopReason.TimeBudget; }

                if (running.Count == 0)
                {
                    // Nothing of ours runs and nothing can be claimed: wait while other workers' trials run (one may be lost and need a retry).
                    foreach (var n in Retrying(() => storage.MarkLost(study.Id, options.HeartbeatTimeout), "check heartbeats", options))
                        options.OnEvent?.Invoke($"trial {n + 1} marked failed: its worker sent no heartbeat for {options.HeartbeatTimeout.TotalSeconds:0.#} s");
                    var status = Retrying(() => storage.Status(study.Id), "read the study", options);
                    if (nothingToClaim && status.Running.Count == 0 && !(options.RetryLost && status.Lost.Any(l => !status.Finished.Any(t => t.RetryOf == l.Number)) && reason != StopReason.TimeBudget))
                        break;
                    Retrying(() => { storage.Heartbeat(study.Id, worker.Id, []); return 0; }, "send a heartbeat", options);
                    await Task.Delay(interval, cancellation).ConfigureAwait(false);
                    continue;
                }

                var delay = Task.Delay(interval, cancellation);
                await Task.WhenAny(running.Values.Select(r => (Task)r.Task).Append(delay)).ConfigureAwait(false);
                cancellation.ThrowIfCancellationRequested();
                {
                    // A failed heartbeat is not fatal: the next one may get through before the timeout.
                    try { storage.Heartbeat(study.Id, worker.Id, running.Keys.ToArray()); }
                    catch (DbException e) { options.OnEvent?.Invoke($"heartbeat not sent ({FirstLine(e.Message)}); retrying"); }
                    try
                    {
                        foreach (var n in storage.MarkLost(study.Id, options.HeartbeatTimeout))
                            options.OnEvent?.Invoke($"trial {n + 1} marked failed: its worker sent no heartbeat for {options.HeartbeatTimeout.TotalSeconds:0.#} s");
                    }
                    catch (DbException) { /* checked again at the next beat */ }
                }
                foreach (var (number, entry) in running.Where(r => r.Value.Task.IsCompleted).ToArray())
                {
                    running.Remove(number);
                    var record = Record(study, number, entry.Config, entry.Task, entry.Clock.Elapsed, cancellation, deadline) with { RetryOf = entry.RetryOf, WorkerId = worker.Id };
                    if (record.State == "stopped") reason = StopReason.TimeBudget;
                    bool recorded = Retrying(() => storage.Finish(study.Id, worker.Id, record), $"record trial {number + 1}", options);
                    if (!recorded) options.OnEvent?.Invoke($"trial {number + 1} was not this worker's claim any more; its result was not recorded");
                    else mine++;
                    onTrial?.Invoke(record, Snapshot());
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
        return Snapshot();
    }

    private static TrialRecord Record(StudyInfo study, int number, Configuration config, Task<TrialOutcome> task, TimeSpan elapsed, CancellationToken cancellation, CancellationTokenSource deadline)
    {
        try
        {
            var outcome = task.GetAwaiter().GetResult();
            return double.IsFinite(outcome.Value)
                ? new TrialRecord(number, config, "complete", outcome.Value, outcome.StdDev, outcome.Splits, null, elapsed)
                : new TrialRecord(number, config, "failed", null, null, outcome.Splits, outcome.UndefinedReason(study.Metric), elapsed);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested && deadline.IsCancellationRequested)
        {
            return Stopped(number, config, elapsed);
        }
        catch (OperationCanceledException) { throw; }
        catch (Exception e) when (e is not (OutOfMemoryException or Data.DataValidationException))
        {
            return new TrialRecord(number, config, "failed", null, null, 0, e is TrialFailedException ? FirstLine(e.Message) : $"{e.GetType().Name}: {FirstLine(e.Message)}", elapsed);
        }
    }

    /// <summary>
    /// A trial (or rung evaluation) the time budget of a shared study ended: <see cref="StudyRunner.Stopped"/>, but nothing
    /// runs it again, since the budget is the study's (from its creation) and a worker joining after it claims nothing.
    /// </summary>
    internal static TrialRecord Stopped(int number, Configuration configuration, TimeSpan ran) =>
        StudyRunner.Stopped(number, configuration, ran) with
        {
            Error = $"stopped by the time budget after {ran.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)} s (not a failure of the configuration; the shared study's time budget is over, so no worker runs it again)",
        };

    /// <summary>
    /// A storage call retried over about one heartbeat timeout (a dropped connection, a restarting server). When it
    /// still fails the study stops for this worker with the reason; what is recorded stays, and the other workers mark
    /// this one's running trials lost.
    /// </summary>
    internal static T Retrying<T>(Func<T> call, string what, SharedRunOptions options)
    {
        var clock = Stopwatch.StartNew();
        for (int attempt = 1; ; attempt++)
        {
            try { return call(); }
            catch (DbException e) when (clock.Elapsed < options.HeartbeatTimeout)
            {
                options.OnEvent?.Invoke($"could not {what} (attempt {attempt}: {FirstLine(e.Message)}); retrying");
                Thread.Sleep(TimeSpan.FromMilliseconds(Math.Min(5000, 250 * attempt)));
            }
            catch (DbException e)
            {
                throw new Evaluation.EvaluationException(
                    $"could not {what} in the tuning storage for {clock.Elapsed.TotalSeconds:0} s ({FirstLine(e.Message)}). This worker stopped; every trial recorded before is kept, and the other workers mark its running trials lost (and retry them with --retry-lost). Start it again when the storage is reachable: it joins the same study.");
            }
        }
    }

    private static string FirstLine(string message)
    {
        int newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }
}
