namespace PipelineGen.Runtime.Tuning.Storage;

/// <summary>
/// Where a study and its trials live. Two implementations: the embedded SQLite journal (<see cref="TuningJournal"/>,
/// the default: one machine, nothing to install) and PostgreSQL (<see cref="PostgresStudyStorage"/>: any number of
/// machines join one study). The first group of members is what a single <c>tune</c> process needs (append a finished
/// trial, read them back); the second is what lets several processes share a study: trials are CLAIMED in the storage
/// before they run (state <c>running</c>, worker id, heartbeat), so no two workers evaluate the same trial.
/// </summary>
internal interface IStudyStorage : IDisposable
{
    /// <summary>Where the storage is, for messages; never holds a password.</summary>
    string Location { get; }

    void CreateStudy(StudyInfo study);

    /// <summary>The most recent study of a pipeline, or null.</summary>
    StudyInfo? LatestStudy(string pipeline);

    /// <summary>Records one finished trial in its own transaction (the single-process journal's way).</summary>
    void Append(string studyId, TrialRecord trial);

    /// <summary>Finished trials (complete, failed, pruned, stopped) in number order; running claims are not results and are left out.</summary>
    IReadOnlyList<TrialRecord> Trials(string studyId);

    /// <summary>
    /// Creates the study when no worker has yet, else returns the stored one (whose budget wins: the budget is the
    /// study's). Safe when many workers call it at once.
    /// </summary>
    StudyInfo JoinStudy(StudyInfo study);

    /// <summary>Records that a worker is taking part (or is still alive): id, host, process id, heartbeat now.</summary>
    void RegisterWorker(string studyId, WorkerInfo worker);

    /// <summary>
    /// Claims the next trial atomically: under a lock on the study's row, reads what is finished and running, asks
    /// <paramref name="decide"/> what to run (a new configuration, a retry of a lost trial, or nothing) and inserts it as
    /// <c>running</c> for <paramref name="workerId"/>. Null when <paramref name="decide"/> returned null.
    /// </summary>
    ClaimedTrial? Claim(string studyId, string workerId, Func<ClaimContext, ClaimDecision?> decide);

    /// <summary>The worker is alive and still runs these trials (their heartbeat and the worker's set to now).</summary>
    void Heartbeat(string studyId, string workerId, IReadOnlyCollection<int> running);

    /// <summary>
    /// Records the result of a claimed trial. False when the claim is not this worker's (never claimed). A trial marked
    /// lost in the meantime (a heartbeat gap) still gets its result: a finished result is never thrown away.
    /// </summary>
    bool Finish(string studyId, string workerId, TrialRecord trial);

    /// <summary>Marks <c>running</c> trials whose heartbeat is older than <paramref name="timeout"/> as failed ("worker lost"); returns their numbers.</summary>
    IReadOnlyList<int> MarkLost(string studyId, TimeSpan timeout);

    /// <summary>Everything <c>tune --status</c> shows.</summary>
    StudyStatus Status(string studyId);

    // Shared successive halving / Hyperband (SharedHalving.cs): rung evaluations are rows of their own, claimed like trials.

    /// <summary>
    /// Under the same lock as <see cref="Claim"/>: reads every rung row and promoted rung, asks <paramref name="plan"/>
    /// what to write (new pending rows, promotions, verdicts) and which row to take, writes it all and marks that row
    /// <c>running</c> for <paramref name="workerId"/>. Null when the plan claims nothing. A promotion recorded twice is an
    /// error (primary key), never a silent second promotion.
    /// </summary>
    RungRow? ClaimRung(string studyId, string workerId, Func<RungContext, RungPlan> plan);

    /// <summary>The worker is alive and still runs the rung evaluations of these trials.</summary>
    void HeartbeatRungs(string studyId, string workerId, IReadOnlyCollection<int> trials);

    /// <summary>Records a claimed rung evaluation's result; false when it is not this worker's claim any more or its rung was already promoted.</summary>
    bool FinishRung(string studyId, string workerId, RungRow result);

    /// <summary>Marks <c>running</c> rung evaluations whose heartbeat is older than <paramref name="timeout"/> failed and lost; returns their (trial, rung).</summary>
    IReadOnlyList<(int Trial, int Rung)> MarkLostRungs(string studyId, TimeSpan timeout);

    /// <summary>Every rung row of the study (any state), by rung then trial.</summary>
    IReadOnlyList<RungRow> RungRows(string studyId);

    // Shared ensembles (--ensemble --storage): each trial's out-of-fold predictions (OutOfFoldStore's file bytes) kept in the storage.

    /// <summary>Stores (or replaces) a trial's out-of-fold predictions, before its result is recorded.</summary>
    void SaveOutOfFold(string studyId, int trial, byte[] predictions);

    /// <summary>Every stored trial's out-of-fold predictions, by trial number.</summary>
    IReadOnlyDictionary<int, byte[]> OutOfFold(string studyId);
}

/// <summary>A worker process taking part in a shared study.</summary>
internal sealed record WorkerInfo(string Id, string Host, int ProcessId);

/// <summary>What a claim sees, read inside the claim's lock: the study, its finished trials, the running ones, lost trials not yet retried.</summary>
internal sealed record ClaimContext(
    StudyInfo Study, IReadOnlyList<TrialRecord> Finished, IReadOnlyList<RunningTrial> Running, IReadOnlyList<TrialRecord> LostNotRetried,
    int NextNumber, bool DeadlinePassed)
{
    /// <summary>Trials that count against the study's trial budget: every row, except lost ones that have been retried (their retry counts instead).</summary>
    public int Used { get; init; }
}

/// <summary>What to claim: a new configuration, or the configuration of a lost trial again (<see cref="RetryOf"/>).</summary>
internal sealed record ClaimDecision(Configuration Configuration, int? RetryOf = null);

internal sealed record ClaimedTrial(int Number, Configuration Configuration, int? RetryOf);

/// <summary>A trial claimed and not finished: who runs it and when it last showed life.</summary>
internal sealed record RunningTrial(int Number, Configuration Configuration, string WorkerId, DateTimeOffset HeartbeatUtc, int? RetryOf);

internal sealed record WorkerStatus(string Id, string Host, int ProcessId, DateTimeOffset StartedUtc, DateTimeOffset HeartbeatUtc);

/// <summary>A study as <c>tune --status</c> shows it, read in one go. <see cref="NowUtc"/> is the storage's clock (heartbeats are compared with it).</summary>
internal sealed record StudyStatus(StudyInfo Study, IReadOnlyList<TrialRecord> Finished, IReadOnlyList<RunningTrial> Running, IReadOnlyList<WorkerStatus> Workers, DateTimeOffset NowUtc)
{
    /// <summary>Lost trials: failed because their worker stopped sending heartbeats.</summary>
    public IEnumerable<TrialRecord> Lost => Finished.Where(t => t.Lost);
}
