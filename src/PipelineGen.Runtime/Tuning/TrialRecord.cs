using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace PipelineGen.Runtime.Tuning;

/// <summary>
/// A trial as journaled. <c>State</c> is <c>complete</c> or <c>failed</c>; a failed trial has an error and no value.
/// Successive halving adds <c>pruned</c> (stopped at a lower rung: <see cref="Budget"/> is the share of the training
/// rows its value was measured on, not comparable with complete trials), and a trial ended by the time budget is
/// <c>stopped</c> (not a verdict on the configuration: a resume runs it again).
/// </summary>
internal sealed record TrialRecord(int Number, Configuration Configuration, string State, double? Value, double? StdDev, int Splits, string? Error, TimeSpan Duration)
{
    public bool Failed => State == "failed";
    /// <summary>Share of each training fold the value was measured on; null: all of it.</summary>
    public double? Budget { get; init; }
    /// <summary>Shared studies: failed because its worker stopped sending heartbeats (killed, machine or network lost).</summary>
    public bool Lost { get; init; }
    /// <summary>Shared studies: the lost trial this one runs again.</summary>
    public int? RetryOf { get; init; }
    /// <summary>Shared studies: the worker that ran it.</summary>
    public string? WorkerId { get; init; }
}
