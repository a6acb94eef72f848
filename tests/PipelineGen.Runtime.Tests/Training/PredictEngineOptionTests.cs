using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Training;
using Xunit;

namespace PipelineGen.Runtime.Tests.Training;

/// <summary>
/// <c>predict --engine</c> in an ML.NET-only application (this test project does not reference PipelineGen.Export): the
/// default and <c>auto</c> score with ML.NET and write the same file as before; <c>onnx</c> is a clear error naming the
/// package to add. The ONNX Runtime path itself is tested in PipelineGen.Export.Tests (PredictThroughOnnxTests).
/// </summary>
public sealed class PredictEngineOptionTests : IDisposable
{
    private readonly string _project = TitanicTestPipeline.NewProjectDirectory();

    public void Dispose() => Directory.Delete(_project, recursive: true);

    private (int Exit, string Output, string Error) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = PipelineApp.Run(args, new TitanicTestPipeline(_project), output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void Without_the_export_package_auto_is_MLNET_and_onnx_is_refused_naming_the_package()
    {
        Assert.Empty(FileScorers.All);
        Assert.Equal(0, Cli("train").Exit);
        var input = Path.Combine(_project, "titanic_test.csv");
        var byDefault = Cli("predict", "--input", input, "--output", Path.Combine(_project, "a.csv"));
        Assert.True(byDefault.Exit == 0, byDefault.Error);
        var auto = Cli("predict", "--input", input, "--output", Path.Combine(_project, "b.csv"), "--engine", "auto");
        Assert.True(auto.Exit == 0, auto.Error);
        Assert.DoesNotContain("ONNX", auto.Output);
        Assert.Equal(File.ReadAllText(Path.Combine(_project, "a.csv")), File.ReadAllText(Path.Combine(_project, "b.csv")));

        var onnx = Cli("predict", "--input", input, "--output", Path.Combine(_project, "c.csv"), "--engine", "onnx");
        Assert.Equal(2, onnx.Exit);
        Assert.Contains("--engine onnx needs the PipelineGen.Export package", onnx.Error);
        Assert.False(File.Exists(Path.Combine(_project, "c.csv")));
        Assert.Contains("--engine", Cli("predict", "--help").Output);
    }
}
