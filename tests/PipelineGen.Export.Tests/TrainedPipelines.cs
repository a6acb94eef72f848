using Microsoft.ML;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Export.Tests;

/// <summary>
/// A generated pipeline (from Specs/*.pipeline.yaml) pointed at a temporary project folder holding a copy of its data,
/// so training and export never write into the repository.
/// </summary>
public sealed class TempPipeline(IPipelineDefinition inner, string directory) : IPipelineDefinition
{
    public PipelineSettings Settings { get; } = inner.Settings with { ProjectDirectory = directory };
    public string Directory { get; } = directory;
    public IDataView LoadData(MLContext mlContext, string path) => inner.LoadData(mlContext, path);
    public IEstimator<ITransformer> BuildPreprocessing(MLContext mlContext) => inner.BuildPreprocessing(mlContext);
    public IEstimator<ITransformer> BuildTrainer(MLContext mlContext) => inner.BuildTrainer(mlContext);
    public IEstimator<ITransformer> BuildPipeline(MLContext mlContext) => inner.BuildPipeline(mlContext);

    public string ModelPath => ModelStore.DefaultModelPath(Settings);

    /// <summary>A fresh folder with the spec's data and the pipeline trained into its model store.</summary>
    public static TempPipeline Trained(IPipelineDefinition generated)
    {
        var directory = Path.Combine(Path.GetTempPath(), "pg-onnx-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "data"));
        foreach (var file in System.IO.Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Specs", "data")))
            File.Copy(file, Path.Combine(directory, "data", Path.GetFileName(file)));
        var pipeline = new TempPipeline(generated, directory);
        var error = new StringWriter();
        int code = TrainStep.Run(pipeline, new TrainOptions { SpecHash = "test" }, TextWriter.Null, error);
        if (code != 0) throw new InvalidOperationException($"train failed ({code}): {error}");
        return pipeline;
    }

    public void Delete()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
