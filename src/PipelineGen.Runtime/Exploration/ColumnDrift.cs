namespace PipelineGen.Runtime.Exploration;

/// <summary>Drift of one column. <c>KsStatistic</c>/<c>KsPValue</c>: two-sample Kolmogorov–Smirnov test (numbers, dates
/// and text lengths; NaN for categories). <c>Bins</c>: the shares PSI compared.</summary>
internal sealed record ColumnDrift(string Column, double Psi, double KsStatistic, double KsPValue, DriftVerdict Verdict,
    IReadOnlyList<DriftBin> Bins, string? Note);
