using PipelineGen.Runtime.Training;

namespace PipelineGen.Export;

/// <summary>What <see cref="OnnxExporter.Export"/> is asked to do.</summary>
public sealed record ExportOptions
{
    /// <summary>Logical model path (see <see cref="ModelStore.Resolve"/>); default: the pipeline's model store.</summary>
    public string? ModelPath { get; init; }
    /// <summary>Rows the parity check scores with both runtimes; default: the spec's training data.</summary>
    public string? ParityDataPath { get; init; }
    /// <summary>How many rows of it are compared (a seeded sample when the file has more).</summary>
    public int ParityRows { get; init; } = 200;
    /// <summary>Largest allowed |ML.NET − ONNX Runtime| per value, on top of <see cref="RelativeTolerance"/>·|ML.NET|.</summary>
    public double AbsoluteTolerance { get; init; } = 1e-5;
    public double RelativeTolerance { get; init; } = 1e-5;
}
