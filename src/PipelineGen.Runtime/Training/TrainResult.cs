namespace PipelineGen.Runtime.Training;

internal sealed record TrainResult(string ModelPath, ModelCard Card)
{
    /// <summary>The version folder's name.</summary>
    public string Version => Path.GetFileName(Path.GetDirectoryName(ModelPath)) ?? "";
    /// <summary>False: the model failed a gate or was worse than the current one; it is kept as a candidate and the current model is unchanged.</summary>
    public bool Promoted => Card.Promotion?.Promoted ?? true;
    /// <summary>The version that was current before this train (null: none).</summary>
    public string? PreviousVersion { get; init; }
}
