using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using PipelineGen.Runtime.Data;

namespace PipelineGen.Runtime.Evaluation;

/// <summary>Overrides of the spec's settings for one evaluation (what the CLI's options map to). Null keeps the spec's value.</summary>
internal sealed record EvaluationOptions
{
    /// <summary>Data file; relative paths are taken from the current directory. Default: the spec's training data.</summary>
    public string? DataPath { get; init; }
    public EvaluationProtocol? Protocol { get; init; }
    public int? Folds { get; init; }
    public int? Repeats { get; init; }
    public double? HoldoutFraction { get; init; }
    /// <summary>Seed of the splits and of every <see cref="MLContext"/>.</summary>
    public int? Seed { get; init; }
    public BadRowPolicy? BadRows { get; init; }
    /// <summary>How exact-duplicate rows are split; default the spec's <c>evaluate.duplicates</c>.</summary>
    public DuplicatePolicy? Duplicates { get; init; }
    /// <summary>False: evaluate the baseline only (no model is trained).</summary>
    public bool IncludeModel { get; init; } = true;
    /// <summary>
    /// Gather what the HTML evaluation report draws while the splits run: every validation row's out-of-fold prediction
    /// and the permutation importance of each feature column on each validation part (one rescoring per column and split).
    /// Off for tuning trials, which only need the metrics.
    /// </summary>
    public bool CollectForReport { get; init; }
    /// <summary>Called after each split.</summary>
    public Action<SplitProgress>? Progress { get; init; }
    /// <summary>Called with each split's scored validation rows (quality gates measure per class and per group on them).</summary>
    public Action<ScoredSplit>? OnModelScored { get; init; }
    /// <summary>When set, each row's out-of-fold prediction is added to it (tuning keeps them for ensemble selection).</summary>
    public OutOfFoldCollector? OutOfFold { get; init; }
    /// <summary>
    /// Where to write every scored validation row's prediction per split (<c>evaluate --predictions</c>,
    /// <see cref="OutOfFoldCsv"/>); null writes none. Only with a model (<see cref="IncludeModel"/>).
    /// </summary>
    public string? PredictionsPath { get; init; }
    /// <summary>
    /// Share of each split's training rows the model is fitted on (seeded, stratified, the same rows for every call with
    /// the same seed: see <see cref="TrainingSubsample"/>). Null or 1: all of them. Successive halving's low rungs use it.
    /// </summary>
    public double? TrainingFraction { get; init; }
}
