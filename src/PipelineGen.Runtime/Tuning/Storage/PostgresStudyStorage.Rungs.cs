using System.Text.Json;
using Npgsql;

namespace PipelineGen.Runtime.Tuning.Storage;

/// <summary>
/// Shared successive halving on PostgreSQL: rung evaluations in <c>pipelinegen_rungs</c>, promoted rungs in
/// <c>pipelinegen_promotions</c>. A rung claim takes the study row's lock first (as <see cref="Claim"/> does), so the
/// plan is computed from a consistent picture and written before the next claimer reads; the promotions' primary key
/// makes a second promotion of one rung fail rather than happen.
/// </summary>
internal sealed partial class PostgresStudyStorage
{
    private const string RungColumns = "trial, rung, bracket, fraction, params, state, value, std, splits, error, duration_ms, worker_id, heartbeat_utc, lost, attempts";

    private static RungRow ReadRung(NpgsqlDataReader r) =>
        new(r.GetInt32(0), r.GetInt32(1), r.GetInt32(2), r.GetDouble(3), new Configuration(JsonSerializer.Deserialize<Dictionary<string, double>>(r.GetString(4))!), r.GetString(5))
        {
            Value = r.IsDBNull(6) ? null : r.GetDouble(6),
            StdDev = r.IsDBNull(7) ? null : r.GetDouble(7),
            Splits = r.GetInt32(8),
            Error = r.IsDBNull(9) ? null : r.GetString(9),
            Duration = TimeSpan.FromMilliseconds(r.GetDouble(10)),
            WorkerId = r.IsDBNull(11) ? null : r.GetString(11),
            HeartbeatUtc = r.IsDBNull(12) ? null : new DateTimeOffset(r.GetDateTime(12), TimeSpan.Zero),
            Lost = r.GetBoolean(13),
            Attempts = r.GetInt32(14),
        };

    private List<RungRow> ReadRungs(NpgsqlConnection c, NpgsqlTransaction? t, string studyId, string? state = null)
    {
        using var query = state is null
            ? Command(c, t, $"SELECT {RungColumns} FROM pipelinegen_rungs WHERE study_id = @s ORDER BY rung, trial", ("s", studyId))
            : Command(c, t, $"SELECT {RungColumns} FROM pipelinegen_rungs WHERE study_id = @s AND state = @state ORDER BY rung, trial", ("s", studyId), ("state", state));
        using var r = query.ExecuteReader();
        var rows = new List<RungRow>();
        while (r.Read()) rows.Add(ReadRung(r));
        return rows;
    }

    private IEnumerable<RunningTrial> RunningRungs(NpgsqlConnection c, NpgsqlTransaction? t, string studyId) =>
        ReadRungs(c, t, studyId, "running").Select(r => new RunningTrial(r.Trial, r.Configuration, r.WorkerId ?? "?", r.HeartbeatUtc ?? DateTimeOffset.MinValue, null));

    public IReadOnlyList<RungRow> RungRows(string studyId)
    {
        using var c = _source.OpenConnection();
        return ReadRungs(c, null, studyId);
    }

    public RungRow? ClaimRung(string studyId, string workerId, Func<RungContext, RungPlan> plan)
    {
        using var c = _source.OpenConnection();
        using var t = c.BeginTransaction(); // READ COMMITTED; the study row lock serialises rung claims as it does trial claims
        var study = FindStudy(c, t, studyId, forUpdate: true) ?? throw new InvalidOperationException($"study {studyId} is not in {Location}.");
        var rows = ReadRungs(c, t, studyId);
        var promoted = new HashSet<(int, int)>();
        using (var query = Command(c, t, "SELECT bracket, rung FROM pipelinegen_promotions WHERE study_id = @s", ("s", studyId)))
        using (var r = query.ExecuteReader())
            while (r.Read()) promoted.Add((r.GetInt32(0), r.GetInt32(1)));
        var now = ServerNow(c, t);
        var decided = plan(new RungContext(study, rows, promoted, study.TimeBudget is { } budget && now >= study.CreatedUtc + budget));
        foreach (var row in decided.NewRows)
        {
            using var insert = Command(c, t, "INSERT INTO pipelinegen_rungs (study_id, trial, rung, bracket, fraction, params, state) VALUES (@s, @t, @r, @b, @f, @p, 'pending')",
                ("s", studyId), ("t", row.Trial), ("r", row.Rung), ("b", row.Bracket), ("f", row.Fraction), ("p", TuningJournal.ParamsJson(row.Configuration)));
            insert.ExecuteNonQuery();
        }
        foreach (var (bracket, rung) in decided.Promotions)
        {
            using var insert = Command(c, t, "INSERT INTO pipelinegen_promotions (study_id, bracket, rung, promoted_utc) VALUES (@s, @b, @r, clock_timestamp())", ("s", studyId), ("b", bracket), ("r", rung));
            insert.ExecuteNonQuery();
        }
        foreach (var v in decided.Verdicts)
        {
            using var insert = Command(c, t, """
                INSERT INTO pipelinegen_trials (study_id, number, params, state, value, std, splits, error, duration_ms, budget, worker_id, lost, claimed_utc, heartbeat_utc, finished_utc, origin)
                VALUES (@s, @n, @p, @state, @v, @std, @splits, @e, @d, @b, @w, @lost, clock_timestamp(), clock_timestamp(), clock_timestamp(), @origin)
                """,
                ("origin", v.Configuration.Origin), ("s", studyId), ("n", v.Number), ("p", TuningJournal.ParamsJson(v.Configuration)), ("state", v.State), ("v", v.Value), ("std", v.StdDev), ("splits", v.Splits),
                ("e", v.Error), ("d", v.Duration.TotalMilliseconds), ("b", v.Budget), ("w", v.WorkerId), ("lost", v.Lost));
            insert.ExecuteNonQuery();
        }
        RungRow? claimed = null;
        if (decided.Claim is { } key)
        {
            using var update = Command(c, t, $"""
                UPDATE pipelinegen_rungs SET state = 'running', worker_id = @w, heartbeat_utc = clock_timestamp(), attempts = attempts + 1, lost = false, error = NULL
                WHERE study_id = @s AND trial = @t AND rung = @r AND (state = 'pending' OR (state = 'failed' AND lost))
                RETURNING {RungColumns}
                """, ("w", workerId), ("s", studyId), ("t", key.Trial), ("r", key.Rung));
            using var r = update.ExecuteReader();
            claimed = r.Read() ? ReadRung(r) : throw new InvalidOperationException($"rung {key.Rung} of trial {key.Trial + 1} was not claimable in {Location}.");
        }
        t.Commit();
        return claimed;
    }

    public void HeartbeatRungs(string studyId, string workerId, IReadOnlyCollection<int> trials)
    {
        using var c = _source.OpenConnection();
        using var batch = new NpgsqlBatch(c);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("UPDATE pipelinegen_workers SET heartbeat_utc = clock_timestamp() WHERE study_id = $1 AND worker_id = $2")
            { Parameters = { new() { Value = studyId }, new() { Value = workerId } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("UPDATE pipelinegen_rungs SET heartbeat_utc = clock_timestamp() WHERE study_id = $1 AND worker_id = $2 AND state = 'running' AND trial = ANY($3)")
            { Parameters = { new() { Value = studyId }, new() { Value = workerId }, new() { Value = trials.ToArray() } } });
        batch.ExecuteNonQuery();
    }

    public bool FinishRung(string studyId, string workerId, RungRow result)
    {
        using var c = _source.OpenConnection();
        // A result that comes after its row was marked lost is kept unless another worker took the row or the rung was promoted without it.
        using var update = Command(c, null, """
            UPDATE pipelinegen_rungs SET state = @state, value = @v, std = @std, splits = @splits, error = @e, duration_ms = @d,
                lost = false, finished_utc = clock_timestamp(), heartbeat_utc = clock_timestamp()
            WHERE study_id = @s AND trial = @t AND rung = @r AND worker_id = @w AND (state = 'running' OR (state = 'failed' AND lost))
              AND NOT EXISTS (SELECT 1 FROM pipelinegen_promotions p WHERE p.study_id = @s AND p.bracket = pipelinegen_rungs.bracket AND p.rung = @r)
            """,
            ("state", result.State), ("v", result.Value), ("std", result.StdDev), ("splits", result.Splits), ("e", result.Error), ("d", result.Duration.TotalMilliseconds),
            ("s", studyId), ("t", result.Trial), ("r", result.Rung), ("w", workerId));
        return update.ExecuteNonQuery() == 1;
    }

    public void SaveOutOfFold(string studyId, int trial, byte[] predictions)
    {
        using var c = _source.OpenConnection();
        using var upsert = Command(c, null, "INSERT INTO pipelinegen_out_of_fold (study_id, trial, data) VALUES (@s, @t, @d) ON CONFLICT (study_id, trial) DO UPDATE SET data = EXCLUDED.data",
            ("s", studyId), ("t", trial), ("d", predictions));
        upsert.ExecuteNonQuery();
    }

    public IReadOnlyDictionary<int, byte[]> OutOfFold(string studyId)
    {
        using var c = _source.OpenConnection();
        using var query = Command(c, null, "SELECT trial, data FROM pipelinegen_out_of_fold WHERE study_id = @s ORDER BY trial", ("s", studyId));
        using var r = query.ExecuteReader();
        var all = new Dictionary<int, byte[]>();
        while (r.Read()) all[r.GetInt32(0)] = (byte[])r.GetValue(1);
        return all;
    }

    public IReadOnlyList<(int Trial, int Rung)> MarkLostRungs(string studyId, TimeSpan timeout)
    {
        using var c = _source.OpenConnection();
        // One UPDATE, as MarkLost: a row another marker changed first is re-checked under READ COMMITTED and skipped.
        using var update = Command(c, null, """
            UPDATE pipelinegen_rungs SET state = 'failed', lost = true, finished_utc = clock_timestamp(),
                error = 'worker lost: ' || worker_id || ' sent no heartbeat for ' || round(extract(epoch FROM clock_timestamp() - heartbeat_utc))::text || ' s (killed, or its machine or network went away)'
            WHERE study_id = @s AND state = 'running' AND heartbeat_utc < clock_timestamp() - make_interval(secs => @timeout)
            RETURNING trial, rung
            """, ("s", studyId), ("timeout", timeout.TotalSeconds));
        using var r = update.ExecuteReader();
        var lost = new List<(int, int)>();
        while (r.Read()) lost.Add((r.GetInt32(0), r.GetInt32(1)));
        return lost;
    }
}
