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
/// Version 5 adds a study's starting point and a trial's origin (trial 1 is the spec's own configuration, StartingPoint.cs);
/// a study journaled before has none (null) and resumes as it ran, without a starting trial.
/// </summary>
internal static class JournalSchema
{
    public const int CurrentVersion = 5;

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
        if (!HasColumn(connection, transaction, "studies", "starting_point")) Run("ALTER TABLE studies ADD COLUMN starting_point TEXT;");
        if (!HasColumn(connection, transaction, "trials", "origin")) Run("ALTER TABLE trials ADD COLUMN origin TEXT;");
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
