using System.Text.Json.Serialization;
using PipelineGen.Runtime.Exploration;

namespace PipelineGen.Serving;

/// <summary>The body of <c>GET /drift</c>.</summary>
/// <param name="ModelVersion">The model version the statistics were collected for (they restart when the model is replaced).</param>
/// <param name="Since">When collection started.</param>
/// <param name="Rows">Rows predicted since then.</param>
/// <param name="TrainingRows">Rows the training profile was computed from.</param>
/// <param name="Verdict">The worst column verdict: stable, moderate, major, or notcomputed (the words of <c>explore</c>).</param>
/// <param name="Columns">One comparison per numeric or categorical feature.</param>
public sealed record DriftReport(string ModelVersion, DateTimeOffset Since, long Rows, long? TrainingRows, string Verdict, IReadOnlyList<DriftColumnReport> Columns);

/// <summary>One column of <see cref="DriftReport"/>; measures that do not apply are null.</summary>
public sealed record DriftColumnReport(string Column, string Verdict, double? Psi, double? KsStatistic, double? KsPValue, string? Note,
    IReadOnlyList<DriftBinReport> Bins)
{
    internal static DriftColumnReport From(ColumnDrift d) => new(d.Column, d.Verdict.ToString().ToLowerInvariant(),
        Finite(d.Psi), Finite(d.KsStatistic), Finite(d.KsPValue), d.Note, d.Bins.Select(b => new DriftBinReport(b.Label, b.TrainShare, b.CompareShare)).ToArray());

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;
}

/// <summary>Share of training rows and of served rows in one PSI bin.</summary>
public sealed record DriftBinReport(string Label, double TrainShare, [property: JsonPropertyName("servedShare")] double ServedShare);
