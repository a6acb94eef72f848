using System.Diagnostics;
using Microsoft.ML;
using PipelineGen.Predictor;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Export.Tests;

/// <summary>
/// Batch scoring through ONNX Runtime gives the same scores as one row per run (tabular models), and the latency of
/// both runtimes on the same rows is printed for docs/benchmarks.md (not asserted: shared, noisy machines).
/// </summary>
public sealed class BatchScoringTests(TrainedTaxis taxis) : IClassFixture<TrainedTaxis>
{
    [Fact]
    public void OnnxBatchOfAThousandRowsEqualsRowByRowScoresAndLatencyIsReported()
    {
        var result = OnnxExporter.Export(taxis.Pipeline, new ExportOptions { ParityRows = 10 });
        var ml = new MLContext(seed: 1);
        var model = ModelStore.Load(ml, taxis.Pipeline.ModelPath, out _);
        var data = taxis.Pipeline.LoadData(ml, taxis.Pipeline.Settings.ResolvePath(taxis.Pipeline.Settings.TrainDataPath));
        var rows = ml.Data.CreateEnumerable<TaxiFaresInput>(data, reuseRowObject: false).Take(1000).ToList();
        Assert.Equal(1000, rows.Count);
        var inputs = rows.Select(r => new TaxiDeviceInput
        {
            Passengers = r.Passengers, Distance = r.Distance, Color = r.Color, Payment = r.Payment ?? "",
            PickupZone = r.PickupZone ?? "", DropoffZone = r.DropoffZone ?? "", PickupBorough = r.PickupBorough ?? "", DropoffBorough = r.DropoffBorough ?? "",
        }).ToList();

        using var predictor = new OnnxPredictor<TaxiDeviceInput, RegressionOutput>(result.OnnxPath);
        var engine = ml.Model.CreatePredictionEngine<TaxiFaresInput, TaxiFaresPrediction>(model);
        // Warm up both.
        predictor.Predict(inputs[0]);
        engine.Predict(rows[0]);

        var clock = Stopwatch.StartNew();
        var single = inputs.Select(i => predictor.Predict(i).Score).ToArray();
        var onnxSingle = clock.Elapsed;
        clock.Restart();
        var batch = predictor.Predict(inputs).Select(o => o.Score).ToArray();
        var onnxBatch = clock.Elapsed;
        clock.Restart();
        var mlScores = rows.Select(r => engine.Predict(r).Score).ToArray();
        var mlSingle = clock.Elapsed;
        clock.Restart();
        var mlBatch = ml.Data.CreateEnumerable<TaxiFaresPrediction>(model.Transform(ml.Data.LoadFromEnumerable(rows)), reuseRowObject: true).Select(p => p.Score).ToArray();
        var mlBatchTime = clock.Elapsed;

        Assert.Equal(single, batch);
        for (int i = 0; i < mlScores.Length; i++)
            Assert.InRange(Math.Abs(mlScores[i] - batch[i]), 0, 1e-4 + 1e-5 * Math.Abs(mlScores[i]));
        Assert.Equal(mlScores, mlBatch);
        Console.WriteLine($"TaxiFares, 1000 rows: ML.NET PredictionEngine {mlSingle.TotalMilliseconds:F1} ms row by row, {mlBatchTime.TotalMilliseconds:F1} ms as one IDataView; " +
            $"ONNX Runtime {onnxSingle.TotalMilliseconds:F1} ms row by row, {onnxBatch.TotalMilliseconds:F1} ms as one batch; model.onnx {new FileInfo(result.OnnxPath).Length} bytes");
    }
}
