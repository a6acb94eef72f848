using Microsoft.ML;

namespace PipelineGen.Runtime;

/// <summary>
/// What a generated <c>&lt;Name&gt;Pipeline</c> class implements. The runtime's protocols, baselines, reports and
/// command-line host work against this interface only, so there is one implementation of the pipeline: the generated code.
/// </summary>
/// <remarks>
/// Column conventions of the data views involved:
/// <list type="bullet">
/// <item><see cref="LoadData"/> returns the raw columns, named as in the data header.</item>
/// <item><see cref="BuildPipeline"/> is the whole estimator: label preparation, feature preparation, trainer and
/// post-processing. Its output has <c>Label</c> (bool for binary, key for multiclass, float for regression),
/// <c>Features</c>, <c>Score</c>, and for classification <c>PredictedLabel</c> (bool for binary, key for multiclass);
/// binary also has <c>Probability</c> (generated pipelines calibrate trainers that have none); multiclass also has <c>PredictedLabelValue</c>,
/// the predicted class in the label's own values.</item>
/// </list>
/// </remarks>
public interface IPipelineDefinition
{
    PipelineSettings Settings { get; }

    /// <summary>Reads a delimited file with the generated column layout. Streams: nothing is materialised.</summary>
    IDataView LoadData(MLContext mlContext, string path);

    /// <summary>Label and feature preparation only (no trainer): what a baseline or a one-column probe can reuse.</summary>
    IEstimator<ITransformer> BuildPreprocessing(MLContext mlContext);

    /// <summary>The trainer (and any post-processing that maps predicted keys back to values).</summary>
    IEstimator<ITransformer> BuildTrainer(MLContext mlContext);

    /// <summary><see cref="BuildPreprocessing"/> followed by <see cref="BuildTrainer"/>.</summary>
    IEstimator<ITransformer> BuildPipeline(MLContext mlContext);
}
