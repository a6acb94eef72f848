using System.Text;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Runs;
using PipelineGen.Runtime.Tests.Evaluation;
using Xunit;

namespace PipelineGen.Runtime.Tests.Cli;

public class PipelineAppTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    public void Dispose() => _dir.Dispose();

    private (int ExitCode, string Output, string Error) Run(IPipelineDefinition pipeline, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = PipelineApp.Run(args, pipeline, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    private IPipelineDefinition Iris() => MulticlassPipeline.Iris(s => s with { ProjectDirectory = _dir.Path });

    private IPipelineDefinition Titanic() => BinaryPipeline.Titanic(s => s with { ProjectDirectory = _dir.Path });

    [Fact]
    public void Help_lists_the_commands()
    {
        var (exitCode, output, _) = Run(Iris(), "--help");
        Assert.Equal(0, exitCode);
        foreach (var command in new[] { "explore", "evaluate", "baseline", "runs" })
            Assert.Contains(command, output);

        var (evaluateHelp, evaluateOutput, _) = Run(Iris(), "evaluate", "--help");
        Assert.Equal(0, evaluateHelp);
        foreach (var option in new[] { "--data", "--seed", "--folds", "--protocol", "--bad-rows" })
            Assert.Contains(option, evaluateOutput);
    }

    [Fact]
    public void Evaluate_prints_the_summary_exits_0_when_the_model_beats_the_baseline_and_records_the_run()
    {
        var (exitCode, output, error) = Run(Iris(), "evaluate", "--folds", "3", "--seed", "1");

        Assert.True(exitCode == 0, output + error);
        Assert.Equal("", error);
        Assert.Contains("Iris (multiclass classification): 3-fold, stratified, seed 1", output);
        Assert.Contains("[1/3]", output);                     // plain progress lines when output is captured
        Assert.Contains("micro_accuracy *", output);
        Assert.Contains("Metrics: mean ± std over 3 split(s)", output);
        Assert.Contains("Verdict: the model beats the baseline", output);
        Assert.DoesNotContain("NaN", output);
        Assert.False(output.Contains((char)27), "no ANSI escape codes when output is captured");
        // The HTML evaluation report sits beside the explore report, and the output links to it.
        var report = Path.Combine(_dir.Path, ".pipelinegen", "reports", "Iris.evaluate.html");
        Assert.True(File.Exists(report), output);
        Assert.Contains("Report: " + new Uri(report).AbsoluteUri, output);
        Assert.Contains("Confusion matrix", File.ReadAllText(report));

        using var store = new RunStore(Path.Combine(_dir.Path, ".pipelinegen", "runs.db"));
        var run = Assert.Single(store.List());
        Assert.Equal("evaluate", run.Step);
        Assert.Equal("beats-baseline", run.Outcome);
        Assert.Equal("3", run.Parameters["folds"]);
        Assert.Contains(run.Metrics, m => m.Role == "model" && m.Name == "micro_accuracy" && m.Mean > 0.85);
        Assert.Contains($"Run {run.Id} recorded", output);
    }

    [Fact]
    public void Evaluate_predictions_writes_the_holdout_rows_and_says_where_and_a_directory_is_bad_input()
    {
        string file = Path.Combine(_dir.Path, "oof.csv");
        var (exitCode, output, error) = Run(Titanic(), "evaluate", "--protocol", "holdout", "--holdout-fraction", "0.3", "--predictions", file);

        Assert.True(exitCode is 0 or 1, output + error);
        var lines = File.ReadAllLines(file);
        Assert.Equal("split,line,Label,Score,Probability,PredictedLabel,Baseline", lines[0]);
        Assert.All(lines.Skip(1), l => Assert.StartsWith("holdout,", l, StringComparison.Ordinal));
        Assert.Contains($"Predictions: {lines.Length - 1} out-of-fold rows -> {file}", output);
        Assert.Equal(90, lines.Length - 1); // 30% of 300 rows

        var (badExit, _, badError) = Run(Titanic(), "evaluate", "--predictions", _dir.Path);
        Assert.Equal(2, badExit);
        Assert.Contains("--predictions", badError);
        Assert.Contains("is a directory", badError);
    }

    [Fact]
    public void Evaluate_exits_1_when_the_model_does_not_beat_the_baseline()
    {
        // A holdout too small to cut into validation chunks leaves one split and no noise estimate: not "beats".
        var (exitCode, output, _) = Run(Iris(), "evaluate", "--protocol", "holdout", "--holdout-fraction", "0.05");
        Assert.Equal(1, exitCode);
        Assert.Contains("Verdict: inconclusive, the model is not shown to beat the baseline: only one split", output);
    }

    [Fact]
    public void Bad_rows_exit_2_with_their_lines_and_skip_counts_them()
    {
        var lines = File.ReadAllLines(TestPipeline.DataPath("titanic.csv")).ToList();
        lines[4] = "0,3,male,22,seven,S";
        string path = _dir.Write("bad.csv", string.Join("\n", lines) + "\n");

        var (failCode, _, failError) = Run(Titanic(), "baseline", "--data", path);
        Assert.Equal(2, failCode);
        Assert.Contains("line 5, column 5 ('fare')", failError);
        Assert.Contains("'seven' is not a number", failError);

        var (skipCode, skipOutput, _) = Run(Titanic(), "baseline", "--data", path, "--bad-rows", "skip");
        Assert.Equal(0, skipCode);
        Assert.Contains("299 of 300 rows used, 1 bad rows skipped", skipOutput);
        Assert.Contains("Metrics: mean ± std over 5 split(s), 95% t-interval of the mean\n", skipOutput);
        Assert.DoesNotContain("difference", skipOutput);
    }

    [Fact]
    public void Invalid_options_and_missing_files_exit_2()
    {
        var (protocolCode, _, protocolError) = Run(Iris(), "evaluate", "--protocol", "bootstrap");
        Assert.Equal(2, protocolCode);
        Assert.Contains("bootstrap", protocolError);

        var (fileCode, _, fileError) = Run(Iris(), "evaluate", "--data", Path.Combine(_dir.Path, "missing.csv"));
        Assert.Equal(2, fileCode);
        Assert.Contains("Data file not found", fileError);

        var (foldsCode, _, foldsError) = Run(Iris(), "baseline", "--folds", "1");
        Assert.Equal(2, foldsCode);
        Assert.Contains("at least 2 folds", foldsError);
    }

    [Fact]
    public void Runs_lists_and_compares_recorded_runs()
    {
        Assert.Equal(0, Run(Titanic(), "baseline", "--folds", "3", "--seed", "1").ExitCode);
        Assert.Equal(0, Run(Titanic(), "baseline", "--folds", "4", "--seed", "2").ExitCode);
        string[] ids;
        using (var store = new RunStore(Path.Combine(_dir.Path, ".pipelinegen", "runs.db")))
            ids = [.. store.List().Select(r => r.Id)];
        Assert.Equal(2, ids.Length);

        var (listCode, list, _) = Run(Titanic(), "runs");
        Assert.Equal(0, listCode);
        Assert.Contains(ids[0], list);
        Assert.Contains(ids[1], list);
        Assert.Contains("auc 0.5000 (baseline)", list);

        var (compareCode, compare, _) = Run(Titanic(), "runs", "compare", ids[1], ids[0]);
        Assert.Equal(0, compareCode);
        var foldsLine = compare.Split('\n').Single(l => l.TrimStart().StartsWith("folds", StringComparison.Ordinal));
        Assert.Contains("3", foldsLine);
        Assert.Contains("4", foldsLine);
        Assert.Contains("differs", foldsLine);
        Assert.Contains("baseline accuracy", compare);

        var (missingCode, _, missingError) = Run(Titanic(), "runs", "compare", ids[0], "no-such-run");
        Assert.Equal(2, missingCode);
        Assert.Contains("no run with id 'no-such-run'", missingError);
    }

    [Fact]
    public void Explore_runs_the_exploration_step_and_records_it()
    {
        string report = Path.Combine(_dir.Path, "explore.html");
        var (exitCode, output, error) = Run(Iris(), "explore", "--output", report);

        Assert.True(exitCode is 0 or 1, output + error); // 1 would be a serious finding, not a crash
        Assert.True(File.Exists(report));
        using var store = new RunStore(Path.Combine(_dir.Path, ".pipelinegen", "runs.db"));
        Assert.Equal("explore", Assert.Single(store.List()).Step);
    }

    [Fact]
    public void Explore_writes_its_report_under_the_project_by_default_and_can_skip_the_leakage_probes()
    {
        var (exitCode, output, error) = Run(Iris(), "explore", "--skip-leakage");

        Assert.True(exitCode is 0 or 1, output + error);
        var report = Path.Combine(_dir.Path, ".pipelinegen", "reports", "Iris.explore.html");
        Assert.True(File.Exists(report), output);
        Assert.DoesNotContain("Leakage probe (", output);
    }

    [Fact]
    public void Extra_contributors_add_commands_without_changing_the_host()
    {
        var output = new StringWriter();
        int exitCode = PipelineApp.Run(["hello"], Iris(), output, new StringWriter(), [new HelloContributor()]);
        Assert.Equal(0, exitCode);
        Assert.Contains("hello from Iris", output.ToString());

        using var store = new RunStore(Path.Combine(_dir.Path, ".pipelinegen", "runs.db"));
        Assert.Equal("hello", Assert.Single(store.List()).Step);
    }

    private sealed class HelloContributor : ICommandContributor
    {
        public void Contribute(System.CommandLine.RootCommand root, CommandServices services)
        {
            var command = new System.CommandLine.Command("hello", "Says hello.");
            command.SetAction(_ => services.RunStep("hello", _ =>
            {
                services.Output.WriteLine($"hello from {services.Pipeline.Settings.Name}");
                return ExitCodes.Ok;
            }));
            root.Subcommands.Add(command);
        }
    }
}
