using PipelineGen.Predictor;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Cli;

namespace PipelineGen.Export.Tests;

/// <summary>The TaxiFares spec (regression, LightGBM, numeric and one-hot categorical features) trained once.</summary>
public sealed class TrainedTaxis : IDisposable
{
    public TempPipeline Pipeline { get; } = TempPipeline.Trained(new TaxiFaresPipeline());
    public void Dispose() => Pipeline.Delete();
}

public sealed class OnnxExportTests(TrainedTaxis taxis) : IClassFixture<TrainedTaxis>
{
    [Fact]
    public void ExportWritesModelOnnxIntoTheVersionFolderWithFeatureInputsAndScoreOutputsAndParityHolds()
    {
        var pipeline = taxis.Pipeline;
        var result = OnnxExporter.Export(pipeline, new ExportOptions());

        Assert.Equal(Path.Combine(Path.GetDirectoryName(Runtime.Training.ModelStore.Resolve(pipeline.ModelPath))!, "model.onnx"), result.OnnxPath);
        Assert.True(new FileInfo(result.OnnxPath).Length > 0);
        // Feature columns in (not the label, not the ignored columns), prediction columns out.
        Assert.Equal(pipeline.Settings.Features.Select(f => f.Name).Order(), result.Inputs.Order());
        Assert.DoesNotContain("fare", result.Inputs);
        Assert.DoesNotContain("tip", result.Inputs);
        Assert.Equal(["Score"], result.Outputs);
        Assert.Equal(200, result.RowsCompared);
        Assert.True(result.ParityHolds, string.Join("\n", result.Differences.Take(10)));
        Assert.True(result.MaxAbsoluteDifference < 1e-3, $"max difference {result.MaxAbsoluteDifference}");
    }

    [Fact]
    public void ExportCommandReachesTheAppBecauseThePackageIsReferencedAndReportsParity()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = PipelineApp.Run(["export", "onnx", "--rows", "50"], taxis.Pipeline, output, error);

        Assert.True(code == 0, error.ToString());
        Assert.Contains("model.onnx", output.ToString());
        Assert.Contains("Parity: 50 rows", output.ToString());
        Assert.Contains("inputs:  ", output.ToString());
    }

    [Fact]
    public void ParityFailureListsTheRowsAndColumnsThatDiffer()
    {
        // With no tolerance at all, float rounding between LightGBM in ML.NET and ONNX Runtime's TreeEnsemble shows.
        var output = new StringWriter();
        var error = new StringWriter();
        int code = PipelineApp.Run(["export", "onnx", "--rows", "200", "--tolerance", "0"], taxis.Pipeline, output, error);

        Assert.Equal(ExitCodes.CheckFailed, code);
        Assert.Matches(@"ONNX Runtime disagrees with ML\.NET on \d+ value", error.ToString());
        Assert.Matches(@"row \d+, column Score: ML\.NET [-0-9.E]+, ONNX Runtime [-0-9.E]+", error.ToString());
    }

    [Fact]
    public void ExportWithoutATrainedModelIsBadInputThatSaysToTrain()
    {
        var empty = new TempPipeline(new TaxiFaresPipeline(), Path.Combine(Path.GetTempPath(), "pg-onnx-empty-" + Guid.NewGuid().ToString("N")[..8]));
        var error = new StringWriter();
        int code = PipelineApp.Run(["export", "onnx"], empty, new StringWriter(), error);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("train", error.ToString());
        empty.Delete();
    }

    [Fact]
    public void TypedPredictorScoresLikeMlNetAndRefusesRenamedColumns()
    {
        var result = OnnxExporter.Export(taxis.Pipeline, new ExportOptions { ParityRows = 20 });
        using (var predictor = new OnnxPredictor<TaxiDeviceInput, RegressionOutput>(result.OnnxPath))
        {
            var row = new TaxiDeviceInput { Passengers = 1, Distance = 1.6f, Color = "yellow", Payment = "credit card", PickupZone = "Lenox Hill West", DropoffZone = "UN/Turtle Bay South", PickupBorough = "Manhattan", DropoffBorough = "Manhattan" };
            var onnx = predictor.Predict(row).Score;
            var engine = new Microsoft.ML.MLContext().Model.CreatePredictionEngine<TaxiFaresInput, TaxiFaresPrediction>(
                Runtime.Training.ModelStore.Load(new Microsoft.ML.MLContext(), taxis.Pipeline.ModelPath, out _));
            var ml = engine.Predict(new TaxiFaresInput { Passengers = 1, Distance = 1.6f, Color = "yellow", Payment = "credit card", PickupZone = "Lenox Hill West", DropoffZone = "UN/Turtle Bay South", PickupBorough = "Manhattan", DropoffBorough = "Manhattan" }).Score;
            Assert.InRange(Math.Abs(onnx - ml), 0, 1e-4 + 1e-5 * Math.Abs(ml));
        }

        var e = Assert.Throws<OnnxModelException>(() => new OnnxPredictor<RenamedTaxiInput, RegressionOutput>(result.OnnxPath));
        Assert.Contains("expected but not in the model: 'distance_km'", e.Message);
        Assert.Contains("in the model but not expected: 'distance'", e.Message);
    }

    [Fact]
    public void CorruptOrEmptyModelFileIsAClearError()
    {
        var dir = Directory.CreateTempSubdirectory("pg-onnx-bad").FullName;
        var corrupt = Path.Combine(dir, "model.onnx");
        File.WriteAllBytes(corrupt, [0x08, 0x07, 0x12, 0xff, 0x00, 0x41, 0x42, 0x43, 0x01, 0x02]);
        var e = Assert.Throws<OnnxModelException>(() => OnnxModel.Open(corrupt));
        Assert.Contains(corrupt, e.Message);
        Assert.Contains("is not a valid ONNX model", e.Message);

        var empty = Path.Combine(dir, "empty.onnx");
        File.WriteAllBytes(empty, []);
        Assert.Contains("is empty", Assert.Throws<OnnxModelException>(() => OnnxModel.Open(empty)).Message);
        Assert.Contains("No ONNX model", Assert.Throws<OnnxModelException>(() => OnnxModel.Open(Path.Combine(dir, "none.onnx"))).Message);
        Directory.Delete(dir, true);
    }
}

public sealed class RegressionOutput
{
    [OnnxOutput("Score")] public float Score { get; set; }
}

public class TaxiDeviceInput
{
    [OnnxInput("passengers")] public float Passengers { get; set; }
    [OnnxInput("distance")] public virtual float Distance { get; set; }
    [OnnxInput("color")] public string Color { get; set; } = "";
    [OnnxInput("payment")] public string Payment { get; set; } = "";
    [OnnxInput("pickup_zone")] public string PickupZone { get; set; } = "";
    [OnnxInput("dropoff_zone")] public string DropoffZone { get; set; } = "";
    [OnnxInput("pickup_borough")] public string PickupBorough { get; set; } = "";
    [OnnxInput("dropoff_borough")] public string DropoffBorough { get; set; } = "";
}

/// <summary>The same columns with 'distance' renamed, as after a spec change since export.</summary>
public sealed class RenamedTaxiInput : TaxiDeviceInput
{
    [OnnxInput("distance_km")] public override float Distance { get; set; }
}
