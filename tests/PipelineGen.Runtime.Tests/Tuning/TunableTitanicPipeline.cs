using Microsoft.ML;
using Microsoft.ML.Trainers.LightGbm;
using PipelineGen.Runtime.Tests.Training;
using PipelineGen.Runtime.Tuning;

namespace PipelineGen.Runtime.Tests.Tuning;

/// <summary>
/// What the generator emits for a titanic spec with a <c>tune</c> section, written by hand: the trainer's options
/// initializer, then the overrides of a trial. <see cref="FailAboveLeaves"/> makes the trainer throw for some
/// configurations, like a trainer that rejects a combination of values.
/// </summary>
internal sealed class TunableTitanicPipeline : TitanicTestPipeline, ITunablePipeline
{
    private readonly IReadOnlyDictionary<string, double> _overrides;

    public TunableTitanicPipeline(string project, TuningSettings tuning, bool kfold = true, IReadOnlyDictionary<string, double>? overrides = null)
        : base(project)
    {
        Tuning = tuning;
        Settings = Settings with { SpecHash = SpecHash }; // as generated settings carry it
        _overrides = overrides ?? new Dictionary<string, double>();
        // As generated WithHyperparameters does: the trial's values are declared in its settings.
        if (overrides is not null) Settings = TrialConfiguration.Apply(Settings, tuning, overrides);
        if (kfold)
            Settings = Settings with { Evaluation = new EvaluationSettings { Protocol = EvaluationProtocol.KFold, Folds = 4, Seed = 7 } };
    }

    public new const string SpecHash = "tunable-hash-1";

    public int? FailAboveLeaves { get; init; }

    /// <summary>The evaluation protocol, as a spec's 'evaluate' section sets it (trial pipelines carry it too).</summary>
    public EvaluationSettings Evaluation { get => Settings.Evaluation; init => Settings = Settings with { Evaluation = value }; }

    /// <summary>As a spec with <c>deploy.onnx: true</c> generates it.</summary>
    public bool DeployOnnx
    {
        get => Settings.DeployOnnx is not null;
        init => Settings = Settings with { DeployOnnx = value ? new OnnxDeploySettings("pipeline.yaml", 30, 9) : null };
    }

    /// <summary>As a spec with <c>evaluate.stratify: false</c> generates it.</summary>
    public bool Unstratified
    {
        get => !Settings.Evaluation.Stratify;
        init => Settings = Settings with { Evaluation = Settings.Evaluation with { Stratify = !value } };
    }

    /// <summary>Every trainer this pipeline (and those made from it) builds, as its leaves: lets a test see what was trained.</summary>
    public List<int> BuiltLeaves { get; init; } = [];

    /// <summary>Every fit of the trainer: the boosting iterations it was given and the rows it was fitted on.</summary>
    public List<(int Iterations, long Rows)> Fits { get; init; } = [];

    public TuningSettings Tuning { get; }
    public IReadOnlyList<string> HyperparameterNames { get; } = ["leaves", "iterations", "min_examples_per_leaf", "learning_rate", "max_bins", "threads"];
    public IReadOnlyDictionary<string, string> PinnedHyperparameters { get; init; } = new Dictionary<string, string>();
    /// <summary>As generated from a lock file's <c>ensemble:</c> block.</summary>
    public IReadOnlyList<PinnedEnsembleMember> PinnedEnsemble { get; init; } = [];
    public string LockFilePath => Path.Combine(Settings.ProjectDirectory, "pipeline.lock.yaml");

    public IPipelineDefinition WithHyperparameters(IReadOnlyDictionary<string, double> values)
    {
        foreach (var name in values.Keys)
            if (!HyperparameterNames.Contains(name)) throw new ArgumentException($"unknown hyperparameter '{name}'");
        return new TunableTitanicPipeline(Settings.ProjectDirectory, Tuning, Settings.Evaluation.Protocol == EvaluationProtocol.KFold, values) { FailAboveLeaves = FailAboveLeaves, BuiltLeaves = BuiltLeaves, Fits = Fits, Evaluation = Settings.Evaluation };
    }

    public new IEstimator<ITransformer> BuildTrainer(MLContext ml)
    {
        var options = new LightGbmBinaryTrainer.Options
        {
            NumberOfIterations = 40, LearningRate = 0.2, NumberOfLeaves = 8, MinimumExampleCountPerLeaf = 5, NumberOfThreads = 1, Seed = 1,
        };
        if (_overrides.TryGetValue("leaves", out var leaves)) options.NumberOfLeaves = (int)Math.Round(leaves);
        if (_overrides.TryGetValue("iterations", out var iterations)) options.NumberOfIterations = (int)Math.Round(iterations);
        if (_overrides.TryGetValue("min_examples_per_leaf", out var minLeaf)) options.MinimumExampleCountPerLeaf = (int)Math.Round(minLeaf);
        if (_overrides.TryGetValue("learning_rate", out var lr)) options.LearningRate = lr;
        if (FailAboveLeaves is { } limit && options.NumberOfLeaves > limit)
            throw new InvalidOperationException($"leaves {options.NumberOfLeaves} is more than this trainer accepts ({limit})");
        BuiltLeaves.Add(options.NumberOfLeaves ?? 0);
        int applied = options.NumberOfIterations;
        return new FitRecorder(ml.BinaryClassification.Trainers.LightGbm(options), rows => { lock (Fits) Fits.Add((applied, rows)); });
    }

    IEstimator<ITransformer> IPipelineDefinition.BuildTrainer(MLContext ml) => BuildTrainer(ml);
    IEstimator<ITransformer> IPipelineDefinition.BuildPipeline(MLContext ml) => BuildPreprocessing(ml).Append(BuildTrainer(ml));
}
