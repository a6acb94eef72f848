namespace PipelineGen.Runtime.Data;

/// <summary>
/// Per-row keys an evaluation protocol needs to split honestly, indexed by the loader's row index (the order in which
/// <see cref="IPipelineDefinition.LoadData"/> yields rows). One small array per key, never the rows themselves.
/// </summary>
internal sealed class RowKeys
{
    public required long RowCount { get; init; }
    /// <summary>Rows to leave out of every split (bad rows under <see cref="BadRowPolicy.Skip"/>).</summary>
    public required bool[] Excluded { get; init; }
    /// <summary>Rows without a label value (bad rows aside), or null when every row has one. They are left out of every
    /// split and of the final fit: a binary label maps every value but the positive class to false, so a missing label
    /// would be learned and scored as the negative class.</summary>
    public bool[]? Unlabeled { get; init; }
    /// <summary>The row can be fitted and scored: not a bad row, and it has a label.</summary>
    public bool IsUsable(long row) => !Excluded[row] && (Unlabeled is null || !Unlabeled[row]);
    /// <summary>Classification: index into <see cref="ClassNames"/> per row, -1 when the label is missing. Null for regression.</summary>
    public int[]? LabelClass { get; init; }
    public IReadOnlyList<string> ClassNames { get; init; } = [];
    /// <summary>Group id per row (-1: missing group value), or null when the pipeline has no group column.</summary>
    public int[]? GroupOf { get; init; }
    /// <summary>For each row, the first row with exactly the same content (itself when it is the first).</summary>
    public required int[] DuplicateOf { get; init; }
    public int DuplicateRowCount { get; init; }
    /// <summary>The file line of each row (what bad-row messages and <c>evaluate --predictions</c> number rows by); default: no header, no skipped lines.</summary>
    public RowLines Lines { get; init; } = new(1);
}
