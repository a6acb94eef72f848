using PipelineGen.Runtime.Tuning;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning;

/// <summary>
/// The leaders' re-scoring after the search (<see cref="Rescoring"/>): the winner's curse is that the best of many looks
/// at one set of splits is often lucky; the leaders are scored again on fresh splits and the winner is chosen on the mean
/// over all of them. These tests drive it with a fake objective whose fresh scores are known.
/// </summary>
public sealed class RescoringTests
{
    private static readonly StudyInfo Study = new("s", "P", "h", "d", "f", "random", 3, "auc", true, DateTimeOffset.UtcNow);

    /// <summary>n completed trials with search scores 0.70, 0.71, …: the last is the search's best.</summary>
    private static StudyResult Searched(int n) => new(Study,
        Enumerable.Range(0, n).Select(i => new TrialRecord(i, new Configuration { ["leaves"] = i + 2 }, "complete", 0.70 + 0.01 * i, 0.03, 5, null, TimeSpan.FromSeconds(4))).ToArray(),
        n, StopReason.TrialBudget);

    private static int Leaves(Configuration c) => (int)c["leaves"];

    [Fact]
    public async Task A_lucky_search_best_loses_to_a_leader_that_holds_up_on_fresh_splits()
    {
        var result = Searched(25);
        // Trial 25 (leaves 26) has the best search score, 0.94, but scores 0.80 on fresh splits; trial 24 (0.93) holds at 0.92.
        var seeds = new List<int>();
        Rescoring.Evaluate fake = (c, seed, _) =>
        {
            lock (seeds) seeds.Add(seed);
            return Task.FromResult(new TrialOutcome(Leaves(c) switch { 26 => 0.80, 25 => 0.92, _ => 0.85 }, 0.02, 5));
        };
        var rescored = await Rescoring.RunAsync(result, leaders: 3, searchSeed: 3, workers: 2, deadline: null, fake, CancellationToken.None);

        Assert.Equal(24, rescored.SearchBest!.Number);
        Assert.Equal(23, rescored.Best!.Number);
        var r = rescored.Rescore!;
        Assert.True(r.ChangedWinner);
        Assert.Equal([24, 23, 22], r.Leaders.Select(l => l.Number));
        // 5 search splits at 0.94 and 10 fresh at 0.80: (0.94·5 + 0.80·10) / 15.
        Assert.Equal((0.94 * 5 + 0.80 * 10) / 15, r.Leaders[0].CombinedValue!.Value, 10);
        Assert.Equal(0.80, r.Leaders[0].FreshValue!.Value, 10);
        // Each leader on each fresh seed, and the seeds are not the search's own.
        Assert.Equal([Rescoring.SeedOf(3, 1), Rescoring.SeedOf(3, 2)], r.Seeds);
        Assert.Equal(6, seeds.Count);
        Assert.DoesNotContain(3, seeds);
        Assert.Contains("trial 24 instead of the search's best, trial 25", Rescoring.Describe(r, "auc"));
        Assert.Contains(Rescoring.Lines(r, "auc"), l => l.StartsWith("trial 24: search 0.9300, fresh 0.9200", StringComparison.Ordinal) && l.EndsWith("← chosen", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Lower_is_better_metrics_choose_the_lowest_mean()
    {
        var study = Study with { Metric = "rmse", HigherIsBetter = false };
        var result = new StudyResult(study,
            [new TrialRecord(0, new Configuration { ["leaves"] = 2 }, "complete", 1.0, 0.1, 5, null, TimeSpan.FromSeconds(1)),
             .. Enumerable.Range(1, 20).Select(i => new TrialRecord(i, new Configuration { ["leaves"] = i + 2 }, "complete", 2.0 + i, 0.1, 5, null, TimeSpan.FromSeconds(1)))],
            21, StopReason.TrialBudget);
        // The search's best (rmse 1.0) is 3.0 on fresh splits; trial 2 (3.0 in the search) is 1.5 there.
        Rescoring.Evaluate fake = (c, _, _) => Task.FromResult(new TrialOutcome(Leaves(c) switch { 2 => 3.0, 3 => 1.5, _ => 9.0 }, 0.1, 5));
        var rescored = await Rescoring.RunAsync(result, 2, 1, 1, null, fake, CancellationToken.None);
        Assert.Equal(1, rescored.Best!.Number);
        Assert.Equal(0, rescored.SearchBest!.Number);
    }

    [Fact]
    public async Task A_study_with_few_trials_or_rescoring_off_keeps_the_search_best_without_evaluating()
    {
        int calls = 0;
        Rescoring.Evaluate fake = (_, _, _) => { Interlocked.Increment(ref calls); return Task.FromResult(new TrialOutcome(0.5, 0.1, 5)); };
        var few = Searched(Rescoring.MinCompleted - 1);
        Assert.Same(few, await Rescoring.RunAsync(few, 5, 1, 1, null, fake, CancellationToken.None));
        var off = Searched(30);
        Assert.Same(off, await Rescoring.RunAsync(off, 0, 1, 1, null, fake, CancellationToken.None));
        Assert.Equal(0, calls);
        Assert.Equal(29, off.Best!.Number);
    }

    [Fact]
    public async Task A_leader_that_fails_or_is_cut_by_the_budget_is_not_compared()
    {
        var result = Searched(22);
        // Trial 21 (second best) throws on fresh splits, trial 20 scores well: the choice is among the search's best and trial 20.
        Rescoring.Evaluate fake = (c, _, _) => Leaves(c) switch
        {
            22 => throw new InvalidOperationException("the trainer refused these splits"),
            21 => Task.FromResult(new TrialOutcome(0.99, 0.01, 5)),
            _ => Task.FromResult(new TrialOutcome(0.50, 0.01, 5)),
        };
        var rescored = await Rescoring.RunAsync(result, 3, 1, 1, null, fake, CancellationToken.None);
        Assert.Equal(19, rescored.Best!.Number);
        Assert.False(rescored.Rescore!.Leaders[1].Complete);
        Assert.Contains("1 of the 3 leaders could not be scored on every fresh split", rescored.Rescore.Note);

        // A deadline already passed: nothing starts, and the search's best stays the winner (said so).
        Rescoring.Evaluate never = (_, _, _) => throw new InvalidOperationException("must not run");
        var late = await Rescoring.RunAsync(result, 3, 1, 1, DateTimeOffset.UtcNow.AddSeconds(-1), never, CancellationToken.None);
        Assert.Equal(21, late.Best!.Number);
        Assert.False(late.Rescore!.ChangedWinner);
        Assert.Contains("could not be scored on the fresh splits within the budget", late.Rescore.Note);
    }

    [Fact]
    public void The_search_keeps_back_the_time_the_rescoring_will_take_once_it_has_enough_trials()
    {
        var trials = Searched(Rescoring.MinCompleted).Trials;
        Assert.Equal(TimeSpan.Zero, Rescoring.Reserve(trials.Take(Rescoring.MinCompleted - 1), 5, 2));
        Assert.Equal(TimeSpan.Zero, Rescoring.Reserve(trials, 0, 2));
        // 5 leaders × 2 fresh splits = 10 evaluations of 4 s each, 2 at a time: 20 s; one at a time: 40 s.
        Assert.Equal(TimeSpan.FromSeconds(20), Rescoring.Reserve(trials, 5, 2));
        Assert.Equal(TimeSpan.FromSeconds(40), Rescoring.Reserve(trials, 5, 1));
    }
    /// <summary>
    /// Nested cross-validation reports the search's best beside the re-scored winner, fold by fold on the same outer rows:
    /// where the re-scoring chose another trial that fold counts the search's best's own outer score, elsewhere the winner's.
    /// </summary>
    [Fact]
    public async Task Nested_estimates_say_what_the_search_best_alone_would_have_scored()
    {
        var result = Searched(22);
        Rescoring.Evaluate prefersSecond = (c, _, _) => Task.FromResult(new TrialOutcome(Leaves(c) == 22 ? 0.99 : 0.5, 0.01, 5));
        var changed = await Rescoring.RunAsync(result, 3, 1, 1, null, prefersSecond, CancellationToken.None);
        Rescoring.Evaluate keepsBest = (c, _, _) => Task.FromResult(new TrialOutcome(Leaves(c) == 23 ? 0.99 : 0.5, 0.01, 5));
        var same = await Rescoring.RunAsync(result, 3, 1, 1, null, keepsBest, CancellationToken.None);
        Assert.True(changed.Rescore!.ChangedWinner);
        Assert.False(same.Rescore!.ChangedWinner);
        var report = new NestedReport("auc", 3,
        [
            new OuterFoldResult(0, 100, 50, changed, changed.Best!.Configuration, 0.80, 0.70) { SearchBestScore = 0.74 },
            new OuterFoldResult(1, 100, 50, same, same.Best!.Configuration, 0.78, 0.70),
            new OuterFoldResult(2, 100, 50, result, result.Best!.Configuration, 0.76, 0.70),
        ], []);
        Assert.Equal((0.80 + 0.78 + 0.76) / 3, report.Tuned!.Value.Mean, 10);
        Assert.Equal((0.74 + 0.78 + 0.76) / 3, report.SearchBest!.Value.Mean, 10);
        Assert.Equal(2, report.RescoredFolds);
        Assert.Equal(1, report.RescoreChangedFolds);
    }
}
