using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Tests.Training;
using PipelineGen.Runtime.Tuning;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning;

/// <summary>
/// <c>tune --resume</c> after the study's own lock was built in (real LightGBM fits on the small titanic, 1 thread): the
/// lock pins exactly that study's winner, so extending the budget continues the study; a lock from elsewhere, or with
/// other values, is still refused with the reason.
/// </summary>
public sealed class ResumeAfterOwnLockTests : IDisposable
{
    private readonly string _project = TitanicTestPipeline.NewProjectDirectory();

    public void Dispose() => Directory.Delete(_project, recursive: true);

    private static readonly TuningSettings Space = new()
    {
        Strategy = "random",
        Trials = 3,
        Space =
        [
            SearchParameter.Range("leaves", HyperparameterType.Int, 4, 16),
            SearchParameter.Range("learning_rate", HyperparameterType.Float, 0.05, 0.3, log: true),
        ],
    };

    /// <summary>A spec whose own values starve the model (1 boosting iteration, 120 rows a leaf): a proposal wins.</summary>
    private TunableTitanicPipeline Pipeline(IReadOnlyDictionary<string, string>? pinned = null) =>
        new(_project, Space, overrides: new Dictionary<string, double> { ["iterations"] = 1, ["min_examples_per_leaf"] = 120 })
        { PinnedHyperparameters = pinned ?? new Dictionary<string, string>() };

    private (int Exit, string Output, string Error) Cli(IPipelineDefinition pipeline, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = PipelineApp.Run(args, pipeline, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private string LockPath => Path.Combine(_project, "pipeline.lock.yaml");

    /// <summary>What a build compiles in from the lock file: its params as written.</summary>
    private Dictionary<string, string> Built()
    {
        var pinned = new Dictionary<string, string>(StringComparer.Ordinal);
        bool inParams = false;
        foreach (var line in File.ReadLines(LockPath))
        {
            if (!line.StartsWith(' ')) { inParams = line.StartsWith("params:", StringComparison.Ordinal); continue; }
            if (inParams) { var parts = line.Trim().Split(": "); pinned[parts[0]] = parts[1]; }
        }
        return pinned;
    }

    private IReadOnlyList<TrialRecord> Journaled()
    {
        using var journal = new TuningJournal(Path.Combine(_project, ".pipelinegen", "tune.db"));
        return journal.Trials(journal.LatestStudy("Titanic")!.Id);
    }

    [Fact]
    public void A_finished_study_resumed_with_its_own_lock_built_in_extends_its_budget_and_another_lock_is_refused()
    {
        var first = Cli(Pipeline(), "tune", "--no-ensemble");
        Assert.True(first.Exit == 0, first.Output + first.Error);
        var winner = Journaled().Where(t => t.State == "complete").MaxBy(t => t.Value)!;
        Assert.False(winner.Configuration.IsStartingPoint, "the starved spec won; the test needs a proposal to win");
        var pinned = Built();
        Assert.Equal(["learning_rate", "leaves"], pinned.Keys.Order(StringComparer.Ordinal));

        // The build compiled the study's own lock: the resume continues it (trial 1, the spec's own, neither rerun nor lost).
        var resumed = Cli(Pipeline(pinned), "tune", "--trials", "5", "--resume", "--no-ensemble", "--no-lock");
        Assert.True(resumed.Exit == 0, resumed.Output + resumed.Error);
        Assert.Contains("5 trial(s) (2 in this session", resumed.Output);
        var trials = Journaled();
        Assert.Equal(5, trials.Count);
        Assert.Single(trials, t => t.Configuration.IsStartingPoint);
        Assert.Equal(StartingPoint.Spec, trials[0].Configuration.Origin);

        // Values that are not the study's winner (edited by hand, or pinned by another study): refused as before.
        var edited = new Dictionary<string, string>(pinned) { ["leaves"] = pinned["leaves"] == "4" ? "5" : "4" };
        var refused = Cli(Pipeline(edited), "tune", "--trials", "6", "--resume", "--no-ensemble");
        Assert.Equal(2, refused.Exit);
        Assert.Contains("its trial 1 measured the spec's own configuration, but the pipeline now starts from the values pinned then", refused.Error);

        // The same values, but the lock names another study: it did not come from this one.
        File.WriteAllText(LockPath, System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(LockPath), @"  id: '[^']*'", "  id: 'another-study'"));
        var elsewhere = Cli(Pipeline(pinned), "tune", "--trials", "6", "--resume", "--no-ensemble");
        Assert.Equal(2, elsewhere.Exit);
        Assert.Contains("its trial 1 measured the spec's own configuration", elsewhere.Error);
        Assert.Equal(5, Journaled().Count);
    }
}
