using System.Text.Json;
using System.Text.Json.Serialization;

namespace PipelineGen.Runtime.Training;

/// <summary>One change of a model unit: a version trained (made current or kept as a candidate), promoted, or rolled back to.</summary>
/// <remarks><c>Action</c>: train, candidate, promote or rollback. <c>Previous</c>: the version that was current before (null: none).</remarks>
internal sealed record ModelHistoryEntry(DateTimeOffset AtUtc, string Action, string Version, string? Previous, string Reason);

/// <summary>
/// The unit's history, <c>&lt;name&gt;/history.jsonl</c> beside the versions: one JSON object per line, appended under the
/// model lock. <c>models rollback</c> reads it to find the version that was current before; a line cut short by a crash
/// is skipped when read.
/// </summary>
internal static class ModelHistory
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string PathOf(string modelPath) => Path.Combine(ModelStore.VersionsDirectory(modelPath), "history.jsonl");

    /// <summary>Appends an entry; call it while holding the model lock.</summary>
    public static void Append(string modelPath, ModelHistoryEntry entry)
    {
        var path = PathOf(modelPath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        // A line cut short by an earlier crash would swallow this one: start on a fresh line.
        if (stream.Length > 0)
        {
            using var check = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            check.Seek(-1, SeekOrigin.End);
            if (check.ReadByte() != '\n') stream.WriteByte((byte)'\n');
        }
        stream.Write(System.Text.Encoding.UTF8.GetBytes(JsonSerializer.Serialize(entry, Json) + "\n"));
        stream.Flush(flushToDisk: true);
    }

    public static IReadOnlyList<ModelHistoryEntry> Read(string modelPath)
    {
        var path = PathOf(modelPath);
        if (!File.Exists(path)) return [];
        var entries = new List<ModelHistoryEntry>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0) continue;
            try { if (JsonSerializer.Deserialize<ModelHistoryEntry>(line, Json) is { } e) entries.Add(e); }
            catch (JsonException) { }
        }
        return entries;
    }
}
