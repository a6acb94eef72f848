namespace PipelineGen.Runtime.Exploration;

/// <summary>Options of the <c>explore</c> step.</summary>
internal sealed record ExploreOptions
{
    /// <summary>Data to explore; null means <see cref="PipelineSettings.TrainDataPath"/>. Relative paths resolve against the current directory.</summary>
    public string? DataPath { get; init; }

    /// <summary>Second file for the drift check; null means <see cref="PipelineSettings.TestDataPath"/> (if the spec has one).</summary>
    public string? CompareWithPath { get; init; }

    /// <summary>Where the HTML report goes. Relative paths resolve against the current directory.</summary>
    public string OutputHtmlPath { get; init; } = "explore-report.html";

    public int SampleRows { get; init; } = 10;
    public int Seed { get; init; } = 42;

    /// <summary>
    /// A single column whose one-column probe reaches this holdout score is flagged as possible leakage; null uses
    /// <see cref="DefaultLeakageThreshold"/>: binary AUC 0.95, regression R² 0.90, multiclass macro accuracy 0.98.
    /// </summary>
    public double? LeakageThreshold { get; init; }

    /// <summary>
    /// Per-task default thresholds. Binary: honest single features rarely pass AUC 0.9 (titanic's sex: ~0.78).
    /// Regression: R² 0.90, because a near-copy that differs by a noisy term (taxis' total = fare + tip + tolls)
    /// reaches ~0.94 while strong honest features (taxis' distance) stay near 0.75–0.85. Multiclass: strong honest
    /// features reach macro accuracy ~0.95 (iris petals), so only an almost perfect column is flagged.
    /// </summary>
    public static double DefaultLeakageThreshold(MlTaskKind task) => task switch
    {
        MlTaskKind.BinaryClassification => 0.95,
        MlTaskKind.MulticlassClassification => 0.98,
        _ => 0.90,
    };

    /// <summary>Rows (a seeded uniform sample) the leakage probes train and score on.</summary>
    public int LeakageMaxRows { get; init; } = 20_000;

    public bool SkipLeakage { get; init; }

    /// <summary>Malformed rows: null follows the spec. Either way they are left out of the statistics; under
    /// <see cref="BadRowPolicy.Fail"/> they also make the command exit 2, as every other step would refuse the file.</summary>
    public BadRowPolicy? BadRows { get; init; }

    /// <summary>Per-column sample size for medians, quantiles, histograms, PSI bins and the KS test; exact up to this many rows.</summary>
    public int ReservoirSize { get; init; } = 50_000;

    /// <summary>Distinct values are counted exactly up to this many per column, then reported as "more than".</summary>
    public int DistinctCap { get; init; } = 100_000;

    /// <summary>Categories counted per column for top values and categorical PSI; later new values go to "(other)".</summary>
    public int CategoryCap { get; init; } = 1_000;

    /// <summary>Row hashes remembered for duplicate detection; rows beyond are checked only against the remembered ones.</summary>
    public int DuplicateHashCap { get; init; } = 2_000_000;

    public int TopValues { get; init; } = 10;
    public int HistogramBins { get; init; } = 20;

    /// <summary>Make a major drift verdict fail the command (exit 1). Off by default: drift is a finding, not proof the data is wrong.</summary>
    public bool FailOnMajorDrift { get; init; }
}

internal enum WarningKind { Imbalance, SingleClass, Leakage, Drift, IdLike, AllMissing, Constant, HighMissing, Duplicates, Unreadable, BadRows, InformativeMissing }

internal enum WarningSeverity { Info, Warning, Serious }

internal sealed record ExplorationWarning(WarningKind Kind, WarningSeverity Severity, string? Column, string Message);

/// <summary>Summary statistics of numbers (or of text lengths, or of dates as OLE automation days).
/// <c>QuantilesFromSample</c>: median and quartiles come from a uniform reservoir sample, not from every row.</summary>
internal sealed record NumericSummary(double Min, double Max, double Mean, double StdDev, double Median,
    double Q1, double Q3, bool QuantilesFromSample);

internal sealed record HistogramBin(double Lower, double Upper, double Count);

internal sealed record ValueCount(string Value, long Count, double Share);

internal sealed record ColumnProfile
{
    public required string Name { get; init; }
    public required ColumnKind Kind { get; init; }
    public required ColumnRole Role { get; init; }
    /// <summary>ML.NET type of the loaded column.</summary>
    public required string DataType { get; init; }
    /// <summary>Non-missing values.</summary>
    public long Count { get; init; }
    public long Missing { get; init; }
    public double MissingPercent { get; init; }
    public long Distinct { get; init; }
    /// <summary>The distinct count hit the cap: the true count is "more than <see cref="Distinct"/>".</summary>
    public bool DistinctIsLowerBound { get; init; }
    /// <summary>Numbers and dates.</summary>
    public NumericSummary? Numeric { get; init; }
    public bool IsDate { get; init; }
    /// <summary>Text columns: statistics of the length in characters.</summary>
    public NumericSummary? TextLength { get; init; }
    public IReadOnlyList<HistogramBin> Histogram { get; init; } = [];
    /// <summary>Histogram counts were scaled up from the reservoir sample.</summary>
    public bool HistogramFromSample { get; init; }
    public IReadOnlyList<ValueCount> TopValues { get; init; } = [];
    /// <summary>Rows whose value is not among <see cref="TopValues"/>.</summary>
    public long OtherCount { get; init; }
    /// <summary>Values that did not parse as the column's kind (counted as missing).</summary>
    public long Unparsed { get; init; }
}

internal sealed record ClassBalance(IReadOnlyList<ValueCount> Classes, double MinorityShare, double MajorityToMinorityRatio, bool Imbalanced);

internal sealed record DuplicateExample(long RowNumber, long FirstRowNumber, string Row);

/// <summary>Rows that repeat an earlier row. <c>Exact</c> is false when more distinct rows were seen than
/// <see cref="ExploreOptions.DuplicateHashCap"/> (the count is then a lower bound).</summary>
internal sealed record DuplicateSummary(long DuplicateRows, double Percent, IReadOnlyList<DuplicateExample> Examples, bool Exact, IReadOnlyList<string> ColumnsCompared);

internal sealed record IdLikeColumn(string Column, string Reason);

/// <summary>One column's probe. <c>Score</c>: holdout metric of a model trained on this column alone (NaN when it could
/// not be computed; see <c>Note</c>). <c>Baseline</c>: what a model that ignores the column scores (0.5 AUC, 0 R², 1/k macro accuracy).</summary>
internal sealed record LeakageProbe(string Column, double Score, double Baseline, bool Flagged, string? Note);

internal sealed record LeakageSummary(string Metric, double Threshold, int TrainRows, int HoldoutRows, string Trainer,
    IReadOnlyList<LeakageProbe> Probes)
{
    public IEnumerable<LeakageProbe> Flagged => Probes.Where(p => p.Flagged);

    /// <summary>Regression: further columns that, with the flagged ones, reconstruct the label (null when none).</summary>
    public JointLeakage? Joint { get; init; }

    /// <summary>The full model without each of its most important columns (null when not run: fewer than two encodable features).</summary>
    public DropColumnSummary? DropColumn { get; init; }
}

internal enum DriftVerdict { Stable, Moderate, Major, NotComputed }

internal sealed record DriftBin(string Label, double TrainShare, double CompareShare);

/// <summary>Drift of one column. <c>KsStatistic</c>/<c>KsPValue</c>: two-sample Kolmogorov–Smirnov test (numbers, dates
/// and text lengths; NaN for categories). <c>Bins</c>: the shares PSI compared.</summary>
internal sealed record ColumnDrift(string Column, double Psi, double KsStatistic, double KsPValue, DriftVerdict Verdict,
    IReadOnlyList<DriftBin> Bins, string? Note);

internal sealed record DriftSummary(string ComparePath, long CompareRows, IReadOnlyList<ColumnDrift> Columns);

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
