using PipelineGen.Runtime;

namespace PipelineGen.Export;

/// <summary>
/// When the spec asks for ONNX (<c>deploy.onnx: true</c>), a failed export is also written in the compiler's canonical
/// form located at that line (<c>pipeline.yaml(31,9): error PG0523: ...</c>). The build runs <c>export onnx
/// --if-requested</c> after training (<c>-p:PipelineGenTrain=true</c>) and its task turns such lines into build errors at
/// the spec's line, as it does for quality gates. Texts follow PG0523/PG0524 in PipelineGen.Spec/Diagnostics.cs (this
/// package does not reference it).
/// </summary>
internal static class LocatedExportErrors
{
    /// <summary>PG0523: ONNX Runtime disagrees with ML.NET on the parity rows.</summary>
    public static void ParityFailed(TextWriter error, PipelineSettings settings, ExportResult result, double tolerance)
    {
        if (settings.DeployOnnx is not { } at) return;
        var first = result.Differences[0];
        error.WriteLine($"{Where(settings, at)}: error PG0523: The exported ONNX model disagrees with ML.NET on {result.Differences.Count} value(s) of {result.RowsCompared} parity rows " +
            $"(first: row {first.Row}, column {first.Column}: ML.NET {OnnxExporter.Number(first.MlNet)}, ONNX Runtime {OnnxExporter.Number(first.Onnx)}; tolerance {OnnxExporter.Number(tolerance)}), so it must not be deployed. " +
            $"The file {result.OnnxPath} is kept for inspection; see the rows listed above.");
    }

    /// <summary>PG0524: ML.NET's converter or ONNX Runtime could not make or open the model.</summary>
    public static void ExportFailed(TextWriter error, PipelineSettings settings, string reason)
    {
        if (settings.DeployOnnx is not { } at) return;
        error.WriteLine($"{Where(settings, at)}: error PG0524: The model could not be exported to ONNX: {reason}");
    }

    /// <summary>PG0605: a dense network's graph could not be joined to ML.NET's export of the preparation.</summary>
    public static void DenseExportFailed(TextWriter error, PipelineSettings settings, string reason)
    {
        if (settings.DeployOnnx is not { } at) return;
        error.WriteLine($"{Where(settings, at)}: error PG0605: The dense network could not be joined to the exported preparation: {reason}");
    }

    private static string Where(PipelineSettings settings, OnnxDeploySettings at) =>
        at.Line > 0 ? $"{settings.ResolvePath(at.SpecFile)}({at.Line},{at.Column})" : settings.ResolvePath(at.SpecFile);
}
