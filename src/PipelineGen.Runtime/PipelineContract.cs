using Microsoft.ML;

namespace PipelineGen.Runtime;

/// <summary>The three task kinds of spec v1.</summary>
public enum MlTaskKind { BinaryClassification, MulticlassClassification, Regression }

/// <summary>How a column is read (its .NET type follows from it).</summary>
public enum ColumnKind { Numeric, Categorical, Text, Boolean, DateTime }

/// <summary>What a column is used for.</summary>
public enum ColumnRole { Feature, Label, Id, Ignore, Group }

/// <summary>Evaluation protocol of the spec's <c>evaluate</c> section.</summary>
public enum EvaluationProtocol { Holdout, KFold, RepeatedKFold }

/// <summary>
/// How exact-duplicate rows take part in evaluation (the spec's <c>evaluate.duplicates</c>): <c>Group</c> keeps each set of
/// identical rows on one side of every split; <c>Drop</c> evaluates one copy of each set (the others are left out of every
/// split); <c>Keep</c> splits copies as independent rows (they can land on both sides: it leaks, and says so).
/// </summary>
public enum DuplicatePolicy { Group, Drop, Keep }

/// <summary>
/// Whether <c>run</c>'s final model takes the capacity the curve chose (the spec's <c>model.capacity</c>): <c>Auto</c>
/// applies the curve's choice (said in the output and the model card); <c>Pinned</c> keeps the spec's value.
/// </summary>
public enum CapacityMode { Auto, Pinned }

/// <summary>What to do with a data row that does not parse.</summary>
public enum BadRowPolicy { Fail, Skip }

/// <summary>One data column as the build inferred it (and the spec overrode it).</summary>
/// <param name="Name">Column name as written in the data header.</param>
/// <param name="Index">Zero-based position in the data file.</param>
/// <param name="PropertyName">Name of the generated C# property.</param>
/// <param name="Kind">How the column is read and featurised.</param>
/// <param name="Role">What the column is used for.</param>
/// <param name="HasMissing">The sampled data had missing values in this column.</param>
/// <param name="UnparsableAsMissing">The spec declares the column numeric: values that are not numbers are read as missing
/// and counted (a warning), not bad rows.</param>
public sealed record ColumnInfo(string Name, int Index, string PropertyName, ColumnKind Kind, ColumnRole Role, bool HasMissing, bool UnparsableAsMissing = false);

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

/// <summary>Everything about a pipeline that is not code: emitted by the generator as an object initializer.</summary>
public sealed record PipelineSettings
{
    public required string Name { get; init; }
    public required MlTaskKind Task { get; init; }
    /// <summary>Label column name as written in the data.</summary>
    public required string LabelColumn { get; init; }
    /// <summary>Binary only: the label value that counts as positive.</summary>
    public string? PositiveClass { get; init; }
    /// <summary>
    /// Binary only: the probability of the positive class at or above which a row is predicted positive (the spec's
    /// <c>task.threshold</c>); null keeps the trainer's own decision (score 0, which is probability 0.5 for a calibrated model).
    /// <c>predict</c> applies it; the evaluation report draws its confusion matrix at it.
    /// </summary>
    public double? DecisionThreshold { get; init; }
    /// <summary>Metric name from the spec (e.g. "auc", "rmse"); null lets the runtime choose.</summary>
    public string? Metric { get; init; }
    /// <summary>Baseline strategy from the spec: auto, majority, prior, mean, median.</summary>
    public string Baseline { get; init; } = "auto";
    public required string TrainerName { get; init; }
    /// <summary>Training data path, relative to <see cref="ProjectDirectory"/> unless rooted.</summary>
    public required string TrainDataPath { get; init; }
    public string? TestDataPath { get; init; }
    /// <summary>
    /// The spec's path relative to the project folder ('/'-separated), as the build saw it; null for settings made by hand.
    /// Generated code carries this instead of an absolute folder, so it is the same on every machine.
    /// </summary>
    public string? SpecPath { get; init; }
    /// <summary>
    /// Hash of the spec's content (comments and layout excluded) as the build computed it; recorded in model cards, runs
    /// and tuning studies. Null for settings made by hand.
    /// </summary>
    public string? SpecHash { get; init; }

    private string? projectDirectory;
    private ProjectLocation.Resolved? resolvedDirectory;

    /// <summary>
    /// Directory the spec's relative paths are resolved against (the spec's folder). Set it to pin the folder; otherwise it is
    /// found where the program runs from <see cref="SpecPath"/>, in the order <see cref="ProjectLocation"/> documents
    /// (<c>--project-dir</c> / <c>PIPELINEGEN_PROJECT_DIR</c>, the working directory, the program's folder and its parents).
    /// </summary>
    public string ProjectDirectory
    {
        get
        {
            if (projectDirectory is not null) return projectDirectory;
            // Re-resolved when the override changed (the command line sets it before a command runs).
            var resolved = resolvedDirectory;
            if (resolved is null || !resolved.IsCurrent) resolvedDirectory = resolved = ProjectLocation.Resolve(SpecPath);
            return resolved.SpecDirectory;
        }
        init => projectDirectory = value;
    }
    public char Separator { get; init; } = ',';
    public bool HasHeader { get; init; } = true;
    public IReadOnlyList<string> MissingValueTokens { get; init; } = ["", "?", "NA", "NaN", "null"];
    public BadRowPolicy BadRows { get; init; } = BadRowPolicy.Fail;
    public required IReadOnlyList<ColumnInfo> Columns { get; init; }
    public EvaluationSettings Evaluation { get; init; } = new();
    public int Seed { get; init; } = 42;
    /// <summary>Whether <c>run</c> applies the capacity curve's choice to the final model (<c>model.capacity</c>).</summary>
    public CapacityMode Capacity { get; init; } = CapacityMode.Auto;
    /// <summary>The spec's quality gates; null when the spec has no <c>gates</c> section (every trained model becomes current).</summary>
    public IReadOnlyList<GateSettings>? Gates { get; init; }
    /// <summary>The spec's <c>deploy.onnx: true</c> and where it is; null when the spec does not ask for ONNX.</summary>
    public OnnxDeploySettings? DeployOnnx { get; init; }
    /// <summary>
    /// The trainer's hyperparameters by spec name (<c>leaves</c>, <c>iterations</c>, ...) as invariant text, in the trainer
    /// catalog's order: the spec's (and the lock file's) values, else the trainer's defaults (<c>auto</c>: ML.NET chooses
    /// from the data). Emitted by the generator from what the binder resolved; the model card, the run store and the
    /// evaluation context show these. Null: the pipeline declares none (settings made by hand), and nothing is guessed.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Hyperparameters { get; init; }
    /// <summary>The spec name of the trainer's capacity hyperparameter (<c>iterations</c>, <c>trees</c>, <c>epochs</c>); null without one.</summary>
    public string? CapacityHyperparameter { get; init; }

    public IEnumerable<ColumnInfo> Features => Columns.Where(c => c.Role == ColumnRole.Feature);
    public ColumnInfo? GroupColumn => Columns.FirstOrDefault(c => c.Role == ColumnRole.Group);

    public string ResolvePath(string path)
    {
        // A NUL or control character in a path (from the spec or an option) is bad input with a message, not an ArgumentException.
        Data.DataFileGuard.CheckPathText(path, "file");
        return Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(ProjectDirectory, path));
    }
}

/// <summary>
/// What a generated <c>&lt;Name&gt;Pipeline</c> class implements. The runtime's protocols, baselines, reports and
/// command-line host work against this interface only, so there is one implementation of the pipeline: the generated code.
/// </summary>
/// <remarks>
/// Column conventions of the data views involved:
/// <list type="bullet">
/// <item><see cref="LoadData"/> returns the raw columns, named as in the data header.</item>
/// <item><see cref="BuildPipeline"/> is the whole estimator: label preparation, feature preparation, trainer and
/// post-processing. Its output has <c>Label</c> (bool for binary, key for multiclass, float for regression),
/// <c>Features</c>, <c>Score</c>, and for classification <c>PredictedLabel</c> (bool for binary, key for multiclass);
/// binary also has <c>Probability</c> (generated pipelines calibrate trainers that have none); multiclass also has <c>PredictedLabelValue</c>,
/// the predicted class in the label's own values.</item>
/// </list>
/// </remarks>
public interface IPipelineDefinition
{
    PipelineSettings Settings { get; }

    /// <summary>Reads a delimited file with the generated column layout. Streams: nothing is materialised.</summary>
    IDataView LoadData(MLContext mlContext, string path);

    /// <summary>Label and feature preparation only (no trainer): what a baseline or a one-column probe can reuse.</summary>
    IEstimator<ITransformer> BuildPreprocessing(MLContext mlContext);

    /// <summary>The trainer (and any post-processing that maps predicted keys back to values).</summary>
    IEstimator<ITransformer> BuildTrainer(MLContext mlContext);

    /// <summary><see cref="BuildPreprocessing"/> followed by <see cref="BuildTrainer"/>.</summary>
    IEstimator<ITransformer> BuildPipeline(MLContext mlContext);
}
