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

    public void Add(ulong hash, long rowNumber, Func<string> render)
    {
        if (_rows.TryGetValue(hash, out var seen))
        {
            Duplicates++;
            RowsWithCopy += seen.Count == 1 ? 2 : 1;
            _rows[hash] = (seen.First, seen.Count + 1);
            if (Examples.Count < maxExamples) Examples.Add(new DuplicateExample(rowNumber, seen.First, render()));
        }
        else if (_rows.Count < hashCap) _rows[hash] = (rowNumber, 1);
        else Exact = false;
    }

    /// <summary>The first row with this hash, when it was remembered.</summary>
    public bool TryFind(ulong hash, out long firstRow)
    {
        var found = _rows.TryGetValue(hash, out var seen);
        firstRow = seen.First;
        return found;
    }
}
