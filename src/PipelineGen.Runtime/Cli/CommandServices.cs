using System.CommandLine;
using System.Diagnostics;
using PipelineGen.Runtime.Data;
using PipelineGen.Runtime.Evaluation;
using PipelineGen.Runtime.Runs;
using Spectre.Console;

namespace PipelineGen.Runtime.Cli;

/// <summary>
/// What commands share: the pipeline, the output (plain writers and a Spectre console that has no colour or animation
/// when output is redirected), the common options, and <see cref="RunStep"/> which times a step, turns bad input into
/// exit code 2 and records the run.
/// </summary>
public sealed class CommandServices
{
    internal CommandServices(IPipelineDefinition pipeline, TextWriter output, TextWriter error, bool interactive, int? width = null)
    {
        Pipeline = pipeline;
        // A known width (the terminal's, or one asked for): prose wraps to it and tables are laid out within it.
        Width = width;
        RawOutput = output;
        if (width is int w) output = new WrappingWriter(output, w) { NewLine = "\n" };
        Output = output;
        Error = error;
        Interactive = interactive;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        // Captured output is read as a log: wide enough that sentences and tables are not wrapped mid-line.
        if (!interactive) Console.Profile.Width = 240;
        if (width is int columns) Console.Profile.Width = columns;
    }

    /// <summary>The output without wrapping: for machine-readable text (a JSON prediction) that a line break would corrupt.</summary>
    internal TextWriter RawOutput { get; }

    /// <summary>The width output must fit, when known (a terminal, or asked for); null for a log (no wrapping).</summary>
    internal int? Width { get; }

    internal IPipelineDefinition Pipeline { get; }
    internal TextWriter Output { get; }
    internal TextWriter Error { get; }
    internal IAnsiConsole Console { get; }
    /// <summary>False when output is redirected or captured: no colours, no live progress, plain lines instead.</summary>
    internal bool Interactive { get; }
    internal CommonOptions Options { get; } = new();

    /// <summary>Where runs are recorded. Default: <c>&lt;project dir&gt;/.pipelinegen/runs.db</c>.</summary>
    internal string RunStorePath { get; init; } = "";

    internal RunStore OpenRunStore() => new(RunStorePath);

    /// <summary>
    /// Runs one workflow step: times it, maps bad input (<see cref="DataValidationException"/>,
    /// <see cref="EvaluationException"/>, <see cref="ArgumentException"/>, missing files) to exit code 2 with a
    /// clear message, and records the run (id, step, parameters, metrics, outcome) in the run store.
    /// </summary>
    internal int RunStep(string step, Func<StepRecord, int> body)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var record = new StepRecord { RunId = RunRecord.NewId(started) };
        int exitCode;
        try
        {
            exitCode = body(record);
        }
        catch (Exception e) when (e is DataValidationException or EvaluationException or ArgumentException or FileNotFoundException or DirectoryNotFoundException)
        {
            Error.WriteLine($"error: {e.Message}");
            record.Message = e.Message;
            exitCode = ExitCodes.BadInput;
        }
        string outcome = record.Outcome ?? exitCode switch
        {
            ExitCodes.Ok => "ok",
            ExitCodes.CheckFailed => "check-failed",
            ExitCodes.BadInput => "bad-input",
            _ => "failed",
        };
        try
        {
            using var store = OpenRunStore();
            store.Record(new RunRecord(record.RunId, Pipeline.Settings.Name, step, started, clock.Elapsed,
                record.Parameters, record.Metrics, outcome, record.Message) { Context = ContextOf(record) });
            Output.WriteLine($"Run {record.RunId} recorded ({clock.Elapsed.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)} s, outcome {outcome}).");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The step's result stands even if history cannot be written; say so instead of failing the step.
            Error.WriteLine($"warning: could not record the run in {RunStorePath}: {e.Message}");
        }
        return exitCode;
    }

    /// <summary>What determined the step's result (spec hash, data hash, trainer, hyperparameters, ...); null if it cannot be read.</summary>
    private RunContext? ContextOf(StepRecord record)
    {
        try
        {
            return RunContext.Of(record.ContextPipeline ?? Pipeline, record.Parameters.GetValueOrDefault("data"));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Error.WriteLine($"warning: could not record what determined the run (spec, data, hyperparameters): {e.Message}");
            return null;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> with a progress display: on a terminal, a line on stderr redrawn in place with the
    /// units done and the elapsed time and erased at the end (like explore's and train's; stdout carries only the
    /// result); otherwise one plain line per completed unit on the output (so captured logs stay readable).
    /// </summary>
    internal T WithProgress<T>(string title, Func<Action<int, int, string>, T> work)
    {
        if (!Interactive)
        {
            Output.WriteLine(title + " ...");
            return work((done, total, what) => Output.WriteLine($"  [{done}/{total}] {what}"));
        }
        using var line = new ElapsedLine(Error, title);
        line.Phase("started");
        return work((done, total, what) => line.Phase($"{done}/{total} done, last {what}"));
    }
}
