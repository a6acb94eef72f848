using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Evaluation;

namespace PipelineGen.Runtime.Networks.Integration;

/// <summary>
/// A trained network → the fitted ML.NET transformers that score it inside a model: the ONNX transform over the
/// network's graph (<see cref="DenseOnnx.Write"/>), then ML.NET's usual output columns. Every part is one of ML.NET's
/// saveable transformers, so the model is one zip that <c>mlContext.Model.Load</c> reads (after
/// <see cref="DenseModelLoading.Register"/>).
/// </summary>
internal static class DenseScoring
{
    public static ITransformer Build(MLContext ml, IDataView input, DenseNetworkOptions options, DenseLoss loss, DenseNetwork network, int count)
    {
        var features = options.FeatureColumnName;
        var inputSchema = input.Schema;
        IEstimator<ITransformer> chain;
        switch (loss)
        {
            case DenseLoss.BinaryLogistic:
                chain = Onnx(ml, network, features, DenseColumns.Logit, DenseColumns.Probability)
                    .Append(ml.Transforms.CustomMapping<DenseBinaryOnnxOutput, DenseBinaryColumns>(DenseBinaryMapping.Map, DenseBinaryMapping.ContractName))
                    .Append(ml.Transforms.DropColumns(DenseColumns.Logit, DenseColumns.Probability));
                break;
            case DenseLoss.SquaredError:
                chain = Onnx(ml, network, features, DenseColumns.Value)
                    .Append(ml.Transforms.CustomMapping<DenseRegressionOnnxOutput, DenseRegressionColumns>(DenseRegressionMapping.Map, DenseRegressionMapping.ContractName))
                    .Append(ml.Transforms.DropColumns(DenseColumns.Value));
                break;
            default:
                // Score is the network's softmax output itself; PredictedLabel is the argmax as a key with the label's
                // own key values (index → label value → key), so MapKeyToValue and the evaluator see ML.NET's usual types.
                var classes = ClassKeys.Read(inputSchema[options.LabelColumnName], "the dense network's label");
                if (classes.Count != count)
                    throw new InvalidOperationException($"the dense network was trained for {count} classes but its label '{options.LabelColumnName}' has {classes.Count} key values.");
                chain = Onnx(ml, network, features, "Score")
                    .Append(ml.Transforms.CustomMapping<DenseClassScores, DenseClassIndex>(DenseArgmaxMapping.Map, DenseArgmaxMapping.ContractName))
                    .Append(classes.IndexToKey(ml, DenseColumns.ClassIndex, DenseColumns.ClassValue, "PredictedLabel"))
                    .Append(ml.Transforms.DropColumns(DenseColumns.ClassIndex, DenseColumns.ClassValue));
                break;
        }
        // Fitting these reads only the schema (no pass over the rows).
        return chain.Fit(input);
    }

    private static IEstimator<ITransformer> Onnx(MLContext ml, DenseNetwork network, string input, params string[] outputs)
    {
        var bytes = DenseOnnx.Write(network, input, outputs);
        return ml.Transforms.ApplyOnnxModel(outputs, new[] { input }, new MemoryStream(bytes));
    }
}
