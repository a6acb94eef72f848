using System.Text.RegularExpressions;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Cli;

namespace PipelineGen.Export.Tests;

/// <summary>
/// What the build's export step (<c>export onnx --if-requested</c>, run after training with -p:PipelineGenTrain=true)
/// relies on: the generated settings carry deploy.onnx's line, a parity failure is written as a located PG0523 line (the
/// build task turns it into an error at that line) and the failed model is renamed so nothing deploys it.
/// </summary>
public sealed class BuildExportTests(TrainedTaxis taxis) : IClassFixture<TrainedTaxis>
{
    private static int OnnxLineOfTheSpec() =>
        Array.FindIndex(File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "Specs", "taxis.pipeline.yaml")), l => l.Trim() == "onnx: true") + 1;

    [Fact]
    public void GeneratedSettingsCarryTheDeployOnnxLine()
    {
        var at = TaxiFaresPipeline.DefaultSettings.DeployOnnx;
        Assert.NotNull(at);
        Assert.Equal(OnnxLineOfTheSpec(), at.Line);
        Assert.Equal(9, at.Column); // "  onnx: true": the value starts in column 9
        Assert.EndsWith("taxis.pipeline.yaml", at.SpecFile);
    }

    [Fact]
    public void AParityFailureIsALocatedPG0523LineAndTheModelIsRenamedSoNothingDeploysIt()
    {
        var error = new StringWriter();
        int code = PipelineApp.Run(["export", "onnx", "--if-requested", "--rows", "200", "--tolerance", "0"], taxis.Pipeline, new StringWriter(), error);

        Assert.Equal(ExitCodes.CheckFailed, code);
        var spec = taxis.Pipeline.Settings.ResolvePath(taxis.Pipeline.Settings.DeployOnnx!.SpecFile);
        Assert.Matches("(?m)^" + Regex.Escape(spec) + $@"\({OnnxLineOfTheSpec()},9\): error PG0523: The exported ONNX model disagrees with ML\.NET on \d+ value\(s\) of 200 parity rows \(first: row \d+, column Score: ", error.ToString());
        var onnx = Path.Combine(Path.GetDirectoryName(Runtime.Training.ModelStore.Resolve(taxis.Pipeline.ModelPath))!, "model.onnx");
        Assert.False(File.Exists(onnx));
        Assert.True(File.Exists(onnx + ".rejected"));
        Assert.Contains("model.onnx.rejected", error.ToString());
    }

    [Fact]
    public void IfRequestedDoesNothingForASpecWithoutDeployOnnx()
    {
        var plain = new SettingsOverride(taxis.Pipeline, taxis.Pipeline.Settings with { DeployOnnx = null });
        var output = new StringWriter();
        int code = PipelineApp.Run(["export", "onnx", "--if-requested"], plain, output, new StringWriter());
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("does not set 'deploy.onnx: true'; nothing exported", output.ToString());
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("NaN")]
    public void ANegativeOrNaNToleranceIsBadInput(string tolerance)
    {
        var error = new StringWriter();
        int code = PipelineApp.Run(["export", "onnx", "--tolerance", tolerance], taxis.Pipeline, new StringWriter(), error);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("give a finite number >= 0", error.ToString());
    }

    private sealed class SettingsOverride(IPipelineDefinition inner, PipelineSettings settings) : IPipelineDefinition
    {
        public PipelineSettings Settings => settings;
        public Microsoft.ML.IDataView LoadData(Microsoft.ML.MLContext mlContext, string path) => inner.LoadData(mlContext, path);
        public Microsoft.ML.IEstimator<Microsoft.ML.ITransformer> BuildPreprocessing(Microsoft.ML.MLContext mlContext) => inner.BuildPreprocessing(mlContext);
        public Microsoft.ML.IEstimator<Microsoft.ML.ITransformer> BuildTrainer(Microsoft.ML.MLContext mlContext) => inner.BuildTrainer(mlContext);
        public Microsoft.ML.IEstimator<Microsoft.ML.ITransformer> BuildPipeline(Microsoft.ML.MLContext mlContext) => inner.BuildPipeline(mlContext);
    }
}
