using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace PipelineGen.Runtime.Tuning;

/// <summary>What a worker process evaluates: one JSON line to a <c>tune-worker</c>'s stdin (or a file for <c>tune-trial</c>).</summary>
internal sealed record TrialRequest(Dictionary<string, double> Params, string Data, int? Seed, string Metric, string? OutOfFoldPath = null, double? Fraction = null);

/// <summary>
/// What a worker process answers (a marked stdout line, or a file written atomically): the outcome, or the error of a
/// failed trial, and the id of the process that ran it.
/// </summary>
internal sealed record TrialResponse(double? Value, double? StdDev, int Splits, string? Error, int? WorkerPid = null);
