using MathNet.Numerics;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;

namespace PipelineGen.Runtime.Exploration;

/// <summary>Share of rows of one label class in which a column is missing.</summary>
internal sealed record MissingRateByClass(string Class, long Rows, long Missing)
{
    public double Rate => Rows == 0 ? double.NaN : (double)Missing / Rows;
}

/// <summary>
/// How one column's missingness relates to the label, over every labelled row. Classification: missing rate per class,
/// tested with chi-square (Fisher's exact test when an expected count is under 5); <c>Effect</c> is the largest rate ratio
/// between one class and the others (of missing rates, or of present rates when the column is mostly missing).
/// Regression: the label's mean when the column is missing vs present, Welch's t test; <c>Effect</c> is |Δ mean| in
/// standard deviations of the label. <c>PValue</c> is the raw test p-value; flagging compares it with
/// <see cref="MissingnessSummary.Alpha"/>, which is already Bonferroni-corrected over the columns tested.
/// </summary>
internal sealed record MissingnessAssociation(string Column, long Missing, long Rows, string Test, double Statistic, double PValue,
    double Effect, bool Flagged, string Summary)
{
    public double MissingShare => Rows == 0 ? double.NaN : (double)Missing / Rows;
    /// <summary>Classification only.</summary>
    public IReadOnlyList<MissingRateByClass> Classes { get; init; } = [];
    /// <summary>Regression only: label mean in rows where the column is missing / present.</summary>
    public double LabelMeanMissing { get; init; } = double.NaN;
    public double LabelMeanPresent { get; init; } = double.NaN;
}

/// <summary>Every feature with missing values, related to the label. <c>Alpha</c>: the per-column p threshold
/// (0.001 / columns tested); <c>MinEffect</c>: the effect a flagged column must also reach.</summary>
internal sealed record MissingnessSummary(double Alpha, double MinEffect, string EffectDescription, IReadOnlyList<MissingnessAssociation> Columns)
{
    public IEnumerable<MissingnessAssociation> Flagged => Columns.Where(c => c.Flagged);
}
