namespace PipelineGen.Runtime;

/// <summary>The spec's <c>evaluate</c> section.</summary>
public sealed record EvaluationSettings
{
    public EvaluationProtocol Protocol { get; init; } = EvaluationProtocol.KFold;
    public int Folds { get; init; } = 5;
    public int Repeats { get; init; } = 1;
    /// <summary>Validation fraction for the holdout protocol.</summary>
    public double HoldoutFraction { get; init; } = 0.2;
    public bool Stratify { get; init; } = true;
    public int Seed { get; init; } = 42;
    /// <summary>How exact-duplicate rows are split.</summary>
    public DuplicatePolicy Duplicates { get; init; } = DuplicatePolicy.Group;

    /// <summary>Repeats of <see cref="EvaluationProtocol.RepeatedKFold"/> when none is given (the spec's documented default).</summary>
    public const int DefaultRepeats = 3;
}
