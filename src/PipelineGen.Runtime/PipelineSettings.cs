namespace PipelineGen.Runtime;

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
    /// <c>task.threshold</c>); null keeps the model's own decision (Score above its threshold, which is where Probability is 0.5; see ModelDecision).
    /// <c>predict</c> applies it; accuracy, f1, precision and recall everywhere (evaluate, test, gates, tune, curve) count
    /// the decisions made at it, and the evaluation report draws its confusion matrix at it.
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

    /// <summary>
    /// The tokens that mean missing in <paramref name="column"/>: <see cref="MissingValueTokens"/> and the column's own
    /// (<see cref="ColumnInfo.MissingTokens"/>); the global tokens alone for a column the settings do not list.
    /// </summary>
    public IReadOnlyList<string> MissingTokensOf(string column)
    {
        var own = Columns.FirstOrDefault(c => c.Name == column)?.MissingTokens;
        return own is null || own.Count == 0 ? MissingValueTokens : MissingValueTokens.Concat(own).Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Every reader's exact comparison set for one column (the global tokens when <paramref name="column"/> is null).</summary>
    internal HashSet<string> MissingTokenSetOf(ColumnInfo? column) =>
        new(column is null ? MissingValueTokens : MissingTokensOf(column.Name), StringComparer.Ordinal);
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
