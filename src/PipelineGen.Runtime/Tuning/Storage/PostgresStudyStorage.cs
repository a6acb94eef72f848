using System.Text.Json;
using Npgsql;

namespace PipelineGen.Runtime.Tuning.Storage;

/// <summary>
/// A study shared by any number of <c>tune</c> processes on any machines, in a PostgreSQL database the user runs.
/// Tables are prefixed <c>pipelinegen_</c> and created/migrated by <see cref="PostgresSchema"/>. Concurrency under
/// PostgreSQL's default isolation (READ COMMITTED): a claim first locks the study's row (<c>SELECT … FOR UPDATE</c>),
/// so claims of one study queue behind each other and each one's reads (a fresh snapshot per statement) see every claim
/// committed before it; the primary key (study, number) and a unique index on (study, retry_of) back this up. Times
/// that are compared (heartbeats, the deadline) are the server's clock (<c>clock_timestamp()</c>), never a worker's, so
/// machines with skewed clocks agree. Every operation opens a pooled connection of its own, so a dropped connection
/// costs one call, not the worker.
/// </summary>
internal sealed partial class PostgresStudyStorage : IStudyStorage
{
    private readonly NpgsqlDataSource _source;

    public PostgresStudyStorage(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try { builder = new NpgsqlConnectionStringBuilder(connectionString); }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"the tuning storage is not a PostgreSQL connection string ({e.Message}). Give e.g. \"Host=db;Database=tuning;Username=tuner\" (password from PGPASSWORD or ~/.pgpass).");
        }
        var shown = new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Password = null };
        Location = $"postgresql://{shown.Username ?? "(default user)"}@{shown.Host}:{shown.Port}/{shown.Database ?? "(default database)"}";
        _source = NpgsqlDataSource.Create(builder.ConnectionString);
        try { PostgresSchema.Migrate(_source); }
        catch (NpgsqlException e)
        {
            _source.Dispose();
            throw new Evaluation.EvaluationException($"could not open the tuning storage {Location}: {e.Message}. Check that the server runs and the connection string (--storage or PIPELINEGEN_TUNE_STORAGE).");
        }
    }

    /// <summary>Host, port, database and user; the password is never shown.</summary>
    public string Location { get; }

    private NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private const string StudyColumns = "id, pipeline, spec_hash, data_hash, space, strategy, seed, metric, higher_is_better, created_utc, options, trial_budget, time_budget_s, starting_point";

    private static StudyInfo ReadStudy(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt32(6), r.GetString(7), r.GetBoolean(8),
            new DateTimeOffset(r.GetDateTime(9), TimeSpan.Zero))
        {
            Options = r.IsDBNull(10) ? null : r.GetString(10),
            TrialBudget = r.IsDBNull(11) ? null : r.GetInt32(11),
            TimeBudget = r.IsDBNull(12) ? null : TimeSpan.FromSeconds(r.GetDouble(12)),
            StartingPoint = r.IsDBNull(13) ? null : r.GetString(13),
        };

    private StudyInfo? FindStudy(NpgsqlConnection c, NpgsqlTransaction? t, string id, bool forUpdate = false)
    {
        using var query = Command(c, t, $"SELECT {StudyColumns} FROM pipelinegen_studies WHERE id = @id" + (forUpdate ? " FOR UPDATE" : ""), ("id", id));
        using var r = query.ExecuteReader();
        return r.Read() ? ReadStudy(r) : null;
    }

    private void InsertStudy(NpgsqlConnection c, NpgsqlTransaction? t, StudyInfo study, bool createdNow)
    {
        using var insert = Command(c, t,
            $"INSERT INTO pipelinegen_studies ({StudyColumns}) VALUES (@id, @pipeline, @spec, @data, @space, @strategy, @seed, @metric, @higher, {(createdNow ? "clock_timestamp()" : "@created")}, @options, @trials, @time, @start) ON CONFLICT (id) DO NOTHING",
            ("id", study.Id), ("pipeline", study.Pipeline), ("spec", study.SpecHash), ("data", study.DataHash), ("space", study.SpaceFingerprint), ("strategy", study.Strategy),
            ("seed", study.Seed), ("metric", study.Metric), ("higher", study.HigherIsBetter), ("created", study.CreatedUtc.UtcDateTime), ("options", study.Options),
            ("trials", study.TrialBudget), ("time", study.TimeBudget?.TotalSeconds), ("start", study.StartingPoint));
        insert.ExecuteNonQuery();
    }

    public void CreateStudy(StudyInfo study)
    {
        using var c = _source.OpenConnection();
        InsertStudy(c, null, study, createdNow: false);
    }

    public StudyInfo? LatestStudy(string pipeline)
    {
        using var c = _source.OpenConnection();
        using var query = Command(c, null, $"SELECT {StudyColumns} FROM pipelinegen_studies WHERE pipeline = @p ORDER BY created_utc DESC, id DESC LIMIT 1", ("p", pipeline));
        using var r = query.ExecuteReader();
        return r.Read() ? ReadStudy(r) : null;
    }

    public StudyInfo JoinStudy(StudyInfo study)
    {
        using var c = _source.OpenConnection();
        // ON CONFLICT DO NOTHING: of workers starting together, one creates the row (its clock starts the time budget), the others read it.
        InsertStudy(c, null, study, createdNow: true);
        return FindStudy(c, null, study.Id)!;
    }

    public void Append(string studyId, TrialRecord trial)
    {
        using var c = _source.OpenConnection();
        using var t = c.BeginTransaction();
        using (var replace = Command(c, t, "DELETE FROM pipelinegen_trials WHERE study_id = @s AND number = @n AND state = 'stopped'", ("s", studyId), ("n", trial.Number)))
            replace.ExecuteNonQuery();
        using (var insert = Command(c, t, """
            INSERT INTO pipelinegen_trials (study_id, number, params, state, value, std, splits, error, duration_ms, budget, worker_id, retry_of, lost, claimed_utc, heartbeat_utc, finished_utc, origin)
            VALUES (@s, @n, @p, @state, @v, @std, @splits, @e, @d, @b, @w, @retry, @lost, clock_timestamp(), clock_timestamp(), clock_timestamp(), @origin)
            """,
            ("origin", trial.Configuration.Origin), ("s", studyId), ("n", trial.Number), ("p", TuningJournal.ParamsJson(trial.Configuration)), ("state", trial.State), ("v", trial.Value), ("std", trial.StdDev),
            ("splits", trial.Splits), ("e", trial.Error), ("d", trial.Duration.TotalMilliseconds), ("b", trial.Budget), ("w", trial.WorkerId), ("retry", trial.RetryOf), ("lost", trial.Lost)))
            insert.ExecuteNonQuery();
        t.Commit();
    }

    public IReadOnlyList<TrialRecord> Trials(string studyId)
    {
        using var c = _source.OpenConnection();
        return ReadTrials(c, null, studyId).Finished;
    }

    private (IReadOnlyList<TrialRecord> Finished, IReadOnlyList<RunningTrial> Running) ReadTrials(NpgsqlConnection c, NpgsqlTransaction? t, string studyId)
    {
        var finished = new List<TrialRecord>();
        var running = new List<RunningTrial>();
        using var query = Command(c, t, "SELECT number, params, state, value, std, splits, error, duration_ms, budget, lost, retry_of, worker_id, heartbeat_utc, origin FROM pipelinegen_trials WHERE study_id = @s ORDER BY number", ("s", studyId));
        using var r = query.ExecuteReader();
        while (r.Read())
        {
            var config = new Configuration(JsonSerializer.Deserialize<Dictionary<string, double>>(r.GetString(1))!) { Origin = r.IsDBNull(13) ? null : r.GetString(13) };
            int? retryOf = r.IsDBNull(10) ? null : r.GetInt32(10);
            string? worker = r.IsDBNull(11) ? null : r.GetString(11);
            if (r.GetString(2) == "running")
            {
                running.Add(new RunningTrial(r.GetInt32(0), config, worker ?? "?", new DateTimeOffset(r.GetDateTime(12), TimeSpan.Zero), retryOf));
                continue;
            }
            finished.Add(new TrialRecord(r.GetInt32(0), config, r.GetString(2), r.IsDBNull(3) ? null : r.GetDouble(3), r.IsDBNull(4) ? null : r.GetDouble(4),
                r.GetInt32(5), r.IsDBNull(6) ? null : r.GetString(6), TimeSpan.FromMilliseconds(r.GetDouble(7)))
            {
                Budget = r.IsDBNull(8) ? null : r.GetDouble(8),
                Lost = r.GetBoolean(9),
                RetryOf = retryOf,
                WorkerId = worker,
            });
        }
        return (finished, running);
    }

    private static DateTimeOffset ServerNow(NpgsqlConnection c, NpgsqlTransaction? t)
    {
        using var command = new NpgsqlCommand("SELECT clock_timestamp()", c, t);
        return new DateTimeOffset((DateTime)command.ExecuteScalar()!, TimeSpan.Zero);
    }

    public void RegisterWorker(string studyId, WorkerInfo worker)
    {
        using var c = _source.OpenConnection();
        using var upsert = Command(c, null, """
            INSERT INTO pipelinegen_workers (study_id, worker_id, host, pid, started_utc, heartbeat_utc) VALUES (@s, @w, @h, @p, clock_timestamp(), clock_timestamp())
            ON CONFLICT (study_id, worker_id) DO UPDATE SET heartbeat_utc = clock_timestamp()
            """, ("s", studyId), ("w", worker.Id), ("h", worker.Host), ("p", worker.ProcessId));
        upsert.ExecuteNonQuery();
    }

    public ClaimedTrial? Claim(string studyId, string workerId, Func<ClaimContext, ClaimDecision?> decide)
    {
        using var c = _source.OpenConnection();
        using var t = c.BeginTransaction(); // READ COMMITTED, the server's default
        // The row lock serialises claims of this study: a second claimer waits here until the first commits, and its
        // next statements (each with a fresh snapshot under READ COMMITTED) see the first one's claim.
        var study = FindStudy(c, t, studyId, forUpdate: true) ?? throw new InvalidOperationException($"study {studyId} is not in {Location}.");
        var (finished, running) = ReadTrials(c, t, studyId);
        var context = TuningJournal.NewContext(study, finished, running, ServerNow(c, t));
        var decision = decide(context);
        if (decision is null) { t.Commit(); return null; }
        using (var insert = Command(c, t, """
            INSERT INTO pipelinegen_trials (study_id, number, params, state, splits, duration_ms, worker_id, retry_of, lost, claimed_utc, heartbeat_utc, origin)
            VALUES (@s, @n, @p, 'running', 0, 0, @w, @retry, false, clock_timestamp(), clock_timestamp(), @origin)
            """, ("origin", decision.Configuration.Origin), ("s", studyId), ("n", context.NextNumber), ("p", TuningJournal.ParamsJson(decision.Configuration)), ("w", workerId), ("retry", decision.RetryOf)))
            insert.ExecuteNonQuery();
        t.Commit();
        return new ClaimedTrial(context.NextNumber, decision.Configuration, decision.RetryOf);
    }

    public void Heartbeat(string studyId, string workerId, IReadOnlyCollection<int> running)
    {
        using var c = _source.OpenConnection();
        using var batch = new NpgsqlBatch(c);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("UPDATE pipelinegen_workers SET heartbeat_utc = clock_timestamp() WHERE study_id = $1 AND worker_id = $2")
            { Parameters = { new() { Value = studyId }, new() { Value = workerId } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("UPDATE pipelinegen_trials SET heartbeat_utc = clock_timestamp() WHERE study_id = $1 AND worker_id = $2 AND state = 'running' AND number = ANY($3)")
            { Parameters = { new() { Value = studyId }, new() { Value = workerId }, new() { Value = running.ToArray() } } });
        batch.ExecuteNonQuery();
    }

    public bool Finish(string studyId, string workerId, TrialRecord trial)
    {
        using var c = _source.OpenConnection();
        using var update = Command(c, null, """
            UPDATE pipelinegen_trials SET state = @state, value = @v, std = @std, splits = @splits, error = @e, duration_ms = @d, budget = @b,
                lost = false, finished_utc = clock_timestamp(), heartbeat_utc = clock_timestamp()
            WHERE study_id = @s AND number = @n AND worker_id = @w AND (state = 'running' OR lost)
            """,
            ("state", trial.State), ("v", trial.Value), ("std", trial.StdDev), ("splits", trial.Splits), ("e", trial.Error), ("d", trial.Duration.TotalMilliseconds),
            ("b", trial.Budget), ("s", studyId), ("n", trial.Number), ("w", workerId));
        return update.ExecuteNonQuery() == 1;
    }

    public IReadOnlyList<int> MarkLost(string studyId, TimeSpan timeout)
    {
        using var c = _source.OpenConnection();
        // One UPDATE: under READ COMMITTED a row another marker changed first is re-checked and skipped (no longer 'running').
        using var update = Command(c, null, """
            UPDATE pipelinegen_trials SET state = 'failed', lost = true, finished_utc = clock_timestamp(),
                error = 'worker lost: ' || worker_id || ' sent no heartbeat for ' || round(extract(epoch FROM clock_timestamp() - heartbeat_utc))::text || ' s (killed, or its machine or network went away)'
            WHERE study_id = @s AND state = 'running' AND heartbeat_utc < clock_timestamp() - make_interval(secs => @timeout)
            RETURNING number
            """, ("s", studyId), ("timeout", timeout.TotalSeconds));
        using var r = update.ExecuteReader();
        var numbers = new List<int>();
        while (r.Read()) numbers.Add(r.GetInt32(0));
        return numbers;
    }

    public StudyStatus Status(string studyId)
    {
        using var c = _source.OpenConnection();
        // One REPEATABLE READ transaction: the counts, the running trials and the workers are of the same moment.
        using var t = c.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
        var study = FindStudy(c, t, studyId) ?? throw new InvalidOperationException($"study {studyId} is not in {Location}.");
        var (finished, running) = ReadTrials(c, t, studyId);
        running = [.. running, .. RunningRungs(c, t, studyId)]; // shared halving's rung evaluations run too
        var workers = new List<WorkerStatus>();
        using (var query = Command(c, t, "SELECT worker_id, host, pid, started_utc, heartbeat_utc FROM pipelinegen_workers WHERE study_id = @s ORDER BY started_utc, worker_id", ("s", studyId)))
        using (var r = query.ExecuteReader())
            while (r.Read())
                workers.Add(new WorkerStatus(r.GetString(0), r.GetString(1), r.GetInt32(2), new DateTimeOffset(r.GetDateTime(3), TimeSpan.Zero), new DateTimeOffset(r.GetDateTime(4), TimeSpan.Zero)));
        var now = ServerNow(c, t);
        t.Commit();
        return new StudyStatus(study, finished, running, workers, now);
    }

    public void Dispose() => _source.Dispose();
}
