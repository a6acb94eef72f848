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
    string? ProjectSpecPath = null);

/// <param name="Kind">numeric, categorical, text, boolean or datetime — after overrides.</param>
/// <param name="Role">feature, label, id, ignore or group.</param>
/// <param name="Missing">mean, median, model or category; null when nothing needs filling.</param>
/// <param name="TypeDeclared">The spec declares the column's type ('data.columns.NAME.type'), rather than the build inferring it.</param>
public sealed record BoundColumn(string Name, int Index, string PropertyName, string Kind, string Role, bool HasMissing, string? Missing, bool TypeDeclared = false);

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
public sealed record BoundTune(string Strategy, int Trials, string? Metric, EquatableArray<BoundSearchParameter> Space, string LockFileName);

/// <param name="Type">int, float or bool: how the runtime rounds a proposed value.</param>
/// <param name="Values">Explicit candidates (as numbers; flags 0/1), empty for a range.</param>
public sealed record BoundSearchParameter(string Name, string Type, double Min, double Max, bool Log, EquatableArray<double> Values);

/// <summary>A lock file that fits the spec: its values replace the spec's in <see cref="BoundTrainer.Options"/>.</summary>
public sealed record BoundLock(string FileName, string? StudyId, EquatableArray<PinnedValue> Pinned);

/// <param name="Name">Spec name of the hyperparameter.</param>
/// <param name="Text">The value as written in the lock file.</param>
public sealed record PinnedValue(string Name, string Property, string Text);
