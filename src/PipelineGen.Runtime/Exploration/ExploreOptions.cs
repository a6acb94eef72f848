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
