using Microsoft.ML;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Training;
using PipelineGen.Runtime.Tuning.Ensembles;

namespace PipelineGen.Export.Tests;

/// <summary>
/// A blend of tuned models (what <c>tune</c> keeps by default) cannot be converted by ML.NET (its weighted sum is an
/// expression transform). <c>export onnx</c> used to fail with the converter's "Column __ens_p0 does not exist in the input
/// schema"; it now says the model is an ensemble and how to get an exportable one, and writes no model.onnx.
/// </summary>
public sealed class EnsembleExportTests
{
    [Fact]
    public void AnEnsembleIsRefusedWithTheReasonAndTheWayToAnExportableModel()
    {
        var pipeline = TempPipeline.Trained(new SurvivalPipeline());
        try
        {
            var ml = new MLContext(seed: 1);
            var data = pipeline.LoadData(ml, pipeline.Settings.ResolvePath(pipeline.Settings.TrainDataPath));
            var single = ModelStore.Load(ml, pipeline.ModelPath, out var inputSchema);
            Assert.False(EnsembleModel.IsEnsemble(single, inputSchema));
            var blend = EnsembleModel.Compose(ml, MlTaskKind.BinaryClassification, data.Schema,
                [(pipeline.BuildPipeline(ml).Fit(data), 0.6), (pipeline.BuildPipeline(ml).Fit(data), 0.4)], data);
            Assert.True(EnsembleModel.IsEnsemble(blend, data.Schema));
            var file = Path.Combine(pipeline.Directory, "blend", "model.zip");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            ml.Model.Save(blend, data.Schema, file);

            var output = new StringWriter();
            var error = new StringWriter();
            int code = PipelineApp.Run(["export", "onnx", "--model", file, "--rows", "20"], pipeline, output, error);

            Assert.Equal(ExitCodes.CheckFailed, code);
            var text = error.ToString();
            Assert.Contains("is an ensemble of tuned models", text);
            Assert.Contains("tune --no-ensemble", text);
            Assert.DoesNotContain("__ens_", text);
            // The spec sets deploy.onnx: the build's located error carries the same reason.
            Assert.Contains("error PG0524: The model could not be exported to ONNX: the model", text);
            Assert.False(File.Exists(Path.Combine(pipeline.Directory, "blend", OnnxExporter.OnnxFileName)));
        }
        finally
        {
            pipeline.Delete();
        }
    }
}
