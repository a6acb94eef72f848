using System.Text.Json.Serialization;

namespace PipelineGen.Serving;

/// <summary>The body of <c>POST /predict</c>: the prediction, and warnings for values the model never saw in training.</summary>
public sealed class PredictionResponse<TPrediction>
{
    public required TPrediction Prediction { get; init; }
    /// <summary>An unseen category, a number far outside the training range; empty when the row looked like training data.</summary>
    public required IReadOnlyList<string> Warnings { get; init; }
    /// <summary>The model version that made the prediction.</summary>
    public required string ModelVersion { get; init; }
    /// <inheritdoc cref="BatchPredictionResponse{TPrediction}.Classes"/>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Classes { get; init; }
}

/// <summary>The body of <c>POST /predict/batch</c>: one prediction per row, in the order given.</summary>
public sealed class BatchPredictionResponse<TPrediction>
{
    public required IReadOnlyList<TPrediction> Predictions { get; init; }
    /// <summary>Warnings prefixed with the row they concern (<c>rows[3]: ...</c>).</summary>
    public required IReadOnlyList<string> Warnings { get; init; }
    public required string ModelVersion { get; init; }
    /// <summary>
    /// Multiclass: the class of each slot of <c>score</c>, in order (<c>score[i]</c> is the probability of
    /// <c>classes[i]</c>). The order is the model's (the order its training data met the classes) and can change with a
    /// new version; absent for binary and regression.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Classes { get; init; }
}

/// <summary>The body of <c>GET /ready</c>.</summary>
public sealed record ReadyResponse(bool Ready, string? ModelVersion, DateTimeOffset? LoadedAt, bool InputsChecked, string? Note, string? LastReloadError);
