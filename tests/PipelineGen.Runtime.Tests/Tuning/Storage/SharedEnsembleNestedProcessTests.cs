using PipelineGen.Runtime.Tuning.Storage;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning.Storage;

/// <summary>
/// <c>tune --ensemble</c> and <c>tune --nested</c> with a shared storage: two real <c>tune</c> processes (the FaultHost's
/// tunable Titanic stand-in) share the study in a real PostgreSQL and each ends with the same ensemble / the same
/// nested estimate, although each evaluated only part of the trials.
/// </summary>
public sealed class SharedEnsembleNestedProcessTests : IDisposable
{
    private readonly TuneWorkerProcesses _workers = new();

    public void Dispose() => _workers.Dispose();

    /// <summary>Starts <paramref name="count"/> tune processes with the same arguments and returns each one's output once all have exited 0.</summary>
    private string[] RunWorkers(int count, params string[] args)
    {
        var runs = Enumerable.Range(0, count).Select(_ => _workers.Start(args)).ToArray();
        foreach (var run in runs) TuneWorkerProcesses.AssertSucceeds(run, TimeSpan.FromMinutes(5), "a worker did not finish");
        return runs.Select(r => r.Output.Result).ToArray();
    }

    private static string Section(string output, string start)
    {
        int i = output.IndexOf(start, StringComparison.Ordinal);
        Assert.True(i >= 0, $"'{start}' not in the output:\n{output}");
        var lines = output[i..].Split('\n');
        return string.Join('\n', lines.TakeWhile((l, k) => k == 0 || l.StartsWith("  ", StringComparison.Ordinal)));
    }

    [SkippableFact]
    public void Two_workers_of_an_ensemble_study_store_every_trials_out_of_fold_predictions_and_build_the_same_ensemble()
    {
        var connection = PostgresServer.Shared.NewDatabase();
        var outputs = RunWorkers(2, "--storage", connection, "--ensemble", "--trials", "6", "--no-lock");

        using var storage = new PostgresStudyStorage(connection);
        var study = storage.LatestStudy("Titanic")!;
        var trials = storage.Trials(study.Id);
        Assert.Equal(6, trials.Count);
        Assert.True(trials.Select(t => t.WorkerId).Distinct().Count() >= 2, "the study was not shared");
        // Trial 1 is the starting point, run by one of the two; an ensemble candidate like the others, it stores its predictions.
        Assert.Single(trials, t => t.Configuration.IsStartingPoint);
        // Every finished trial's predictions are in the storage, whichever worker ran it.
        Assert.Equal(trials.Where(t => t.State == "complete").Select(t => t.Number), storage.OutOfFold(study.Id).Keys.Order());
        // Each worker built its ensemble from all of them: the same members, weights and scores.
        var sections = outputs.Select(o => Section(o, "Ensemble (greedy selection")).ToArray();
        Assert.Equal(sections[0], sections[1]);
        Assert.Contains(" x trial ", sections[0]);
    }

    [SkippableFact]
    public void Two_workers_of_a_nested_study_share_each_outer_folds_search_and_report_the_same_estimate()
    {
        var connection = PostgresServer.Shared.NewDatabase();
        var outputs = RunWorkers(2, "--storage", connection, "--nested", "2", "--trials", "3", "--no-lock");

        using var storage = new PostgresStudyStorage(connection);
        var workers = new HashSet<string?>();
        for (int fold = 1; fold <= 2; fold++)
        {
            // Each outer fold's search is a sub-study of its own, on that fold's rows.
            var sub = storage.LatestStudy($"Titanic/outer-{fold}-of-2");
            Assert.NotNull(sub);
            var trials = storage.Trials(sub.Id);
            Assert.Equal([0, 1, 2], trials.Select(t => t.Number));
            workers.UnionWith(trials.Select(t => t.WorkerId));
        }
        Assert.True(workers.Count >= 2, "the outer searches were not shared");
        var estimates = outputs.Select(o => Section(o, "Honest estimate")).ToArray();
        Assert.Equal(estimates[0], estimates[1]);
        Assert.Contains("over 2 outer fold(s)", estimates[0]);
    }
}
