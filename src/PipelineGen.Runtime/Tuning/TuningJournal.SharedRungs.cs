using System.Text.Json;
using Microsoft.Data.Sqlite;
using PipelineGen.Runtime.Tuning.Storage;

namespace PipelineGen.Runtime.Tuning;

/// <summary>
/// Shared successive halving on the SQLite journal (tables <c>shared_rungs</c>, <c>shared_promotions</c>): a rung claim
/// runs in a <c>BEGIN IMMEDIATE</c> transaction like <see cref="Claim"/>, so plans of racing processes never overlap.
/// </summary>
internal sealed partial class TuningJournal
{
    private const string RungColumns = "trial, rung, bracket, fraction, params, state, value, std, splits, error, duration_ms, worker_id, heartbeat_utc, lost, attempts";

    private static RungRow ReadRung(SqliteDataReader r) =>
        new(r.GetInt32(0), r.GetInt32(1), r.GetInt32(2), r.GetDouble(3), new Configuration(JsonSerializer.Deserialize<Dictionary<string, double>>(r.GetString(4))!), r.GetString(5))
        {
            Value = r.IsDBNull(6) ? null : r.GetDouble(6),
            StdDev = r.IsDBNull(7) ? null : r.GetDouble(7),
            Splits = r.GetInt32(8),
            Error = r.IsDBNull(9) ? null : r.GetString(9),
            Duration = TimeSpan.FromMilliseconds(r.GetDouble(10)),
            WorkerId = r.IsDBNull(11) ? null : r.GetString(11),
            HeartbeatUtc = r.IsDBNull(12) ? null : ParseTime(r.GetString(12)),
            Lost = r.GetInt32(13) != 0,
            Attempts = r.GetInt32(14),
        };

    private List<RungRow> ReadRungs(SqliteTransaction? transaction, string studyId)
    {
        using var query = Command(transaction, $"SELECT {RungColumns} FROM shared_rungs WHERE study_id = $s ORDER BY rung, trial", ("$s", studyId));
        using var r = query.ExecuteReader();
        var rows = new List<RungRow>();
        while (r.Read()) rows.Add(ReadRung(r));
        return rows;
    }

    private IEnumerable<RunningTrial> RunningRungs(string studyId) =>
        ReadRungs(null, studyId).Where(r => r.State == "running").Select(r => new RunningTrial(r.Trial, r.Configuration, r.WorkerId ?? "?", r.HeartbeatUtc ?? DateTimeOffset.MinValue, null));

    public IReadOnlyList<RungRow> RungRows(string studyId) => ReadRungs(null, studyId);

    public RungRow? ClaimRung(string studyId, string workerId, Func<RungContext, RungPlan> plan)
    {
        using var transaction = _connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: the write lock before the reads
        var study = ReadStudy(transaction, studyId) ?? throw new InvalidOperationException($"study {studyId} is not in {DatabasePath}.");
        var rows = ReadRungs(transaction, studyId);
        var promoted = new HashSet<(int, int)>();
        using (var query = Command(transaction, "SELECT bracket, rung FROM shared_promotions WHERE study_id = $s", ("$s", studyId)))
        using (var r = query.ExecuteReader())
            while (r.Read()) promoted.Add((r.GetInt32(0), r.GetInt32(1)));
        var decided = plan(new RungContext(study, rows, promoted, study.TimeBudget is { } budget && DateTimeOffset.UtcNow >= study.CreatedUtc + budget));
        string now = Now();
        foreach (var row in decided.NewRows)
        {
            using var insert = Command(transaction, "INSERT INTO shared_rungs (study_id, trial, rung, bracket, fraction, params, state) VALUES ($s, $t, $r, $b, $f, $p, 'pending')",
                ("$s", studyId), ("$t", row.Trial), ("$r", row.Rung), ("$b", row.Bracket), ("$f", row.Fraction), ("$p", ParamsJson(row.Configuration)));
            insert.ExecuteNonQuery();
        }
        foreach (var (bracket, rung) in decided.Promotions)
        {
            using var insert = Command(transaction, "INSERT INTO shared_promotions (study_id, bracket, rung, promoted_utc) VALUES ($s, $b, $r, $now)", ("$s", studyId), ("$b", bracket), ("$r", rung), ("$now", now));
            insert.ExecuteNonQuery();
        }
        foreach (var v in decided.Verdicts)
        {
            using var insert = Command(transaction, """
                INSERT INTO trials (study_id, number, params, state, value, std, splits, error, duration_ms, finished_utc, budget, worker_id, heartbeat_utc, lost, origin)
                VALUES ($s, $n, $p, $state, $v, $std, $splits, $e, $d, $now, $b, $w, $now, $lost, $origin)
                """,
                ("$origin", v.Configuration.Origin), ("$s", studyId), ("$n", v.Number), ("$p", ParamsJson(v.Configuration)), ("$state", v.State), ("$v", v.Value), ("$std", v.StdDev), ("$splits", v.Splits),
                ("$e", v.Error), ("$d", v.Duration.TotalMilliseconds), ("$now", now), ("$b", v.Budget), ("$w", v.WorkerId), ("$lost", v.Lost ? 1 : 0));
            insert.ExecuteNonQuery();
        }
        RungRow? claimed = null;
        if (decided.Claim is { } key)
        {
            using var update = Command(transaction, $"""
                UPDATE shared_rungs SET state = 'running', worker_id = $w, heartbeat_utc = $now, attempts = attempts + 1, lost = 0, error = NULL
                WHERE study_id = $s AND trial = $t AND rung = $r AND (state = 'pending' OR (state = 'failed' AND lost = 1))
                RETURNING {RungColumns}
                """, ("$w", workerId), ("$now", now), ("$s", studyId), ("$t", key.Trial), ("$r", key.Rung));
            using var r = update.ExecuteReader();
            claimed = r.Read() ? ReadRung(r) : throw new InvalidOperationException($"rung {key.Rung} of trial {key.Trial + 1} was not claimable in {DatabasePath}.");
        }
        transaction.Commit();
        return claimed;
    }

    public void HeartbeatRungs(string studyId, string workerId, IReadOnlyCollection<int> trials)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        string now = Now();
        using (var worker = Command(transaction, "UPDATE workers SET heartbeat_utc = $now WHERE study_id = $s AND worker_id = $w", ("$now", now), ("$s", studyId), ("$w", workerId)))
            worker.ExecuteNonQuery();
        foreach (int trial in trials)
        {
            using var update = Command(transaction, "UPDATE shared_rungs SET heartbeat_utc = $now WHERE study_id = $s AND trial = $t AND worker_id = $w AND state = 'running'",
                ("$now", now), ("$s", studyId), ("$t", trial), ("$w", workerId));
            update.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    public bool FinishRung(string studyId, string workerId, RungRow result)
    {
        using var update = Command(null, """
            UPDATE shared_rungs SET state = $state, value = $v, std = $std, splits = $splits, error = $e, duration_ms = $d, lost = 0, finished_utc = $now, heartbeat_utc = $now
            WHERE study_id = $s AND trial = $t AND rung = $r AND worker_id = $w AND (state = 'running' OR (state = 'failed' AND lost = 1))
              AND NOT EXISTS (SELECT 1 FROM shared_promotions p WHERE p.study_id = $s AND p.bracket = shared_rungs.bracket AND p.rung = $r)
            """,
            ("$state", result.State), ("$v", result.Value), ("$std", result.StdDev), ("$splits", result.Splits), ("$e", result.Error), ("$d", result.Duration.TotalMilliseconds),
            ("$now", Now()), ("$s", studyId), ("$t", result.Trial), ("$r", result.Rung), ("$w", workerId));
        return update.ExecuteNonQuery() == 1;
    }

    public void SaveOutOfFold(string studyId, int trial, byte[] predictions)
    {
        using var upsert = Command(null, "INSERT INTO shared_out_of_fold (study_id, trial, data) VALUES ($s, $t, $d) ON CONFLICT (study_id, trial) DO UPDATE SET data = excluded.data",
            ("$s", studyId), ("$t", trial), ("$d", predictions));
        upsert.ExecuteNonQuery();
    }

    public IReadOnlyDictionary<int, byte[]> OutOfFold(string studyId)
    {
        using var query = Command(null, "SELECT trial, data FROM shared_out_of_fold WHERE study_id = $s ORDER BY trial", ("$s", studyId));
        using var r = query.ExecuteReader();
        var all = new Dictionary<int, byte[]>();
        while (r.Read()) all[r.GetInt32(0)] = (byte[])r.GetValue(1);
        return all;
    }

    public IReadOnlyList<(int Trial, int Rung)> MarkLostRungs(string studyId, TimeSpan timeout)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        var now = DateTimeOffset.UtcNow;
        var lost = ReadRungs(transaction, studyId).Where(r => r.State == "running" && now - (r.HeartbeatUtc ?? DateTimeOffset.MinValue) > timeout).ToArray();
        foreach (var r in lost)
        {
            using var update = Command(transaction, "UPDATE shared_rungs SET state = 'failed', lost = 1, error = $e, finished_utc = $now WHERE study_id = $s AND trial = $t AND rung = $r AND state = 'running'",
                ("$e", LostMessage(r.WorkerId ?? "?", now - r.HeartbeatUtc!.Value)), ("$now", Now()), ("$s", studyId), ("$t", r.Trial), ("$r", r.Rung));
            update.ExecuteNonQuery();
        }
        transaction.Commit();
        return lost.Select(r => (r.Trial, r.Rung)).ToArray();
    }
}
