using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using PipelineGen.Runtime.Data;

namespace PipelineGen.Runtime.Evaluation;

/// <summary>Everything an evaluation measured. The CLI only formats it.</summary>
internal sealed class EvaluationResult
{
    public required string PipelineName { get; init; }
    public required MlTaskKind Task { get; init; }
    public required string DataPath { get; init; }
    public required EvaluationSettings Settings { get; init; }
    public required string ProtocolDescription { get; init; }
    /// <summary>Rows in the file as the loader sees them.</summary>
    public required long RowCount { get; init; }
    /// <summary>Rows that took part in the splits.</summary>
    public required long UsedRowCount { get; init; }
    public required long SkippedBadRowCount { get; init; }
    public required int DuplicateRowCount { get; init; }
    public required string PrimaryMetric { get; init; }
    public required string PrimaryMetricReason { get; init; }
    public required string BaselineStrategy { get; init; }
    public required IReadOnlyList<SplitResult> Splits { get; init; }
    /// <summary>Null when only the baseline was evaluated.</summary>
    public IReadOnlyList<MetricSummary>? Model { get; init; }
    public required IReadOnlyList<MetricSummary> Baseline { get; init; }
    /// <summary>Null when only the baseline was evaluated.</summary>
    public BaselineComparison? Comparison { get; init; }
    public required IReadOnlyList<string> Warnings { get; init; }
    public required TimeSpan Duration { get; init; }
    /// <summary>Class names of <see cref="SplitResult.ValidationClassCounts"/>.</summary>
    public IReadOnlyList<string> ClassNames { get; init; } = [];
    /// <summary>Units of rows kept together that were too large to place in balance.</summary>
    public IReadOnlyList<LargeUnit> LargeUnits { get; init; } = [];
    /// <summary>Why the per-split table should be shown (fold scores spread more than they should); null when they do not.</summary>
    public string? PerSplitReason { get; init; }
    /// <summary>Out-of-fold predictions (with <see cref="EvaluationOptions.CollectForReport"/> and a model); null otherwise.</summary>
    public OutOfFoldPredictions? OutOfFold { get; init; }
    /// <summary>Permutation importance per feature column and split (with <see cref="EvaluationOptions.CollectForReport"/> and a model); null otherwise.</summary>
    public FeatureImportance? Importance { get; init; }
    /// <summary>Binary: the spec's decision threshold on P(positive), null when it names none (0.5).</summary>
    public double? DecisionThreshold { get; init; }
    /// <summary>The spec's group column (rows kept together in splits), whose values the report shows metrics per.</summary>
    public string? GroupColumn { get; init; }

    /// <summary>The out-of-fold predictions file written (<see cref="EvaluationOptions.PredictionsPath"/>, full path) and its row count; null when none was asked for.</summary>
    public (string Path, long Rows)? PredictionsFile { get; init; }

    public MetricSummary? ModelMetric(string name) => Model?.FirstOrDefault(m => m.Name == name);
    public MetricSummary BaselineMetric(string name) => Baseline.First(m => m.Name == name);

    /// <summary>The knobs that decided the numbers, for the run store.</summary>
    public IReadOnlyDictionary<string, string> Parameters() => new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["data"] = DataPath,
        ["protocol"] = Settings.Protocol.ToString(),
        ["folds"] = Settings.Folds.ToString(CultureInfo.InvariantCulture),
        ["repeats"] = Settings.Repeats.ToString(CultureInfo.InvariantCulture),
        ["holdout_fraction"] = Settings.HoldoutFraction.ToString(CultureInfo.InvariantCulture),
        ["stratify"] = Settings.Stratify ? "true" : "false",
        ["seed"] = Settings.Seed.ToString(CultureInfo.InvariantCulture),
        ["duplicates"] = Settings.Duplicates.ToString().ToLowerInvariant(),
        ["primary_metric"] = PrimaryMetric,
        ["baseline"] = BaselineStrategy,
    };
}
