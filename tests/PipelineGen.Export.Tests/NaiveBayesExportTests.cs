using Microsoft.ML;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Export.Tests;

/// <summary>
/// Multiclass naive Bayes is followed by its posterior step (softmax of its log likelihoods), which ML.NET cannot
/// convert to ONNX. A spec asking for both is PG0522 at build time; a tuned model that picked naive Bayes is refused by
/// <c>export onnx</c> with that reason, and no model.onnx is written.
/// </summary>
public sealed class NaiveBayesExportTests
{
    [Fact]
    public void ANaiveBayesModelIsRefusedWithTheReason()
    {
        var pipeline = TempPipeline.Trained(new IrisPipeline());
        try
        {
            var ml = new MLContext(seed: 1);
            var data = pipeline.LoadData(ml, pipeline.Settings.ResolvePath(pipeline.Settings.TrainDataPath));
            Assert.False(PosteriorScores.IsIn(ModelStore.Load(ml, pipeline.ModelPath, out _)));
            var model = pipeline.BuildPreprocessing(ml)
                .Append(ml.MulticlassClassification.Trainers.NaiveBayes("Label", "Features"))
                .Append(PipelineSteps.Posterior(ml))
                .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabelValue", "PredictedLabel"))
                .Fit(data);
            var file = Path.Combine(pipeline.Directory, "nb", "model.zip");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            ModelStore.Save(ml, model, data.Schema, file);
            Assert.True(PosteriorScores.IsIn(ModelStore.Load(new MLContext(seed: 2), file, out _)));

            var error = new StringWriter();
            int code = PipelineApp.Run(["export", "onnx", "--model", file, "--rows", "20"], pipeline, new StringWriter(), error);

            Assert.Equal(ExitCodes.CheckFailed, code);
            Assert.Contains("is multiclass naive Bayes", error.ToString());
            Assert.Contains("no ONNX form", error.ToString());
            Assert.False(File.Exists(Path.Combine(pipeline.Directory, "nb", OnnxExporter.OnnxFileName)));
        }
        finally
        {
            pipeline.Delete();
        }
    }
}
