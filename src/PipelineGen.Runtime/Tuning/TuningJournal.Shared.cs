using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using PipelineGen.Runtime.Tuning.Storage;

namespace PipelineGen.Runtime.Tuning;

/// <summary>
/// The SQLite journal as an <see cref="IStudyStorage"/>: the shared-study operations on one machine (several processes
/// on one file). A claim runs in a <c>BEGIN IMMEDIATE</c> transaction, which takes SQLite's single write lock before it
/// reads, so two claims never see the same next number. Times are this machine's UTC clock (ISO 8601 text).
/// </summary>
internal sealed partial class TuningJournal : IStudyStorage
{
    public string Location => DatabasePath;

    private static string Now() => DateTimeOffset.UtcNow.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private SqliteCommand Command(SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    public StudyInfo JoinStudy(StudyInfo study)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        var existing = ReadStudy(transaction, study.Id);
        if (existing is null)
        {
            using (var insert = Command(transaction, "INSERT INTO studies (id, pipeline, spec_hash, data_hash, space, strategy, seed, metric, higher_is_better, created_utc, options, trial_budget, time_budget_s, starting_point) VALUES ($id, $pipeline, $spec, $data, $space, $strategy, $seed, $metric, $higher, $created, $options, $trials, $time, $start)",
                ("$start", study.StartingPoint),
                ("$id", study.Id), ("$pipeline", study.Pipeline), ("$spec", study.SpecHash), ("$data", study.DataHash), ("$space", study.SpaceFingerprint),
                ("$strategy", study.Strategy), ("$seed", study.Seed), ("$metric", study.Metric), ("$higher", study.HigherIsBetter ? 1 : 0),
                ("$created", Now()), ("$options", study.Options), ("$trials", study.TrialBudget), ("$time", study.TimeBudget?.TotalSeconds)))
                insert.ExecuteNonQuery();
            existing = ReadStudy(transaction, study.Id)!;
        }
        transaction.Commit();
        return existing;
    }

    private StudyInfo? ReadStudy(SqliteTransaction? transaction, string id)
    {
        using var query = Command(transaction, "SELECT id, pipeline, spec_hash, data_hash, space, strategy, seed, metric, higher_is_better, created_utc, options, trial_budget, time_budget_s, starting_point FROM studies WHERE id = $id", ("$id", id));
        using var r = query.ExecuteReader();
        if (!r.Read()) return null;
        return new StudyInfo(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt32(6), r.GetString(7), r.GetInt32(8) != 0, ParseTime(r.GetString(9)))
        {
            Options = r.IsDBNull(10) ? null : r.GetString(10),
            TrialBudget = r.IsDBNull(11) ? null : r.GetInt32(11),
            TimeBudget = r.IsDBNull(12) ? null : TimeSpan.FromSeconds(r.GetDouble(12)),
            StartingPoint = r.IsDBNull(13) ? null : r.GetString(13),
        };
    }

    public void RegisterWorker(string studyId, WorkerInfo worker)
    {
        string now = Now();
        using var upsert = Command(null, "INSERT INTO workers (study_id, worker_id, host, pid, started_utc, heartbeat_utc) VALUES ($s, $w, $h, $p, $now, $now) ON CONFLICT (study_id, worker_id) DO UPDATE SET heartbeat_utc = $now",
            ("$s", studyId), ("$w", worker.Id), ("$h", worker.Host), ("$p", worker.ProcessId), ("$now", now));
        upsert.ExecuteNonQuery();
    }

    public ClaimedTrial? Claim(string studyId, string workerId, Func<ClaimContext, ClaimDecision?> decide)
    {
        // BEGIN IMMEDIATE: the write lock first, then the reads, so the context cannot go stale before the insert.
        using var transaction = _connection.BeginTransaction(deferred: false);
        var study = ReadStudy(transaction, studyId) ?? throw new InvalidOperationException($"study {studyId} is not in {DatabasePath}.");
        var (finished, running) = ReadTrials(transaction, studyId);
        var context = NewContext(study, finished, running, DateTimeOffset.UtcNow);
        var decision = decide(context);
        if (decision is null) { transaction.Commit(); return null; }
        string now = Now();
        using (var insert = Command(transaction, "INSERT INTO trials (study_id, number, params, state, splits, duration_ms, finished_utc, worker_id, heartbeat_utc, retry_of, origin) VALUES ($s, $n, $p, 'running', 0, 0, $now, $w, $now, $retry, $origin)",
            ("$origin", decision.Configuration.Origin), ("$s", studyId), ("$n", context.NextNumber), ("$p", ParamsJson(decision.Configuration)), ("$now", now), ("$w", workerId), ("$retry", decision.RetryOf)))
            insert.ExecuteNonQuery();
        transaction.Commit();
        return new ClaimedTrial(context.NextNumber, decision.Configuration, decision.RetryOf);
    }

    /// <summary>The context of a claim, the same for both storages: budget use counts a lost trial only until its retry is claimed.</summary>
    internal static ClaimContext NewContext(StudyInfo study, IReadOnlyList<TrialRecord> finished, IReadOnlyList<RunningTrial> running, DateTimeOffset now)
    {
        var retried = finished.Where(t => t.RetryOf is not null).Select(t => t.RetryOf!.Value)
            .Concat(running.Where(r => r.RetryOf is not null).Select(r => r.RetryOf!.Value)).ToHashSet();
        int next = finished.Select(t => t.Number).Concat(running.Select(r => r.Number)).DefaultIfEmpty(-1).Max() + 1;
        bool deadline = study.TimeBudget is { } budget && now >= study.CreatedUtc + budget;
        return new ClaimContext(study, finished, running, finished.Where(t => t.Lost && !retried.Contains(t.Number)).ToArray(), next, deadline)
        {
            Used = finished.Count + running.Count - finished.Count(t => t.Lost && retried.Contains(t.Number)),
        };
    }

    internal static string ParamsJson(Configuration configuration) =>
        JsonSerializer.Serialize(new SortedDictionary<string, double>(configuration, StringComparer.Ordinal));

    private (IReadOnlyList<TrialRecord> Finished, IReadOnlyList<RunningTrial> Running) ReadTrials(SqliteTransaction? transaction, string studyId)
    {
        var finished = new List<TrialRecord>();
        var running = new List<RunningTrial>();
        using var query = Command(transaction, "SELECT number, params, state, value, std, splits, error, duration_ms, budget, lost, retry_of, worker_id, heartbeat_utc, origin FROM trials WHERE study_id = $s ORDER BY number", ("$s", studyId));
        using var r = query.ExecuteReader();
        while (r.Read())
        {
            // The starting trial keeps its origin: a claim sees it as claimed, and a retry of it runs the starting point again.
            var config = new Configuration(JsonSerializer.Deserialize<Dictionary<string, double>>(r.GetString(1))!) { Origin = r.IsDBNull(13) ? null : r.GetString(13) };
            int? retryOf = r.IsDBNull(10) ? null : r.GetInt32(10);
            string? worker = r.IsDBNull(11) ? null : r.GetString(11);
            if (r.GetString(2) == "running")
            {
                running.Add(new RunningTrial(r.GetInt32(0), config, worker ?? "?", r.IsDBNull(12) ? DateTimeOffset.MinValue : ParseTime(r.GetString(12)), retryOf));
                continue;
            }
            finished.Add(new TrialRecord(r.GetInt32(0), config, r.GetString(2), r.IsDBNull(3) ? null : r.GetDouble(3), r.IsDBNull(4) ? null : r.GetDouble(4),
                r.GetInt32(5), r.IsDBNull(6) ? null : r.GetString(6), TimeSpan.FromMilliseconds(r.GetDouble(7)))
            {
                Budget = r.IsDBNull(8) ? null : r.GetDouble(8),
                Lost = !r.IsDBNull(9) && r.GetInt32(9) != 0,
                RetryOf = retryOf,
                WorkerId = worker,
            });
        }
        return (finished, running);
    }

    public void Heartbeat(string studyId, string workerId, IReadOnlyCollection<int> running)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        string now = Now();
        using (var worker = Command(transaction, "UPDATE workers SET heartbeat_utc = $now WHERE study_id = $s AND worker_id = $w", ("$now", now), ("$s", studyId), ("$w", workerId)))
            worker.ExecuteNonQuery();
        foreach (int number in running)
        {
            using var trial = Command(transaction, "UPDATE trials SET heartbeat_utc = $now WHERE study_id = $s AND number = $n AND worker_id = $w AND state = 'running'",
                ("$now", now), ("$s", studyId), ("$n", number), ("$w", workerId));
            trial.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    public bool Finish(string studyId, string workerId, TrialRecord trial)
    {
        using var update = Command(null, """
            UPDATE trials SET state = $state, value = $value, std = $std, splits = $splits, error = $error, duration_ms = $duration,
                finished_utc = $now, budget = $budget, lost = 0, heartbeat_utc = $now
            WHERE study_id = $s AND number = $n AND worker_id = $w AND (state = 'running' OR lost = 1)
            """,
            ("$state", trial.State), ("$value", trial.Value), ("$std", trial.StdDev), ("$splits", trial.Splits), ("$error", trial.Error),
            ("$duration", trial.Duration.TotalMilliseconds), ("$now", Now()), ("$budget", trial.Budget), ("$s", studyId), ("$n", trial.Number), ("$w", workerId));
        return update.ExecuteNonQuery() == 1;
    }

    public IReadOnlyList<int> MarkLost(string studyId, TimeSpan timeout)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        var (_, running) = ReadTrials(transaction, studyId);
        var now = DateTimeOffset.UtcNow;
        var lost = running.Where(r => now - r.HeartbeatUtc > timeout).ToArray();
        foreach (var r in lost)
        {
            using var update = Command(transaction, "UPDATE trials SET state = 'failed', lost = 1, error = $e, finished_utc = $now WHERE study_id = $s AND number = $n AND state = 'running'",
                ("$e", LostMessage(r.WorkerId, now - r.HeartbeatUtc)), ("$now", Now()), ("$s", studyId), ("$n", r.Number));
            update.ExecuteNonQuery();
        }
        transaction.Commit();
        return lost.Select(r => r.Number).ToArray();
    }

    internal static string LostMessage(string workerId, TimeSpan silent) =>
        $"worker lost: {workerId} sent no heartbeat for {silent.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s (killed, or its machine or network went away)";

    public StudyStatus Status(string studyId)
    {
        var study = ReadStudy(null, studyId) ?? throw new InvalidOperationException($"study {studyId} is not in {DatabasePath}.");
        var (finished, running) = ReadTrials(null, studyId);
        running = [.. running, .. RunningRungs(studyId)]; // shared halving's rung evaluations run too
        var workers = new List<WorkerStatus>();
        using (var query = Command(null, "SELECT worker_id, host, pid, started_utc, heartbeat_utc FROM workers WHERE study_id = $s ORDER BY started_utc, worker_id", ("$s", studyId)))
        using (var r = query.ExecuteReader())
            while (r.Read()) workers.Add(new WorkerStatus(r.GetString(0), r.GetString(1), r.GetInt32(2), ParseTime(r.GetString(3)), ParseTime(r.GetString(4))));
        return new StudyStatus(study, finished, running, workers, DateTimeOffset.UtcNow);
    }
}
