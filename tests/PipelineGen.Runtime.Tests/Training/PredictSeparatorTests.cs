using PipelineGen.Runtime.Tests.Evaluation;
using PipelineGen.Runtime.Training;
using Xunit;

namespace PipelineGen.Runtime.Tests.Training;

/// <summary>
/// A pipeline with one feature besides the label (a text classifier: sentence + label) reads a line of a file with
/// another separator as one field, which a headerless file may legitimately have. Such a file's header line must not be
/// scored as a row, and its rows must not be scored as the whole line: that is a wrong prediction for every row.
/// </summary>
public sealed class PredictSeparatorTests : IDisposable
{
    private readonly TempDirectory _work = new();

    public void Dispose() => _work.Dispose();

    /// <summary>sex → survived, tab-separated like the ReviewSentiment example's data, trained once per test.</summary>
    private (BinaryPipeline Pipeline, string Model) TabSeparatedModel()
    {
        var rows = File.ReadAllLines(TestPipeline.DataPath("titanic.csv")).Skip(1).Select(l => l.Split(','));
        var data = _work.Write("train.tsv", "survived\tsex\n" + string.Concat(rows.Select(r => $"{r[0]}\t{r[2]}\n")));
        var pipeline = BinaryPipeline.Titanic(s => s with
        {
            Separator = '\t',
            TrainDataPath = data,
            Columns = [TestPipeline.Column("survived", 0, ColumnKind.Categorical, ColumnRole.Label), TestPipeline.Column("sex", 1, ColumnKind.Categorical)],
        });
        var model = Path.Combine(_work.Path, "model.zip");
        TrainStep.Train(new Microsoft.ML.MLContext(seed: 1), pipeline, new TrainOptions { ModelPath = model });
        return (pipeline, model);
    }

    private static (int Exit, string Output, string Error) Predict(BinaryPipeline pipeline, string model, string input, string scored)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = PredictStep.RunCsv(pipeline, input, scored, model, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void ACommaSeparatedFileForATabSeparatedPipelineIsRefusedNotScoredAsOneField()
    {
        var (pipeline, model) = TabSeparatedModel();
        var input = _work.Write("new.csv", "sex,survived\nmale,0\nfemale,1\n");

        var result = Predict(pipeline, model, input, Path.Combine(_work.Path, "new.predictions.csv"));

        Assert.Equal(2, result.Exit);
        Assert.Contains("splits into the pipeline's column names on ',', but the pipeline reads fields separated by tabs", result.Error);
        Assert.False(File.Exists(Path.Combine(_work.Path, "new.predictions.csv")));
    }

    [Fact]
    public void AHeaderlessFileWithOneFieldPerLineIsStillReadByPosition()
    {
        var (pipeline, model) = TabSeparatedModel();
        var input = _work.Write("bare.tsv", "male\nfemale\nmale\n");
        var scored = Path.Combine(_work.Path, "bare.predictions.csv");

        var result = Predict(pipeline, model, input, scored);

        Assert.True(result.Exit == 0, result.Error);
        Assert.Contains("read by position", result.Output);
        var lines = File.ReadAllLines(scored);
        Assert.Equal(4, lines.Length);
        Assert.Equal(lines[1], lines[3]); // both 'male' rows get the same prediction
        Assert.NotEqual(lines[1].Split(',')[^1], lines[2].Split(',')[^1]);
    }
}
