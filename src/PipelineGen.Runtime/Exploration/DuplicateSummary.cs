namespace PipelineGen.Runtime.Exploration;

/// <summary>Rows that repeat an earlier row. <c>Exact</c> is false when more distinct rows were seen than
/// <see cref="ExploreOptions.DuplicateHashCap"/> (the count is then a lower bound).</summary>
internal sealed record DuplicateSummary(long DuplicateRows, double Percent, IReadOnlyList<DuplicateExample> Examples, bool Exact, IReadOnlyList<string> ColumnsCompared);
