using System.Globalization;

namespace PipelineGen.Runtime.Training;

/// <summary>
/// Where a tuned model's hyperparameters came from, for its card: the study, its metric and the honest estimate (the
/// winner refitted on the search rows and scored on held-back rows the search never saw), and, for an ensemble, its
/// members. Read from the lock file by <c>train</c>, or given by <c>tune --ensemble</c> when it saves the ensemble.
/// </summary>
internal sealed record TuningProvenance(string StudyId, string Metric, double? HoldbackScore, string Source, string? Ensemble = null)
{
    /// <summary>
    /// Why the study's held-back score does not describe this model (the lock was edited since tune wrote it, the
    /// training data changed, it is another pipeline's lock); the score is then withheld and this is said instead.
    /// </summary>
    public string? NotThisModel { get; init; }

    /// <summary>The study a lock file names (its <c>study:</c> block), or null when there is no lock file or no study in it.</summary>
    /// <param name="lockPath">The lock file next to the spec.</param>
    /// <param name="compiledIn">The values the build pinned; when given, a lock whose params differ (rewritten by a later
    /// tune without a rebuild) is not this model's study and null is returned.</param>
    /// <param name="ensembleTrained">True when the model is the ensemble the lock pins (<c>train</c> fitted its members): the
    /// held-back score recorded is then the ensemble's, and the card says the model is that ensemble, not the single winner.</param>
    /// <param name="pipelineName">This pipeline's name: a lock naming another pipeline is not this model's study.</param>
    /// <param name="trainingDataSha256">SHA-256 of the data this model was trained on: a lock recording other data is not its study's.</param>
    public static TuningProvenance? FromLockFile(string lockPath, IReadOnlyDictionary<string, string>? compiledIn = null, bool ensembleTrained = false,
        string? pipelineName = null, string? trainingDataSha256 = null)
    {
        var pinned = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(lockPath)) return null;
        var lines = File.ReadAllLines(lockPath);
        string? id = null, metric = null, lockPipeline = null, dataSha = null, contentSha = null;
        double? holdback = null, ensembleHoldback = null;
        string? section = null;
        foreach (var raw in lines)
        {
            if (raw.Length == 0 || raw.TrimStart().StartsWith('#')) continue;
            if (!char.IsWhiteSpace(raw[0]))
            {
                section = raw.Split(':')[0].Trim();
                if (section == "pipeline") lockPipeline = raw[(raw.IndexOf(':') + 1)..].Trim().Trim('\'').Replace("''", "'");
                continue;
            }
            var line = raw.Trim();
            int colon = line.IndexOf(':');
            if (colon < 0) continue;
            string key = line[..colon].Trim(), value = line[(colon + 1)..].Trim().Trim('\'');
            if (section == "params" && raw.StartsWith("  ", StringComparison.Ordinal) && !raw.StartsWith("   ", StringComparison.Ordinal)) pinned[key] = value;
            if (section == "study" && key == "id") id = value;
            else if (section == "study" && key == "metric") metric = value;
            else if (section == "study" && key == "holdback_score" && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var h)) holdback = h;
            else if (section == "study" && key == "data_sha256") dataSha = value;
            else if (section == "study" && key == Tuning.LockFile.ContentHashKey) contentSha = value;
            else if (section == "ensemble" && key == "holdback_score" && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var e)) ensembleHoldback = e;
        }
        if (id is null || metric is null) return null;
        if (compiledIn is not null && (compiledIn.Count != pinned.Count || compiledIn.Any(p => !pinned.TryGetValue(p.Key, out var v) || v != p.Value))) return null;
        var source = $"pinned by {Path.GetFileName(lockPath)}";
        // The held-back score describes the values tune wrote, for that pipeline, trained on that data: otherwise it is withheld.
        string? notThis = pipelineName is not null && lockPipeline is not null && lockPipeline != pipelineName
                ? $"the lock file names pipeline '{lockPipeline}', not '{pipelineName}': the study tuned another pipeline"
            : contentSha is not null && contentSha != Tuning.LockFile.ContentHash(lines)
                ? "the lock file was edited after tune wrote it (its values, weights or scores are not those the study recorded)"
            : trainingDataSha256 is not null && dataSha is not null && dataSha != trainingDataSha256
                ? $"this model was trained on other data than the study searched (study {dataSha[..Math.Min(12, dataSha.Length)]}, now {trainingDataSha256[..Math.Min(12, trainingDataSha256.Length)]})"
            : null;
        if (notThis is not null)
            return new TuningProvenance(id, metric, null, source) { NotThisModel = notThis };
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
        if (NotThisModel is { } why)
            return $"Values pinned by study `{StudyId}` ({Source}), but its held-back {Metric} does not describe this model and is not shown: {why}. Run tune again for an estimate of this model.";
        var score = HoldbackScore is { } h ? string.Create(inv, $"{Metric} {h:0.####} on held-back rows the search never saw (the honest estimate)") : $"{Metric}: no held-back score recorded";
        return $"Tuned by study `{StudyId}` ({Source}): {score}.{(Ensemble is null ? "" : " " + Ensemble + ".")}";
    }
}
