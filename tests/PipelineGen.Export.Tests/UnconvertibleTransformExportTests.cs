using Microsoft.ML;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Preparation;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Export.Tests;

/// <summary>
/// A model whose preparation has a transform ML.NET cannot convert, as a spec without <c>deploy.onnx: true</c> trains
/// (the expression that fills missing categories): <c>export onnx</c> used to end in an unhandled
/// KeyNotFoundException ('Score') with ML.NET's stack trace, or, here, write a graph ONNX Runtime cannot open and blame
/// "a copy cut short". It now refuses with the reason and the way out, exit 1, and writes no model.onnx.
/// </summary>
public sealed class UnconvertibleTransformExportTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_transform_with_no_ONNX_form_is_refused_with_the_way_out(bool specAsksForOnnx)
    {
        var trained = TempPipeline.Trained(new TitanicPipeline());
        try
        {
            IPipelineDefinition pipeline = specAsksForOnnx ? trained : new WithoutOnnx(trained);
            var ml = new MLContext(seed: 1);
            var data = pipeline.LoadData(ml, pipeline.Settings.ResolvePath(pipeline.Settings.TrainDataPath));
            // What the generated preparation does for a categorical column when the spec does not ask for ONNX.
            var model = ml.Transforms.FillMissingCategory("cabin", "cabin", ["", "NA"]).Append(pipeline.BuildPipeline(ml)).Fit(data);
            var file = Path.Combine(trained.Directory, "filled", "model.zip");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            ModelStore.Save(ml, model, data.Schema, file);

            var output = new StringWriter();
            var error = new StringWriter();
            int code = PipelineApp.Run(["export", "onnx", "--model", file, "--rows", "20"], pipeline, output, error);

            Assert.Equal(ExitCodes.CheckFailed, code);
            string text = error.ToString();
            Assert.True(text.Contains("has an ML.NET expression step (filling missing categories, or 'missing: model' imputation), which has no ONNX form", StringComparison.Ordinal), text);
            Assert.Contains("no model.onnx was written", text);
            Assert.DoesNotContain("   at ", text); // no stack trace
            if (specAsksForOnnx)
                Assert.Contains("error PG0524", text); // located at the spec's deploy.onnx line, as the build reports it
            else
                Assert.Contains("set 'deploy.onnx: true', build (its diagnostics name what to change), train, and export again", text);
            Assert.False(File.Exists(Path.Combine(trained.Directory, "filled", OnnxExporter.OnnxFileName)));
        }
        finally
        {
            trained.Delete();
        }
    }

    /// <summary>The same pipeline as a spec without 'deploy.onnx: true' declares it.</summary>
    private sealed class WithoutOnnx(TempPipeline inner) : IPipelineDefinition
    {
        public PipelineSettings Settings { get; } = inner.Settings with { DeployOnnx = null };
        public IDataView LoadData(MLContext mlContext, string path) => inner.LoadData(mlContext, path);
        public IEstimator<ITransformer> BuildPreprocessing(MLContext mlContext) => inner.BuildPreprocessing(mlContext);
        public IEstimator<ITransformer> BuildTrainer(MLContext mlContext) => inner.BuildTrainer(mlContext);
        public IEstimator<ITransformer> BuildPipeline(MLContext mlContext) => inner.BuildPipeline(mlContext);
    }
}
