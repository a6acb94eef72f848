namespace PipelineGen.Runtime.Exploration;

/// <summary>Duplicate rows by a 64-bit FNV-1a hash of the row's cells (collisions are negligible at these sizes).</summary>
internal sealed class DuplicateTracker(int hashCap, int maxExamples)
{
    private readonly Dictionary<ulong, (long First, int Count)> _rows = [];
    public long Duplicates { get; private set; }
    /// <summary>Rows that have a copy elsewhere in the file (every member of a repeated group, the first included).</summary>
    public long RowsWithCopy { get; private set; }
    public bool Exact { get; private set; } = true;
    public List<DuplicateExample> Examples { get; } = [];

    /// <summary>
    /// The row number of the earlier row with this hash, or null when it is the first. <paramref name="count"/> false:
    /// a repeat is only reported, not counted (the near-duplicate count leaves out rows the exact count has).
    /// </summary>
    public long? Add(ulong hash, long rowNumber, Func<string> render, bool count = true)
    {
        if (_rows.TryGetValue(hash, out var seen))
        {
            if (!count) return seen.First;
            Duplicates++;
            RowsWithCopy += seen.Count == 1 ? 2 : 1;
            _rows[hash] = (seen.First, seen.Count + 1);
            if (Examples.Count < maxExamples) Examples.Add(new DuplicateExample(rowNumber, seen.First, render()));
            return seen.First;
        }
        if (_rows.Count < hashCap) _rows[hash] = (rowNumber, 1);
        else Exact = false;
        return null;
    }

    /// <summary>The first row with this hash, when it was remembered.</summary>
    public bool TryFind(ulong hash, out long firstRow)
    {
        var found = _rows.TryGetValue(hash, out var seen);
        firstRow = seen.First;
        return found;
    }
}
