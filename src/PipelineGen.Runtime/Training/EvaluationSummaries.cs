using System.Globalization;
using PipelineGen.Runtime.Evaluation;

namespace PipelineGen.Runtime.Training;

/// <summary>Turns what the Evaluation area measured into the card's <see cref="EvaluationSummary"/>.</summary>
internal static class EvaluationSummaries
{
    /// <param name="result">What evaluate measured.</param>
    /// <param name="context">What was measured (spec hash, data, trainer, hyperparameters); <c>train</c> keeps the metrics only when they match its model.</param>
    public static EvaluationSummary From(EvaluationResult result, EvaluationContext? context = null) => new()
    {
        Context = context,
        Protocol = result.ProtocolDescription,
        Metric = result.PrimaryMetric,
        Metrics = ToEstimates(result.Model ?? []),
        BaselineStrategy = result.BaselineStrategy,
        Baseline = ToEstimates(result.Baseline),
    };

    private static IReadOnlyDictionary<string, MetricEstimate> ToEstimates(IEnumerable<MetricSummary> metrics) =>
        new SortedDictionary<string, MetricEstimate>(
            metrics.Where(m => m.Mean.HasValue).ToDictionary(m => m.Name, m => new MetricEstimate(m.Mean!.Value, m.StdDev, m.CiLow, m.CiHigh, m.Count, m.ValidationRows, m.UndefinedCount)),
            StringComparer.Ordinal);

    /// <summary>One-line "metric mean [low, high]" for messages.</summary>
    public static string Describe(string metric, MetricEstimate estimate) =>
        estimate.CiLow is { } low && estimate.CiHigh is { } high
            ? string.Create(CultureInfo.InvariantCulture, $"{metric} {estimate.Mean:0.####} [{low:0.####}, {high:0.####}]")
            : string.Create(CultureInfo.InvariantCulture, $"{metric} {estimate.Mean:0.####}");
}
