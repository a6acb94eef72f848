using Microsoft.ML;
using Microsoft.ML.Data;

namespace PipelineGen.Runtime;

/// <summary>Base of a generated binary classification pipeline: its metrics are ML.NET's calibrated binary metrics.</summary>
public abstract class BinaryClassificationPipeline<TInput, TPrediction>(PipelineSettings settings)
    : GeneratedPipeline<TInput, TPrediction, CalibratedBinaryClassificationMetrics>(settings)
    where TInput : class
    where TPrediction : class, new()
{
    protected override CalibratedBinaryClassificationMetrics Metrics(MLContext mlContext, IDataView scored) =>
        mlContext.BinaryClassification.Evaluate(scored);
}

/// <summary>Base of a generated multiclass pipeline: multiclass metrics, and the class names in the order of the scores.</summary>
public abstract class MulticlassClassificationPipeline<TInput, TPrediction>(PipelineSettings settings)
    : GeneratedPipeline<TInput, TPrediction, MulticlassClassificationMetrics>(settings)
    where TInput : class
    where TPrediction : class, new()
{
    protected override MulticlassClassificationMetrics Metrics(MLContext mlContext, IDataView scored) =>
        mlContext.MulticlassClassification.Evaluate(scored);

    /// <summary>The class names in the order of the prediction's scores: the model's order (as they occur in the training data).</summary>
    public IReadOnlyList<string> ClassNames(MLContext mlContext, ITransformer model) =>
        Prediction.ClassNames.Of<TInput>(mlContext, model);
}

/// <summary>Base of a generated regression pipeline: its metrics are ML.NET's regression metrics.</summary>
public abstract class RegressionPipeline<TInput, TPrediction>(PipelineSettings settings)
    : GeneratedPipeline<TInput, TPrediction, RegressionMetrics>(settings)
    where TInput : class
    where TPrediction : class, new()
{
    protected override RegressionMetrics Metrics(MLContext mlContext, IDataView scored) => mlContext.Regression.Evaluate(scored);
}
