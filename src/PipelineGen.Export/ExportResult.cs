namespace PipelineGen.Export;

/// <summary>What an export wrote and what the parity check measured.</summary>
public sealed record ExportResult(
    string OnnxPath, string VersionDirectory, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs,
    int RowsCompared, double MaxAbsoluteDifference, IReadOnlyList<ParityDifference> Differences, string ParityDataPath)
{
    public bool ParityHolds => Differences.Count == 0;

    /// <summary>Corrections made to ML.NET's graph (see <see cref="OnnxGraphRewriter"/>), one line each.</summary>
    public IReadOnlyList<string> GraphChanges { get; init; } = [];
}
