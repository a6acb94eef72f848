namespace PipelineGen.Runtime.Exploration;

internal sealed record DriftSummary(string ComparePath, long CompareRows, IReadOnlyList<ColumnDrift> Columns);
