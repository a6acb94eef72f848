using Microsoft.ML;

namespace PipelineGen.Runtime.Training;

/// <summary>
/// A pipeline at another capacity than its own: what <c>train</c> fits when the curve chose a capacity, presented as an
/// <see cref="IPipelineDefinition"/> so the evaluation that checks the gates evaluates exactly the configuration trained.
/// </summary>
internal sealed class CapacityPipeline(IPipelineDefinition inner, ICapacityAdjustable adjustable, int capacity) : IPipelineDefinition
{
    public PipelineSettings Settings => inner.Settings;
    public IDataView LoadData(MLContext mlContext, string path) => inner.LoadData(mlContext, path);
    public IEstimator<ITransformer> BuildPreprocessing(MLContext mlContext) => inner.BuildPreprocessing(mlContext);
    public IEstimator<ITransformer> BuildTrainer(MLContext mlContext) => adjustable.BuildTrainer(mlContext, capacity);
    public IEstimator<ITransformer> BuildPipeline(MLContext mlContext) => adjustable.BuildPipeline(mlContext, capacity);
}
