using PipelineGen.Runtime.Tuning;
using PipelineGen.Runtime.Tuning.Ensembles;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning.Ensembles;

/// <summary>Hyperband feeds the ensemble from its configurations evaluated at the full budget only (small titanic, 4-fold, LightGBM 1 thread).</summary>
public sealed class HalvingEnsembleTests : IDisposable
{
    private readonly string _project = Training.TitanicTestPipeline.NewProjectDirectory();

    public void Dispose() => Directory.Delete(_project, recursive: true);

    [Fact]
    public void Hyperband_ensemble_candidates_are_the_full_budget_trials_and_pruned_ones_leave_no_out_of_fold_file()
    {
        var tuning = new TuningSettings
        {
            Strategy = "hyperband",
            Space =
            [
                SearchParameter.Range("leaves", HyperparameterType.Int, 2, 64, log: true),
                SearchParameter.Range("learning_rate", HyperparameterType.Float, 0.01, 0.5, log: true),
            ],
        };
        // The trainer declares 40 trees, so the default budget (auto) spends iterations: a low rung fits all rows with
        // fewer trees, and its predictions are still not a comparable member.
        var report = PipelineTuner.Run(new TunableTitanicPipeline(_project, tuning), new TuneOptions { Strategy = "hyperband", BudgetUnits = 6, Ensemble = true, WriteLock = false });
        // The brackets' full-budget trials and the starting point (trial 1, evaluated once at the full budget): all candidates.
        var complete = report.Result.Completed.Select(t => t.Number).ToArray();
        Assert.Single(report.Result.Completed, t => t.Configuration.IsStartingPoint);
        var pruned = report.Result.Trials.Where(t => t.State == "pruned").Select(t => t.Number).ToArray();
        Assert.True(complete.Length >= 2, $"{complete.Length} full-budget trials");
        Assert.NotEmpty(pruned); // low rungs ran, and their losers never reached the full budget
        var ensemble = report.Ensemble;
        Assert.True(ensemble is not null, report.EnsembleNotBuilt);
        Assert.Equal(Math.Min(complete.Length, EnsembleBuilder.CandidateCount), ensemble.Candidates);
        Assert.True(ensemble.OutOfFoldScore >= ensemble.BestSingleOutOfFoldScore);
        Assert.All(ensemble.Members, m => Assert.Contains(m.Trial, complete));
        var directory = OutOfFoldStore.Directory(report.WorkDirectory!, report.Result.Study.Id);
        Assert.All(pruned, n => Assert.False(File.Exists(OutOfFoldStore.PathOf(directory, n)), $"pruned trial {n} has an out-of-fold file"));
        Assert.All(complete, n => Assert.Equal(report.SearchRows, OutOfFoldStore.TryRead(OutOfFoldStore.PathOf(directory, n))!.Value.Predictions.Length));
    }
}
