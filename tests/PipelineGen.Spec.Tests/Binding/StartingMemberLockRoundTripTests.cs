using PipelineGen.Runtime.Tuning;
using PipelineGen.Runtime.Tuning.Ensembles;
using RuntimeLock = PipelineGen.Runtime.Tuning.LockFile;

namespace PipelineGen.Spec.Tests;

/// <summary>
/// The lock file as 'tune' writes it (the runtime's <see cref="RuntimeLock"/>) with the study's starting trial among the
/// ensemble's members, read back by the build (the binder): both forms of such a member bind with exactly the values
/// written, values outside the declared space included, so 'train' gets what 'tune' pinned.
/// </summary>
public class StartingMemberLockRoundTripTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pg-lock-rt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Starting_trial_members_written_by_tune_bind_with_the_values_written()
    {
        // The space of TuneDiagnosticsTests.Tuned, as the runtime sees it.
        var space = new SearchSpace([
            SearchParameter.Range("leaves", HyperparameterType.Int, 4, 64, log: true),
            SearchParameter.Choice("min_examples_per_leaf", HyperparameterType.Int, 5, 20),
        ]);
        var path = Path.Combine(_dir, "pipeline.lock.yaml");
        RuntimeLock.Write(path, new RuntimeLock("Churn", "lightgbm", "s1", "hash", "auc", 0.8, 0.78, [new("leaves", "16"), new("min_examples_per_leaf", "20")])
        {
            Ensemble =
            [
                // Trial 1 when it did not win: the values it was built with (min_examples_per_leaf 10 and iterations are not in the space).
                RuntimeLock.EnsembleEntry.Of(new EnsembleMember(0, 0.5, new Configuration { Origin = StartingPoint.Spec, ["leaves"] = 8, ["min_examples_per_leaf"] = 10, ["iterations"] = 30 }), space),
                // Trial 1 when it won: nothing over the single winner's values above.
                RuntimeLock.EnsembleEntry.Of(new EnsembleMember(0, 0.25, StartingPoint.Of(StartingPoint.Pinned)), space),
                RuntimeLock.EnsembleEntry.Of(new EnsembleMember(5, 0.25, new Configuration { ["leaves"] = 32, ["min_examples_per_leaf"] = 5 }), space),
            ],
            EnsembleHoldbackScore = 0.79,
        });
        var written = File.ReadAllText(path);
        Assert.Contains("      from: spec\n", written);
        Assert.Contains("      from: pinned\n      params: {}\n", written);

        var result = TuneDiagnosticsTests.BindWithLock(TuneDiagnosticsTests.Tuned, written);
        Assert.Empty(result.Diagnostics);
        var members = result.Pipeline!.Lock!.Ensemble!.Value;
        Assert.Equal([0.5, 0.25, 0.25], members.Select(m => m.Weight));
        Assert.Equal(["leaves", "min_examples_per_leaf", "iterations"], members[0].Names);
        Assert.Equal(["8", "10", "30"], members[0].Values);
        Assert.Empty(members[1].Names);
        Assert.Equal(["32", "5"], members[2].Values);
        // Where a starting-trial member came from reaches the emitted code, so train's model card can say it.
        Assert.Equal(["spec", "pinned", null], members.Select(m => m.From));
    }
}
