using Microsoft.ML;
using Microsoft.ML.Data;

namespace PipelineGen.Runtime.Networks.Integration;

/// <summary>
/// A trained network → the fitted ML.NET transformers that score it inside a model: the ONNX transform over the
/// network's graph (<see cref="DenseOnnx.Write"/>), then ML.NET's usual output columns. Every part is one of ML.NET's
/// saveable transformers, so the model is one zip that <c>mlContext.Model.Load</c> reads (after
/// <see cref="DenseModelLoading.Register"/>).
/// </summary>
internal static class DenseScoring
{
    public static ITransformer Build(MLContext ml, IDataView input, DenseNetworkOptions options, DenseLoss loss, DenseNetwork network, int classes)
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
                var labelValues = LabelKeyValues(inputSchema[options.LabelColumnName], classes);
                var lookup = ml.Data.LoadFromEnumerable(labelValues.Select((v, i) => new IndexToValue { Index = i, Value = v }));
                var keys = ml.Data.LoadFromEnumerable(labelValues.Select(v => new KeyValue { Value = v }));
                chain = Onnx(ml, network, features, "Score")
                    .Append(ml.Transforms.CustomMapping<DenseClassScores, DenseClassIndex>(DenseArgmaxMapping.Map, DenseArgmaxMapping.ContractName))
                    .Append(ml.Transforms.Conversion.MapValue(DenseColumns.ClassValue, lookup, lookup.Schema[nameof(IndexToValue.Index)], lookup.Schema[nameof(IndexToValue.Value)], DenseColumns.ClassIndex))
                    .Append(ml.Transforms.Conversion.MapValueToKey("PredictedLabel", DenseColumns.ClassValue, keyData: keys))
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

    private sealed class IndexToValue { public float Index { get; set; } public string Value { get; set; } = ""; }
    private sealed class KeyValue { public string Value { get; set; } = ""; }

    /// <summary>The label's key values as text, in key order (what the class indices of the network mean).</summary>
    private static string[] LabelKeyValues(DataViewSchema.Column label, int classes)
    {
        var names = new string[classes];
        for (var i = 0; i < classes; i++) names[i] = (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (label.Annotations.Schema.GetColumnOrNull("KeyValues") is not { } kv) return names;
        if (kv.Type is VectorDataViewType { ItemType: TextDataViewType })
        {
            var values = default(VBuffer<ReadOnlyMemory<char>>);
            label.GetKeyValues(ref values);
            var i = 0;
            foreach (var v in values.DenseValues()) { if (i < classes) names[i] = v.ToString(); i++; }
            return names;
        }
        throw new InvalidOperationException($"The dense network maps its predicted class back to the label's values, which must be text; the label's key values are {kv.Type}. Declare the label column 'type: categorical'.");
    }
}
