using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML;
using PipelineGen.Runtime.Data;
using PipelineGen.Runtime.Evaluation;
using PipelineGen.Shared;
using PipelineGen.Runtime.Tuning.Storage;

namespace PipelineGen.Runtime.Tuning;

/// <summary>Everything a <c>tune</c> measured. The CLI only formats it.</summary>
internal sealed class TuneReport
{
    public required StudyResult Result { get; init; }
    public required SearchSpace Space { get; init; }
    public required string Metric { get; init; }
    public required string MetricReason { get; init; }
    public required long SearchRows { get; init; }
    public required long HoldbackRows { get; init; }
    /// <summary>How the held-back rows were chosen, e.g. "seeded, stratified by class, exact duplicates on one side".</summary>
    public string HoldbackSplit { get; init; } = "seeded";
    /// <summary>The winner refitted on all search rows, scored on the held-back rows; null when no trial completed or the metric is undefined there.</summary>
    public double? WinnerHoldbackScore { get; init; }
    /// <summary>The spec's own hyperparameters, fitted and scored the same way: what tuning is compared with.</summary>
    public double? DefaultHoldbackScore { get; init; }
    public required IReadOnlyList<string> Warnings { get; init; }
    public string? LockPath { get; init; }
    public required bool Resumed { get; init; }
    /// <summary>The ensemble of the best trials (with <see cref="TuneOptions.Ensemble"/>); null when none was built.</summary>
    public Ensembles.EnsembleReport? Ensemble { get; init; }
    /// <summary>Why no ensemble was built although one was asked for.</summary>
    public string? EnsembleNotBuilt { get; init; }
    /// <summary>The folder of the study's files (search/held-back parts, out-of-fold predictions, the study report).</summary>
    public string? WorkDirectory { get; init; }
    /// <summary>Halving / Hyperband: what each rung level's evaluations spent (<see cref="HalvingBudget.RungLines"/>); empty otherwise.</summary>
    public IReadOnlyList<string> RungBudgets { get; init; } = [];
}
