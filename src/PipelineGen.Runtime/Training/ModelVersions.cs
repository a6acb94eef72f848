using System.Text.Json;

namespace PipelineGen.Runtime.Training;

/// <summary>One version folder of a model unit, with its card (null when the card is missing or unreadable, see <see cref="CardProblem"/>).</summary>
internal sealed record ModelVersionInfo(string Version, bool IsCurrent, ModelCard? Card, string? CardProblem);

/// <summary>
/// The typed API behind <c>models</c>, <c>models promote</c> and <c>models rollback</c>: list the versions of a unit and
/// change which one is current, by the same atomic pointer replacement <c>train</c> uses, under the same lock, with the
/// reason appended to the unit's history (<see cref="ModelHistory"/>).
/// </summary>
internal static class ModelVersions
{
    public static IReadOnlyList<ModelVersionInfo> List(string modelPath)
    {
        var current = ModelStore.CurrentVersion(modelPath);
        var directory = ModelStore.VersionsDirectory(modelPath);
        return ModelStore.Versions(modelPath).Select(v =>
        {
            var file = Path.Combine(directory, v, ModelStore.ModelFileName);
            try
            {
                var json = ModelCard.JsonPath(file);
                if (!File.Exists(json)) return new ModelVersionInfo(v, v == current, null, "no card");
                return new ModelVersionInfo(v, v == current, JsonSerializer.Deserialize<ModelCard>(File.ReadAllText(json), CardJson), null);
            }
            catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
            {
                return new ModelVersionInfo(v, v == current, null, "card unreadable: " + e.Message);
            }
        }).ToArray();
    }

    private static readonly JsonSerializerOptions CardJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Makes <paramref name="version"/> current; returns the version that was current before (null: none).</summary>
    /// <exception cref="ArgumentException">No reason, or no complete version of that name.</exception>
    public static string? Promote(string modelPath, string version, string reason, TimeSpan timeout, Action<string>? waiting = null)
    {
        RequireReason(reason);
        using var _ = ModelStore.AcquireLock(modelPath, timeout, waiting);
        var previous = ModelStore.CurrentVersion(modelPath);
        CarryTestLooks(modelPath, version);
        ModelStore.SetCurrent(modelPath, version);
        ModelHistory.Append(modelPath, new ModelHistoryEntry(DateTimeOffset.UtcNow, "promote", version, previous, reason));
        return previous;
    }

    /// <summary>
    /// Makes current again the version that was current before the current one (from the history), and returns
    /// (from, to).
    /// </summary>
    /// <exception cref="ArgumentException">No reason, no current version, or no earlier current version that still exists.</exception>
    public static (string From, string To) Rollback(string modelPath, string reason, TimeSpan timeout, Action<string>? waiting = null)
    {
        RequireReason(reason);
        using var _ = ModelStore.AcquireLock(modelPath, timeout, waiting);
        var current = ModelStore.CurrentVersion(modelPath)
            ?? throw new ArgumentException($"There is no current model under '{ModelStore.VersionsDirectory(modelPath)}' to roll back from. Run 'train' first.");
        // The entry that made the current version current names what was current before it.
        var made = ModelHistory.Read(modelPath).LastOrDefault(e => e.Version == current && e.Action is "train" or "promote" or "rollback");
        var target = made?.Previous;
        if (target is null)
            throw new ArgumentException($"The history '{ModelHistory.PathOf(modelPath)}' records no version that was current before {current}. Choose one from 'models' and use 'models promote <version> --reason ...'.");
        if (!ModelStore.Versions(modelPath).Contains(target))
            throw new ArgumentException($"The version that was current before {current}, {target}, no longer exists (only the newest {ModelStore.VersionsKept} versions are kept). Choose one from 'models' and use 'models promote <version> --reason ...'.");
        CarryTestLooks(modelPath, target);
        ModelStore.SetCurrent(modelPath, target);
        ModelHistory.Append(modelPath, new ModelHistoryEntry(DateTimeOffset.UtcNow, "rollback", target, current, reason));
        return (current, target);
    }

    /// <summary>
    /// The test-once lock outlives a change of the current model, as it outlives retraining: looks recorded in the current
    /// card after <paramref name="version"/> was written are added to its card before it becomes current.
    /// </summary>
    private static void CarryTestLooks(string modelPath, string version)
    {
        var looks = ModelCard.TryRead(modelPath)?.TestLooks ?? [];
        var file = Path.Combine(ModelStore.VersionsDirectory(modelPath), version, ModelStore.ModelFileName);
        if (looks.Count == 0 || !File.Exists(ModelCard.JsonPath(file))) return;
        var card = JsonSerializer.Deserialize<ModelCard>(File.ReadAllText(ModelCard.JsonPath(file)), CardJson)
            ?? throw new InvalidDataException($"The model card '{ModelCard.JsonPath(file)}' is empty.");
        var missing = looks.Where(l => !card.TestLooks.Any(k => k.AtUtc == l.AtUtc && k.DataSha256 == l.DataSha256)).ToArray();
        if (missing.Length == 0) return;
        (card with { TestLooks = card.TestLooks.Concat(missing).OrderBy(l => l.AtUtc).ToArray() }).Write(file);
    }

    private static void RequireReason(string reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
            throw new ArgumentException("Give the reason for changing the current model with --reason \"...\"; it is recorded in the model's history.");
    }
}
