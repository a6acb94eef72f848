using PipelineGen.Spec.Catalog;

namespace PipelineGen.Spec.Binding;

/// <summary>
/// The spec resolved against its data: everything the generator needs to emit code and nothing else
/// (no source spans, so a comment edit that moves lines leaves it equal and the emitted code cached).
/// </summary>
/// <remarks><c>ProjectSpecPath</c>: the spec's path relative to the project folder ('/'-separated), set by the generator
/// from <c>build_property.ProjectDir</c>. It is what the generated code carries instead of an absolute folder, so the
/// output is the same on every machine and the runtime finds the folder where the program runs.</remarks>
public sealed record BoundPipeline(
    string Name,
    string Namespace,
    string SpecFileName,
    string SpecDirectory,
    string SpecHash,
    TaskKind Task,
    string LabelColumn,
    string? PositiveClass,
    EquatableArray<string> LabelValues,
    EquatableArray<BoundColumn> Columns,
    string TrainPath,
    string? TestPath,
    char Separator,
    bool Header,
    EquatableArray<string> MissingTokens,
    string BadRows,
    string? Metric,
    string Baseline,
    BoundPreparation Preparation,
    BoundEvaluation Evaluation,
    BoundTrainer Trainer,
    BoundTune? Tune = null,
    BoundLock? Lock = null,
    EquatableArray<BoundGate>? Gates = null,
    double? DecisionThreshold = null,
    int? RestPort = null,
    string? ProjectSpecPath = null)
{
    /// <summary>The spec asks for ONNX export (<c>deploy.onnx: true</c>): only exportable steps are emitted.</summary>
    public bool Onnx { get; init; }

    /// <summary>Line and column of <c>deploy.onnx</c> (0 when absent): where the build reports a failed export.</summary>
    public int OnnxLine { get; init; }
    public int OnnxColumn { get; init; }
}

/// <param name="Kind">numeric, categorical, text, boolean or datetime — after overrides.</param>
/// <param name="Role">feature, label, id, ignore or group.</param>
/// <param name="Missing">mean, median, model or category; null when nothing needs filling.</param>
/// <param name="TypeDeclared">The spec declares the column's type ('data.columns.NAME.type'), rather than the build inferring it.</param>
/// <param name="DateFormat">A datetime column's declared format ('data.columns.NAME.format'), checked; null when not given.</param>
/// <param name="MissingTokens">The column's own missing tokens ('data.columns.NAME.missing_values'), without the empty value and
/// tokens already listed; read in addition to the global ones.</param>
public sealed record BoundColumn(string Name, int Index, string PropertyName, string Kind, string Role, bool HasMissing, string? Missing, bool TypeDeclared = false, string? DateFormat = null,
    EquatableArray<string> MissingTokens = default);

public sealed record BoundPreparation(
    string Normalize,
    bool MissingIndicators,
    string CategoricalEncoding,
    int HashBits,
    int WordNgrams,
    int CharNgrams,
    EquatableArray<string> AugmentColumns,
    double AugmentFraction);

public sealed record BoundEvaluation(string Protocol, int Folds, int Repeats, double HoldoutFraction, bool Stratify, int Seed, string Duplicates = "group");

/// <param name="Options">Option property assignments as C# literals, in spec order.</param>
/// <param name="CapacityPinned">model.capacity: pinned — run keeps the spec's capacity instead of the curve's choice.</param>
public sealed record BoundTrainer(string Name, TrainerBinding Binding, EquatableArray<OptionAssignment> Options, string? CapacityOption, int DefaultCapacity, bool CapacityPinned = false);

public sealed record OptionAssignment(string Property, string Literal);

/// <summary>The spec's <c>tune</c> section, resolved against the trainer's catalog entry.</summary>
/// <param name="LockFileName">File name of the lock file next to the spec (<c>pipeline.lock.yaml</c>).</param>
/// <param name="Space">The flat form: model.trainer's hyperparameters (empty when the trainer itself is searched).</param>
/// <param name="Trainers">The trainer searched (tune.trainers, or the default space): one branch per trainer; null for the flat form.</param>
/// <param name="Prepare">Preparation choices searched with the trainer (only those that change something for this data).</param>
/// <param name="DefaultSpace">The spec gave neither 'space' nor 'trainers': the branches are the default space.</param>
/// <param name="Starting">The default space's starting configurations (DefaultSearchSpace.StartingFor) that are points of these branches; empty otherwise.</param>
public sealed record BoundTune(string Strategy, int? Trials, string? Metric, EquatableArray<BoundSearchParameter> Space, string LockFileName,
    EquatableArray<BoundTrainerBranch>? Trainers = null, EquatableArray<BoundPrepareChoice>? Prepare = null, bool DefaultSpace = false,
    bool Ensemble = false, string Honest = "holdout", int OuterFolds = 5, string HalvingBudget = "auto", EquatableArray<BoundStartingConfiguration>? Starting = null)
{
    public bool SearchesTrainer => Trainers is { Count: > 0 };
}

/// <summary>
/// A configuration the study proposes first (the default space's portfolio), in the runtime's names: 'trainer' (the
/// branch's index) and 'TRAINER.param' for every parameter of that branch.
/// </summary>
public sealed record BoundStartingConfiguration(EquatableArray<string> Names, EquatableArray<double> Values);

/// <summary>One trainer of a searched trainer choice: how it is built (options before the trial's values) and its own space.</summary>
/// <param name="Normalize">The feature scaling this trainer gets when prepare.normalize is auto (minmax for linear, none for trees).</param>
public sealed record BoundTrainerBranch(string Name, BoundTrainer Trainer, string Normalize, EquatableArray<BoundSearchParameter> Space);

/// <summary>A searched preparation setting (see PreparationChoices) and its values as the spec writes them.</summary>
/// <param name="Type">label, bool or int: how the runtime encodes a value and the generated code reads it.</param>
public sealed record BoundPrepareChoice(string Name, string Type, EquatableArray<string> Values);

/// <param name="Type">int, float or bool: how the runtime rounds a proposed value.</param>
/// <param name="Values">Explicit candidates (as numbers; flags 0/1), empty for a range.</param>
public sealed record BoundSearchParameter(string Name, string Type, double Min, double Max, bool Log, EquatableArray<double> Values);

/// <summary>A lock file that fits the spec: its values replace the spec's in <see cref="BoundTrainer.Options"/>.</summary>
/// <param name="Trainer">The trainer the lock pins when it differs from model.trainer (a searched trainer won), else null.</param>
/// <param name="Prepare">Preparation values the lock pins (name → value as written); they replace the spec's in <see cref="BoundPipeline.Preparation"/>.</param>
/// <param name="Ensemble">The ensemble the lock pins (tune kept it): 'train' fits these members and blends them; null: none.</param>
public sealed record BoundLock(string FileName, string? StudyId, EquatableArray<PinnedValue> Pinned, string? Trainer = null, EquatableArray<PinnedValue>? Prepare = null,
    EquatableArray<BoundEnsembleMember>? Ensemble = null);

/// <summary>One member of a pinned ensemble: its weight and its configuration (search-space names → values as written).</summary>
/// <param name="From">'spec' or 'pinned' for the study's starting trial (the lock's 'from:'), so the model card can say what
/// the member is; null for a proposal.</param>
public sealed record BoundEnsembleMember(double Weight, EquatableArray<string> Names, EquatableArray<string> Values, string? From = null);

/// <param name="Name">Spec name of the hyperparameter.</param>
/// <param name="Text">The value as written in the lock file.</param>
public sealed record PinnedValue(string Name, string Property, string Text);

/// <summary>
/// A quality gate, checked at run time by <c>train</c>. Unlike the rest of the bound model it keeps where it was written
/// (<see cref="Line"/>, <see cref="Column"/>): a failed gate in a build is an error located at the gate's line in the YAML.
/// </summary>
/// <param name="Kind">min, max or min_improvement.</param>
/// <param name="Class">Classification: the label value whose precision/recall/f1 is gated.</param>
/// <param name="Group">A column: the gate applies within each of its values.</param>
/// <param name="Require">mean (the mean must clear the threshold) or interval (the 95 % interval's bound on the failing side must).</param>
public sealed record BoundGate(string Metric, string Kind, double Threshold, string? Class, string? Group, int Line, int Column, string Require = "mean");
