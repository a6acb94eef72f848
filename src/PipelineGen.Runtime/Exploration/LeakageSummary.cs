namespace PipelineGen.Runtime.Exploration;

internal sealed record LeakageSummary(string Metric, double Threshold, int TrainRows, int HoldoutRows, string Trainer,
    IReadOnlyList<LeakageProbe> Probes)
{
    public IEnumerable<LeakageProbe> Flagged => Probes.Where(p => p.Flagged);

    /// <summary>Regression: further columns that, with the flagged ones, reconstruct the label (null when none).</summary>
    public JointLeakage? Joint { get; init; }

    /// <summary>The full model without each of its most important columns (null when not run: fewer than two encodable features).</summary>
    public DropColumnSummary? DropColumn { get; init; }
}
