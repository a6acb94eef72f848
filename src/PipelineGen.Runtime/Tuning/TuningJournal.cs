using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace PipelineGen.Runtime.Tuning;

/// <summary>
/// The tuning journal: an embedded SQLite database (<c>.pipelinegen/tune.db</c>, WAL) with one row per study and one
/// per finished trial. Each trial is inserted in its own transaction when it finishes, so a killed study loses at
/// most the trial that was running, and a resumed one continues from the trials recorded.
/// </summary>
internal sealed partial class TuningJournal : IDisposable
{
    private readonly SqliteConnection _connection;

    public TuningJournal(string databasePath)
    {
        DatabasePath = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL;");
        Execute("PRAGMA synchronous=FULL;");
        Execute("PRAGMA busy_timeout=5000;");
        Execute("""
            CREATE TABLE IF NOT EXISTS studies (
                id TEXT PRIMARY KEY,
                pipeline TEXT NOT NULL,
                spec_hash TEXT NOT NULL,
                data_hash TEXT NOT NULL,
                space TEXT NOT NULL,
                strategy TEXT NOT NULL,
                seed INTEGER NOT NULL,
                metric TEXT NOT NULL,
                higher_is_better INTEGER NOT NULL,
                created_utc TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS trials (
                study_id TEXT NOT NULL REFERENCES studies(id),
                number INTEGER NOT NULL,
                params TEXT NOT NULL,
                state TEXT NOT NULL,
                value REAL, std REAL, splits INTEGER NOT NULL,
                error TEXT,
                duration_ms REAL NOT NULL,
                finished_utc TEXT NOT NULL,
                PRIMARY KEY (study_id, number));
            """);
        JournalSchema.Migrate(_connection);
    }

    public string DatabasePath { get; }

    public static string DefaultPath(PipelineSettings settings) => Path.Combine(settings.ResolvePath("."), ".pipelinegen", "tune.db");

    public void CreateStudy(StudyInfo study)
    {
        using var insert = _connection.CreateCommand();
        insert.CommandText = "INSERT INTO studies (id, pipeline, spec_hash, data_hash, space, strategy, seed, metric, higher_is_better, created_utc, options, starting_point) VALUES ($id, $pipeline, $spec, $data, $space, $strategy, $seed, $metric, $higher, $created, $options, $start)";
        insert.Parameters.AddWithValue("$options", (object?)study.Options ?? DBNull.Value);
        insert.Parameters.AddWithValue("$start", (object?)study.StartingPoint ?? DBNull.Value);
        insert.Parameters.AddWithValue("$id", study.Id);
        insert.Parameters.AddWithValue("$pipeline", study.Pipeline);
        insert.Parameters.AddWithValue("$spec", study.SpecHash);
        insert.Parameters.AddWithValue("$data", study.DataHash);
        insert.Parameters.AddWithValue("$space", study.SpaceFingerprint);
        insert.Parameters.AddWithValue("$strategy", study.Strategy);
        insert.Parameters.AddWithValue("$seed", study.Seed);
        insert.Parameters.AddWithValue("$metric", study.Metric);
        insert.Parameters.AddWithValue("$higher", study.HigherIsBetter ? 1 : 0);
        insert.Parameters.AddWithValue("$created", study.CreatedUtc.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        insert.ExecuteNonQuery();
    }

    /// <summary>The most recent study of a pipeline, or null.</summary>
    public StudyInfo? LatestStudy(string pipeline)
    {
        using var query = _connection.CreateCommand();
        query.CommandText = "SELECT id, pipeline, spec_hash, data_hash, space, strategy, seed, metric, higher_is_better, created_utc, options, trial_budget, time_budget_s, starting_point FROM studies WHERE pipeline = $p ORDER BY created_utc DESC, rowid DESC LIMIT 1";
        query.Parameters.AddWithValue("$p", pipeline);
        using var reader = query.ExecuteReader();
        if (!reader.Read()) return null;
        return new StudyInfo(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
            reader.GetInt32(6), reader.GetString(7), reader.GetInt32(8) != 0,
            DateTimeOffset.Parse(reader.GetString(9), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal))
        {
            Options = reader.IsDBNull(10) ? null : reader.GetString(10),
            TrialBudget = reader.IsDBNull(11) ? null : reader.GetInt32(11),
            TimeBudget = reader.IsDBNull(12) ? null : TimeSpan.FromSeconds(reader.GetDouble(12)),
            StartingPoint = reader.IsDBNull(13) ? null : reader.GetString(13),
        };
    }

    /// <summary>
    /// Records one finished trial atomically (its own transaction). A number already recorded is refused, unless it was
    /// <c>stopped</c> by a time budget: a resumed study runs that trial again and its result replaces the stopped row.
    /// </summary>
    public void Append(string studyId, TrialRecord trial)
    {
        using var transaction = _connection.BeginTransaction();
        using (var replace = _connection.CreateCommand())
        {
            replace.Transaction = transaction;
            replace.CommandText = "DELETE FROM trials WHERE study_id = $study AND number = $n AND state = 'stopped'";
            replace.Parameters.AddWithValue("$study", studyId);
            replace.Parameters.AddWithValue("$n", trial.Number);
            replace.ExecuteNonQuery();
        }
        using var insert = _connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO trials (study_id, number, params, state, value, std, splits, error, duration_ms, finished_utc, budget, worker_id, origin) VALUES ($study, $n, $params, $state, $value, $std, $splits, $error, $duration, $finished, $budget, $worker, $origin)";
        insert.Parameters.AddWithValue("$origin", (object?)trial.Configuration.Origin ?? DBNull.Value);
        insert.Parameters.AddWithValue("$budget", (object?)trial.Budget ?? DBNull.Value);
        // Null in a single-process study; a shared halving worker's stopped verdict keeps its worker, as in PostgreSQL.
        insert.Parameters.AddWithValue("$worker", (object?)trial.WorkerId ?? DBNull.Value);
        insert.Parameters.AddWithValue("$study", studyId);
        insert.Parameters.AddWithValue("$n", trial.Number);
        insert.Parameters.AddWithValue("$params", JsonSerializer.Serialize(new SortedDictionary<string, double>(trial.Configuration, StringComparer.Ordinal)));
        insert.Parameters.AddWithValue("$state", trial.State);
        insert.Parameters.AddWithValue("$value", (object?)trial.Value ?? DBNull.Value);
        insert.Parameters.AddWithValue("$std", (object?)trial.StdDev ?? DBNull.Value);
        insert.Parameters.AddWithValue("$splits", trial.Splits);
        insert.Parameters.AddWithValue("$error", (object?)trial.Error ?? DBNull.Value);
        insert.Parameters.AddWithValue("$duration", trial.Duration.TotalMilliseconds);
        insert.Parameters.AddWithValue("$finished", DateTimeOffset.UtcNow.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        insert.ExecuteNonQuery();
        transaction.Commit();
    }

    public IReadOnlyList<TrialRecord> Trials(string studyId)
    {
        using var query = _connection.CreateCommand();
        // A claimed trial that is still running (shared studies) is not a result.
        query.CommandText = "SELECT number, params, state, value, std, splits, error, duration_ms, budget, lost, retry_of, worker_id, origin FROM trials WHERE study_id = $s AND state <> 'running' ORDER BY number";
        query.Parameters.AddWithValue("$s", studyId);
        using var reader = query.ExecuteReader();
        var list = new List<TrialRecord>();
        while (reader.Read())
            list.Add(new TrialRecord(
                reader.GetInt32(0),
                new Configuration(JsonSerializer.Deserialize<Dictionary<string, double>>(reader.GetString(1))!) { Origin = reader.IsDBNull(12) ? null : reader.GetString(12) },
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetDouble(3),
                reader.IsDBNull(4) ? null : reader.GetDouble(4),
                reader.GetInt32(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                TimeSpan.FromMilliseconds(reader.GetDouble(7)))
            {
                Budget = reader.IsDBNull(8) ? null : reader.GetDouble(8),
                Lost = !reader.IsDBNull(9) && reader.GetInt32(9) != 0,
                RetryOf = reader.IsDBNull(10) ? null : reader.GetInt32(10),
                WorkerId = reader.IsDBNull(11) ? null : reader.GetString(11),
            });
        return list;
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    internal SqliteConnection Connection => _connection;

    public void Dispose() => _connection.Dispose();
}
