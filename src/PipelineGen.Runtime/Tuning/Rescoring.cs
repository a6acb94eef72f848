using System.Diagnostics;
using System.Globalization;

namespace PipelineGen.Runtime.Tuning;

/// <summary>One leading trial scored again: its search score, and its scores on the fresh splits (null: that one failed or never ran).</summary>
internal sealed record RescoredTrial(int Number, double SearchValue, int SearchSplits, IReadOnlyList<TrialOutcome?> Rescores)
{
    /// <summary>True when every fresh evaluation finished with a score: only such trials are compared.</summary>
    public bool Complete => Rescores.All(r => r is { } o && double.IsFinite(o.Value));

    /// <summary>The metric's mean over every split it was measured on (the search's and the fresh ones), weighted by split count; null unless <see cref="Complete"/>.</summary>
    public double? CombinedValue => !Complete ? null
        : (SearchValue * SearchSplits + Rescores.Sum(r => r!.Value * r.Splits)) / (SearchSplits + Rescores.Sum(r => r!.Splits));

    /// <summary>The mean of the fresh evaluations alone (never used to choose: shown so the reader sees how much the search score shrank).</summary>
    public double? FreshValue => !Complete ? null : Rescores.Sum(r => r!.Value * r.Splits) / (double)Rescores.Sum(r => r!.Splits);
}

/// <summary>What the re-scoring did: the leaders, their scores on fresh splits, the seeds of those splits, and the trial chosen.</summary>
internal sealed record RescoreResult(IReadOnlyList<RescoredTrial> Leaders, IReadOnlyList<int> Seeds, int ChosenNumber, int SearchBestNumber, string? Note)
{
    /// <summary>True when the steadier mean chose another trial than the search's best score.</summary>
    public bool ChangedWinner => ChosenNumber != SearchBestNumber;
}

/// <summary>
/// Intensification (SMAC's "intensify", iterated racing): the search's best score is the best of many looks at one set
/// of splits, so the trial with it is often a lucky one (the winner's curse; benchmarks §9d measured it on credit-g:
/// fixed configurations of the space reach 0.797–0.800 AUC, the nested search's single winners 0.7827). After the
/// search, the <see cref="Leaders"/> best trials are evaluated again under the spec's protocol on
/// <see cref="Repeats"/> fresh sets of splits (other seeds), and the winner is the one with the best mean over all of
/// its splits. It runs when the study compared at least <see cref="MinCompleted"/> configurations (with fewer, the
/// bias is small and the extra fits are not worth it); with a time budget the search keeps back the time it will take
/// (<see cref="Reserve"/>), so the whole study stays inside the budget.
/// </summary>
internal static class Rescoring
{
    /// <summary>How many of the best trials are scored again (<c>tune --rescore N</c>; 0 turns it off).</summary>
    public const int Leaders = 5;
    /// <summary>Fresh sets of splits each leader is scored on.</summary>
    public const int Repeats = 2;
    /// <summary>Completed trials a study needs before its leaders are re-scored.</summary>
    public const int MinCompleted = 20;

    /// <summary>Evaluates a configuration under the spec's protocol with the splits and models of another seed.</summary>
    public delegate Task<TrialOutcome> Evaluate(Configuration configuration, int seed, CancellationToken cancellation);

    /// <summary>The seed of the r-th fresh set of splits (r from 1): far from the search's own and from each other.</summary>
    public static int SeedOf(int searchSeed, int repeat) => unchecked(searchSeed + 7919 * repeat);

    /// <summary>
    /// Time the search keeps back for the re-scoring: once <see cref="MinCompleted"/> trials completed, the leaders'
    /// evaluations (<paramref name="leaders"/> × <see cref="Repeats"/>, <paramref name="workers"/> at a time) at the
    /// completed trials' mean duration. Zero before then, or when re-scoring is off.
    /// </summary>
    public static TimeSpan Reserve(IEnumerable<TrialRecord> trials, int leaders, int workers)
    {
        if (leaders <= 0) return TimeSpan.Zero;
        var completed = trials.Where(t => t.State == "complete" && t.Budget is not < 1).ToArray();
        if (completed.Length < MinCompleted) return TimeSpan.Zero;
        double mean = completed.Average(t => t.Duration.TotalSeconds);
        int rounds = (int)Math.Ceiling(Math.Min(leaders, completed.Length) * Repeats / (double)Math.Max(1, workers));
        return TimeSpan.FromSeconds(mean * rounds);
    }

    /// <summary>
    /// Re-scores the leaders of <paramref name="result"/> and returns it with <see cref="StudyResult.Rescore"/> set (its
    /// <see cref="StudyResult.Best"/> is then the chosen trial), or unchanged when there is nothing to do. Evaluations start
    /// best-ranked first, up to <paramref name="workers"/> at once, and none starts after <paramref name="deadline"/>;
    /// the choice is among the leaders whose fresh evaluations all finished, so a leader cut short by the budget (or one
    /// that fails on other splits) is not chosen on fewer splits than the others. The search's best is evaluated first:
    /// when even its re-scoring did not finish, the search's best stays the winner, as without re-scoring.
    /// </summary>
    public static async Task<StudyResult> RunAsync(StudyResult result, int leaders, int searchSeed, int workers, DateTimeOffset? deadline, Evaluate evaluate, CancellationToken cancellation)
    {
        var completed = result.Completed.Where(t => t.Budget is not < 1).ToArray();
        if (leaders <= 0 || completed.Length < MinCompleted || result.SearchBest is not { } searchBest) return result;
        var ranked = completed.OrderBy(t => result.Study.HigherIsBetter ? -t.Value!.Value : t.Value!.Value).ThenBy(t => t.Number).Take(leaders).ToArray();
        var seeds = Enumerable.Range(1, Repeats).Select(r => SeedOf(searchSeed, r)).ToArray();
        var outcomes = ranked.ToDictionary(t => t.Number, _ => new TrialOutcome?[Repeats]);
        using var gate = new SemaphoreSlim(Math.Max(1, workers));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        if (deadline is { } d) stop.CancelAfter(Max(TimeSpan.Zero, d - DateTimeOffset.UtcNow));
        var running = new List<Task>();
        foreach (var (trial, repeat) in ranked.SelectMany(t => Enumerable.Range(0, Repeats).Select(r => (t, r))))
        {
            try { await gate.WaitAsync(stop.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested) { break; } // the budget ended: start nothing more
            running.Add(Task.Run(async () =>
            {
                try { outcomes[trial.Number][repeat] = await evaluate(trial.Configuration, seeds[repeat], stop.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) when (!cancellation.IsCancellationRequested) { /* ended by the budget: not compared */ }
                catch (Exception e) when (e is not OutOfMemoryException) { /* fails on other splits: not compared */ }
                finally { gate.Release(); }
            }, CancellationToken.None)); // always runs, so the gate is released
        }
        await Task.WhenAll(running).ConfigureAwait(false);
        cancellation.ThrowIfCancellationRequested();

        var rescored = ranked.Select(t => new RescoredTrial(t.Number, t.Value!.Value, t.Splits, outcomes[t.Number])).ToArray();
        var comparable = rescored.Where(x => x.Complete).ToArray();
        string? note = null;
        int chosen = searchBest.Number;
        if (comparable.All(x => x.Number != searchBest.Number))
            note = "the search's best trial could not be scored on the fresh splits within the budget, so it stays the winner";
        else
        {
            chosen = comparable.OrderBy(x => result.Study.HigherIsBetter ? -x.CombinedValue!.Value : x.CombinedValue!.Value).ThenBy(x => x.Number).First().Number;
            int missing = rescored.Length - comparable.Length;
            if (missing > 0) note = $"{missing} of the {rescored.Length} leaders could not be scored on every fresh split (the time budget, or a failure) and were not compared";
        }
        return result with { Rescore = new RescoreResult(rescored, seeds, chosen, searchBest.Number, note) };
    }

    /// <summary>One line per leader for the console and the report: search score, fresh mean, mean over all splits.</summary>
    public static IEnumerable<string> Lines(RescoreResult rescore, string metric)
    {
        foreach (var x in rescore.Leaders)
        {
            string fresh = x.Complete ? $"fresh {F(x.FreshValue!.Value)}, over all {x.SearchSplits + x.Rescores.Sum(r => r!.Splits)} splits {F(x.CombinedValue!.Value)}" : "not scored on every fresh split";
            yield return $"trial {x.Number + 1}: search {F(x.SearchValue)}, {fresh}{(x.Number == rescore.ChosenNumber ? "  ← chosen" : "")}";
        }
    }

    /// <summary>How the re-scoring was done, in one sentence naming the seeds.</summary>
    public static string Describe(RescoreResult rescore, string metric) =>
        $"the {rescore.Leaders.Count} best trials were scored again under the spec's protocol on {rescore.Seeds.Count} fresh sets of splits (seeds {string.Join(", ", rescore.Seeds)}) "
        + $"and the winner is the best {metric} mean over all their splits, "
        + (rescore.ChangedWinner ? $"trial {rescore.ChosenNumber + 1} instead of the search's best, trial {rescore.SearchBestNumber + 1}" : $"the search's best, trial {rescore.SearchBestNumber + 1}, again")
        + (rescore.Note is null ? "" : $" ({rescore.Note})");

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string F(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
}
