using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;

namespace PipelineGen.Runtime.Exploration;

/// <summary>One column dropped from the full model. <c>ScoreWithout</c>: the holdout metric without it;
/// <c>ErrorRatio</c>: the model's error without the column divided by its error with every column.</summary>
internal sealed record DropColumnProbe(string Column, double ScoreWithout, double ErrorRatio, bool Flagged)
{
    /// <summary>Flagged column only: other columns whose removal also passed the test. They are what the leak is decoded
    /// with (the quantity beside a total = price × quantity), not accused themselves: without the flagged column they do not matter.</summary>
    public IReadOnlyList<string> Partners { get; init; } = [];
}
