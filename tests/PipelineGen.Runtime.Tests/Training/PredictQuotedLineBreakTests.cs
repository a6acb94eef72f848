using PipelineGen.Runtime.Tests.Evaluation;
using PipelineGen.Runtime.Training;
using Xunit;

namespace PipelineGen.Runtime.Tests.Training;

/// <summary>
/// predict on a file whose quoted value spans lines (RFC 4180 allows it; the loader reads one row per line): the refusal
/// names the lines the value spans, not a quote "never closed" followed by a ragged row per line.
/// </summary>
public sealed class PredictQuotedLineBreakTests : IDisposable
{
    private readonly TempDirectory _work = new();

    public void Dispose() => _work.Dispose();

    [Fact]
    public void A_quoted_value_with_a_line_break_is_refused_naming_the_lines_it_spans()
    {
        var pipeline = BinaryPipeline.Titanic();
        var model = Path.Combine(_work.Path, "model.zip");
        TrainStep.Train(new Microsoft.ML.MLContext(seed: 1), pipeline, new TrainOptions { ModelPath = model });
        // Line 3's embarked value is closed on line 4; line 5 is an ordinary row.
        var input = _work.Write("new.csv", "survived,pclass,sex,age,fare,embarked\n0,3,male,22.0,7.25,S\n1,1,female,38.0,71.2833,\"Cher\nbourg\"\n0,3,male,30,8.05,S\n");
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = PredictStep.RunCsv(pipeline, input, Path.Combine(_work.Path, "new.predictions.csv"), model, output, error);

        Assert.Equal(2, exit);
        var text = error.ToString();
        Assert.Contains("1 bad row(s)", text);
        Assert.True(text.Contains("line 3, column 6: the quoted value opened at character 25 continues onto line 4"), text);
        Assert.Contains("lines 3-4 cannot be read as one row", text);
        Assert.DoesNotContain("never closed", text);
        Assert.DoesNotContain("line 4, column", text);
    }
}
