namespace PipelineGen.Runtime.Exploration;

/// <summary>Everything the <c>explore</c> step found; rendered by <see cref="ExplorationConsole"/> and <see cref="ExplorationHtml"/>.</summary>
internal sealed record ExplorationReport
{
    public required string PipelineName { get; init; }
    public required MlTaskKind Task { get; init; }
    public required string LabelColumn { get; init; }
    public required string DataPath { get; init; }
    public long RowCount { get; init; }
    public required IReadOnlyList<string> SampleColumns { get; init; }
    public required IReadOnlyList<IReadOnlyList<string>> SampleRows { get; init; }
    public required IReadOnlyList<ColumnProfile> Columns { get; init; }
    public ClassBalance? ClassBalance { get; init; }
    public required DuplicateSummary Duplicates { get; init; }
    public required IReadOnlyList<IdLikeColumn> IdLikeColumns { get; init; }
    /// <summary>Null when skipped (option, or the label has a single class).</summary>
    public LeakageSummary? Leakage { get; init; }
    /// <summary>Each feature with missing values related to the label; null when no feature has gaps (or the label cannot be tested).</summary>
    public MissingnessSummary? Missingness { get; init; }
    /// <summary>Null when there was no comparison data.</summary>
    public DriftSummary? Drift { get; init; }
    public required IReadOnlyList<ExplorationWarning> Warnings { get; init; }
    /// <summary>How the numbers were computed (sampling, caps), for the reader.</summary>
    public required IReadOnlyList<string> MethodNotes { get; init; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
    public TimeSpan Elapsed { get; init; }

    public bool HasSerious => Warnings.Any(w => w.Severity == WarningSeverity.Serious);
}
