namespace PipelineGen.Serving;

/// <summary>The body of <c>POST /predict</c>: the prediction, and warnings for values the model never saw in training.</summary>
public sealed class PredictionResponse<TPrediction>
{
    public required TPrediction Prediction { get; init; }
    /// <summary>An unseen category, a number far outside the training range; empty when the row looked like training data.</summary>
    public required IReadOnlyList<string> Warnings { get; init; }
    /// <summary>The model version that made the prediction.</summary>
    public required string ModelVersion { get; init; }
}

/// <summary>The body of <c>POST /predict/batch</c>: one prediction per row, in the order given.</summary>
public sealed class BatchPredictionResponse<TPrediction>
{
    public required IReadOnlyList<TPrediction> Predictions { get; init; }
    /// <summary>Warnings prefixed with the row they concern (<c>rows[3]: ...</c>).</summary>
    public required IReadOnlyList<string> Warnings { get; init; }
    public required string ModelVersion { get; init; }
}

/// <summary>The body of <c>GET /ready</c>.</summary>
public sealed record ReadyResponse(bool Ready, string? ModelVersion, DateTimeOffset? LoadedAt, bool InputsChecked, string? Note, string? LastReloadError);
