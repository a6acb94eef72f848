using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;

namespace PipelineGen.Runtime.Exploration;

/// <summary>
/// The full-model probe: a model on every feature, then the same model without each of its most important columns.
/// <c>FullScore</c> is the holdout metric with every column; a column is flagged when the full model is implausibly good
/// (at least <c>NearPerfect</c>) and dropping that column alone multiplies its error by at least <c>MinErrorRatio</c>
/// (or the model is at least <c>VeryGood</c> and the error grows <c>StrongErrorRatio</c>-fold) and takes it out of the
/// near-perfect range. <c>LeftOut</c>: features the probe could not encode (free text).
/// </summary>
internal sealed record DropColumnSummary(string Metric, double FullScore, double NearPerfect, double MinErrorRatio, double VeryGood, double StrongErrorRatio, int TrainRows,
    int HoldoutRows, string Trainer, IReadOnlyList<DropColumnProbe> Probes, IReadOnlyList<string> LeftOut)
{
    /// <summary>The metric without the flagged column; when that is still near-perfect, more columns may leak.</summary>
    public double ScoreWithoutFlagged { get; init; } = double.NaN;

    public IEnumerable<DropColumnProbe> Flagged => Probes.Where(p => p.Flagged);
}
