using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace PipelineGen.Tasks;

/// <summary>
/// Runs <c>dotnet PipelineGen.Tool.dll infer --spec ... --out ... --deps ...</c> once for all the project's specs.
/// The tool writes the schemas (data problems inside them, reported later by the generator); this task only turns
/// a tool failure into one build error that names the spec(s).
/// </summary>
public sealed class InferPipelineSchemas : ToolTask
{
    private readonly StringBuilder _toolErrors = new();
    private int _locatedErrors;

    /// <summary>Spec files, with metadata <c>SchemaFile</c> (where to write the schema) and <c>DepsFile</c>.</summary>
    [Required]
    public ITaskItem[] Specs { get; set; } = [];

    /// <summary>Full path of <c>PipelineGen.Tool.dll</c>.</summary>
    [Required]
    public string ToolAssembly { get; set; } = "";

    /// <summary>The <c>dotnet</c> host; defaults to <c>DOTNET_HOST_PATH</c> (set by the SDK for tasks), then <c>dotnet</c> on PATH.</summary>
    public string? DotnetHostPath { get; set; }

    /// <summary>The project folder: data files outside it are reported (PG0130). Empty: no check.</summary>
    public string? ProjectDirectory { get; set; }

    /// <summary>
    /// <c>PipelineGenAllowDataOutsideProject</c>: empty (default) = data outside the project folder is a warning;
    /// <c>true</c> = accepted silently; <c>false</c> = an error, and the file is not read.
    /// </summary>
    public string? AllowDataOutsideProject { get; set; }

    /// <summary>Optional sample size overrides (0 = the tool's default).</summary>
    public int MaxSampleRows { get; set; }

    protected override string ToolName => "dotnet";

    protected override MessageImportance StandardOutputLoggingImportance => MessageImportance.Low;

    protected override MessageImportance StandardErrorLoggingImportance => MessageImportance.High;

    protected override string GenerateFullPathToTool()
    {
        if (!string.IsNullOrEmpty(DotnetHostPath)) return DotnetHostPath!;
        var fromSdk = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return string.IsNullOrEmpty(fromSdk) ? "dotnet" : fromSdk!;
    }

    protected override bool ValidateParameters()
    {
        if (!File.Exists(ToolAssembly))
        {
            Log.LogError(null, "PG9001", null, null, 0, 0, 0, 0,
                "The PipelineGen build tool was not found at '{0}'. Restore the PipelineGen package again, or set PipelineGenToolAssembly to the tool's path.", ToolAssembly);
            return false;
        }
        foreach (var spec in Specs)
        {
            if (string.IsNullOrEmpty(spec.GetMetadata("SchemaFile")))
            {
                Log.LogError("PipelineGen: spec item '{0}' has no SchemaFile metadata.", spec.ItemSpec);
                return false;
            }
        }
        return true;
    }

    protected override string GenerateCommandLineCommands()
    {
        var builder = new CommandLineBuilder();
        builder.AppendFileNameIfNotNull(ToolAssembly);
        builder.AppendSwitch("infer");
        foreach (var spec in Specs)
        {
            builder.AppendSwitchIfNotNull("--spec ", spec.GetMetadata("FullPath"));
            builder.AppendSwitchIfNotNull("--out ", spec.GetMetadata("SchemaFile"));
            var deps = spec.GetMetadata("DepsFile");
            if (!string.IsNullOrEmpty(deps)) builder.AppendSwitchIfNotNull("--deps ", deps);
        }
        if (!string.IsNullOrEmpty(ProjectDirectory))
        {
            builder.AppendSwitchIfNotNull("--project-dir ", ProjectDirectory!.TrimEnd('/', '\\'));
            var mode = AllowDataOutsideProject?.Trim().ToLowerInvariant() switch { "true" => "allow", "false" => "error", _ => "warn" };
            builder.AppendSwitch("--data-outside-project " + mode);
        }
        if (MaxSampleRows > 0) builder.AppendSwitch("--max-rows " + MaxSampleRows.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return builder.ToString();
    }

    protected override void LogEventsFromTextOutput(string singleLine, MessageImportance messageImportance)
    {
        // A located error in the canonical form ("path: error PG0134: ...", an output that cannot be written) is logged
        // as it is, with its code and file. IndexOf, not Contains(string, StringComparison): on net472 that binds to
        // System.Memory's span overload, an assembly .NET Framework does not have (TaskPackageTests checks references).
        if (messageImportance == StandardErrorLoggingImportance && singleLine.IndexOf(": error PG", StringComparison.Ordinal) >= 0)
        {
            _locatedErrors++;
            Log.LogMessageFromText(singleLine, MessageImportance.High);
        }
        // Other stderr is the tool's failure description: keep it for the one error below instead of logging it raw.
        else if (messageImportance == StandardErrorLoggingImportance && !string.IsNullOrWhiteSpace(singleLine))
            _toolErrors.AppendLine(singleLine);
        else
            Log.LogMessage(messageImportance, singleLine);
    }

    protected override bool HandleTaskExecutionErrors()
    {
        // Every failure was already a located error: one more naming the spec would say the same thing again.
        if (_locatedErrors > 0 && _toolErrors.Length == 0) return false;
        var specs = string.Join(", ", Specs.Select(s => s.ItemSpec));
        var details = _toolErrors.Length > 0 ? _toolErrors.ToString().Trim() : $"it exited with code {ExitCode}.";
        if (ExitCode == -1 && Timeout != System.Threading.Timeout.Infinite)
            details = $"it did not finish within {Timeout} ms and was stopped. " + details;
        Log.LogError(null, "PG9002", null, Specs.Length == 1 ? Specs[0].GetMetadata("FullPath") : null, 0, 0, 0, 0,
            "PipelineGen could not infer the data schema for {0}: {1}", specs, details);
        return false;
    }
}
