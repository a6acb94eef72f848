using MathNet.Numerics.Statistics;

namespace PipelineGen.Runtime.Exploration;

/// <summary>Duplicate rows by a 64-bit FNV-1a hash of the row's cells (collisions are negligible at these sizes).</summary>
internal sealed class DuplicateTracker(int hashCap, int maxExamples)
{
    private readonly Dictionary<ulong, long> _firstRow = [];
    public long Duplicates { get; private set; }
    public bool Exact { get; private set; } = true;
    public List<DuplicateExample> Examples { get; } = [];

    /// <summary>
    /// The row number of the earlier row with this hash, or null when it is the first. <paramref name="count"/> false:
    /// a repeat is only reported, not counted (the near-duplicate count leaves out rows the exact count has).
    /// </summary>
    public long? Add(ulong hash, long rowNumber, Func<string> render, bool count = true)
    {
        if (_firstRow.TryGetValue(hash, out var first))
        {
            if (!count) return first;
            Duplicates++;
            if (Examples.Count < maxExamples) Examples.Add(new DuplicateExample(rowNumber, first, render()));
            return first;
        }
        if (_firstRow.Count < hashCap) _firstRow[hash] = rowNumber;
        else Exact = false;
        return null;
    }
}
