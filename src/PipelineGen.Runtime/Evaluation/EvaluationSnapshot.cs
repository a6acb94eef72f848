namespace PipelineGen.Runtime.Evaluation;

/// <summary>
/// What the evaluation report shows, without the data it was drawn from: the cross-validated estimate with its 95%
/// intervals, the baseline, the verdict and the charts already rendered as HTML. <c>evaluate</c> stores it beside the
/// report (see <c>Training/StoredEvaluation</c>) so that a later <c>test</c> can draw the same page again with its one
/// look beside the estimate, without keeping the out-of-fold predictions or evaluating again.
/// </summary>
internal sealed record EvaluationSnapshot
{
    public required string PipelineName { get; init; }
    /// <summary>The line under the title: task, protocol, data and rows.</summary>
    public required string Subtitle { get; init; }
    public required string ProtocolDescription { get; init; }
    public required string PrimaryMetric { get; init; }
    public required int SplitCount { get; init; }
    /// <summary>Null when only the baseline was evaluated.</summary>
    public IReadOnlyList<MetricSummary>? Model { get; init; }
    public required IReadOnlyList<MetricSummary> Baseline { get; init; }
    public BaselineComparison? Comparison { get; init; }
    /// <summary>
    /// Model − baseline per metric over the splits where both are defined (paired), as shown; null in snapshots stored
    /// before it was recorded (the page then subtracts the means only where both are defined on every split).
    /// </summary>
    public IReadOnlyDictionary<string, string>? Differences { get; init; }
    /// <summary>The feature column carrying most of the permutation importance (a possible leak), or null.</summary>
    public string? DominantColumn { get; init; }
    /// <summary>The page below the metrics table (charts, importance, per-split and segment tables, notes), as rendered.</summary>
    public required string BodyHtml { get; init; }

    public MetricSummary? ModelMetric(string name) => Model?.FirstOrDefault(m => m.Name == name);
    public MetricSummary? BaselineMetric(string name) => Baseline.FirstOrDefault(m => m.Name == name);
}
