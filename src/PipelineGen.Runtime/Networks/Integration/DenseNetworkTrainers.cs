using Microsoft.ML;

namespace PipelineGen.Runtime.Networks.Integration;

/// <summary>
/// Entry points generated code calls for <c>model.trainer: dense</c> (the catalog's "method" for the trainer):
/// one per task kind, each an ML.NET estimator that reads <c>Features</c> and <c>Label</c> like ML.NET's own trainers.
/// </summary>
public static class DenseNetworkTrainers
{
    public static DenseNetworkEstimator Binary(MLContext mlContext, DenseNetworkOptions options) => new(mlContext, options, DenseLoss.BinaryLogistic);
    public static DenseNetworkEstimator Multiclass(MLContext mlContext, DenseNetworkOptions options) => new(mlContext, options, DenseLoss.Softmax);
    public static DenseNetworkEstimator Regression(MLContext mlContext, DenseNetworkOptions options) => new(mlContext, options, DenseLoss.SquaredError);
}
