using PipelineGen.Runtime.Tests.Evaluation;
using PipelineGen.Runtime.Training;
using PipelineGen.Runtime.Data;
using Xunit;

namespace PipelineGen.Runtime.Tests.Training;

/// <summary>
/// predict on a file whose quoted value spans lines (RFC 4180 allows it): the record is one row, scored with its value
/// intact, and a bad row after it is named by its own line.
/// </summary>
public sealed class PredictQuotedLineBreakTests : IDisposable
{
    private readonly TempDirectory _work = new();

    public void Dispose() => _work.Dispose();

    private string TrainedModel(IPipelineDefinition pipeline)
    {
        var model = Path.Combine(_work.Path, "model.zip");
        TrainStep.Train(new Microsoft.ML.MLContext(seed: 1), pipeline, new TrainOptions { ModelPath = model });
        return model;
    }

    [Fact]
    public void A_quoted_value_with_a_line_break_is_one_row_scored_with_its_value()
    {
        var pipeline = BinaryPipeline.Titanic();
        var model = TrainedModel(pipeline);
        // Line 3's embarked value is closed on line 4; line 5 is an ordinary row.
        var input = _work.Write("new.csv", "survived,pclass,sex,age,fare,embarked\n0,3,male,22.0,7.25,S\n1,1,female,38.0,71.2833,\"Cher\nbourg\"\n0,3,male,30,8.05,S\n");
        var scored = Path.Combine(_work.Path, "new.predictions.csv");
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = PredictStep.RunCsv(pipeline, input, scored, model, output, error);

        Assert.True(exit == 0, error.ToString());
        Assert.Contains("Scored 3 rows", output.ToString());
        // The value never seen in training is named whole, its line break escaped so the warning stays one line.
        Assert.Contains("'Cher\\nbourg' on line 3", output.ToString() + error.ToString());
        using var reader = new StreamReader(scored);
        var rows = new DelimitedRecords(reader.ReadLine, ',');
        rows.ReadHeader();
        int count = 0;
        while (rows.TryRead(out _, out _)) count++;
        Assert.Equal(3, count);
    }

    [Fact]
    public void A_header_that_leaves_a_quote_open_is_an_error_naming_it_not_a_header_joined_with_the_rows_below()
    {
        // The last header name opens a quote it never closes; line 4's note closes one. Joined as one record, the header
        // would swallow lines 2-4 (its names would still resolve every feature): two of three rows lost, exit 0.
        var pipeline = BinaryPipeline.Titanic();
        var model = TrainedModel(pipeline);
        var input = _work.Write("new.csv", "survived,pclass,sex,age,fare,embarked,\"note\n0,3,male,22.0,7.25,S,first\n1,1,female,38.0,71.2833,C,second\n0,3,male,30,8.05,S,end\"\n");
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = PredictStep.RunCsv(pipeline, input, Path.Combine(_work.Path, "new.predictions.csv"), model, output, error);

        Assert.Equal(2, exit);
        var text = error.ToString();
        Assert.Contains("new.csv", text);
        Assert.True(text.Contains("line 1 (the header): the quote opened at character 39 is never closed"), text);
        Assert.False(File.Exists(Path.Combine(_work.Path, "new.predictions.csv")));
    }

    [Fact]
    public void A_headerless_file_whose_first_row_has_a_quoted_line_break_is_read_as_one_row()
    {
        // No header: the first line is a row, and its quoted value continues on line 2. The field count a row must have is
        // the spec's (here all columns), so the two lines are one row and line 3 is the second.
        var pipeline = BinaryPipeline.Titanic();
        var model = TrainedModel(pipeline);
        var input = _work.Write("new.csv", "1,1,female,38.0,71.2833,\"Cher\nbourg\"\n0,3,male,22.0,7.25,S\n");
        var scored = Path.Combine(_work.Path, "new.predictions.csv");
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = PredictStep.RunCsv(pipeline, input, scored, model, output, error);

        Assert.True(exit == 0, error.ToString());
        Assert.Contains("Scored 2 rows", output.ToString());
        Assert.Contains("'Cher\\nbourg' on line 1", output.ToString() + error.ToString());
    }

    [Fact]
    public void A_bad_row_after_a_multiline_record_is_named_by_its_own_line()
    {
        var pipeline = BinaryPipeline.Titanic();
        var model = TrainedModel(pipeline);
        // Lines 3-4 are one row; the age on line 5 is not a number.
        var input = _work.Write("new.csv", "survived,pclass,sex,age,fare,embarked\n0,3,male,22.0,7.25,S\n1,1,female,38.0,71.2833,\"Cher\nbourg\"\n0,3,male,thirty,8.05,S\n");
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = PredictStep.RunCsv(pipeline, input, Path.Combine(_work.Path, "new.predictions.csv"), model, output, error);

        Assert.Equal(2, exit);
        var text = error.ToString();
        Assert.Contains("1 bad row(s)", text);
        Assert.True(text.Contains("line 5, column 4"), text);
        Assert.DoesNotContain("line 3, column", text);
        Assert.DoesNotContain("line 4, column", text);
    }
}
