using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace PipelineGen.Runtime.Tuning;

/// <summary>What identifies a study: a resumed study must have searched the same space over the same spec and data.</summary>
internal sealed record StudyInfo(
    string Id, string Pipeline, string SpecHash, string DataHash, string SpaceFingerprint, string Strategy, int Seed,
    string Metric, bool HigherIsBetter, DateTimeOffset CreatedUtc)
{
    /// <summary>Strategy options that change what a study measures (e.g. halving's <c>eta=3;min_fraction=0.111</c>); a resume must match them. Null for older studies.</summary>
    public string? Options { get; init; }
    /// <summary>A shared study's trial budget (every worker stops claiming when it is used); null for a single-process study.</summary>
    public int? TrialBudget { get; init; }
    /// <summary>A shared study's time budget, counted from <see cref="CreatedUtc"/> on the storage's clock; null: none.</summary>
    public TimeSpan? TimeBudget { get; init; }
    /// <summary>
    /// What trial 1 is (<see cref="Tuning.StartingPoint.Describe"/>: "spec", or "pinned" with the lock's values); null: the
    /// study has no starting trial (journaled before it existed, or --no-spec-trial). In a shared study it is part of the id.
    /// </summary>
    public string? StartingPoint { get; init; }
}
