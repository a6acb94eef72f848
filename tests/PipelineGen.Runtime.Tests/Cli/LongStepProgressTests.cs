using System.CommandLine;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Evaluation;
using PipelineGen.Runtime.Tests.Training;
using PipelineGen.Runtime.Training;
using Xunit;

namespace PipelineGen.Runtime.Tests.Cli;

/// <summary>
/// evaluate and curve show progress the way explore and train do (issue 10, "long steps show progress"): on a terminal a
/// line on stderr, redrawn in place and erased at the end, and nothing of it on stdout; captured output keeps its log
/// lines. (Synthetic binary data, 200 rows, 3 folds, LightGBM on one thread.)
/// </summary>
public sealed class LongStepProgressTests : IDisposable
{
    private readonly string _project = Directory.CreateTempSubdirectory("pg-progress-").FullName;

    public void Dispose() => Directory.Delete(_project, recursive: true);

    private CapacityCurveTests.SyntheticPipeline Pipeline()
    {
        CapacityCurveTests.SyntheticPipeline.WriteData(Path.Combine(_project, "synthetic.csv"), rows: 200, seed: 9);
        return new(_project, defaultCapacity: 8,
            s => s with { Evaluation = s.Evaluation with { Protocol = EvaluationProtocol.KFold, Folds = 3 } });
    }

    private CommandServices Services(IPipelineDefinition pipeline, TextWriter output, TextWriter error, bool terminal) =>
        new(pipeline, output, error, terminal) { RunStorePath = Path.Combine(_project, "runs.db") };

    [Fact]
    public void Evaluate_on_a_terminal_draws_its_progress_on_stderr_and_leaves_stdout_to_the_result()
    {
        var pipeline = Pipeline();
        var (stdout, stderr) = (new StringWriter(), new StringWriter());

        EvaluationCommandContributor.Run(Services(pipeline, stdout, stderr, terminal: true), new EvaluationOptions(), new StepRecord(), out var result);

        Assert.Equal(3, result.Splits.Count);
        var error = stderr.ToString();
        Assert.Matches(@"^\rEvaluating: started \(\d+ s\)", error);
        Assert.Matches(@"\rEvaluating: 3/3 done, last repeat 1, fold 3 \(\d+ s\)", error);
        Assert.Matches(@"\r +\r$", error); // erased
        Assert.DoesNotContain('\n', error);
        var output = stdout.ToString();
        Assert.DoesNotContain('\r', output);
        Assert.DoesNotContain("Evaluating", output);
        Assert.DoesNotContain("[1/3]", output);
        Assert.Contains("log_loss", output);
    }

    [Fact]
    public void Evaluate_captured_keeps_its_log_lines_on_stdout_and_writes_nothing_to_stderr()
    {
        var pipeline = Pipeline();
        var (stdout, stderr) = (new StringWriter(), new StringWriter());

        EvaluationCommandContributor.Run(Services(pipeline, stdout, stderr, terminal: false), new EvaluationOptions(), new StepRecord(), out _);

        Assert.Equal("", stderr.ToString());
        var output = stdout.ToString();
        Assert.StartsWith("Evaluating ...\n  [1/3] repeat 1, fold 1\n  [2/3] repeat 1, fold 2\n  [3/3] repeat 1, fold 3\n", output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Curve_reports_every_fit_to_the_progress_display_and_prints_the_same_without_one()
    {
        var pipeline = Pipeline();
        var options = new CurveOptions { Capacities = [2, 8], PlotPath = Path.Combine(_project, "curve.html") };
        var plain = new StringWriter();
        Assert.Equal(0, CapacityCurve.Run(pipeline, options, plain, TextWriter.Null));

        var phases = new List<string>();
        var watched = new StringWriter();
        Assert.Equal(0, CapacityCurve.Run(pipeline, options with { Phase = phases.Add }, watched, TextWriter.Null));

        Assert.Equal(plain.ToString(), watched.ToString());
        // One preparation per split, then one fit per capacity on it: 3 folds × capacities 2 and 8.
        Assert.Equal(3, phases.Count(p => p.EndsWith(": fitting the preparation", StringComparison.Ordinal)));
        Assert.Equal(
            new[]
            {
                "NumberOfIterations=2, repeat 1, fold 1: fitting", "NumberOfIterations=8, repeat 1, fold 1: fitting",
                "NumberOfIterations=2, repeat 1, fold 2: fitting", "NumberOfIterations=8, repeat 1, fold 2: fitting",
                "NumberOfIterations=2, repeat 1, fold 3: fitting", "NumberOfIterations=8, repeat 1, fold 3: fitting",
            },
            phases.Where(p => p.StartsWith("NumberOfIterations=", StringComparison.Ordinal)));
    }

    [Fact]
    public void Curve_command_on_a_terminal_shows_what_it_fits_on_stderr_only()
    {
        var pipeline = Pipeline();
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var root = new RootCommand();
        new TrainingCommandContributor().Contribute(root, Services(pipeline, stdout, stderr, terminal: true));

        var exit = root.Parse(["curve", "--capacities", "2,8", "--plot", Path.Combine(_project, "curve.html")])
            .Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });

        Assert.Equal(0, exit);
        var error = stderr.ToString();
        Assert.Matches(@"\rcurve: NumberOfIterations=8, repeat 1, fold 3: fitting \(\d+ s\)", error);
        Assert.Matches(@"\r +\r$", error);
        var output = stdout.ToString();
        Assert.DoesNotContain('\r', output);
        Assert.Contains("<- chosen", output);
    }
}
