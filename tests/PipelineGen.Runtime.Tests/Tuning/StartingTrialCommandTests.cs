using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Tests.Training;
using PipelineGen.Runtime.Tuning;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning;

/// <summary>
/// <c>tune</c> with the starting trial on the small titanic data (real LightGBM fits, 1 thread): the spec's own
/// configuration competes as trial 1 and can win, and then the lock pins it.
/// </summary>
public sealed class StartingTrialCommandTests : IDisposable
{
    private readonly string _project = TitanicTestPipeline.NewProjectDirectory();

    public void Dispose() => Directory.Delete(_project, recursive: true);

    /// <summary>
    /// Every point starves the model (1-2 boosting iterations, leaves of at least 100 of ~180 training rows), while the
    /// spec's own values (40 iterations, 5 per leaf) are outside the space and good: the search cannot beat them.
    /// </summary>
    private static TuningSettings Starved(string strategy = "random") => new()
    {
        Strategy = strategy,
        Trials = 4,
        Space =
        [
            SearchParameter.Range("iterations", HyperparameterType.Int, 1, 2),
            SearchParameter.Range("min_examples_per_leaf", HyperparameterType.Int, 100, 140),
        ],
    };

    private (int Exit, string Output, string Error) Cli(IPipelineDefinition pipeline, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = PipelineApp.Run(args, pipeline, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private string LockText => File.ReadAllText(Path.Combine(_project, "pipeline.lock.yaml"));

    private IReadOnlyList<TrialRecord> Journaled()
    {
        using var journal = new TuningJournal(Path.Combine(_project, ".pipelinegen", "tune.db"));
        return journal.Trials(journal.LatestStudy("Titanic")!.Id);
    }

    [Fact]
    public void When_no_trial_beats_the_spec_s_own_configuration_the_lock_pins_it_and_says_so()
    {
        // Issue #17 as it was: without the starting trial the study pins a starved point, worse than the spec's own values.
        var before = Cli(new TunableTitanicPipeline(_project, Starved()), "tune", "--no-ensemble", "--no-lock", "--no-spec-trial");
        Assert.True(before.Exit == 0, before.Output + before.Error);
        Assert.Matches(@"\(tuned - spec = -0\.\d{4}, one fit each", before.Output);

        var run = Cli(new TunableTitanicPipeline(_project, Starved()), "tune", "--no-ensemble");
        Assert.True(run.Exit == 0, run.Output + run.Error);
        Assert.Contains("Trial 1: the spec's own configuration (what 'train' uses now), scored like every trial", run.Output);
        Assert.Contains("trial 1/4  auc 0.", run.Output);
        Assert.Contains("| the spec's own configuration  (", run.Output);
        Assert.Contains("Winner: trial 1: the spec's own configuration", run.Output);
        Assert.Contains("No trial beat the spec's own configuration on the search objective: the lock pins its values.", run.Output);
        // The winner is the spec's pipeline: its held-back score is the comparison's, by one fit.
        Assert.Matches(@"spec's own hyperparameters on the same held-back rows: +auc 0\.\d{4}  \(the winner itself: one fit\)", run.Output);

        var trials = Journaled();
        Assert.Equal(4, trials.Count);
        Assert.Equal(StartingPoint.Spec, trials[0].Configuration.Origin);
        Assert.All(trials.Skip(1), t => Assert.Null(t.Configuration.Origin));
        Assert.All(trials.Skip(1), t => Assert.True(t.Value < trials[0].Value, $"trial {t.Number + 1} {t.Value} vs the spec's {trials[0].Value}"));

        // The spec's own values: its trainer, nothing overridden (a rebuild gives the spec's configuration exactly).
        Assert.Contains("# No trial beat the spec's own configuration (trial 1 of the study): these are its values.", LockText);
        Assert.Contains("trainer: 'LightGbm'\nparams: {}\n", LockText);

        var runs = Cli(new TunableTitanicPipeline(_project, Starved()), "runs");
        Assert.Contains("    winner trial 1: the spec's own configuration; held-back auc 0.", runs.Output);
    }

    [Fact]
    public void After_a_lock_the_starting_point_is_the_pinned_values_and_winning_pins_them_again()
    {
        // What a build with a lock file makes: the pinned values are the pipeline's own (here the same as the spec's).
        var pinned = new TunableTitanicPipeline(_project, Starved("bayesian"))
        { PinnedHyperparameters = new Dictionary<string, string> { ["iterations"] = "40", ["learning_rate"] = "0.2" } };
        var run = Cli(pinned, "tune", "--no-ensemble");
        Assert.True(run.Exit == 0, run.Output + run.Error);
        Assert.Contains("Trial 1: the values pinned before this study (what 'train' uses now)", run.Output);
        Assert.Contains("No trial beat the values pinned before this study on the search objective: the lock pins its values.", run.Output);
        Assert.Contains("trainer: 'LightGbm'\nparams:\n  iterations: 40\n  learning_rate: 0.2\n", LockText);
        Assert.Equal(StartingPoint.Pinned, Journaled()[0].Configuration.Origin);

        // The pinned values changed since trial 1 measured them: a resume would mix two starting points, so it is refused.
        var changed = new TunableTitanicPipeline(_project, Starved("bayesian"));
        var refused = Cli(changed, "tune", "--trials", "5", "--resume");
        Assert.Equal(2, refused.Exit);
        Assert.Contains("its trial 1 measured the values pinned then (iterations=40;learning_rate=0.2), but the pipeline now starts from the spec's own configuration", refused.Error);
    }

    [Fact]
    public void Successive_halving_scores_the_spec_s_own_configuration_once_at_the_full_budget_and_pins_it_when_it_wins()
    {
        var run = Cli(new TunableTitanicPipeline(_project, Starved("halving")), "tune", "--no-ensemble", "--sampler", "random", "--halving-budget", "rows");
        Assert.True(run.Exit == 0, run.Output + run.Error);
        Assert.Contains("Trial 1: the spec's own configuration (what 'train' uses now), scored like every trial; evaluated once at the full budget", run.Output);
        Assert.Contains("Winner: trial 1: the spec's own configuration", run.Output);
        Assert.Contains("trainer: 'LightGbm'\nparams: {}\n", LockText);

        // Journaled as trial 1 at the full budget (no share), in no rung; the 4 configurations of the budget are trials 2-5.
        var trials = Journaled();
        Assert.Equal(5, trials.Count);
        Assert.Equal((StartingPoint.Spec, "complete", (double?)null), (trials[0].Configuration.Origin, trials[0].State, trials[0].Budget));
        Assert.Equal(4, trials[0].Splits); // the spec's protocol: the same 4 folds as the top rung
        using var journal = new TuningJournal(Path.Combine(_project, ".pipelinegen", "tune.db"));
        Assert.DoesNotContain(journal.Rungs(journal.LatestStudy("Titanic")!.Id), r => r.Trial == 0);
    }

    [Fact]
    public void A_study_without_a_starting_trial_resumes_as_it_ran()
    {
        // As a journal written before starting trials existed: --no-spec-trial journals a study without one.
        var first = Cli(new TunableTitanicPipeline(_project, Starved()), "tune", "--trials", "2", "--no-lock", "--no-ensemble", "--no-spec-trial");
        Assert.True(first.Exit == 0, first.Output + first.Error);
        Assert.DoesNotContain("Trial 1:", first.Output);
        var resumed = Cli(new TunableTitanicPipeline(_project, Starved()), "tune", "--trials", "3", "--resume", "--no-lock", "--no-ensemble");
        Assert.True(resumed.Exit == 0, resumed.Output + resumed.Error);
        Assert.Contains("3 trial(s) (1 in this session", resumed.Output);
        Assert.All(Journaled(), t => Assert.False(t.Configuration.IsStartingPoint));
        Assert.DoesNotContain("the spec's own configuration", resumed.Output);
    }

    [Fact]
    public void A_study_where_only_trial_1_ran_says_nothing_was_compared_instead_of_no_trial_beat_it()
    {
        var (exit, text, error) = Cli(new TunableTitanicPipeline(_project, Starved()), "tune", "--trials", "1", "--no-ensemble", "--no-lock");
        Assert.True(exit == 0, text + error);
        Assert.Contains("No other trial ran (trial budget reached after trial 1), so nothing was compared with the spec's own configuration: it stays as it is. Give more --trials or --time to search.", text);
        Assert.DoesNotContain("No trial beat", text);
    }

    [Fact]
    public void Retuning_a_lock_that_pinned_an_ensemble_warns_that_the_new_lock_pins_one_model()
    {
        // Built from a lock with values and an ensemble: trial 1 measures the values only; the new lock has no ensemble.
        var pipeline = new TunableTitanicPipeline(_project, Starved())
        {
            PinnedHyperparameters = new Dictionary<string, string> { ["iterations"] = "40", ["min_examples_per_leaf"] = "5" },
            PinnedEnsemble =
            [
                new PinnedEnsembleMember(0.5, new Dictionary<string, string> { ["iterations"] = "2", ["min_examples_per_leaf"] = "100" }),
                new PinnedEnsembleMember(0.5, new Dictionary<string, string> { ["iterations"] = "1", ["min_examples_per_leaf"] = "120" }),
            ],
        };
        var (exit, text, error) = Cli(pipeline, "tune", "--trials", "3", "--no-ensemble");
        Assert.True(exit == 0, text + error);
        Assert.Contains("warning: pipeline.lock.yaml pinned an ensemble of 2 models before this study; trial 1 measured only its single values", error);
        Assert.Contains("after the next build 'train' fits that model, not the blend", error);
        Assert.DoesNotContain("ensemble:", File.ReadAllText(pipeline.LockFilePath));
    }
}
