using System.Globalization;

namespace PipelineGen.Runtime.Training;

/// <summary>
/// Where a tuned model's hyperparameters came from, for its card: the study, its metric and the honest estimate (the
/// winner refitted on the search rows and scored on held-back rows the search never saw), and, for an ensemble, its
/// members. Read from the lock file by <c>train</c>, or given by <c>tune --ensemble</c> when it saves the ensemble.
/// </summary>
internal sealed record TuningProvenance(string StudyId, string Metric, double? HoldbackScore, string Source, string? Ensemble = null)
{
    /// <summary>The study a lock file names (its <c>study:</c> block), or null when there is no lock file or no study in it.</summary>
    /// <param name="lockPath">The lock file next to the spec.</param>
    /// <param name="compiledIn">The values the build pinned; when given, a lock whose params differ (rewritten by a later
    /// tune without a rebuild) is not this model's study and null is returned.</param>
    /// <param name="ensembleTrained">True when the model is the ensemble the lock pins (<c>train</c> fitted its members): the
    /// held-back score recorded is then the ensemble's, and the card says the model is that ensemble, not the single winner.</param>
    public static TuningProvenance? FromLockFile(string lockPath, IReadOnlyDictionary<string, string>? compiledIn = null, bool ensembleTrained = false)
    {
        var pinned = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(lockPath)) return null;
        string? id = null, metric = null;
        double? holdback = null, ensembleHoldback = null;
        string? section = null;
        foreach (var raw in File.ReadLines(lockPath))
        {
            if (raw.Length == 0 || raw.TrimStart().StartsWith('#')) continue;
            if (!char.IsWhiteSpace(raw[0])) { section = raw.Split(':')[0].Trim(); continue; }
            var line = raw.Trim();
            int colon = line.IndexOf(':');
            if (colon < 0) continue;
            string key = line[..colon].Trim(), value = line[(colon + 1)..].Trim().Trim('\'');
            if (section == "params" && raw.StartsWith("  ", StringComparison.Ordinal) && !raw.StartsWith("   ", StringComparison.Ordinal)) pinned[key] = value;
            if (section == "study" && key == "id") id = value;
            else if (section == "study" && key == "metric") metric = value;
            else if (section == "study" && key == "holdback_score" && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var h)) holdback = h;
            else if (section == "ensemble" && key == "holdback_score" && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var e)) ensembleHoldback = e;
        }
        if (id is null || metric is null) return null;
        if (compiledIn is not null && (compiledIn.Count != pinned.Count || compiledIn.Any(p => !pinned.TryGetValue(p.Key, out var v) || v != p.Value))) return null;
        if (ensembleTrained)
            return new TuningProvenance(id, metric, ensembleHoldback, $"pinned by {Path.GetFileName(lockPath)}",
                "this model is the ensemble the lock file pins ('ensemble:' block), refitted by train; the held-back score is the ensemble's"
                + (ensembleHoldback is null ? " (none recorded)" : string.Create(CultureInfo.InvariantCulture, $" (the single winner's was {holdback?.ToString("0.####", CultureInfo.InvariantCulture) ?? "not recorded"})")));
        return new TuningProvenance(id, metric, holdback, $"pinned by {Path.GetFileName(lockPath)}",
            ensembleHoldback is { } eh ? $"the study kept an ensemble (held-back {metric} {eh.ToString("0.####", CultureInfo.InvariantCulture)}); this model is its single winner — the ensemble is the model version 'tune --ensemble' saved" : null);
    }

    public string Describe()
    {
        var inv = CultureInfo.InvariantCulture;
        var score = HoldbackScore is { } h ? string.Create(inv, $"{Metric} {h:0.####} on held-back rows the search never saw (the honest estimate)") : $"{Metric}: no held-back score recorded";
        return $"Tuned by study `{StudyId}` ({Source}): {score}.{(Ensemble is null ? "" : " " + Ensemble + ".")}";
    }
}
