namespace PipelineGen.Runtime.Exploration;

/// <summary>One column's probe. <c>Score</c>: holdout metric of a model trained on this column alone (NaN when it could
/// not be computed; see <c>Note</c>). <c>Baseline</c>: what a model that ignores the column scores (0.5 AUC, 0 R², 1/k macro accuracy).</summary>
internal sealed record LeakageProbe(string Column, double Score, double Baseline, bool Flagged, string? Note);
