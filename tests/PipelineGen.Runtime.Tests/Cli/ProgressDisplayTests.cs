using PipelineGen.Runtime.Cli;
using Xunit;

namespace PipelineGen.Runtime.Tests.Cli;

/// <summary>The stderr progress displays a terminal sees (explore's fraction, train's phase): drawn in place, erased at the end.</summary>
public class ProgressDisplayTests
{
    [Fact]
    public void Elapsed_line_shows_the_phase_in_place_and_erases_itself()
    {
        var error = new StringWriter();
        using (var line = new ElapsedLine(error, "train"))
        {
            line.Phase("reading the training data");
            line.Phase("fitting the final model on 300 rows");
        }
        var text = error.ToString();
        Assert.Matches(@"^\rtrain: reading the training data \(\d+ s\)", text);
        Assert.Matches(@"\rtrain: fitting the final model on 300 rows \(\d+ s\)", text);
        // Erased: the last thing written is a carriage return after blanks as long as the last line.
        Assert.Matches(@"\r {" + "train: fitting the final model on 300 rows (0 s)".Length + @",}\r$", text);
        Assert.DoesNotContain('\n', text);
    }

    [Fact]
    public void Elapsed_line_with_no_phase_writes_nothing()
    {
        var error = new StringWriter();
        new ElapsedLine(error, "train").Dispose();
        Assert.Equal("", error.ToString());
    }
}
