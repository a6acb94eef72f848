using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace PipelineGen.Runtime.Runs;

/// <summary>A metric as a run recorded it. <c>Role</c> is <c>model</c> or <c>baseline</c>; null numbers were undefined.</summary>
/// <remarks><c>Splits</c>, <c>ValidationRows</c>: the splits the metric was defined on and their mean validation rows (an
/// evaluation's; the card needs them to place a test look), null when not measured over splits or recorded before them.
/// <c>UndefinedSplits</c>: the splits where it was undefined (a mean over 3 of 5 splits has 2), null when not measured
/// over splits or recorded before it was kept (unknown, not 0).</remarks>
internal sealed record RunMetric(string Name, string Role, double? Mean, double? StdDev, double? CiLow, double? CiHigh, int? Splits = null, double? ValidationRows = null, int? UndefinedSplits = null);

/// <summary>One execution of a workflow step.</summary>
/// <remarks><c>Outcome</c>: What the step concluded: e.g. <c>ok</c>, <c>beats-baseline</c>, <c>does-not-beat-baseline</c>, <c>bad-input</c>, <c>failed</c>.</remarks>
internal sealed record RunRecord(
    string Id, string Pipeline, string Step, DateTimeOffset StartedUtc, TimeSpan Duration,
    IReadOnlyDictionary<string, string> Parameters, IReadOnlyList<RunMetric> Metrics, string Outcome, string? Message = null)
{
    /// <summary>What determined the result (spec, data, trainer, hyperparameters, preparation, packages); null for runs recorded before it was stored.</summary>
    public RunContext? Context { get; init; }

    /// <summary>A new, sortable, practically unique id: start time to the second plus random hex.</summary>
    public static string NewId(DateTimeOffset startedUtc) =>
        startedUtc.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6];
}

/// <summary>
/// What determines a run's result besides its parameters: the spec hash, the data's SHA-256, the trainer and every
/// hyperparameter, the preparation choices (column kinds and roles, missing-value tokens, bad-row policy) and package versions.
/// </summary>
internal sealed record RunContext(
    string? SpecHash,
    string? DataPath,
    string? DataSha256,
    string? Trainer,
    IReadOnlyDictionary<string, string> Hyperparameters,
    IReadOnlyDictionary<string, string> Preparation,
    IReadOnlyDictionary<string, string> Packages)
{
    /// <summary>The context of <paramref name="pipeline"/> run on <paramref name="dataPath"/> (default: its training data).</summary>
    public static RunContext Of(IPipelineDefinition pipeline, string? dataPath = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var settings = pipeline.Settings;
        var path = dataPath is null ? settings.ResolvePath(settings.TrainDataPath)
            : Path.IsPathRooted(dataPath) || File.Exists(dataPath) ? Path.GetFullPath(dataPath) : settings.ResolvePath(dataPath);
        // A blend has no single trainer: its entry lists every member (the card's trainer entry says the same).
        var trainer = pipeline is Training.IBlendPipeline blend ? blend.DescribeBlend()
            : Training.TrainerHyperparameters.Describe(pipeline);
        var preparation = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["bad_rows"] = settings.BadRows.ToString().ToLowerInvariant(),
            ["missing_tokens"] = string.Join(" ", settings.MissingValueTokens.Select(t => $"'{t}'")),
            ["separator"] = settings.Separator.ToString(),
            ["header"] = settings.HasHeader ? "true" : "false",
        };
        foreach (var column in settings.Columns)
        {
            preparation[$"column.{column.Name}"] = $"{column.Kind.ToString().ToLowerInvariant()} {column.Role.ToString().ToLowerInvariant()}";
            // Recorded only where declared: runs compare their preparation, and a column's own tokens change what it reads.
            if (column.MissingTokens.Count > 0)
                preparation[$"column.{column.Name}.missing_tokens"] = string.Join(" ", column.MissingTokens.Select(t => $"'{t}'"));
        }
        return new RunContext(
            pipeline.Settings.SpecHash,
            path,
            // Only a regular file is hashed: a device or a pipe named as data would be read forever (the step refuses it).
            PipelineGen.Shared.DataFileCheck.KindOf(path) == PipelineGen.Shared.DataFileKind.Regular ? Training.FileHash.Sha256(path) : null,
            Training.EvaluationContext.TrainerLabel(trainer),
            trainer.Hyperparameters,
            preparation,
            Training.ModelCard.PackageVersions());
    }

    /// <summary>One name → value per determinant, for comparing runs.</summary>
    public IEnumerable<KeyValuePair<string, string?>> Flatten()
    {
        yield return new("spec_hash", SpecHash);
        yield return new("data_sha256", DataSha256);
        yield return new("trainer", Trainer);
        foreach (var (k, v) in Hyperparameters) yield return new($"hyperparameter.{k}", v);
        foreach (var (k, v) in Preparation) yield return new($"preparation.{k}", v);
        foreach (var (k, v) in Packages) yield return new($"package.{k}", v);
    }

    /// <summary>What <c>train</c> compares with its model before it puts this run's metrics in the card.</summary>
    public Training.EvaluationContext ToEvaluationContext(string? runId) =>
        new(SpecHash, DataSha256, Trainer, Hyperparameters, runId);
}

/// <summary>
/// The project's run history: an embedded SQLite database (WAL journal, so a reader never blocks a writer) at
/// <c>&lt;project dir&gt;/.pipelinegen/runs.db</c>. Any step of any area records itself with <see cref="Record"/>.
/// </summary>
internal sealed class RunStore : IDisposable
{
    private readonly SqliteConnection _connection;

    public RunStore(string databasePath)
    {
        DatabasePath = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL;");
        Execute("PRAGMA busy_timeout=5000;");
        Execute("""
            CREATE TABLE IF NOT EXISTS runs (
                id TEXT PRIMARY KEY,
                pipeline TEXT NOT NULL,
                step TEXT NOT NULL,
                started_utc TEXT NOT NULL,
                duration_ms REAL NOT NULL,
                parameters TEXT NOT NULL,
                outcome TEXT NOT NULL,
                message TEXT);
            CREATE TABLE IF NOT EXISTS run_metrics (
                run_id TEXT NOT NULL REFERENCES runs(id),
                role TEXT NOT NULL,
                name TEXT NOT NULL,
                mean REAL, std REAL, ci_low REAL, ci_high REAL,
                PRIMARY KEY (run_id, role, name));
            CREATE INDEX IF NOT EXISTS runs_by_start ON runs(started_utc);
            """);
        Migrate();
    }

    // Columns added after the first release; a database written by an earlier version gets them (its rows read as "not recorded").
    private static readonly (string Table, string Name, string Type)[] AddedColumns =
        [("runs", "spec_hash", "TEXT"), ("runs", "data_sha256", "TEXT"), ("runs", "trainer", "TEXT"), ("runs", "context", "TEXT"),
         ("run_metrics", "splits", "INTEGER"), ("run_metrics", "validation_rows", "REAL"), ("run_metrics", "undefined_splits", "INTEGER")];

    private void Migrate()
    {
        foreach (var table in AddedColumns.Select(c => c.Table).Distinct())
        {
            var existing = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            using (var info = _connection.CreateCommand())
            {
                info.CommandText = $"PRAGMA table_info({table});";
                using var reader = info.ExecuteReader();
                while (reader.Read()) existing.Add(reader.GetString(1));
            }
            foreach (var (_, name, type) in AddedColumns.Where(c => c.Table == table && !existing.Contains(c.Name)))
                Execute($"ALTER TABLE {table} ADD COLUMN {name} {type};");
        }
    }

    public string DatabasePath { get; }

    /// <summary><c>&lt;project dir&gt;/.pipelinegen/runs.db</c> for a pipeline.</summary>
    public static string DefaultPath(PipelineSettings settings) =>
        Path.Combine(settings.ResolvePath("."), ".pipelinegen", "runs.db");

    public static RunStore OpenDefault(PipelineSettings settings) => new(DefaultPath(settings));

    public void Record(RunRecord run)
    {
        using var transaction = _connection.BeginTransaction();
        using (var insert = _connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO runs (id, pipeline, step, started_utc, duration_ms, parameters, outcome, message, spec_hash, data_sha256, trainer, context) " +
                "VALUES ($id, $pipeline, $step, $started, $duration, $parameters, $outcome, $message, $spec, $data, $trainer, $context)";
            insert.Parameters.AddWithValue("$spec", (object?)run.Context?.SpecHash ?? DBNull.Value);
            insert.Parameters.AddWithValue("$data", (object?)run.Context?.DataSha256 ?? DBNull.Value);
            insert.Parameters.AddWithValue("$trainer", (object?)run.Context?.Trainer ?? DBNull.Value);
            insert.Parameters.AddWithValue("$context", run.Context is null ? DBNull.Value : JsonSerializer.Serialize(run.Context));
            insert.Parameters.AddWithValue("$id", run.Id);
            insert.Parameters.AddWithValue("$pipeline", run.Pipeline);
            insert.Parameters.AddWithValue("$step", run.Step);
            insert.Parameters.AddWithValue("$started", run.StartedUtc.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            insert.Parameters.AddWithValue("$duration", run.Duration.TotalMilliseconds);
            insert.Parameters.AddWithValue("$parameters", JsonSerializer.Serialize(new SortedDictionary<string, string>(run.Parameters.ToDictionary(), StringComparer.Ordinal)));
            insert.Parameters.AddWithValue("$outcome", run.Outcome);
            insert.Parameters.AddWithValue("$message", (object?)run.Message ?? DBNull.Value);
            insert.ExecuteNonQuery();
        }
        foreach (var metric in run.Metrics)
        {
            using var insert = _connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT OR REPLACE INTO run_metrics (run_id, role, name, mean, std, ci_low, ci_high, splits, validation_rows, undefined_splits) " +
                "VALUES ($run, $role, $name, $mean, $std, $low, $high, $splits, $rows, $undefined)";
            insert.Parameters.AddWithValue("$run", run.Id);
            insert.Parameters.AddWithValue("$role", metric.Role);
            insert.Parameters.AddWithValue("$name", metric.Name);
            insert.Parameters.AddWithValue("$mean", (object?)metric.Mean ?? DBNull.Value);
            insert.Parameters.AddWithValue("$std", (object?)metric.StdDev ?? DBNull.Value);
            insert.Parameters.AddWithValue("$low", (object?)metric.CiLow ?? DBNull.Value);
            insert.Parameters.AddWithValue("$high", (object?)metric.CiHigh ?? DBNull.Value);
            insert.Parameters.AddWithValue("$splits", (object?)metric.Splits ?? DBNull.Value);
            insert.Parameters.AddWithValue("$rows", (object?)metric.ValidationRows ?? DBNull.Value);
            insert.Parameters.AddWithValue("$undefined", (object?)metric.UndefinedSplits ?? DBNull.Value);
            insert.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    /// <summary>Most recent runs first.</summary>
    public IReadOnlyList<RunRecord> List(int limit = 20, string? pipeline = null)
    {
        using var query = _connection.CreateCommand();
        query.CommandText = "SELECT id FROM runs WHERE ($pipeline IS NULL OR pipeline = $pipeline) ORDER BY started_utc DESC, id DESC LIMIT $limit";
        query.Parameters.AddWithValue("$pipeline", (object?)pipeline ?? DBNull.Value);
        query.Parameters.AddWithValue("$limit", limit);
        var ids = new List<string>();
        using (var reader = query.ExecuteReader())
            while (reader.Read()) ids.Add(reader.GetString(0));
        return ids.Select(id => Get(id)!).ToArray();
    }

    /// <summary>A run by its id or by a unique prefix of it; null when none matches.</summary>
    /// <exception cref="ArgumentException">The prefix matches more than one run.</exception>
    public RunRecord? Get(string idOrPrefix)
    {
        var ids = new List<string>();
        using (var query = _connection.CreateCommand())
        {
            query.CommandText = "SELECT id FROM runs WHERE id = $id UNION ALL SELECT * FROM (SELECT id FROM runs WHERE id <> $id AND substr(id, 1, length($id)) = $id ORDER BY id LIMIT 2)";
            query.Parameters.AddWithValue("$id", idOrPrefix);
            using var reader = query.ExecuteReader();
            while (reader.Read()) ids.Add(reader.GetString(0));
        }
        if (ids.Count == 0) return null;
        if (ids[0] != idOrPrefix && ids.Count > 1)
            throw new ArgumentException($"Run id prefix '{idOrPrefix}' matches more than one run ({ids[0]}, {ids[1]}, ...); give more of the id.");

        using var select = _connection.CreateCommand();
        select.CommandText = "SELECT id, pipeline, step, started_utc, duration_ms, parameters, outcome, message, context FROM runs WHERE id = $id";
        select.Parameters.AddWithValue("$id", ids[0]);
        using var row = select.ExecuteReader();
        row.Read();
        var run = new RunRecord(
            row.GetString(0), row.GetString(1), row.GetString(2),
            DateTimeOffset.Parse(row.GetString(3), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
            TimeSpan.FromMilliseconds(row.GetDouble(4)),
            JsonSerializer.Deserialize<SortedDictionary<string, string>>(row.GetString(5))!,
            [], row.GetString(6), row.IsDBNull(7) ? null : row.GetString(7))
        {
            Context = row.IsDBNull(8) ? null : JsonSerializer.Deserialize<RunContext>(row.GetString(8)),
        };
        return run with { Metrics = ReadMetrics(run.Id) };
    }

    private List<RunMetric> ReadMetrics(string runId)
    {
        using var query = _connection.CreateCommand();
        query.CommandText = "SELECT name, role, mean, std, ci_low, ci_high, splits, validation_rows, undefined_splits FROM run_metrics WHERE run_id = $id ORDER BY role DESC, rowid";
        query.Parameters.AddWithValue("$id", runId);
        var metrics = new List<RunMetric>();
        using var reader = query.ExecuteReader();
        double? At(int i) => reader.IsDBNull(i) ? null : reader.GetDouble(i);
        while (reader.Read())
            metrics.Add(new RunMetric(reader.GetString(0), reader.GetString(1), At(2), At(3), At(4), At(5), reader.IsDBNull(6) ? null : reader.GetInt32(6), At(7), reader.IsDBNull(8) ? null : reader.GetInt32(8)));
        return metrics;
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose() => _connection.Dispose();
}

/// <summary>Two runs side by side: every parameter and metric that appears in either, and whether it differs.</summary>
internal sealed record RunComparison(RunRecord A, RunRecord B, IReadOnlyList<RunComparison.Row> Parameters, IReadOnlyList<RunComparison.MetricRow> Metrics)
{
    public sealed record Row(string Name, string? A, string? B)
    {
        public bool Differs => A != B;
        /// <summary>From the runs' <see cref="RunContext"/> (spec hash, data hash, trainer, hyperparameters, ...) rather than the step's parameters.</summary>
        public bool Determinant { get; init; }
    }

    /// <remarks><c>Delta</c>: B − A of the means, when both are defined.</remarks>
    public sealed record MetricRow(string Role, string Name, RunMetric? A, RunMetric? B)
    {
        public double? Delta => A?.Mean is double a && B?.Mean is double b ? b - a : null;
    }

    public static RunComparison Of(RunRecord a, RunRecord b)
    {
        var names = a.Parameters.Keys.Union(b.Parameters.Keys).Order(StringComparer.Ordinal);
        var parameters = names.Select(n => new Row(n, a.Parameters.GetValueOrDefault(n), b.Parameters.GetValueOrDefault(n))).ToList();
        // What determined the result (spec, data, trainer, hyperparameters, preparation, packages), after the step's own parameters.
        var contextA = a.Context?.Flatten().ToDictionary(p => p.Key, p => p.Value) ?? [];
        var contextB = b.Context?.Flatten().ToDictionary(p => p.Key, p => p.Value) ?? [];
        const string NotRecorded = "(not recorded)";
        foreach (var name in contextA.Keys.Union(contextB.Keys))
            parameters.Add(new Row(name,
                a.Context is null ? NotRecorded : contextA.GetValueOrDefault(name),
                b.Context is null ? NotRecorded : contextB.GetValueOrDefault(name)) { Determinant = true });
        var keys = a.Metrics.Concat(b.Metrics).Select(m => (m.Role, m.Name)).Distinct().ToArray();
        var metrics = keys.Select(k => new MetricRow(k.Role, k.Name,
            a.Metrics.FirstOrDefault(m => m.Role == k.Role && m.Name == k.Name),
            b.Metrics.FirstOrDefault(m => m.Role == k.Role && m.Name == k.Name))).ToArray();
        return new RunComparison(a, b, parameters, metrics);
    }
}
