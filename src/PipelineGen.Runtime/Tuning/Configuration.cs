using System.Globalization;

namespace PipelineGen.Runtime.Tuning;

/// <summary>One configuration: hyperparameter name → value.</summary>
internal sealed class Configuration : SortedDictionary<string, double>
{
    public Configuration() : base(StringComparer.Ordinal) { }
    public Configuration(IDictionary<string, double> values) : base(values, StringComparer.Ordinal) { }

    /// <summary>
    /// Set on a study's starting trial (see <see cref="StartingPoint"/>): "spec" or "pinned". Such a configuration sets
    /// no value, so <see cref="ITunablePipeline.WithHyperparameters"/> builds the pipeline exactly as <c>train</c> would
    /// now (the spec's values, or the lock's), whether or not those values are a point of the space. Null: a proposal.
    /// </summary>
    public string? Origin { get; init; }

    public bool IsStartingPoint => Origin is not null;

    public string Describe(SearchSpace space) => Origin is { } origin
        ? StartingPoint.Label(origin)
        : string.Join(", ", space.Parameters.Where(p => ContainsKey(p.Name)).Select(p => $"{p.Name}={p.Format(this[p.Name])}"));

    /// <summary>
    /// Every value set, whatever <see cref="Origin"/> says: the space's names in its order, then any other (a starting
    /// trial's member sets the trainer's values as built, which need not be names or points of the space).
    /// </summary>
    public string DescribeValues(SearchSpace space) => string.Join(", ",
        space.Parameters.Where(p => ContainsKey(p.Name)).Select(p => $"{p.Name}={p.Format(this[p.Name])}")
            .Concat(this.Where(kv => space.Parameters.All(p => p.Name != kv.Key)).Select(kv => $"{kv.Key}={kv.Value.ToString("R", CultureInfo.InvariantCulture)}")));
}
