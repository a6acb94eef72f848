namespace PipelineGen.Runtime.Exploration;

/// <summary>The <c>explore</c> command: explore, print the summary, write the HTML report, return the exit code.</summary>
/// <remarks>
/// Exit codes: 0 done (warnings such as imbalance, duplicates or drift are findings, not failures);
/// 1 a serious finding: a column that predicts the label on its own (possible target leakage), or major drift when
/// <see cref="ExploreOptions.FailOnMajorDrift"/> is set; 2 bad input: a missing or unreadable file, no label column,
/// a label with a single class (nothing to learn), or malformed rows under the bad-row policy fail.
/// </remarks>
internal static class ExploreCommand
{
    public const int Ok = 0, CheckFailed = 1, BadInput = 2;

    public static int Run(IPipelineDefinition pipeline, ExploreOptions options, TextWriter output, IProgress<double>? progress = null) =>
        Run(pipeline, options, output, progress, width: null);

    /// <summary>As <see cref="Run(IPipelineDefinition, ExploreOptions, TextWriter, IProgress{double}?)"/>, with the summary's
    /// tables laid out to fit a terminal <paramref name="width"/> wide (null: a log, not wrapped).</summary>
    public static int Run(IPipelineDefinition pipeline, ExploreOptions options, TextWriter output, IProgress<double>? progress, int? width)
    {
        ExplorationReport report;
        try
        {
            report = DataExplorer.Explore(pipeline, options, progress);
        }
        catch (ExplorationInputException e)
        {
            output.WriteLine($"error: {e.Message}");
            return BadInput;
        }

        ExplorationConsole.Write(report, output, width);
        var htmlPath = Path.GetFullPath(options.OutputHtmlPath);
        try
        {
            ExplorationHtml.Write(report, htmlPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            output.WriteLine($"error: could not write the HTML report to '{htmlPath}': {e.Message} Choose another --output path.");
            return BadInput;
        }
        output.WriteLine($"Report: {htmlPath}");
        return ExitCode(report);
    }

    public static int ExitCode(ExplorationReport report)
    {
        if (report.Warnings.Any(w => w.Kind is WarningKind.SingleClass or WarningKind.Unreadable
            || (w.Kind == WarningKind.BadRows && w.Severity == WarningSeverity.Serious))) return BadInput;
        if (report.HasSerious) return CheckFailed;
        return Ok;
    }
}
