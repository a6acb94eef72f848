using System.Text.RegularExpressions;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Tests.Evaluation;
using Xunit;

namespace PipelineGen.Runtime.Tests.Cli;

/// <summary>
/// Issue 10: console output must fit an 80-column terminal (runs was 121 columns and wrapped its run ids, explore's table
/// 115-175, the regression table split numbers). The commands run with a console width of 80, as a terminal of that width
/// gives them, and no line may be longer.
/// </summary>
public sealed class EightyColumnOutputTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    public void Dispose() => _dir.Dispose();

    private string RunStore => Path.Combine(_dir.Path, "runs.db");

    private (int Exit, string Output, string Error) Run(IPipelineDefinition pipeline, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = PipelineApp.Run(args, pipeline, output, error, runStorePath: RunStore, consoleWidth: 80);
        return (exit, output.ToString(), error.ToString());
    }

    private static void AssertFits(string output, int width = 80)
    {
        // A single word longer than the line (a path to the report) is left whole so it can be copied: nothing can fit it.
        var tooLong = output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > width && l.Trim().Contains(' ')).ToArray();
        Assert.True(tooLong.Length == 0, $"{tooLong.Length} line(s) longer than {width}:\n{string.Join("\n", tooLong)}\n--- output:\n{output}");
    }

    private IPipelineDefinition Titanic() => BinaryPipeline.Titanic(s => s with { ProjectDirectory = _dir.Path });

    [Fact]
    public void Runs_fits_80_columns_with_whole_ids_that_runs_compare_takes_by_prefix()
    {
        Assert.Equal(0, Run(Titanic(), "baseline").Exit);
        Assert.Equal(0, Run(Titanic(), "evaluate").Exit);
        var runs = Run(Titanic(), "runs");
        Assert.Equal(0, runs.Exit);
        AssertFits(runs.Output);
        var ids = Regex.Matches(runs.Output, @"\b\d{8}-\d{6}-[0-9a-f]{6}\b").Select(m => m.Value).Distinct().ToArray();
        Assert.Equal(2, ids.Length);

        // An id is copied from the list as it stands; a unique prefix of it is enough.
        var compare = Run(Titanic(), "runs", "compare", ids[0][..^2], ids[1]);
        Assert.True(compare.Exit == 0, compare.Error);
        AssertFits(compare.Output);
        Assert.Contains("A: " + ids[0], compare.Output);
    }

    [Fact]
    public void Explore_fits_80_columns_and_keeps_every_column_statistic()
    {
        var explore = Run(Titanic(), "explore", "--output", Path.Combine(_dir.Path, "explore.html"));
        AssertFits(explore.Output);
        // Stacked tables: the numeric statistics are still there, values whole.
        Assert.Matches(new Regex(@"\n  age\s+\S+\s+\S+\s+\S+\s+\S+\s*\n"), explore.Output);
        Assert.Contains("median", explore.Output);
        // Redirected output gets no progress line (a terminal gets one on stderr, redrawn with carriage returns).
        Assert.DoesNotContain("\r", explore.Error);
        Assert.DoesNotContain("explore:", explore.Error);
    }

    [Fact]
    public void Regression_evaluation_fits_80_columns_without_splitting_numbers()
    {
        var evaluate = Run(RegressionPipeline.Wine(), "evaluate", "--per-split");
        Assert.True(evaluate.Exit is 0 or 1, evaluate.Error);
        AssertFits(evaluate.Output);
        // A path is never split (it is written whole, on its own line when it does not fit).
        Assert.Contains(Path.Combine("evaluation", "wine.csv"), evaluate.Output);
        // Every number of the summary table is whole on its line: mean ± std, then the interval below it.
        Assert.Matches(new Regex(@"rmse \*\s+\d+\.\d{4} ± \d+\.\d{4}\s+\d+\.\d{4} ± \d+\.\d{4}\s+[+-]\d+\.\d{4}"), evaluate.Output);
        Assert.Matches(new Regex(@"\[\d+\.\d{4}, \d+\.\d{4}\]"), evaluate.Output);
    }

    [Fact]
    public void A_JSON_prediction_is_never_wrapped()
    {
        Assert.Equal(0, Run(Titanic(), "train").Exit);
        var output = new StringWriter();
        var error = new StringWriter();
        // A very narrow terminal: prose would wrap, the JSON object must stay one parseable line.
        var exit = PipelineApp.Run(["predict", "--json", """{"pclass": 3, "sex": "male", "age": 40, "fare": 7.5, "embarked": "S"}"""],
            Titanic(), output, error, runStorePath: RunStore, consoleWidth: 20);
        Assert.True(exit == 0, error.ToString());
        var line = Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var json = System.Text.Json.JsonDocument.Parse(line);
        Assert.True(json.RootElement.TryGetProperty("Probability", out _));
    }

    [Fact]
    public void Wrapped_lines_keep_long_words_whole_and_indent_continuations()
    {
        var path = "/very/long/path/" + new string('x', 90) + ".csv";
        var lines = WrappingWriter.Wrap($"  ! warning: the file {path} has a problem that is described at some length here", 80).ToList();
        Assert.Contains(lines, l => l.Contains(path));
        Assert.All(lines.Where(l => !l.Contains(path)), l => Assert.True(l.Length <= 80, l));
        Assert.All(lines.Skip(1), l => Assert.StartsWith("    ", l));
    }
}
