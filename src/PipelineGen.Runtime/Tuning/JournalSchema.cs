using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace PipelineGen.Runtime.Tuning;

/// <summary>
/// Versions of <c>tune.db</c> (<c>PRAGMA user_version</c>) and the in-place migration between them. Version 0/1: the
/// first journal (studies, trials). Version 2 adds the study's strategy options, a trial's budget (share of the training
/// rows) and the <c>rung_results</c> table of successive halving. Migrating only adds (nullable columns, a new table),
/// so a journal written before is still read as it was, and its studies can still be resumed. Version 3 adds what shared
/// studies need (see Storage/): a trial's worker, heartbeat, lost flag and retried trial, a study's budgets, the workers table.
/// </summary>
internal static class JournalSchema
{
    public const int CurrentVersion = 4;

    public static void Migrate(SqliteConnection connection)
    {
        int version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version;"), CultureInfo.InvariantCulture);
        if (version >= CurrentVersion) return;
        using var transaction = connection.BeginTransaction();
        void Run(string sql)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }
        if (!HasColumn(connection, transaction, "studies", "options")) Run("ALTER TABLE studies ADD COLUMN options TEXT;");
        if (!HasColumn(connection, transaction, "trials", "budget")) Run("ALTER TABLE trials ADD COLUMN budget REAL;");
        Run("""
            CREATE TABLE IF NOT EXISTS rung_results (
                study_id TEXT NOT NULL REFERENCES studies(id),
                trial INTEGER NOT NULL,
                rung INTEGER NOT NULL,
                bracket INTEGER NOT NULL,
                fraction REAL NOT NULL,
                params TEXT NOT NULL,
                state TEXT NOT NULL,
                value REAL, std REAL, splits INTEGER NOT NULL,
                error TEXT,
                duration_ms REAL NOT NULL,
                finished_utc TEXT NOT NULL,
                PRIMARY KEY (study_id, trial, rung));
            """);
        if (!HasColumn(connection, transaction, "trials", "worker_id")) Run("ALTER TABLE trials ADD COLUMN worker_id TEXT;");
        if (!HasColumn(connection, transaction, "trials", "heartbeat_utc")) Run("ALTER TABLE trials ADD COLUMN heartbeat_utc TEXT;");
        if (!HasColumn(connection, transaction, "trials", "lost")) Run("ALTER TABLE trials ADD COLUMN lost INTEGER NOT NULL DEFAULT 0;");
        if (!HasColumn(connection, transaction, "trials", "retry_of")) Run("ALTER TABLE trials ADD COLUMN retry_of INTEGER;");
        if (!HasColumn(connection, transaction, "studies", "trial_budget")) Run("ALTER TABLE studies ADD COLUMN trial_budget INTEGER;");
        if (!HasColumn(connection, transaction, "studies", "time_budget_s")) Run("ALTER TABLE studies ADD COLUMN time_budget_s REAL;");
        Run("""
            CREATE UNIQUE INDEX IF NOT EXISTS trials_retry_once ON trials (study_id, retry_of) WHERE retry_of IS NOT NULL;
            CREATE TABLE IF NOT EXISTS workers (
                study_id TEXT NOT NULL REFERENCES studies(id),
                worker_id TEXT NOT NULL,
                host TEXT NOT NULL,
                pid INTEGER NOT NULL,
                started_utc TEXT NOT NULL,
                heartbeat_utc TEXT NOT NULL,
                PRIMARY KEY (study_id, worker_id));
            """);
        // Version 4: shared successive halving (Storage/SharedHalving.cs): rung evaluations claimed like trials, promoted rungs.
        Run("""
            CREATE TABLE IF NOT EXISTS shared_rungs (
                study_id TEXT NOT NULL REFERENCES studies(id),
                trial INTEGER NOT NULL,
                rung INTEGER NOT NULL,
                bracket INTEGER NOT NULL,
                fraction REAL NOT NULL,
                params TEXT NOT NULL,
                state TEXT NOT NULL,
                value REAL, std REAL, splits INTEGER NOT NULL DEFAULT 0,
                error TEXT,
                duration_ms REAL NOT NULL DEFAULT 0,
                worker_id TEXT,
                heartbeat_utc TEXT,
                lost INTEGER NOT NULL DEFAULT 0,
                attempts INTEGER NOT NULL DEFAULT 0,
                finished_utc TEXT,
                PRIMARY KEY (study_id, trial, rung));
            CREATE TABLE IF NOT EXISTS shared_promotions (
                study_id TEXT NOT NULL REFERENCES studies(id),
                bracket INTEGER NOT NULL,
                rung INTEGER NOT NULL,
                promoted_utc TEXT NOT NULL,
                PRIMARY KEY (study_id, bracket, rung));
            CREATE TABLE IF NOT EXISTS shared_out_of_fold (
                study_id TEXT NOT NULL REFERENCES studies(id),
                trial INTEGER NOT NULL,
                data BLOB NOT NULL,
                PRIMARY KEY (study_id, trial));
            """);
        Run($"PRAGMA user_version = {CurrentVersion};");
        transaction.Commit();
    }

    private static bool HasColumn(SqliteConnection connection, SqliteTransaction transaction, string table, string column)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = $c";
        command.Parameters.AddWithValue("$c", column);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}

/// <summary>
/// One evaluation of a configuration at one rung of successive halving: trained on <see cref="Fraction"/> of each
/// training fold. <c>State</c>: <c>complete</c>, <c>failed</c> (with its error) or <c>stopped</c> (ended by the time
/// budget; a resume runs it again).
/// </summary>
internal sealed record RungResult(int Trial, int Rung, int Bracket, double Fraction, Configuration Configuration, string State, double? Value, double? StdDev, int Splits, string? Error, TimeSpan Duration);

/// <summary>The <c>rung_results</c> table: each rung evaluation inserted in its own transaction when it finishes.</summary>
internal static class RungJournal
{
    public static void AppendRung(this TuningJournal journal, string studyId, RungResult result)
    {
        var connection = journal.Connection;
        using var transaction = connection.BeginTransaction();
        using (var replace = connection.CreateCommand())
        {
            replace.Transaction = transaction;
            replace.CommandText = "DELETE FROM rung_results WHERE study_id = $s AND trial = $t AND rung = $r AND state = 'stopped'";
            replace.Parameters.AddWithValue("$s", studyId);
            replace.Parameters.AddWithValue("$t", result.Trial);
            replace.Parameters.AddWithValue("$r", result.Rung);
            replace.ExecuteNonQuery();
        }
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO rung_results (study_id, trial, rung, bracket, fraction, params, state, value, std, splits, error, duration_ms, finished_utc) VALUES ($s, $t, $r, $b, $f, $p, $state, $v, $std, $splits, $e, $d, $finished)";
        insert.Parameters.AddWithValue("$s", studyId);
        insert.Parameters.AddWithValue("$t", result.Trial);
        insert.Parameters.AddWithValue("$r", result.Rung);
        insert.Parameters.AddWithValue("$b", result.Bracket);
        insert.Parameters.AddWithValue("$f", result.Fraction);
        insert.Parameters.AddWithValue("$p", JsonSerializer.Serialize(new SortedDictionary<string, double>(result.Configuration, StringComparer.Ordinal)));
        insert.Parameters.AddWithValue("$state", result.State);
        insert.Parameters.AddWithValue("$v", (object?)result.Value ?? DBNull.Value);
        insert.Parameters.AddWithValue("$std", (object?)result.StdDev ?? DBNull.Value);
        insert.Parameters.AddWithValue("$splits", result.Splits);
        insert.Parameters.AddWithValue("$e", (object?)result.Error ?? DBNull.Value);
        insert.Parameters.AddWithValue("$d", result.Duration.TotalMilliseconds);
        insert.Parameters.AddWithValue("$finished", DateTimeOffset.UtcNow.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        insert.ExecuteNonQuery();
        transaction.Commit();
    }

    public static IReadOnlyList<RungResult> Rungs(this TuningJournal journal, string studyId)
    {
        using var query = journal.Connection.CreateCommand();
        query.CommandText = "SELECT trial, rung, bracket, fraction, params, state, value, std, splits, error, duration_ms FROM rung_results WHERE study_id = $s ORDER BY rung, trial";
        query.Parameters.AddWithValue("$s", studyId);
        using var reader = query.ExecuteReader();
        var list = new List<RungResult>();
        while (reader.Read())
            list.Add(new RungResult(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetDouble(3),
                new Configuration(JsonSerializer.Deserialize<Dictionary<string, double>>(reader.GetString(4))!), reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetDouble(6), reader.IsDBNull(7) ? null : reader.GetDouble(7), reader.GetInt32(8),
                reader.IsDBNull(9) ? null : reader.GetString(9), TimeSpan.FromMilliseconds(reader.GetDouble(10))));
        return list;
    }
}
