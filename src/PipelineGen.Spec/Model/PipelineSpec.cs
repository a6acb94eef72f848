using PipelineGen.Spec.Catalog;

namespace PipelineGen.Spec.Model;

/// <summary>A value from the spec with where it was written, for diagnostics.</summary>
public readonly record struct Spanned<T>(T Value, SourceSpan Span);

/// <summary>The spec after parsing and shape validation, defaults applied. Equatable: the generator caches on it.</summary>
public sealed record PipelineSpec(
    string FilePath,
    Spanned<string> Name,
    TaskSection Task,
    DataSection Data,
    Spanned<string>? Metric,
    PrepareSection Prepare,
    EvaluateSection Evaluate,
    Spanned<string> Baseline,
    ModelSection Model,
    TuneSection? Tune,
    DeploySection Deploy,
    EquatableArray<GateSpec>? Gates = null);

public sealed record TaskSection(Spanned<TaskKind> Kind, Spanned<string> Label, Spanned<string>? PositiveClass, Spanned<double>? Threshold = null);

public sealed record DataSection(
    Spanned<string> Train,
    Spanned<string>? Test,
    char Separator,
    bool Header,
    EquatableArray<string> MissingValues,
    string BadRows,
    EquatableArray<Spanned<string>>? Features,
    SourceSpan FeaturesSpan,
    EquatableArray<ColumnOverride> Columns)
{
    /// <summary>'data.names': the column names of a file without a header, in file order; null when not given.</summary>
    public EquatableArray<Spanned<string>>? Names { get; init; }
}

/// <param name="Format">'data.columns.NAME.format': a datetime column's date format as written; null when not given.</param>
/// <param name="MissingValues">'data.columns.NAME.missing_values': tokens that mean missing in this column only, in addition to
/// 'data.missing_values', each with where it was written; empty when not given.</param>
public sealed record ColumnOverride(Spanned<string> Name, Spanned<string>? Type, Spanned<string>? Role, Spanned<string>? Missing, Spanned<string>? Format = null,
    EquatableArray<Spanned<string>> MissingValues = default);

public sealed record PrepareSection(
    string Normalize,
    string NumericMissing,
    bool MissingIndicators,
    string CategoricalEncoding,
    int HashBits,
    int WordNgrams,
    int CharNgrams,
    AugmentSection? Augment);

public sealed record AugmentSection(EquatableArray<Spanned<string>> BlankColumns, double Fraction);

public sealed record EvaluateSection(string Protocol, int Folds, int Repeats, double HoldoutFraction, bool Stratify, int Seed, SourceSpan RepeatsSpan, string Duplicates = "group");

/// <param name="Capacity">model.capacity as written (auto or pinned); null when the spec does not say (auto).</param>
public sealed record ModelSection(Spanned<string> Trainer, EquatableArray<ParamSetting> Params, Spanned<string>? Capacity = null);

/// <summary>A hyperparameter as written; <see cref="Value"/> is the YAML text, checked against the trainer when bound.</summary>
/// <param name="Items">A list value (the dense network's <c>layers: [64, 32]</c>) item by item with their spans; <see cref="Value"/> is then the items joined by commas, spanning the list.</param>
public sealed record ParamSetting(Spanned<string> Name, Spanned<string> Value, EquatableArray<Spanned<string>>? Items = null);

/// <param name="Trials">tune.trials; null when not written (20 trials, or no trial cap when only --time is given).</param>
/// <param name="SpaceGiven">The spec has a 'space' key (without it and without 'trainers', the default space is searched).</param>
/// <param name="Trainers">tune.trainers: the trainer searched, each with its own space; null when absent.</param>
/// <param name="Prepare">tune.prepare: preparation choices searched with the trainer.</param>
public sealed record TuneSection(string Strategy, int? Trials, Spanned<string>? Metric, EquatableArray<SearchDimension> Space,
    bool SpaceGiven = true, SourceSpan SpaceSpan = default, EquatableArray<SearchBranch>? Trainers = null, EquatableArray<PrepareChoiceSetting>? Prepare = null, SourceSpan Span = default,
    bool Ensemble = false, string Honest = "holdout", int? OuterFolds = null, SourceSpan EnsembleSpan = default, SourceSpan OuterFoldsSpan = default,
    Spanned<string>? HalvingBudget = null);

/// <summary>One trainer under tune.trainers with its own search space.</summary>
public sealed record SearchBranch(Spanned<string> Trainer, EquatableArray<SearchDimension> Space);

/// <summary>tune.prepare.NAME: [values], values as written.</summary>
public sealed record PrepareChoiceSetting(Spanned<string> Name, EquatableArray<string> Values);

public sealed record SearchDimension(Spanned<string> Name, double? Min, double? Max, string Scale, EquatableArray<string> Values, SourceSpan Span);

/// <param name="OnnxSpan">Where <c>deploy.onnx</c> is written (deployability diagnostics point there when no other line chose the problem).</param>
/// <param name="NumericMissingSpan">Where <c>prepare.numeric_missing</c> is written, if it is.</param>
public sealed record DeploySection(int? RestPort, bool Onnx, SourceSpan OnnxSpan = default, SourceSpan NumericMissingSpan = default);

/// <summary>One entry of the spec's <c>gates</c> list as written; checked against the task and data when bound.</summary>
/// <param name="Kind">min, max or min_improvement (the key that gave <see cref="Threshold"/>); null when the gate has none or several.</param>
/// <param name="ThresholdCount">How many of min/max/min_improvement the gate gives (PG0402 unless 1).</param>
/// <param name="Require">mean or interval as written (the shape checks the value, PG0003); mean when absent.</param>
public sealed record GateSpec(Spanned<string> Metric, string? Kind, double Threshold, SourceSpan ThresholdSpan, int ThresholdCount,
    Spanned<string>? Class, Spanned<string>? Group, SourceSpan Span, string Require = "mean");
