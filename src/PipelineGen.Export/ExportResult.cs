namespace PipelineGen.Export;

/// <summary>What an export wrote and what the parity check measured.</summary>
public sealed record ExportResult(
    string OnnxPath, string VersionDirectory, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs,
    int RowsCompared, double MaxAbsoluteDifference, IReadOnlyList<ParityDifference> Differences, string ParityDataPath)
{
    public bool ParityHolds => Differences.Count == 0;

    /// <summary>Corrections made to ML.NET's graph (see <see cref="OnnxGraphRewriter"/>), one line each.</summary>
    public IReadOnlyList<string> GraphChanges { get; init; } = [];

    /// <summary>
    /// Binary: the Score above which the model predicts positive (ML.NET's PredictedLabel; see ModelDecision), which
    /// the ONNX graph does not output, so consumers of the export decide with it. 0 for other tasks.
    /// </summary>
    public float ScoreThreshold { get; init; }
}
