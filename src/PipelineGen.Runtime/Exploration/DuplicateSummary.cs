namespace PipelineGen.Runtime.Exploration;

/// <summary>Rows that repeat an earlier row. <c>Exact</c> is false when more distinct rows were seen than
/// <see cref="ExploreOptions.DuplicateHashCap"/> (the count is then a lower bound).</summary>
internal sealed record DuplicateSummary(long DuplicateRows, double Percent, IReadOnlyList<DuplicateExample> Examples, bool Exact, IReadOnlyList<string> ColumnsCompared)
{
    /// <summary>Rows that are not exact duplicates but equal an earlier row after normalisation (<see cref="NearDuplicateTracker.Normalise"/>).</summary>
    public long NearDuplicateRows { get; init; }
    public double NearPercent { get; init; }
    public IReadOnlyList<DuplicateExample> NearExamples { get; init; } = [];
    /// <summary>False when the count is a lower bound (more distinct rows than <see cref="ExploreOptions.DuplicateHashCap"/>).</summary>
    public bool NearExact { get; init; } = true;
    /// <summary>Near-duplicates that some evaluation split puts on the other side from the row they repeat; null when the splits could not be planned.</summary>
    public long? NearAcrossSplits { get; init; }
    /// <summary>The splits <see cref="NearAcrossSplits"/> was counted on (as <c>evaluate</c> describes them), or why there are none.</summary>
    public string? Splits { get; init; }
}
