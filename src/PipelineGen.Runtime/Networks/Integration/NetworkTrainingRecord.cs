using Microsoft.ML;

namespace PipelineGen.Runtime.Networks.Integration;

/// <summary>
/// What the model card records about a dense network's final training: the layers built, the epoch budget (the
/// spec's, or the epoch curve's choice), the epochs run, the epoch whose weights were kept and why it stopped.
/// </summary>
internal sealed record NetworkTrainingRecord(string Layers, int EpochsAllowed, int EpochsRun, int BestEpoch, string? StopReason, int TrainingRows, int EarlyStoppingRows)
{
    /// <summary>The record of a fitted pipeline that holds a dense network fitted in this process; null otherwise.</summary>
    public static NetworkTrainingRecord? Of(ITransformer model) => DenseTrainingLog.Find(model) is { } s
        ? new NetworkTrainingRecord("[" + string.Join(", ", s.Layers) + "]", s.EpochsAllowed, s.EpochsRun, s.BestEpoch, s.StopReason, s.TrainingRows, s.ValidationRows)
        : null;

    public string Describe() =>
        $"Network: hidden layers {Layers}; {EpochsRun} of {EpochsAllowed} epochs run on {TrainingRows} rows; weights of epoch {BestEpoch} kept"
        + (EarlyStoppingRows > 0 ? $" (lowest loss on {EarlyStoppingRows} held-out rows)" : "")
        + (StopReason is null ? "." : $". {StopReason}");
}
