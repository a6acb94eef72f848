using PipelineGen.IntegrationTests;

namespace PipelineGen.Templates.Tests;

/// <summary>
/// Every example runs its whole workflow ('run': explore, baseline + evaluate, curve, train, test) on its own data and
/// succeeds: the figures in each README come from this command.
/// </summary>
[Collection(ExamplesCollection.Name)]
public sealed class ExampleTests(ExamplesFixture examples)
{
    private const string BeatsBaseline = "Verdict: the model beats the baseline";

    private static void AssertSucceeded(CommandResult result) =>
        Assert.True(result.ExitCode == 0, "expected exit code 0:\n" + result.Tail(120));

    private static void AssertWorkflowCompleted(CommandResult result)
    {
        AssertSucceeded(result);
        Assert.Contains(BeatsBaseline, result.Output);
        foreach (var step in new[] { "== 1/5 explore ==", "== 3/5 curve ==", "== 4/5 train ==", "== 5/5 test ==" })
            Assert.Contains(step, result.Output);
        Assert.DoesNotContain("run stopped", result.Output);
    }

    // train writes <Name>/<version>/model.zip with its card and makes it current through the pointer <Name>/current.
    private string ModelFile(string example, string pipeline)
    {
        var unit = Path.Combine(examples.ExampleDirectory(example), ".pipelinegen", "models", pipeline);
        var pointer = Path.Combine(unit, "current");
        return File.Exists(pointer) ? Path.Combine(unit, File.ReadAllText(pointer).Trim(), "model.zip") : pointer;
    }

    [Fact]
    public void Titanic_runs_end_to_end_and_looks_at_its_test_set_once()
    {
        var run = examples.Run("Titanic", "run");
        AssertWorkflowCompleted(run);
        Assert.Contains("Test set: 179 rows", run.Output);
        Assert.Contains("First look at the test set", run.Output);
        Assert.True(File.Exists(ModelFile("Titanic", "Titanic")));

        // The test set is for one look: running the workflow again stops at the test step unless asked to look again.
        var again = examples.Run("Titanic", "run");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("--force-test", again.Output);
    }

    [Fact]
    public void Penguins_runs_end_to_end_with_missing_values()
    {
        var run = examples.Run("Penguins", "run");
        AssertWorkflowCompleted(run);
        // 11 rows without 'sex', 2 without measurements: explore counts them, training still uses every row.
        Assert.Contains("11 (3.2%)", run.Output);
        Assert.Contains("344 of 344 rows used", run.Output);
    }

    [Fact]
    public void Wine_quality_runs_as_regression_and_as_ordinal_classes_from_one_project()
    {
        var regression = examples.Run("WineQuality", "run");
        AssertWorkflowCompleted(regression);
        Assert.Contains("WineQuality (regression)", regression.Output);

        var classes = examples.Run("WineQuality", "classes", "run");
        AssertWorkflowCompleted(classes);
        Assert.Contains("WineQualityClasses (multiclass classification)", classes.Output);
        Assert.True(File.Exists(ModelFile("WineQuality", "WineQuality")));
        Assert.True(File.Exists(ModelFile("WineQuality", "WineQualityClasses")));
    }

    [Fact]
    public void Taxi_fares_ignore_the_columns_explore_flags_as_leaking_the_fare()
    {
        // With every column a feature, explore flags the leak and stops there (exit 1).
        var leaky = examples.Run("TaxiFares", "leaky", "explore", "--output", Path.Combine(examples.Root, "taxis-leaky.html"));
        Assert.True(leaky.ExitCode == 1, "expected explore to report a serious finding:\n" + leaky.Tail(80));
        Assert.Contains("possible target leakage: 'total' alone predicts the label", leaky.Output);
        Assert.Matches(@"total\s+0\.9\d\d\s+LEAK\?", leaky.Output);
        // tip and tolls are only parts of the bill (weak alone), but with total they reconstruct the fare: the joint probe names them.
        Assert.Matches(@"\n\s+tip\s+0\.[0-4]\d\d\n", leaky.Output);
        Assert.Contains("possible target leakage: 'tip' completes the leak of 'total'", leaky.Output);
        Assert.Contains("possible target leakage: 'tolls' completes the leak of 'total'", leaky.Output);
        Assert.Matches(@"joint leak: total \+ tip \+ tolls explain 0\.9\d\d", leaky.Output);

        // The real spec ignores total, tip and tolls: explore shows them with role 'ignore' and the workflow runs through.
        var run = examples.Run("TaxiFares", "run");
        AssertWorkflowCompleted(run);
        foreach (var column in new[] { "tip", "tolls", "total" })
            Assert.Matches($@"\n\s+{column}\s+numeric\s+ignore\s", run.Output);
        Assert.DoesNotContain("possible target leakage", run.Output);
    }

    [Fact]
    public void Review_sentiment_runs_end_to_end_on_text()
    {
        var run = examples.Run("ReviewSentiment", "run");
        AssertWorkflowCompleted(run);
        Assert.Contains("1000 of 1000 rows used", run.Output);
    }

    [Fact]
    public void Credit_risk_tunes_pins_and_trains_what_it_measured()
    {
        // The whole workflow with a 30-trial study: its wall time follows the machine's load (a loaded CI run reached the
        // 5-minute limit at the study's last trial), so the limit here only catches a hang.
        var run = examples.Run("CreditRisk", TimeSpan.FromMinutes(25), "run");
        AssertWorkflowCompleted(run);
        Assert.Contains("== 3+/5 tune (the spec has a tune section) ==", run.Output);
        Assert.Contains("trial 30/30", run.Output);
        // The study is pinned next to the spec: a build compiles it in, so train refits it without tuning again.
        var lockText = File.ReadAllText(Path.Combine(examples.ExampleDirectory("CreditRisk"), "pipeline.lock.yaml"));
        Assert.Matches(@"trainer: '(lightgbm|fast_tree|fast_forest|lbfgs|sdca)'", lockText);
        // train measured what it trained (a tuned winner or the ensemble), so the test look is set beside that estimate.
        Assert.Contains("Beside the card's estimate (measured by train for this very model", run.Output);
        // One look at 200 rows, 30% bad risks: a model that called every row positive (the blend's Score once was its
        // probability, so ML.NET's evaluator did) would score accuracy 0.30; the majority class alone scores 0.70.
        var accuracy = double.Parse(System.Text.RegularExpressions.Regex.Match(run.Output, @"\n  accuracy  (0\.\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(accuracy, 0.70, 1.0);
        Assert.True(File.Exists(ModelFile("CreditRisk", "CreditRisk")));
    }
}
