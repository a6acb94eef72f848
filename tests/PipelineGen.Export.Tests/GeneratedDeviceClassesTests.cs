using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Predictor;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Export.Tests;

/// <summary>
/// The device classes the generator emits from each spec (this project references PipelineGen.Predictor through
/// PipelineGen.Export, so <c>&lt;Name&gt;OnnxInput</c>/<c>OnnxOutput</c>/<c>OnnxPredictor</c> exist beside the ML.NET pipeline):
/// on held-out rows (Specs/data/*-holdout.csv, not in the training files) their predictions equal ML.NET's within the
/// export's parity tolerance, for a binary, a regression and a multiclass model; a model of another spec is refused with
/// the columns that differ.
/// </summary>
public sealed class GeneratedDeviceClassesTests(TrainedSurvival survival, TrainedTaxis taxis, TrainedIris iris)
    : IClassFixture<TrainedSurvival>, IClassFixture<TrainedTaxis>, IClassFixture<TrainedIris>
{
    private const double Tolerance = 1e-5;

    [Fact]
    public void Binary_generated_device_predictor_matches_MLNET_on_held_out_rows()
    {
        var onnx = OnnxExporter.Export(survival.Pipeline, new ExportOptions { ParityRows = 20 }).OnnxPath;
        var (rows, ml) = HeldOut<SurvivalInput>(survival.Pipeline, "titanic-holdout.csv", ["Score", "Probability", "PredictedLabel"]);
        using var predictor = new SurvivalOnnxPredictor(onnx);
        var outputs = predictor.Predict(rows.Select(ToDevice<SurvivalInput, SurvivalOnnxInput>).ToList());
        Assert.Equal(rows.Count, outputs.Length);
        for (int i = 0; i < rows.Count; i++)
        {
            Close(ml["Score"][i][0], outputs[i].Score, i, "Score");
            Close(ml["Probability"][i][0], outputs[i].Probability, i, "Probability");
            Assert.Equal(ml["PredictedLabel"][i][0] == 1f, outputs[i].PredictedLabel); // ML.NET's own decision
        }
        Assert.Contains(outputs, o => o.PredictedLabel);
        Assert.Contains(outputs, o => !o.PredictedLabel);
    }

    [Fact]
    public void Regression_generated_device_predictor_matches_MLNET_on_held_out_rows()
    {
        var onnx = OnnxExporter.Export(taxis.Pipeline, new ExportOptions { ParityRows = 20 }).OnnxPath;
        var (rows, ml) = HeldOut<TaxiFaresInput>(taxis.Pipeline, "taxis-holdout.csv", ["Score"]);
        using var predictor = new TaxiFaresOnnxPredictor(onnx);
        var outputs = predictor.Predict(rows.Select(ToDevice<TaxiFaresInput, TaxiFaresOnnxInput>).ToList());
        for (int i = 0; i < rows.Count; i++)
            Close(ml["Score"][i][0], outputs[i].Score, i, "Score");
        // One row at a time gives the same as the batch.
        Assert.Equal(outputs[0].Score, predictor.Predict(ToDevice<TaxiFaresInput, TaxiFaresOnnxInput>(rows[0])).Score);
    }

    [Fact]
    public void Multiclass_generated_device_predictor_matches_MLNET_on_held_out_rows()
    {
        var onnx = OnnxExporter.Export(iris.Pipeline, new ExportOptions { ParityRows = 20 }).OnnxPath;
        var (rows, ml) = HeldOut<IrisInput>(iris.Pipeline, "iris-holdout.csv", ["Score", "PredictedLabel"]);
        using var predictor = new IrisOnnxPredictor(onnx);
        Assert.Equal(["sepal_length", "sepal_width", "petal_length", "petal_width"], IrisOnnxPredictor.InputColumns);
        var outputs = predictor.Predict(rows.Select(ToDevice<IrisInput, IrisOnnxInput>).ToList());
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.Equal(3, outputs[i].Score.Length);
            for (int k = 0; k < 3; k++) Close(ml["Score"][i][k], outputs[i].Score[k], i, $"Score[{k}]");
            // ML.NET's predicted key (1-based) is the argmax the generated output computes.
            Assert.Equal((int)ml["PredictedLabel"][i][0] - 1, outputs[i].PredictedClassIndex);
        }
    }

    [Fact]
    public void Generated_classes_refuse_a_model_whose_columns_differ_naming_them()
    {
        // The Iris classes over the TaxiFares model: what a spec whose columns were renamed since export meets.
        var onnx = OnnxExporter.Export(taxis.Pipeline, new ExportOptions { ParityRows = 5 }).OnnxPath;
        var e = Assert.Throws<OnnxModelException>(() => new IrisOnnxPredictor(onnx));
        Assert.Contains("expected but not in the model: 'petal_length', 'petal_width', 'sepal_length', 'sepal_width'", e.Message);
        Assert.Contains("in the model but not expected: ", e.Message);
        Assert.Contains("'distance'", e.Message);
        Assert.Contains(onnx, e.Message);
    }

    [Fact]
    public void Default_model_path_is_the_name_dot_onnx_in_the_program_folder()
    {
        Assert.Equal("Iris.onnx", IrisOnnxPredictor.ModelFileName);
        var e = Assert.Throws<OnnxModelException>(() => new IrisOnnxPredictor());
        Assert.Contains(Path.Combine(AppContext.BaseDirectory, "Iris.onnx"), e.Message);
    }

    // The generated ML.NET input and device input share property names (both from the spec's columns).
    private static TDevice ToDevice<TRow, TDevice>(TRow row) where TDevice : new()
    {
        var device = new TDevice();
        foreach (var property in typeof(TDevice).GetProperties().Where(p => p.GetCustomAttribute<OnnxInputAttribute>() is not null))
        {
            var value = typeof(TRow).GetProperty(property.Name)!.GetValue(row);
            property.SetValue(device, value ?? (property.PropertyType == typeof(string) ? "" : null));
        }
        return device;
    }

    private static (List<TRow> Rows, Dictionary<string, List<float[]>> Scores) HeldOut<TRow>(TempPipeline pipeline, string file, string[] columns)
        where TRow : class, new()
    {
        var ml = new MLContext(seed: 1);
        var model = ModelStore.Load(ml, pipeline.ModelPath, out _);
        var data = pipeline.LoadData(ml, Path.Combine(AppContext.BaseDirectory, "Specs", "data", file));
        var rows = ml.Data.CreateEnumerable<TRow>(data, reuseRowObject: false).ToList();
        Assert.True(rows.Count >= 20, $"{file}: {rows.Count} rows");
        var scored = model.Transform(data);
        var result = columns.ToDictionary(c => c, _ => new List<float[]>());
        using var cursor = scored.GetRowCursor(scored.Schema);
        var getters = columns.ToDictionary(c => c, c => Reader(cursor, scored.Schema[c]));
        while (cursor.MoveNext())
            foreach (var c in columns) result[c].Add(getters[c]());
        Assert.All(result.Values, v => Assert.Equal(rows.Count, v.Count));
        return (rows, result);
    }

    private static Func<float[]> Reader(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        if (column.Type is VectorDataViewType)
        {
            var g = cursor.GetGetter<VBuffer<float>>(column);
            return () => { VBuffer<float> v = default; g(ref v); return v.DenseValues().ToArray(); };
        }
        if (column.Type.RawType == typeof(uint))
        {
            var g = cursor.GetGetter<uint>(column);
            return () => { uint v = 0; g(ref v); return [v]; };
        }
        if (column.Type.RawType == typeof(bool))
        {
            var g = cursor.GetGetter<bool>(column);
            return () => { bool v = false; g(ref v); return [v ? 1f : 0f]; };
        }
        var f = cursor.GetGetter<float>(column);
        return () => { float v = 0; f(ref v); return [v]; };
    }

    private static void Close(float expected, float actual, int row, string column) =>
        Assert.True(Math.Abs(expected - actual) <= Tolerance + Tolerance * Math.Abs(expected),
            $"held-out row {row + 1}, {column}: ML.NET {expected:R}, generated device predictor {actual:R}");
}
