using System.Globalization;
using PipelineGen.Tool;
using PipelineGen.Tool.Inference;

// Exit codes: 0 done (data problems are diagnostics inside the schema), 1 a spec could not be processed, 2 bad command line.
try
{
    return CommandLine.Run(args, Console.Out, Console.Error);
}
catch (Exception e)
{
    // No stack trace in the build log (set PIPELINEGEN_TOOL_DEBUG=1 to see it): the message and what to do.
    var detail = Environment.GetEnvironmentVariable("PIPELINEGEN_TOOL_DEBUG") == "1" ? e.ToString() : $"{e.GetType().Name}: {PipelineGen.Shared.SafeText.Escape(e.Message, 300)}";
    Console.Error.WriteLine($"PipelineGen.Tool: unexpected failure: {detail}. This is a PipelineGen bug; please report it (PIPELINEGEN_TOOL_DEBUG=1 shows the stack trace).");
    return 1;
}

internal static class CommandLine
{
    public const string Usage =
        """
        Usage: PipelineGen.Tool infer --spec <pipeline.yaml> --out <schema.json> [--deps <file>] [--spec ... --out ...]
                                      [--max-rows <n>] [--max-chars <n>]
                                      [--project-dir <folder>] [--data-outside-project allow|warn|error]

        Reads the data file each spec names (its header and the first rows only) and writes the inferred schema,
        with any data problems as diagnostics, to --out (only when its content changed). --deps (default: --out with
        the extension .deps) lists the data files read, one full path per line. With --project-dir, a data file outside
        that folder is a warning (PG0130), an error that is not read (error), or accepted silently (allow).
        """;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "-?")
        {
            output.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        if (args[0] != "infer")
        {
            error.WriteLine($"PipelineGen.Tool: unknown command '{args[0]}'.");
            error.WriteLine(Usage);
            return 2;
        }

        var requests = new List<InferRequest>();
        string? spec = null, outPath = null, deps = null;
        var limits = SampleLimits.Default;
        string? projectDirectory = null;
        var outside = "warn";
        void Flush()
        {
            if (spec is null) return;
            requests.Add(new InferRequest(spec, outPath!, deps ?? InferRequest.DefaultDepsPath(outPath!)));
            spec = outPath = deps = null;
        }

        for (var i = 1; i < args.Length; i++)
        {
            var option = args[i];
            if (i + 1 >= args.Length)
            {
                error.WriteLine($"PipelineGen.Tool: option '{option}' needs a value.");
                return 2;
            }
            var value = args[++i];
            if (PipelineGen.Shared.SafeText.PathProblem(value) is { } valueProblem && option is "--spec" or "--out" or "--deps" or "--project-dir")
            {
                error.WriteLine($"PipelineGen.Tool: the value of {option} {valueProblem}.");
                return 2;
            }
            switch (option)
            {
                case "--spec":
                    if (spec is not null && outPath is null) { error.WriteLine($"PipelineGen.Tool: spec '{spec}' has no --out."); return 2; }
                    Flush();
                    spec = value;
                    break;
                case "--out":
                    if (spec is null || outPath is not null) { error.WriteLine("PipelineGen.Tool: --out must follow its --spec."); return 2; }
                    outPath = value;
                    break;
                case "--deps":
                    if (spec is null || deps is not null) { error.WriteLine("PipelineGen.Tool: --deps must follow its --spec."); return 2; }
                    deps = value;
                    break;
                case "--project-dir":
                    projectDirectory = value;
                    break;
                case "--data-outside-project" when value is "allow" or "warn" or "error":
                    outside = value;
                    break;
                case "--max-rows" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var rows) && rows > 0:
                    limits = limits with { MaxRows = rows };
                    break;
                case "--max-chars" when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var chars) && chars > 0:
                    limits = limits with { MaxCharacters = chars };
                    break;
                default:
                    error.WriteLine($"PipelineGen.Tool: unknown option or bad value '{option} {value}'.");
                    return 2;
            }
        }
        if (spec is not null && outPath is null) { error.WriteLine($"PipelineGen.Tool: spec '{spec}' has no --out."); return 2; }
        Flush();
        if (requests.Count == 0) { error.WriteLine("PipelineGen.Tool: no --spec given."); return 2; }
        var policy = new DataAccessPolicy(projectDirectory, OutsideIsError: outside == "error", OutsideIsSilent: outside == "allow");
        return InferCommand.Run(requests, limits, output, error, policy);
    }
}
