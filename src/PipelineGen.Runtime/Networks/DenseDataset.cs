namespace PipelineGen.Runtime.Networks;

/// <summary>Rows are row-major float features (already standardized by the caller); targets are 0/1 (binary),
/// a class index 0..Classes-1 (softmax) or a value (regression; Classes is then ignored).</summary>
internal sealed class DenseDataset
{
    private readonly float[] _features;
    private readonly float[] _targets;

    public DenseDataset(float[] features, float[] targets, int featureCount, int classes)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        if (featureCount <= 0)
            throw new DenseTrainingException($"A dense dataset needs at least one feature column (got featureCount = {featureCount}).");
        if ((long)targets.Length * featureCount != features.Length)
            throw new DenseTrainingException(
                $"A dense dataset's features hold {features.Length} values, but {targets.Length} rows x {featureCount} features = {(long)targets.Length * featureCount}: pass one target per row and featureCount values per row.");
        if (classes < 0)
            throw new DenseTrainingException($"A dense dataset's class count cannot be negative (got {classes}).");
        _features = features;
        _targets = targets;
        FeatureCount = featureCount;
        Classes = classes;
    }

    public int Rows => _targets.Length;
    public int FeatureCount { get; }
    public int Classes { get; }
    public ReadOnlySpan<float> Row(int i) => _features.AsSpan(i * FeatureCount, FeatureCount);
    public float Target(int i) => _targets[i];

    internal ReadOnlySpan<float> Features => _features;
}
