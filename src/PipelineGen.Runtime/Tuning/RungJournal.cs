using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace PipelineGen.Runtime.Tuning;

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
