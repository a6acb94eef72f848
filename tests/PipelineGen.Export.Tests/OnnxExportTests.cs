using PipelineGen.Runtime;

namespace PipelineGen.Export.Tests;

public sealed class OnnxExportTests
{
    public static TheoryData<string> Specs => new() { "Penguins", "TaxiFares", "Titanic", "ReviewSentiment" };

    private static IPipelineDefinition Generated(string name) => name switch
    {
        "Penguins" => new PenguinsPipeline(),
        "TaxiFares" => new TaxiFaresPipeline(),
        "Titanic" => new TitanicPipeline(),
        "ReviewSentiment" => new ReviewSentimentPipeline(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Specs))]
    public void ExportWritesModelOnnxIntoTheVersionFolderAndParityHolds(string name)
    {
        var pipeline = TempPipeline.Trained(Generated(name));
        try
        {
            var result = OnnxExporter.Export(pipeline, new ExportOptions());
            Assert.True(File.Exists(result.OnnxPath));
            Assert.Equal(Path.GetDirectoryName(Runtime.Training.ModelStore.Resolve(pipeline.ModelPath)), result.VersionDirectory);
            Assert.Equal(pipeline.Settings.Features.Select(f => f.Name).Order(), result.Inputs.Order());
            Assert.Equal(OnnxExporter.OutputColumns(pipeline.Settings.Task).Order(), result.Outputs.Order());
            Assert.True(result.RowsCompared > 0);
            Assert.True(result.ParityHolds, string.Join("\n", result.Differences.Take(10)));
            Console.WriteLine($"{name}: max |ML.NET - ONNX| = {result.MaxAbsoluteDifference} over {result.RowsCompared} rows");
        }
        finally { pipeline.Delete(); }
    }
}
