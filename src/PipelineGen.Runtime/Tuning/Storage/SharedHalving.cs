namespace PipelineGen.Runtime.Tuning.Storage;

/// <summary>
/// One rung evaluation of a shared successive-halving / Hyperband study, as the storage holds it. <c>State</c>:
/// <c>pending</c> (its bracket was opened or it was promoted; nobody runs it yet), <c>running</c> (claimed by
/// <see cref="WorkerId"/>), <c>complete</c>, <c>failed</c> (with <see cref="Lost"/> when its worker stopped sending
/// heartbeats) or <c>stopped</c> (ended by the study's time budget). <see cref="Attempts"/>: how many times it was claimed.
/// </summary>
internal sealed record RungRow(int Trial, int Rung, int Bracket, double Fraction, Configuration Configuration, string State)
{
    public double? Value { get; init; }
    public double? StdDev { get; init; }
    public int Splits { get; init; }
    public string? Error { get; init; }
    public TimeSpan Duration { get; init; }
    public string? WorkerId { get; init; }
    public DateTimeOffset? HeartbeatUtc { get; init; }
    public bool Lost { get; init; }
    public int Attempts { get; init; }

    public RungResult ToResult() => new(Trial, Rung, Bracket, Fraction, Configuration, State, Value, StdDev, Splits, Error, Duration);
}

/// <summary>What a rung claim sees, read under the study's lock: every rung row, the rungs already promoted, whether the time budget is over.</summary>
internal sealed record RungContext(StudyInfo Study, IReadOnlyList<RungRow> Rows, IReadOnlySet<(int Bracket, int Rung)> Promoted, bool DeadlinePassed);

/// <summary>
/// What one rung claim writes, in the claim's transaction: rows of a newly opened bracket or of promoted trials (all
/// <c>pending</c>), the rungs promoted now (a primary key per (bracket, rung): promotion happens once), the trial
/// verdicts now known (complete, pruned, failed), and the row this worker takes (null: nothing to run now).
/// <see cref="Stop"/> is set when the study is over for everyone (nothing pending, running or retryable, and no bracket can be opened).
/// </summary>
internal sealed record RungPlan(
    IReadOnlyList<RungRow> NewRows, IReadOnlyList<(int Bracket, int Rung)> Promotions, IReadOnlyList<TrialRecord> Verdicts, (int Trial, int Rung)? Claim, StopReason? Stop);

/// <summary>
/// The schedule of a shared successive-halving / Hyperband study as a pure function of what the storage holds (the
/// same brackets and rung sizes as <see cref="HalvingRunner"/>). Every claim, under the study's lock: (1) promotes each
/// rung whose evaluations are all done (complete, or failed and not to be retried) exactly as the single-process
/// runner does: failed ones get a <c>failed</c> verdict, the best ⌊n/eta⌋ get a <c>pending</c> row at the next rung,
/// the rest a <c>pruned</c> verdict, and the top rung's a <c>complete</c> one; (2) takes the first claimable row (oldest
/// bracket, lowest rung, lowest trial); (3) when none is left and the trial budget allows, opens the next bracket,
/// proposing its configurations from the finished rung results of the brackets before it (BOHB's observations), so
/// idle workers start the next bracket instead of waiting for a rung to fill. With one worker a bracket opens only
/// when the one before is over, which is the single-process order (same proposals, same results); with several, the
/// random sampler still proposes the same configurations (they depend on the seed and trial number only), while TPE
/// sees what was finished when the bracket opened.
/// </summary>
internal static class SharedHalving
{
    /// <summary>A lost evaluation is run again once with --retry-lost (its second loss is a failure).</summary>
    public const int MaxAttempts = 2;

    /// <summary>
    /// The bracket number of the starting point's row: trial 1 (number 0), one evaluation at the full budget, in no real
    /// bracket (one rung, no promotion); the brackets' configurations are numbered after it.
    /// </summary>
    public const int StartingBracket = -1;

    /// <summary>The starting point's configuration (no value: its origin), which the stored row's params cannot carry.</summary>
    public static Configuration StartingConfiguration(StudyInfo study) => StartingPoint.Of(StartingPoint.OriginOf(study.StartingPoint!));

    public static bool Claimable(RungRow row, bool retryLost) =>
        row.State == "pending" || (retryLost && row.State == "failed" && row.Lost && row.Attempts < MaxAttempts);

    private static bool Done(RungRow row, bool retryLost) =>
        row.State == "complete" || (row.State == "failed" && !Claimable(row, retryLost));

    public static RungPlan Plan(RungContext context, SearchSpace space, HalvingOptions options, ISampler sampler, bool retryLost)
    {
        var study = context.Study;
        int trials = study.TrialBudget ?? throw new InvalidOperationException($"shared study {study.Id} has no trial budget.");
        var rows = context.Rows.Select(r => r.Bracket == StartingBracket ? r with { Configuration = StartingConfiguration(study) } : r).ToDictionary(r => (r.Trial, r.Rung));
        var promoted = new HashSet<(int, int)>(context.Promoted);
        var newRows = new List<RungRow>();
        // (0) The starting point first: the study's first claim opens its row (under the lock: exactly one worker runs it).
        if (study.StartingPoint is not null && !context.DeadlinePassed && !rows.Values.Any(r => r.Bracket == StartingBracket))
        {
            var start = new RungRow(0, 0, StartingBracket, 1.0, StartingConfiguration(study), "pending");
            rows[(0, 0)] = start;
            newRows.Add(start);
        }
        int first = study.StartingPoint is null ? 0 : 1;
        var promotions = new List<(int, int)>();
        var verdicts = new List<TrialRecord>();

        // (1) Promotions: one pass per bracket and rung, lowest first (a promotion makes the next rung's rows).
        foreach (int bracket in rows.Values.Select(r => r.Bracket).Distinct().Order())
        {
            int s = bracket == StartingBracket ? 0 : options.Promotions(bracket);
            int n = rows.Values.Count(r => r.Bracket == bracket && r.Rung == 0);
            var sizes = options.RungSizes(n, s);
            for (int i = 0; i <= s; i++)
            {
                if (promoted.Contains((bracket, i))) continue;
                var rung = rows.Values.Where(r => r.Bracket == bracket && r.Rung == i).OrderBy(r => r.Trial).ToArray();
                if (rung.Length == 0 || !rung.All(r => Done(r, retryLost))) break;
                double fraction = rung[0].Fraction;
                foreach (var r in rung.Where(r => r.State == "failed"))
                    verdicts.Add(Verdict(r, "failed", fraction >= 1 ? null : fraction));
                var ranked = rung.Where(r => r.State == "complete").OrderBy(r => Loss(study, r)).ThenBy(r => r.Trial).ToArray();
                if (i == s)
                {
                    verdicts.AddRange(ranked.Select(r => Verdict(r, "complete", fraction >= 1 ? null : fraction)));
                }
                else
                {
                    var up = ranked.Take(sizes[i + 1]).ToArray();
                    verdicts.AddRange(ranked.Skip(up.Length).Select(r => Verdict(r, "pruned", fraction)));
                    double next = options.Fraction(i + 1 + options.MaxLevel - s);
                    foreach (var r in up)
                    {
                        var row = new RungRow(r.Trial, i + 1, bracket, next, r.Configuration, "pending");
                        rows[(row.Trial, row.Rung)] = row;
                        newRows.Add(row);
                    }
                }
                promoted.Add((bracket, i));
                promotions.Add((bracket, i));
            }
        }

        // (2) The first claimable row.
        if (context.DeadlinePassed)
            return new RungPlan(newRows, promotions, verdicts, null, rows.Values.Any(r => r.State == "running") ? null : StopReason.TimeBudget);
        var claimable = rows.Values.Where(r => Claimable(r, retryLost)).OrderBy(r => r.Bracket).ThenBy(r => r.Rung).ThenBy(r => r.Trial).FirstOrDefault();
        if (claimable is not null) return new RungPlan(newRows, promotions, verdicts, (claimable.Trial, claimable.Rung), null);

        // (3) Nothing to claim: open the next bracket while the trial budget (the brackets' configurations) lasts.
        int configurations = rows.Values.Count(r => r.Rung == 0 && r.Bracket != StartingBracket);
        int offset = first + configurations;
        StopReason? over = null;
        if (configurations < trials)
        {
            int nextBracket = rows.Values.Select(r => r.Bracket).DefaultIfEmpty(-1).Max() + 1;
            int s = options.Promotions(nextBracket);
            int n = Math.Min(options.BracketSize(s), trials - configurations);
            var finished = HalvingRunner.Observations(
                rows.Values.Where(r => r.Bracket != StartingBracket && r.Trial < offset && !r.Lost && r.State is "complete" or "failed").Select(r => r.ToResult()), study, sampler);
            var opened = new List<RungRow>();
            for (int k = 0; k < n; k++)
            {
                var config = sampler.Propose(space, offset + k, finished);
                if (config is null) break;
                opened.Add(new RungRow(offset + k, 0, nextBracket, options.Fraction(options.MaxLevel - s), config, "pending"));
            }
            if (opened.Count > 0)
            {
                newRows.AddRange(opened);
                return new RungPlan(newRows, promotions, verdicts, (opened[0].Trial, 0), null);
            }
            over = StopReason.SpaceExhausted;
        }
        // Over for everyone only when nothing runs or waits for a promotion (a running row may yet be promoted).
        bool busy = rows.Values.Any(r => r.State == "running");
        return new RungPlan(newRows, promotions, verdicts, null, busy ? null : over ?? StopReason.TrialBudget);
    }

    private static TrialRecord Verdict(RungRow r, string state, double? budget) =>
        new(r.Trial, r.Configuration, state, state == "failed" ? null : r.Value, state == "failed" ? null : r.StdDev, r.Splits, r.Error, r.Duration)
        { Budget = budget, Lost = r.Lost, WorkerId = r.WorkerId };

    private static double Loss(StudyInfo study, RungRow r) => study.HigherIsBetter ? -r.Value!.Value : r.Value!.Value;
}
