using Microsoft.ML;
using PipelineGen.Runtime.Data;

namespace PipelineGen.Runtime.Evaluation;

/// <summary>All splits of one evaluation protocol, and what the planner had to do to keep them honest.</summary>
internal sealed class SplitPlan
{
    public required EvaluationProtocol Protocol { get; init; }
    public required IReadOnlyList<DataSplit> Splits { get; init; }
    public required bool Stratified { get; init; }
    /// <summary>Rows that took part (all rows minus excluded ones).</summary>
    public required long RowCount { get; init; }
    /// <summary>Units kept whole: rows joined by a shared group value or by identical content.</summary>
    public required int UnitCount { get; init; }
    public required int DuplicateRowCount { get; init; }
    public required IReadOnlyList<string> Warnings { get; init; }
    public required string Description { get; init; }
    /// <summary>How exact-duplicate rows were treated.</summary>
    public DuplicatePolicy Duplicates { get; init; } = DuplicatePolicy.Group;
    /// <summary>Duplicate rows left out of every split under <see cref="DuplicatePolicy.Drop"/>.</summary>
    public int DroppedDuplicateRowCount { get; init; }
    /// <summary>Units too large to place in balance (more than half a validation part's expected size), largest first.</summary>
    public IReadOnlyList<LargeUnit> LargeUnits { get; init; } = [];
    /// <summary>Class names of <see cref="DataSplit.ValidationClassCounts"/>.</summary>
    public IReadOnlyList<string> ClassNames { get; init; } = [];
}
