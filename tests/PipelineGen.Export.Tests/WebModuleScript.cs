namespace PipelineGen.Export.Tests;

/// <summary>
/// Runs a Node.js script against the exported browser module (<c>pipeline-model.js</c>, as embedded in the exporter) with a
/// stub of onnxruntime-web, so the module's own logic is tested without a browser or the ONNX runtime. The script gets
/// the sandbox folder and the cases (JSON) as its arguments and prints its results as JSON on its last line.
/// </summary>
internal static class WebModuleScript
{
    private const string OrtStub = """
        export const env = { wasm: {} };
        export class Tensor { constructor(type, data, dims) { this.type = type; this.data = data; this.dims = dims; } }
        """;

    /// <summary>The script's exit code and output (stdout and stderr).</summary>
    public static (int Code, string Output) Run(string script, string casesJson)
    {
        var dir = Directory.CreateTempSubdirectory("pg-webmodule-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "ort"));
            using (var module = typeof(WebBundle).Assembly.GetManifestResourceStream("PipelineGen.Export.Web.pipeline-model.js")!)
            using (var file = File.Create(Path.Combine(dir, "pipeline-model.js")))
                module.CopyTo(file);
            File.WriteAllText(Path.Combine(dir, "ort", "ort.wasm.min.mjs"), OrtStub);
            File.WriteAllText(Path.Combine(dir, "script.mjs"), script);
            return BrowserToolchain.Run("node", [Path.Combine(dir, "script.mjs"), dir, casesJson], dir, TimeSpan.FromMinutes(1));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
