using System.Globalization;

namespace PipelineGen.Runtime;

/// <summary>Which threshold a gate has: the mean at least (higher is better), at most (lower is better), or the mean paired improvement over the baseline at least.</summary>
public enum GateKind { Min, Max, MinImprovement }

/// <summary>
/// What must clear a gate's threshold: the mean over the splits (the default), or the whole 95 % interval — its lower bound
/// for a min or min_improvement gate, its upper bound for a max gate — so that a model is not passed on a mean the noise
/// could as well put on the wrong side.
/// </summary>
public enum GateRequire { Mean, Interval }

/// <summary>
/// One quality gate of the spec's <c>gates</c> section, emitted by the generator. <see cref="SpecFile"/>, <see cref="Line"/> and
/// <see cref="Column"/> say where it is written, so a failed gate in a build is an error located at that line.
/// </summary>
/// <remarks><c>Metric</c>: a metric name of the task (per class: precision, recall or f1). <c>Class</c>: classification, the
/// label value the metric is computed for (that class against the rest). <c>GroupColumn</c>: the metric is computed within
/// each of the column's values, and every value must pass. <c>SpecFile</c>: the spec's file name, relative to
/// <see cref="PipelineSettings.ProjectDirectory"/>.</remarks>
public sealed record GateSettings(string Metric, GateKind Kind, double Threshold, string? Class, string? GroupColumn, string SpecFile, int Line, int Column)
{
    /// <summary>The spec's <c>require</c>: what must clear the threshold, the mean (default) or the interval. An init property,
    /// not a constructor parameter, so code generated for the shipped constructor still compiles.</summary>
    public GateRequire Require { get; init; } = GateRequire.Mean;

    /// <summary>"auc ≥ 0.85", "recall of class '1' ≥ 0.6", "rmse per region ≤ 4.5", "auc improvement over the baseline ≥ 0.05",
    /// "auc ≥ 0.85 (require: interval)".</summary>
    public string Describe()
    {
        var subject = Metric + (Class is null ? "" : $" of class '{Class}'") + (GroupColumn is null ? "" : $" in every '{GroupColumn}'")
            + (Kind == GateKind.MinImprovement ? " improvement over the baseline" : "");
        return string.Create(CultureInfo.InvariantCulture, $"{subject} {(Kind == GateKind.Max ? "<=" : ">=")} {Threshold:0.####}")
            + (Require == GateRequire.Interval ? " (require: interval)" : "");
    }

    /// <summary>Whether <paramref name="value"/> meets the threshold.</summary>
    public bool Passes(double value) => Kind == GateKind.Max ? value <= Threshold : value >= Threshold;

    /// <summary>
    /// The value the gate is decided on: the mean, or with <see cref="GateRequire.Interval"/> the interval's bound on the
    /// failing side (lower for min and min_improvement, upper for max); null when that bound does not exist (one split).
    /// </summary>
    internal double? Decisive(double mean, double? low, double? high) =>
        Require == GateRequire.Mean ? mean : Kind == GateKind.Max ? high : low;

    /// <summary>Whether the gate holds for a measured mean and its interval: a required interval that is missing fails.</summary>
    internal bool Holds(double mean, double? low, double? high) => Decisive(mean, low, high) is double v && Passes(v);
}
