using MathNet.Numerics.Statistics;

namespace PipelineGen.Runtime.Exploration;

/// <summary>Duplicate rows by a 64-bit FNV-1a hash of the row's cells (collisions are negligible at these sizes).</summary>
internal sealed class DuplicateTracker(int hashCap, int maxExamples)
{
    private readonly Dictionary<ulong, long> _firstRow = [];
    public long Duplicates { get; private set; }
    public bool Exact { get; private set; } = true;
    public List<DuplicateExample> Examples { get; } = [];

    public void Add(ulong hash, long rowNumber, Func<string> render)
    {
        if (_firstRow.TryGetValue(hash, out var first))
        {
            Duplicates++;
            if (Examples.Count < maxExamples) Examples.Add(new DuplicateExample(rowNumber, first, render()));
        }
        else if (_firstRow.Count < hashCap) _firstRow[hash] = rowNumber;
        else Exact = false;
    }
}
