using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Data;
using PipelineGen.Runtime.Evaluation;

namespace PipelineGen.Runtime.Gates;

/// <summary>What <see cref="GateCheck.Measure"/> measured: the evaluation and the per-split values of per-class and per-group gates.</summary>
internal sealed class GateMeasurement
{
    public required EvaluationResult Evaluation { get; init; }
    /// <summary>Per gate index: segment → one value per split where the segment occurred (null: undefined there).</summary>
    public required IReadOnlyDictionary<int, Dictionary<string, List<double?>>> SegmentValues { get; init; }
}
