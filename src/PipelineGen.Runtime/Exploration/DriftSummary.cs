namespace PipelineGen.Runtime.Exploration;

internal sealed record DriftSummary(string ComparePath, long CompareRows, IReadOnlyList<ColumnDrift> Columns)
{
    /// <summary>Comparison rows that repeat a training row (a test file overlapping the training file).</summary>
    public TrainingOverlap? Overlap { get; init; }
}
