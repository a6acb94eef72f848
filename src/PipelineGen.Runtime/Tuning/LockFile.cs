using System.Globalization;
using System.Text;

namespace PipelineGen.Runtime.Tuning;

/// <summary>
/// The winner of a study, pinned: <c>&lt;spec&gt;.lock.yaml</c> next to the spec, meant to be committed. The build passes
/// it to the generator, which emits the values as the trainer's constants, so <c>train</c> reproduces the tuned model
/// without tuning again and a diff of the file shows what changed.
/// </summary>
internal sealed record LockFile(
    string Pipeline, string Trainer, string StudyId, string SpecHash, string Metric, double SearchScore, double? HoldbackScore,
    IReadOnlyList<KeyValuePair<string, string>> Params)
{
    /// <summary>Preparation values the study chose (tune.prepare), written under 'prepare:'.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Prepare { get; init; } = [];
    /// <summary>
    /// One member of a pinned ensemble: its trial, weight and values. <paramref name="From"/> is "spec" or "pinned" for
    /// the study's starting trial: its values are those it was built with, which need not be a point of the space.
    /// </summary>
    public sealed record EnsembleEntry(int Trial, double Weight, IReadOnlyList<KeyValuePair<string, string>> Params, string? From = null)
    {
        /// <summary>A member as the lock writes it: the space's names in the space's order, then any other name it sets (the starting trial's).</summary>
        public static EnsembleEntry Of(Ensembles.EnsembleMember member, SearchSpace space)
        {
            var values = member.Configuration;
            var inSpace = space.Parameters.Where(p => values.ContainsKey(p.Name)).Select(p => new KeyValuePair<string, string>(p.Name, p.Format(values[p.Name])));
            var others = values.Where(kv => space.Parameters.All(p => p.Name != kv.Key))
                .Select(kv => new KeyValuePair<string, string>(kv.Key, kv.Value.ToString("R", CultureInfo.InvariantCulture)));
            return new EnsembleEntry(member.Trial, member.Weight, inSpace.Concat(others).ToArray(), values.Origin);
        }
    }

    /// <summary>The ensemble <c>tune --ensemble</c> kept (it beat the single winner on the held-back rows); null: none.</summary>
    public IReadOnlyList<EnsembleEntry>? Ensemble { get; init; }
    public double? EnsembleHoldbackScore { get; init; }
    /// <summary>"spec" or "pinned" when no trial beat the study's starting point (trial 1): the lock pins those values again.</summary>
    public string? StartingPointWon { get; init; }
    /// <summary>SHA-256 of the training data file the study read (written as 'study.data_sha256'; null: not written).</summary>
    public string? DataSha256 { get; init; }

    /// <summary>The key of the line that records <see cref="ContentHash"/> of the rest of the file.</summary>
    public const string ContentHashKey = "content_sha256";

    /// <summary>
    /// SHA-256 over the lock's lines as tune wrote them: blank lines, comments and the content line itself left out, line
    /// ends trimmed. Train compares it with the file it reads: a lock edited by hand (a value, a weight, a score) no longer
    /// matches, so the study's held-back score, measured for the values tune wrote, is not claimed for the edited ones.
    /// </summary>
    public static string ContentHash(IEnumerable<string> lines)
    {
        var canonical = string.Join("\n", lines.Select(l => l.TrimEnd())
            .Where(l => l.Length > 0 && !l.TrimStart().StartsWith('#') && !l.TrimStart().StartsWith(ContentHashKey + ":", StringComparison.Ordinal)));
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    public static void Write(string path, LockFile lockFile)
    {
        static string Q(string s) => "'" + s.Replace("'", "''") + "'";
        static string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var text = new StringBuilder()
            .Append("# Written by 'tune' (PipelineGen). The build reads it: these values become the trainer's constants.\n")
            .Append("# Commit it to pin the tuned model; delete it to go back to the spec's own hyperparameters.\n")
            .Append(lockFile.StartingPointWon is { } origin ? $"# No trial beat {StartingPoint.Label(origin)} (trial 1 of the study): these are its values.\n" : "")
            .Append("version: 1\n")
            .Append("pipeline: ").Append(Q(lockFile.Pipeline)).Append('\n')
            .Append("trainer: ").Append(Q(lockFile.Trainer)).Append('\n')
            .Append(lockFile.Params.Count == 0 ? "params: {}\n" : "params:\n");
        foreach (var (name, value) in lockFile.Params) text.Append("  ").Append(name).Append(": ").Append(value).Append('\n');
        if (lockFile.Prepare.Count > 0)
        {
            text.Append("prepare:\n");
            foreach (var (name, value) in lockFile.Prepare) text.Append("  ").Append(name).Append(": ").Append(value).Append('\n');
        }
        text.Append("study:\n")
            .Append("  id: ").Append(Q(lockFile.StudyId)).Append('\n')
            .Append("  spec_hash: ").Append(Q(lockFile.SpecHash)).Append('\n')
            .Append("  metric: ").Append(Q(lockFile.Metric)).Append('\n')
            .Append("  search_score: ").Append(N(lockFile.SearchScore)).Append('\n');
        if (lockFile.HoldbackScore is { } h) text.Append("  holdback_score: ").Append(N(h)).Append('\n');
        if (lockFile.DataSha256 is { } data) text.Append("  data_sha256: ").Append(Q(data)).Append('\n');
        int contentLine = text.Length;
        if (lockFile.Ensemble is { Count: > 0 } members)
        {
            // Additive block: 'params' is the single winner; the build checks these members against the space and
            // emits them (PinnedEnsemble), so 'train' refits this ensemble (see docs/runtime-tuning.md).
            text.Append("ensemble:\n");
            if (lockFile.EnsembleHoldbackScore is { } eh) text.Append("  holdback_score: ").Append(N(eh)).Append('\n');
            text.Append("  members:\n");
            foreach (var member in members)
            {
                text.Append("    - trial: ").Append(member.Trial + 1).Append('\n')
                    .Append("      weight: ").Append(N(member.Weight)).Append('\n');
                // The starting trial: its values are what it was built with (the spec's own, or the earlier lock's).
                if (member.From is { } from) text.Append("      from: ").Append(from).Append('\n');
                // A starting trial that is the single winner sets nothing over the values pinned above: an empty mapping.
                text.Append(member.Params.Count == 0 ? "      params: {}\n" : "      params:\n");
                foreach (var (name, value) in member.Params) text.Append("        ").Append(name).Append(": ").Append(value).Append('\n');
            }
        }
        // The content hash goes last in the study block; it covers every other line (ContentHash).
        text.Insert(contentLine, $"  {ContentHashKey}: {Q(ContentHash(text.ToString().Split('\n')))}\n");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        // Unique per process: the workers of a shared study all pin the (same) winner, possibly at the same moment.
        var temp = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temp, text.ToString(), new UTF8Encoding(false));
        File.Move(temp, path, overwrite: true);
    }
}
