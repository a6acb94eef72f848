using System.CommandLine;
using System.Diagnostics;
using PipelineGen.Runtime.Data;
using PipelineGen.Runtime.Evaluation;
using PipelineGen.Runtime.Runs;
using Spectre.Console;

namespace PipelineGen.Runtime.Cli;

/// <summary>What a running step reports for the run store. Set what applies; the host records it when the step ends.</summary>
internal sealed class StepRecord
{
    public SortedDictionary<string, string> Parameters { get; } = new(StringComparer.Ordinal);
    public List<RunMetric> Metrics { get; } = [];
    /// <summary>Null: derived from the exit code (ok, check-failed, bad-input).</summary>
    public string? Outcome { get; set; }
    public string? Message { get; set; }
    /// <summary>Set by the host before the step runs, so the step can print it.</summary>
    public string RunId { get; internal set; } = "";
    /// <summary>What the step fitted when it is not the command's pipeline (a pinned ensemble): the run's recorded trainer and
    /// hyperparameters are then its own. Null: the command's pipeline.</summary>
    public IPipelineDefinition? ContextPipeline { get; set; }
}
