namespace PipelineGen.Runtime.Exploration;

/// <summary>
/// Rows whose feature (and group) cells equal an earlier row's while the label differs: the same example labelled
/// two ways, which no model can fit. Keyed by a 64-bit hash of the features, like <see cref="DuplicateTracker"/>.
/// </summary>
internal sealed class LabelConflicts(int hashCap, int maxExamples)
{
    private readonly Dictionary<ulong, (long Row, string Label)> _first = [];
    public long Conflicts { get; private set; }
    public List<(long Row, long FirstRow, string Label, string FirstLabel)> Examples { get; } = [];

    public void Add(ulong featureHash, long rowNumber, string label)
    {
        if (_first.TryGetValue(featureHash, out var first))
        {
            if (first.Label == label) return;
            Conflicts++;
            if (Examples.Count < maxExamples) Examples.Add((rowNumber, first.Row, label, first.Label));
        }
        else if (_first.Count < hashCap) _first[featureHash] = (rowNumber, label);
    }
}
