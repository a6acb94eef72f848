using System.Text.Json;
using Npgsql;

namespace PipelineGen.Runtime.Tuning.Storage;

/// <summary>
/// The PostgreSQL schema and its migrations, recorded in <c>pipelinegen_schema_version</c>. Workers starting together
/// migrate under a transaction-scoped advisory lock, so exactly one of them creates or alters the tables.
/// </summary>
internal static class PostgresSchema
{
    public const int CurrentVersion = 3;

    /// <summary>Key of the advisory lock held while migrating (any fixed number unlikely to clash with the user's own).</summary>
    private const long MigrationLock = 0x5047_5455_4E45; // "PGTUNE"

    private static readonly string[] Migrations =
    [
        // 1: studies, trials (claimed before they run), workers.
        """
        CREATE TABLE pipelinegen_studies (
            id text PRIMARY KEY,
            pipeline text NOT NULL,
            spec_hash text NOT NULL,
            data_hash text NOT NULL,
            space text NOT NULL,
            strategy text NOT NULL,
            seed integer NOT NULL,
            metric text NOT NULL,
            higher_is_better boolean NOT NULL,
            created_utc timestamptz NOT NULL,
            options text,
            trial_budget integer,
            time_budget_s double precision);
        CREATE INDEX pipelinegen_studies_pipeline ON pipelinegen_studies (pipeline, created_utc);
        CREATE TABLE pipelinegen_trials (
            study_id text NOT NULL REFERENCES pipelinegen_studies(id),
            number integer NOT NULL,
            params text NOT NULL,
            state text NOT NULL CHECK (state IN ('running', 'complete', 'failed', 'pruned', 'stopped')),
            value double precision, std double precision, splits integer NOT NULL,
            error text,
            duration_ms double precision NOT NULL,
            budget double precision,
            worker_id text,
            retry_of integer,
            lost boolean NOT NULL DEFAULT false,
            claimed_utc timestamptz NOT NULL,
            heartbeat_utc timestamptz NOT NULL,
            finished_utc timestamptz,
            PRIMARY KEY (study_id, number));
        CREATE UNIQUE INDEX pipelinegen_trials_retry_once ON pipelinegen_trials (study_id, retry_of) WHERE retry_of IS NOT NULL;
        CREATE TABLE pipelinegen_workers (
            study_id text NOT NULL REFERENCES pipelinegen_studies(id),
            worker_id text NOT NULL,
            host text NOT NULL,
            pid integer NOT NULL,
            started_utc timestamptz NOT NULL,
            heartbeat_utc timestamptz NOT NULL,
            PRIMARY KEY (study_id, worker_id));
        """,
        // 2: shared successive halving / Hyperband: rung evaluations (claimed like trials) and the rungs promoted (once each).
        """
        CREATE TABLE pipelinegen_rungs (
            study_id text NOT NULL REFERENCES pipelinegen_studies(id),
            trial integer NOT NULL,
            rung integer NOT NULL,
            bracket integer NOT NULL,
            fraction double precision NOT NULL,
            params text NOT NULL,
            state text NOT NULL CHECK (state IN ('pending', 'running', 'complete', 'failed', 'stopped')),
            value double precision, std double precision, splits integer NOT NULL DEFAULT 0,
            error text,
            duration_ms double precision NOT NULL DEFAULT 0,
            worker_id text,
            heartbeat_utc timestamptz,
            lost boolean NOT NULL DEFAULT false,
            attempts integer NOT NULL DEFAULT 0,
            finished_utc timestamptz,
            PRIMARY KEY (study_id, trial, rung));
        CREATE TABLE pipelinegen_promotions (
            study_id text NOT NULL REFERENCES pipelinegen_studies(id),
            bracket integer NOT NULL,
            rung integer NOT NULL,
            promoted_utc timestamptz NOT NULL,
            PRIMARY KEY (study_id, bracket, rung));
        CREATE TABLE pipelinegen_out_of_fold (
            study_id text NOT NULL REFERENCES pipelinegen_studies(id),
            trial integer NOT NULL,
            data bytea NOT NULL,
            PRIMARY KEY (study_id, trial));
        """,
        // 3: the starting trial (StartingPoint.cs): what a study starts from, and which trial is it (claimed by one worker).
        """
        ALTER TABLE pipelinegen_studies ADD COLUMN starting_point text;
        ALTER TABLE pipelinegen_trials ADD COLUMN origin text;
        """,
    ];

    public static int Migrate(NpgsqlDataSource source)
    {
        using var c = source.OpenConnection();
        using var t = c.BeginTransaction();
        using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({MigrationLock})", c, t)) lockCommand.ExecuteNonQuery();
        using (var create = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS pipelinegen_schema_version (version integer NOT NULL, applied_utc timestamptz NOT NULL DEFAULT now())", c, t))
            create.ExecuteNonQuery();
        int version;
        using (var read = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM pipelinegen_schema_version", c, t)) version = Convert.ToInt32(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (version > CurrentVersion)
            throw new Evaluation.EvaluationException($"the tuning storage has schema version {version}, newer than this program's {CurrentVersion}: update PipelineGen on this machine so every worker runs the same version.");
        for (int v = version + 1; v <= CurrentVersion; v++)
        {
            using (var migrate = new NpgsqlCommand(Migrations[v - 1], c, t)) migrate.ExecuteNonQuery();
            using var record = new NpgsqlCommand("INSERT INTO pipelinegen_schema_version (version) VALUES (@v)", c, t);
            record.Parameters.AddWithValue("v", v);
            record.ExecuteNonQuery();
        }
        t.Commit();
        return CurrentVersion;
    }
}
