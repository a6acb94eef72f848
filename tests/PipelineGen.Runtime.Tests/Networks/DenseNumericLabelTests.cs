using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Networks.Integration;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Runtime.Tests.Networks;

/// <summary>
/// The dense network inside an ML.NET pipeline on a multiclass label coded as numbers (a numeric column mapped to a
/// key, as generated code does when the label is not declared categorical): PredictedLabel is a key with the label's
/// own Single key values, PredictedLabelValue a Single, and the model saves and loads.
/// </summary>
public sealed class DenseNumericLabelTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pg-dense-label-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class Row
    {
        [VectorType(4)] public float[] Features { get; set; } = [];
        public float Code { get; set; }
    }

    [Fact]
    public void Numeric_class_codes_come_back_as_the_labels_own_values()
    {
        float[] codes = [30, 10, 20]; // first-occurrence order 30, 10, 20: the key order, not the sorted order
        var blobs = DenseTestData.Blobs(150, features: 4, classes: 3, spread: 0.3, seed: 4);
        var rows = Enumerable.Range(0, blobs.Rows).Select(r => new Row { Features = blobs.Row(r).ToArray(), Code = codes[(int)blobs.Target(r)] }).ToArray();
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.Conversion.MapValueToKey("Label", nameof(Row.Code))
            .Append(DenseNetworkTrainers.Multiclass(ml, new DenseNetworkOptions { Layers = [16], Epochs = 60, EarlyStopping = 0, Seed = 1 }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabelValue", "PredictedLabel"))
            .Fit(data);
        var scored = model.Transform(data);

        Assert.Equal(NumberDataViewType.Single, scored.Schema["PredictedLabelValue"].Type);
        Assert.Equal(scored.Schema["Label"].Type, scored.Schema["PredictedLabel"].Type);
        var keyValues = default(VBuffer<float>);
        scored.Schema["PredictedLabel"].GetKeyValues(ref keyValues);
        Assert.Equal(codes, keyValues.DenseValues().ToArray());
        // Score has no slot names (ONNX names none): the key values name the classes, as numbers in invariant text.
        Assert.Equal(["30", "10", "20"], PipelineGen.Runtime.Prediction.ClassNames.Of<Row>(ml, model));
        var predicted = scored.GetColumn<float>(scored.Schema["PredictedLabelValue"]).ToArray();
        var keys = scored.GetColumn<uint>(scored.Schema["PredictedLabel"]).ToArray();
        var scores = scored.GetColumn<VBuffer<float>>(scored.Schema["Score"]).Select(v => v.DenseValues().ToArray()).ToArray();
        for (int r = 0; r < rows.Length; r++)
        {
            Assert.Equal((uint)Array.IndexOf(scores[r], scores[r].Max()) + 1, keys[r]);
            Assert.Equal(codes[keys[r] - 1], predicted[r]);
        }
        double accuracy = predicted.Zip(rows, (p, row) => p == row.Code ? 1.0 : 0.0).Average();
        Assert.True(accuracy >= 0.9, $"training accuracy {accuracy}");
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Assert.Equal(accuracy, metrics.MicroAccuracy, 9);

        var path = Path.Combine(_dir, "dense.zip");
        ModelStore.Save(ml, model, data.Schema, path);
        var loaded = ModelStore.Load(new MLContext(2), path, out _);
        Assert.Equal(predicted, loaded.Transform(data).GetColumn<float>("PredictedLabelValue").ToArray());
    }
}
