using PipelineGen.Spec.Data;
using PipelineGen.Tool.Inference;

namespace PipelineGen.Tool.Tests;

/// <summary>A throw-away folder with a spec and data files, deleted after the test.</summary>
internal sealed class TempProject : IDisposable
{
    public TempProject()
    {
        Directory = Path.Combine(Path.GetTempPath(), "pg-tool-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public string PathOf(string name) => Path.Combine(Directory, name);

    public string Write(string name, string content)
    {
        var path = PathOf(name);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>A minimal valid spec; <paramref name="dataExtra"/> is appended (indented) to the data section.</summary>
    public string WriteSpec(string train = "data.csv", string label = "label", string kind = "multiclass", string dataExtra = "", string name = "pipeline.yaml") =>
        Write(name, $"""
            version: 1
            name: Test
            task:
              kind: {kind}
              label: {label}
            data:
              train: {train}
            {Indent(dataExtra)}
            """);

    private static string Indent(string text) =>
        string.Join("\n", text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "  " + l));

    public InferredSchema Infer(string specPath, SampleLimits? limits = null) => SchemaInferrer.Infer(specPath, limits).Schema;

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
