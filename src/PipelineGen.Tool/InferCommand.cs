using System.Globalization;
using PipelineGen.Shared;
using PipelineGen.Spec;
using PipelineGen.Spec.Data;
using PipelineGen.Tool.Inference;

namespace PipelineGen.Tool;

/// <summary>One spec to infer: where to write its schema and its list of data files.</summary>
internal sealed record InferRequest(string SpecPath, string SchemaPath, string DepsPath)
{
    /// <summary>Default list of data files next to the schema: <c>x.schema.json</c> → <c>x.schema.deps</c>.</summary>
    public static string DefaultDepsPath(string schemaPath) => Path.ChangeExtension(schemaPath, ".deps");
}

/// <summary><c>infer --spec a.yaml --out a.schema.json [--deps a.schema.deps] [--spec ...]</c>.</summary>
internal static class InferCommand
{
    /// <summary>Runs every request; one failing spec does not stop the others. Returns the process exit code.</summary>
    public static int Run(IReadOnlyList<InferRequest> requests, SampleLimits limits, TextWriter output, TextWriter error, DataAccessPolicy? policy = null)
    {
        var exitCode = 0;
        foreach (var request in requests)
        {
            try
            {
                var result = SchemaInferrer.Infer(request.SpecPath, limits, policy);
                var wrote = OutputFiles.WriteIfChanged(request.SchemaPath, SchemaFile.Write(result.Schema));
                // Always rewritten: its timestamp tells MSBuild when the inputs were last looked at (the schema may keep an old one).
                OutputFiles.WriteAtomically(request.DepsPath, string.Concat(result.DataFiles.Select(f => f + "\n")));
                var schema = result.Schema;
                output.WriteLine(string.Format(CultureInfo.InvariantCulture,
                    "PipelineGen.Tool: {0}: {1} column(s) from {2} sampled row(s){3}, {4} data diagnostic(s); schema {5}.",
                    request.SpecPath, schema.Columns.Count, schema.RowsSampled, schema.SampleIsComplete ? " (whole file)" : "",
                    schema.Diagnostics.Count, wrote ? "written" : "unchanged"));
            }
            catch (OutputNotWritableException e)
            {
                // The canonical "file: error CODE: message" form: the MSBuild task logs it as a located error as it is.
                error.WriteLine(SpecDiagnostics.BuildOutputNotWritable.Create(e.Path, SourceSpan.None, SafeText.Escape(e.Path, 300), Reason(e.InnerException!)).ToString());
                exitCode = 1;
            }
            catch (Exception e)
            {
                // Not the canonical "file: error CODE:" form on purpose: the MSBuild task reports the failure once, naming the spec.
                error.WriteLine($"PipelineGen.Tool: could not infer the data schema for spec '{request.SpecPath}': {Describe(e)}");
                exitCode = 1;
            }
        }
        return exitCode;
    }

    private static string Reason(Exception e) => e switch
    {
        UnauthorizedAccessException => "permission denied (" + SafeText.Escape(e.Message, 200) + ")",
        IOException when IsDiskFull(e) => "the disk is full (" + SafeText.Escape(e.Message, 200) + ")",
        IOException when e.HResult == 30 || e.Message.Contains("Read-only file system", StringComparison.OrdinalIgnoreCase) => "the file system is read-only (" + SafeText.Escape(e.Message, 200) + ")",
        _ => SafeText.Escape(e.Message, 200),
    };

    // ENOSPC (28) / EDQUOT (122) on Unix; ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL on Windows.
    private static bool IsDiskFull(Exception e) =>
        (OperatingSystem.IsWindows() ? (e.HResult & 0xFFFF) is 0x70 or 0x27 : e.HResult is 28 or 122)
        || e.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase);

    private static string Describe(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => $"the file was not found ({SafeText.Escape(e.Message, 300)})",
        UnauthorizedAccessException or IOException => $"the file could not be read or written ({SafeText.Escape(e.Message, 300)})",
        _ => $"{e.GetType().Name}: {SafeText.Escape(e.Message, 300)}",
    };
}
