using System.Globalization;
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
    public static int Run(IReadOnlyList<InferRequest> requests, SampleLimits limits, TextWriter output, TextWriter error)
    {
        var exitCode = 0;
        foreach (var request in requests)
        {
            try
            {
                var result = SchemaInferrer.Infer(request.SpecPath, limits);
                var wrote = OutputFiles.WriteIfChanged(request.SchemaPath, SchemaFile.Write(result.Schema));
                // Always rewritten: its timestamp tells MSBuild when the inputs were last looked at (the schema may keep an old one).
                OutputFiles.WriteAtomically(request.DepsPath, string.Concat(result.DataFiles.Select(f => f + "\n")));
                var schema = result.Schema;
                output.WriteLine(string.Format(CultureInfo.InvariantCulture,
                    "PipelineGen.Tool: {0}: {1} column(s) from {2} sampled row(s){3}, {4} data diagnostic(s); schema {5}.",
                    request.SpecPath, schema.Columns.Count, schema.RowsSampled, schema.SampleIsComplete ? " (whole file)" : "",
                    schema.Diagnostics.Count, wrote ? "written" : "unchanged"));
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

    private static string Describe(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => $"the file was not found ({e.Message})",
        UnauthorizedAccessException or IOException => $"the file could not be read or written ({e.Message})",
        _ => $"{e.GetType().Name}: {e.Message}",
    };
}
