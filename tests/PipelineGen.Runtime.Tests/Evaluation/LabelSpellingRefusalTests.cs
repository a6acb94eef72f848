using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Tests.Exploration;
using Xunit;

namespace PipelineGen.Runtime.Tests.Evaluation;

/// <summary>
/// One class written several ways (issue #17). Explore flags it; evaluate and train used to fit each spelling as a
/// class of its own (5 penguin species instead of 3, the stray ones never predicted) and exit 0. Now they refuse
/// before fitting, with explore's wording and exit code 2.
/// </summary>
public sealed class LabelSpellingRefusalTests
{
    // Penguins with data rows 5 and 9 typed 'adelie' and row 12 'ADELIE ' (trailing space, read
    // as 'ADELIE' by the loader and the scan alike) beside 149 'Adelie': the rows explore's own test plants.
    private static MulticlassPipeline Spelled(out string path)
    {
        var lines = File.ReadAllLines(CsvTestPipeline.Data("penguins.csv"));
        var directory = Synthetic.Directory();
        path = Path.Combine(directory, "penguins_spelled.csv");
        File.WriteAllLines(path, lines.Select((l, i) => i is 5 or 9 ? "adelie" + l["Adelie".Length..] : i == 12 ? "ADELIE " + l["Adelie".Length..] : l));
        return new MulticlassPipeline(MulticlassPipeline.Penguins().Settings with { TrainDataPath = path, ProjectDirectory = directory });
    }

    private static (int Exit, string Output, string Error) Cli(IPipelineDefinition pipeline, string step)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = PipelineApp.Run([step], pipeline, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("evaluate")]
    [InlineData("train")]
    public void A_class_spelled_several_ways_stops_the_step_naming_each_spelling_and_what_to_do(string step)
    {
        var pipeline = Spelled(out var path);
        var (exit, output, error) = Cli(pipeline, step);
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains($"{path}: label 'species' has classes that differ only in letter case or spaces: "
            + "'Adelie' (149 rows, first at data row 1), 'adelie' (2 rows, first at data row 5), 'ADELIE' (1 row, first at data row 12).", error);
        Assert.Contains("(5 classes where the data probably has 3)", error);
        Assert.Contains($"Write each class one way in {path} (and in the test file), then run again.", error);
        // Stopped before fitting: no metrics printed, no model saved.
        Assert.DoesNotContain("macro_accuracy", output);
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(path)!, ".pipelinegen", "models", "Penguins.zip")));
    }

    [Fact]
    public void The_honest_file_still_evaluates()
    {
        var directory = Synthetic.Directory();
        var pipeline = new MulticlassPipeline(MulticlassPipeline.Penguins().Settings with { ProjectDirectory = directory });
        var (exit, output, error) = Cli(pipeline, "evaluate");
        Assert.True(exit == ExitCodes.Ok, error);
        Assert.Contains("macro_accuracy", output);
        Assert.DoesNotContain("differ only in letter case", output + error);
    }
}
