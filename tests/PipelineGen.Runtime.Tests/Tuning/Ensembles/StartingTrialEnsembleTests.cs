using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Tests.Training;
using PipelineGen.Runtime.Tuning;
using PipelineGen.Runtime.Tuning.Ensembles;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning.Ensembles;

/// <summary>
/// When trial 1 (the spec's own configuration, not an ensemble candidate) is the study's best, a blend of the other
/// trials was only compared with the best of those: it must not be shipped over the winner.
/// </summary>
public sealed class StartingTrialEnsembleTests : IDisposable
{
    private readonly string _project = TitanicTestPipeline.NewProjectDirectory();

    public void Dispose() => Directory.Delete(_project, recursive: true);

    // The spec's own LightGBM (40 iterations, 8 leaves, learning rate 0.2) against a space of starved models: 2-4
    // boosting rounds at a tiny learning rate with large leaves, all much weaker than the spec's own configuration.
    private static TuningSettings StarvedSpace() => new()
    {
        Strategy = "random",
        Trials = 7,
        Space =
        [
            SearchParameter.Range("iterations", HyperparameterType.Int, 2, 4),
            SearchParameter.Range("min_examples_per_leaf", HyperparameterType.Int, 40, 120, log: true),
            SearchParameter.Range("learning_rate", HyperparameterType.Float, 0.001, 0.01, log: true),
        ],
    };

    [Fact]
    public void A_blend_of_weaker_trials_is_not_shipped_when_the_starting_trial_is_the_best()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var pipeline = new TunableTitanicPipeline(_project, StarvedSpace());
        int exit = PipelineApp.Run(["tune", "--trials", "7", "--ensemble"], pipeline, output, error);
        var text = output.ToString();
        Assert.True(exit == 0, text + error);
        Assert.Contains("Winner: trial 1:", text);
        Assert.Contains("No trial beat the spec's own configuration on the search objective", text);
        // What is shipped: the winner (trial 1), not a blend of the trials it beat.
        Assert.True(text.Contains("Headline (honest estimate): the single winner's held-back auc"), text);
        Assert.DoesNotContain("the ensemble is kept", text);
        Assert.DoesNotContain("Saved the ensemble", text);
        Assert.Contains("the ensemble is not kept: the starting trial (trial 1, the spec's own configuration) is the study's best and is not an ensemble candidate", text);
        var lockText = File.ReadAllText(pipeline.LockFilePath);
        Assert.DoesNotContain("ensemble:", lockText);
        Assert.Contains("No trial beat the spec's own configuration", lockText);
    }

    [Fact]
    public void A_candidate_that_ties_the_starting_trial_still_lets_a_better_blend_be_kept()
    {
        // A grid whose point min_examples_per_leaf=5 is exactly the spec's own configuration: that trial ties trial 1's search score
        // (trial 1 wins the tie as the earlier trial), so a blend that beats it was compared with the winner's equal.
        var tuning = new TuningSettings { Strategy = "grid", Trials = 4, Space = [SearchParameter.Choice("min_examples_per_leaf", HyperparameterType.Int, 5, 2, 10)] };
        var report = PipelineTuner.Run(new TunableTitanicPipeline(_project, tuning), new TuneOptions { Trials = 4, Ensemble = true, WriteLock = false });
        var best = report.Result.Best!;
        string trials = string.Join("; ", report.Result.Trials.Select(t => $"{t.Number + 1}: {t.Configuration.Describe(report.Space)} {t.Value}"));
        Assert.True(best.Configuration.IsStartingPoint, trials + " | " + report.Ensemble?.Verdict);
        var twin = report.Result.Completed.Single(t => !t.Configuration.IsStartingPoint && t.Configuration["min_examples_per_leaf"] == 5);
        Assert.Equal(best.Value, twin.Value);
        var ensemble = report.Ensemble!;
        Assert.True(ensemble.Members.Count > 1 && ensemble.Keep!.Kept, ensemble.Verdict);
        Assert.True(ensemble.Kept, ensemble.Verdict);
    }
}
