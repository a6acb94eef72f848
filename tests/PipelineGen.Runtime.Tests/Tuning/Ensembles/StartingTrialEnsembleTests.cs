using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Tests.Training;
using PipelineGen.Runtime.Tuning;
using PipelineGen.Runtime.Tuning.Ensembles;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning.Ensembles;

/// <summary>
/// Trial 1 (the spec's own or the pinned configuration) is an ensemble candidate like any trial: its out-of-fold
/// predictions are kept, selection and the cross-fitted keep rule compare it with the others, and as a member it is
/// pinned in the lock's 'ensemble:' block ('from: spec') so 'train' rebuilds it exactly: with no values over the lock's
/// single winner when it is that winner, else with the values it was built with (outside the space or not).
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
    public void When_the_starting_trial_is_the_best_it_is_a_candidate_and_a_member_of_the_blend_that_beat_it()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var pipeline = new TunableTitanicPipeline(_project, StarvedSpace());
        int exit = PipelineApp.Run(["tune", "--trials", "7", "--ensemble"], pipeline, output, error);
        var text = output.ToString();
        Assert.True(exit == 0, text + error);
        Assert.Contains("Winner: trial 1:", text);
        Assert.Contains("No trial beat the spec's own configuration on the search objective", text);
        // Trial 1 is a candidate now: the special refusal ("not an ensemble candidate") no longer applies.
        Assert.DoesNotContain("is not an ensemble candidate", text);
        // Its out-of-fold predictions are kept (the pruning after the study keeps only the candidates' files).
        Assert.Single(Directory.GetFiles(Path.Combine(_project, ".pipelinegen"), "trial-0.oof", SearchOption.AllDirectories));
        var lockText = File.ReadAllText(pipeline.LockFilePath);
        Assert.Contains("No trial beat the spec's own configuration", lockText);
        // Seeded, so always so: the blend (trial 1 among its members) beat every single candidate, trial 1 included, by the
        // cross-fitted rule, and is shipped with trial 1 pinned as the lock's single winner plus a member that sets nothing over it.
        // (Before, trial 1 was no candidate and this blend was refused: it had only been compared with trials trial 1 beat.)
        Assert.Contains("x trial 1: the spec's own configuration", text);
        Assert.Contains("the ensemble is kept: cross-fitted on the out-of-fold rows", text);
        Assert.Contains("    - trial: 1\n      weight: ", lockText);
        Assert.Contains("\n      from: spec\n      params: {}\n", lockText);

        // Where the rule cannot compare the blend with trial 1 (its predictions were not kept: a study resumed from a
        // session without --ensemble), the blend of the trials it beat is still not shipped over it.
        var oof = Assert.Single(Directory.GetFiles(Path.Combine(_project, ".pipelinegen"), "trial-0.oof", SearchOption.AllDirectories));
        File.Delete(oof);
        StudyResult study;
        using (var journal = new TuningJournal(Path.Combine(_project, ".pipelinegen", "tune.db")))
        {
            var info = journal.LatestStudy("Titanic")!;
            study = new StudyResult(info, journal.Trials(info.Id), 0, StopReason.TrialBudget);
        }
        var work = Path.Combine(_project, ".pipelinegen", "tune", "Titanic");
        var rebuilt = EnsembleBuilder.Build(pipeline, study, Path.GetDirectoryName(oof)!, Path.Combine(work, "search.csv"), Path.Combine(work, "holdback.csv"), 1, null, [], out _)!;
        Assert.DoesNotContain(rebuilt.CandidateTrials, t => t.Number == 0);
        Assert.False(rebuilt.Kept, rebuilt.Verdict);
        Assert.Contains("the starting trial (trial 1, the spec's own configuration) is the study's best and is not an ensemble candidate (no out-of-fold predictions of it were kept", rebuilt.Verdict);
    }

    [Fact]
    public void The_starting_trial_that_won_is_a_member_of_the_kept_blend_and_pinned_from_the_spec()
    {
        // A grid whose point leaves=8 is exactly the spec's own configuration: that trial ties trial 1's search score
        // (trial 1 wins the tie as the earlier trial); its blend with the stumps (leaves=2, weaker alone) leads by about
        // three standard errors, so it is kept.
        var tuning = new TuningSettings { Strategy = "grid", Trials = 4, Space = [SearchParameter.Choice("leaves", HyperparameterType.Int, 8, 2)] };
        var pipeline = new TunableTitanicPipeline(_project, tuning);
        var report = PipelineTuner.Run(pipeline, new TuneOptions { Trials = 4, Ensemble = true, WriteLock = true });
        var best = report.Result.Best!;
        string trials = string.Join("; ", report.Result.Trials.Select(t => $"{t.Number + 1}: {t.Configuration.Describe(report.Space)} {t.Value}"));
        Assert.True(best.Configuration.IsStartingPoint, trials + " | " + report.Ensemble?.Verdict);
        var ensemble = report.Ensemble!;
        // Trial 1 is a candidate, first (the best; ties go to the earlier trial), and a member of the kept blend.
        Assert.Equal(0, ensemble.CandidateTrials[0].Number);
        Assert.True(ensemble.Kept && ensemble.Members.Count > 1, ensemble.Verdict);
        var starting = Assert.Single(ensemble.Members, m => m.Trial == 0);
        Assert.Equal(StartingPoint.Spec, starting.Configuration.Origin);
        Assert.Empty(starting.Configuration);
        // The lock: trial 1 is the single winner (params: {}) and a member from the spec with nothing set over it.
        var lockText = File.ReadAllText(pipeline.LockFilePath);
        Assert.Contains("params: {}\n", lockText);
        Assert.Contains("    - trial: 1\n      weight: " + starting.Weight.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + "\n      from: spec\n      params: {}\n", lockText);
    }

    [Fact]
    public void A_starting_trial_that_did_not_win_is_pinned_with_the_values_it_was_built_with()
    {
        // The spec's own leaves 8 lie outside the searched range 2-4: the member carries them anyway.
        var tuning = new TuningSettings { Space = [SearchParameter.Range("leaves", HyperparameterType.Int, 2, 4), SearchParameter.Range("learning_rate", HyperparameterType.Float, 0.01, 0.1, log: true)] };
        var spec = new TunableTitanicPipeline(_project, tuning);
        var member = StartingPoint.AsMember(spec, new SearchSpace(tuning.Space), out var why)!;
        Assert.Null(why);
        Assert.Equal(StartingPoint.Spec, member.Origin);
        Assert.Equal(new Dictionary<string, double> { ["leaves"] = 8, ["learning_rate"] = 0.2 }, member.ToDictionary());

        // Built from a lock: the names it pins are written too (a new lock that pins others would drop them).
        var pinned = new TunableTitanicPipeline(_project, tuning) { PinnedHyperparameters = new Dictionary<string, string> { ["iterations"] = "40" } };
        var fromLock = StartingPoint.AsMember(pinned, new SearchSpace(tuning.Space), out _)!;
        Assert.Equal(StartingPoint.Pinned, fromLock.Origin);
        Assert.Equal(40, fromLock["iterations"]);

        // As the lock writes it: the space's names first, then the others, with its origin.
        var path = Path.Combine(_project, "member.lock.yaml");
        LockFile.Write(path, new LockFile("Titanic", "lightgbm", "s1", "h", "auc", 0.8, null, [new("leaves", "3")])
        {
            Ensemble = [LockFile.EnsembleEntry.Of(new EnsembleMember(0, 2, fromLock), new SearchSpace(tuning.Space)), LockFile.EnsembleEntry.Of(new EnsembleMember(4, 1, new Configuration { ["leaves"] = 3, ["learning_rate"] = 0.05 }), new SearchSpace(tuning.Space))],
        });
        Assert.Contains("    - trial: 1\n      weight: 2\n      from: pinned\n      params:\n        leaves: 8\n        learning_rate: 0.2\n        iterations: 40\n    - trial: 5\n      weight: 1\n      params:\n        leaves: 3\n", File.ReadAllText(path));

        // 'train' turns such a member back into a configuration, names outside the space included.
        var rebuilt = PinnedEnsembleTraining.Members(new TunableTitanicPipeline(_project, tuning)
        {
            PinnedEnsemble = [new PinnedEnsembleMember(2, new Dictionary<string, string> { ["leaves"] = "8", ["learning_rate"] = "0.2", ["iterations"] = "40" })],
        });
        Assert.Equal(new Dictionary<string, double> { ["iterations"] = 40, ["leaves"] = 8, ["learning_rate"] = 0.2 }, Assert.Single(rebuilt).Configuration.ToDictionary());

        // The card tune saves with that member names it for what it is, with all its values (iterations is outside the space).
        var card = new EnsemblePipeline(pinned, [new EnsembleMember(0, 2, fromLock), new EnsembleMember(4, 1, new Configuration { ["leaves"] = 3, ["learning_rate"] = 0.05 })]).DescribeBlend().Hyperparameters;
        Assert.Equal("the study's starting trial (the values pinned before that study): leaves=8, learning_rate=0.2, iterations=40", card["member01.values"]);
        Assert.Equal("leaves=3, learning_rate=0.05", card["member02.values"]);
    }

    [Fact]
    public void A_starting_trial_with_a_value_no_member_can_pin_is_no_candidate_unless_it_won()
    {
        // max_bins is searched but the pipeline does not declare its value (as 'auto' is no number): trial 1 cannot be
        // written as values, so it is a candidate only when it won (then it sets nothing over the lock's winner).
        var tuning = new TuningSettings { Space = [SearchParameter.Range("max_bins", HyperparameterType.Int, 16, 255)] };
        Assert.Null(StartingPoint.AsMember(new TunableTitanicPipeline(_project, tuning), new SearchSpace(tuning.Space), out var why));
        Assert.Equal("its max_bins is not declared, not a number a member can pin", why);
    }
}
