using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using PipelineGen.Runtime.Data;

namespace PipelineGen.Runtime.Evaluation;

/// <summary>Metrics of one split; a null metric was undefined there.</summary>
/// <remarks><c>ValidationClassCounts</c>: Classification: validation rows per class (<see cref="EvaluationResult.ClassNames"/> order); null for regression.</remarks>
internal sealed record SplitResult(
    int Repeat, int Fold, long TrainingRows, long ValidationRows,
    IReadOnlyDictionary<string, double?>? Model, IReadOnlyDictionary<string, double?> Baseline,
    IReadOnlyList<long>? ValidationClassCounts = null);
