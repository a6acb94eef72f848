using Microsoft.ML;
using PipelineGen.Runtime.Training;
using Xunit;

namespace PipelineGen.Runtime.Tests.Training;

/// <summary>
/// A test file written unlike the training file (issue #17): 'male' coded as 'M', fares in cents. 'test' used to score it
/// and print the metrics with exit 0 and not a word, though 'predict' warns about the same values; now every column whose
/// values the model never saw is named, with where, before the metrics are trusted.
/// </summary>
public sealed class TestFileValuesTests : IDisposable
{
    private readonly string _project = TitanicTestPipeline.NewProjectDirectory();

    public void Dispose() => Directory.Delete(_project, recursive: true);

    private string TestFile => Path.Combine(_project, "titanic_test.csv");

    private void Train() =>
        Assert.Equal(0, TrainStep.Run(new TitanicTestPipeline(_project), new TrainOptions { SpecHash = TitanicTestPipeline.SpecHash }, TextWriter.Null, TextWriter.Null));

    /// <summary>Rewrites the test file's column <paramref name="index"/> with <paramref name="change"/> (header kept).</summary>
    private void Rewrite(int index, Func<string, string> change) =>
        File.WriteAllLines(TestFile, File.ReadAllLines(TestFile).Select((line, i) =>
        {
            if (i == 0) return line;
            var fields = line.Split(',');
            fields[index] = change(fields[index]);
            return string.Join(',', fields);
        }));

    [Fact]
    public void A_category_spelled_another_way_is_named_with_its_rows()
    {
        Train();
        Rewrite(2, sex => sex == "male" ? "M" : sex);
        var output = new StringWriter();

        Assert.Equal(0, TestStep.Run(new TitanicTestPipeline(_project), new TestOptions(), output, TextWriter.Null));

        var text = output.ToString();
        Assert.Contains("warning: test data " + TestFile + ": 'sex': 54 row(s) ('M' on line 3, ", text);
        Assert.Contains("a category not seen in training (seen: female, male)", text);
        Assert.Contains("warning: 'sex' (54% of the rows): values the model never saw are that common in the test file (100 rows)", text);
        Assert.Contains("correct the file and test the corrected one", text);
    }

    [Fact]
    public void Numbers_in_other_units_are_named_with_the_training_range()
    {
        Train();
        Rewrite(6, fare => double.TryParse(fare, System.Globalization.CultureInfo.InvariantCulture, out var f)
            ? (f * 100).ToString(System.Globalization.CultureInfo.InvariantCulture) : fare);

        var result = TestStep.Test(new MLContext(1), new TitanicTestPipeline(_project));

        var fare = Assert.Single(result.Warnings, w => w.Contains("'fare':", StringComparison.Ordinal));
        Assert.Contains("far outside the training range", fare);
        Assert.Contains(result.Warnings, w => w.StartsWith("'fare' (", StringComparison.Ordinal) && w.Contains("the metrics measure that mismatch", StringComparison.Ordinal));
    }

    [Fact]
    public void A_few_unseen_values_are_named_without_calling_the_files_mismatched()
    {
        Train();
        var lines = File.ReadAllLines(TestFile);
        lines[5] = lines[5].Replace(",S", ",Southampton", StringComparison.Ordinal);
        File.WriteAllLines(TestFile, lines);

        var result = TestStep.Test(new MLContext(1), new TitanicTestPipeline(_project));

        Assert.Contains(result.Warnings, w => w.Contains("'embarked': 1 row(s) ('Southampton' on line 6)", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Warnings, w => w.Contains("mismatch", StringComparison.Ordinal));
    }

    [Fact]
    public void A_test_file_written_like_the_training_file_gets_no_such_warning()
    {
        Train();

        var result = TestStep.Test(new MLContext(1), new TitanicTestPipeline(_project));

        Assert.NotNull(result.Look);
        Assert.DoesNotContain(result.Warnings, w => w.Contains("never saw", StringComparison.Ordinal) || w.Contains("not seen in training", StringComparison.Ordinal));
    }
}
