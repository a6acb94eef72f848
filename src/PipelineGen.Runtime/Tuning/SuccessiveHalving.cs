using System.Diagnostics;
using System.Globalization;

namespace PipelineGen.Runtime.Tuning;

/// <summary>
/// The schedule of successive halving and Hyperband (Li et al. 2018). The budget of an evaluation is the share of each
/// training fold the model is fitted on (<see cref="Evaluation.TrainingSubsample"/>): it needs nothing from the
/// generator and works for every trainer. Rung levels 0..<see cref="MaxLevel"/> train on eta^(level − MaxLevel) of the
/// rows, so the top level is the full training fold. A bracket with s promotions starts n configurations at level
/// MaxLevel − s and keeps the best ⌊n/eta⌋ at each rung. <c>halving</c> repeats the most aggressive bracket
/// (s = MaxLevel, n = eta^s); <c>hyperband</c> cycles s = MaxLevel, …, 0 with n = ⌈(MaxLevel+1)/(s+1) · eta^s⌉, so
/// some brackets hedge against low budgets that rank configurations wrongly.
/// </summary>
internal sealed record HalvingOptions(bool Hyperband, int Eta, int MaxLevel, string Sampler)
{
    /// <summary>Fewest training rows the lowest rung fits on (per fold): below that, rankings are mostly noise.</summary>
    public const int MinRowsAtLowestRung = 50;

    public static bool IsHalving(string strategy) => strategy is "halving" or "hyperband";

    /// <summary>
    /// The schedule for a study whose training folds hold about <paramref name="trainingRowsPerFold"/> rows: as many
    /// levels as keep the lowest rung at <see cref="MinRowsAtLowestRung"/> rows or more (at least 1, at most 4).
    /// </summary>
    public static HalvingOptions For(string strategy, long trainingRowsPerFold, int eta = 3, string sampler = "bayesian")
    {
        if (!IsHalving(strategy)) throw new ArgumentException($"'{strategy}' is not successive halving.");
        if (eta < 2) throw new ArgumentException($"the reduction factor eta is {eta}; use 2 or more (3 is the usual).");
        if (sampler is not ("bayesian" or "random"))
            throw new ArgumentException($"{strategy} draws its configurations from the bayesian (TPE) or random sampler, not '{sampler}'.");
        int levels = (int)Math.Floor(Math.Log(Math.Max(1.0, trainingRowsPerFold / (double)MinRowsAtLowestRung)) / Math.Log(eta) + 1e-9);
        return new HalvingOptions(strategy == "hyperband", eta, Math.Clamp(levels, 1, 4), sampler);
    }

    /// <summary>What a resumed study must match (journaled with the study).</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"eta={Eta};levels={MaxLevel};sampler={Sampler}");

    /// <summary>Share of each training fold at a rung level.</summary>
    public double Fraction(int level) => Math.Pow(Eta, level - MaxLevel);

    /// <summary>Promotions in bracket <paramref name="bracket"/> (0, 1, …): halving always MaxLevel; Hyperband cycles MaxLevel..0.</summary>
    public int Promotions(int bracket) => Hyperband ? MaxLevel - bracket % (MaxLevel + 1) : MaxLevel;

    /// <summary>Configurations a bracket with <paramref name="s"/> promotions starts: ⌈(MaxLevel+1)/(s+1) · eta^s⌉ (Hyperband), eta^s (halving).</summary>
    public int BracketSize(int s) => Hyperband
        ? (int)Math.Ceiling((MaxLevel + 1.0) / (s + 1) * Math.Pow(Eta, s) - 1e-9)
        : (int)Math.Round(Math.Pow(Eta, s));

    /// <summary>Rung sizes of a bracket starting <paramref name="n"/> configurations with <paramref name="s"/> promotions: n, ⌊n/eta⌋, … (never below 1).</summary>
    public IReadOnlyList<int> RungSizes(int n, int s)
    {
        var sizes = new List<int> { n };
        for (int i = 1; i <= s; i++) sizes.Add(Math.Max(1, sizes[^1] / Eta));
        return sizes;
    }

    public ISampler CreateSampler(int seed) => Samplers.Create(Sampler, seed);
}

/// <summary>
/// Runs a study by successive halving or Hyperband. Brackets run one after another; within a rung, up to <c>workers</c>
/// evaluations run at once. Every rung result is journaled (<see cref="RungJournal"/>) when it finishes, and a trial's
/// verdict goes to the trials table when it is known: <c>complete</c> at the full budget, <c>failed</c> at any rung,
/// <c>pruned</c> when its rung is ranked and it is not promoted. A resumed study replays the schedule from the journal:
/// journaled rung results are not run again, missing ones are; promotions are a pure function of the results, and the
/// configurations of a bracket are proposed only from brackets before it, so a resume continues exactly where the
/// kill left off (mid-rung included). Proposals follow BOHB (Falkner et al. 2018): the sampler (TPE) is fitted on the
/// results of the highest rung level that has enough of them, since a model of the full-budget objective is the one
/// that matters and low rungs only fill in while the high ones are sparse.
/// </summary>
internal static class HalvingRunner
{
    /// <summary>Evaluates one configuration fitted on <c>fraction</c> of each training fold.</summary>
    public delegate Task<TrialOutcome> BudgetedTrialExecutor(int number, Configuration configuration, double fraction, CancellationToken cancellation);

    /// <summary>
    /// <c>trials</c>: configurations of the whole study (the last bracket is cut to fit). <c>time</c>: wall-clock budget of
    /// this session; no evaluation starts after it, and with <c>killRunningAtDeadline</c> running ones are ended and
    /// journaled as stopped.
    /// </summary>
    public static async Task<StudyResult> RunAsync(
        StudyInfo study, SearchSpace space, HalvingOptions options, ISampler sampler, TuningJournal journal, int trials, TimeSpan? time, int workers,
        BudgetedTrialExecutor execute, Action<TrialRecord, StudyResult>? onTrial, Action<RungResult>? onRung, CancellationToken cancellation, bool killRunningAtDeadline,
        double? budgetUnits = null)
    {
        if (workers < 1) throw new ArgumentException($"--workers {workers}: use 1 or more.");
        if (sampler is GridSampler) throw new ArgumentException("successive halving draws configurations from the bayesian or random sampler, not a grid.");
        var clock = Stopwatch.StartNew();
        var rungs = journal.Rungs(study.Id).Where(r => r.State != "stopped").ToDictionary(r => (r.Trial, r.Rung));
        var verdicts = journal.Trials(study.Id).Where(t => t.State != "stopped").ToDictionary(t => t.Number);
        int startCount = verdicts.Count;
        var reason = StopReason.TrialBudget;
        // Units spent so far (full-trial equivalents: each evaluation costs its row share); journaled ones count on resume.
        double spent = rungs.Values.Sum(r => r.Fraction);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        if (time is { } budget && killRunningAtDeadline) deadline.CancelAfter(budget);
        bool OutOfTime() => (time is { } b && clock.Elapsed >= b) || (deadline.IsCancellationRequested && !cancellation.IsCancellationRequested);

        StudyResult Snapshot() => new(study, verdicts.Values.OrderBy(t => t.Number).ToArray(), verdicts.Count - startCount, reason)
        { Rungs = rungs.Values.OrderBy(r => r.Trial).ThenBy(r => r.Rung).ToArray() };

        void Verdict(TrialRecord record)
        {
            if (verdicts.TryGetValue(record.Number, out var existing) && existing.State != "stopped") return;
            Journal(() => journal.Append(study.Id, record), record.Number, verdicts.Count);
            verdicts[record.Number] = record;
            onTrial?.Invoke(record, Snapshot());
        }

        void Journal(Action write, int trial, int kept)
        {
            try { write(); }
            catch (Microsoft.Data.Sqlite.SqliteException e)
            {
                throw new Evaluation.EvaluationException(
                    $"could not journal trial {trial + 1} in {journal.DatabasePath} ({e.Message}). The study stopped; the {kept} trial verdict(s) and {rungs.Count} rung result(s) journaled before are kept. Free the disk (or close what holds the journal) and run 'tune --resume'.");
            }
        }

        int offset = 0;
        for (int bracket = 0; offset < trials; bracket++)
        {
            int s = options.Promotions(bracket);
            int n = Math.Min(options.BracketSize(s), trials - offset);
            var finished = Observations(rungs.Values.Where(r => r.Trial < offset), study, sampler);
            var alive = new List<(int Number, Configuration Config)>();
            for (int k = 0; k < n; k++)
            {
                int number = offset + k;
                // A journaled configuration is the one that ran; a fresh proposal sees only earlier brackets.
                var config = rungs.TryGetValue((number, 0), out var first) ? first.Configuration
                    : sampler.Propose(space, number, finished) ?? throw new InvalidOperationException("the sampler has nothing left to propose.");
                alive.Add((number, config));
            }
            var sizes = options.RungSizes(n, s);
            for (int i = 0; i <= s && alive.Count > 0; i++)
            {
                int level = i + options.MaxLevel - s;
                double fraction = options.Fraction(level);
                var todo = alive.Where(a => !rungs.ContainsKey((a.Number, i))).ToList();
                bool stopped = await RunRung(todo, i, bracket, fraction, s).ConfigureAwait(false);
                if (stopped) { reason = StopReason.TimeBudget; return Snapshot(); }
                if (todo.Any(a => !rungs.ContainsKey((a.Number, i)))) { reason = StopReason.UnitBudget; return Snapshot(); }
                var results = alive.Select(a => rungs[(a.Number, i)]).ToArray();
                foreach (var r in results.Where(r => r.State == "failed"))
                    Verdict(new TrialRecord(r.Trial, r.Configuration, "failed", null, null, r.Splits, r.Error, r.Duration) { Budget = Budget(fraction) });
                var ranked = results.Where(r => r.State == "complete").OrderBy(r => Loss(study, r)).ThenBy(r => r.Trial).ToArray();
                if (i == s)
                {
                    foreach (var r in ranked)
                        Verdict(new TrialRecord(r.Trial, r.Configuration, "complete", r.Value, r.StdDev, r.Splits, null, r.Duration) { Budget = Budget(fraction) });
                    break;
                }
                var promoted = ranked.Take(sizes[i + 1]).Select(r => r.Trial).ToHashSet();
                foreach (var r in ranked.Where(r => !promoted.Contains(r.Trial)))
                    Verdict(new TrialRecord(r.Trial, r.Configuration, "pruned", r.Value, r.StdDev, r.Splits, null, r.Duration) { Budget = fraction });
                alive = alive.Where(a => promoted.Contains(a.Number)).ToList();
            }
            offset += n;
        }
        return Snapshot();

        // Evaluates the missing results of one rung; true when the time budget stopped it.
        async Task<bool> RunRung(List<(int Number, Configuration Config)> todo, int rung, int bracket, double fraction, int s)
        {
            var queue = new Queue<(int Number, Configuration Config)>(todo);
            var running = new Dictionary<Task<TrialOutcome>, (int Number, Configuration Config, Stopwatch Clock)>();
            bool stopped = false;
            try
            {
                while (queue.Count > 0 || running.Count > 0)
                {
                    cancellation.ThrowIfCancellationRequested();
                    if (OutOfTime()) stopped = true;
                    while (!stopped && running.Count < workers && queue.Count > 0)
                    {
                        if (budgetUnits is { } units && spent + fraction > units + 1e-9) { queue.Clear(); break; }
                        spent += fraction;
                        var (number, config) = queue.Dequeue();
                        var trialClock = Stopwatch.StartNew();
                        Task<TrialOutcome> task;
                        try { task = execute(number, config, fraction, deadline.Token); }
                        catch (Exception e) { task = Task.FromException<TrialOutcome>(e); }
                        running[task] = (number, config, trialClock);
                    }
                    if (running.Count == 0) break;
                    var done = await Task.WhenAny(running.Keys).ConfigureAwait(false);
                    var entry = running[done];
                    running.Remove(done);
                    RungResult result;
                    try
                    {
                        var outcome = await done.ConfigureAwait(false);
                        result = double.IsFinite(outcome.Value)
                            ? new RungResult(entry.Number, rung, bracket, fraction, entry.Config, "complete", outcome.Value, outcome.StdDev, outcome.Splits, null, entry.Clock.Elapsed)
                            : new RungResult(entry.Number, rung, bracket, fraction, entry.Config, "failed", null, null, outcome.Splits, $"the metric {study.Metric} was undefined for this configuration", entry.Clock.Elapsed);
                    }
                    catch (OperationCanceledException) when (!cancellation.IsCancellationRequested && deadline.IsCancellationRequested)
                    {
                        // Ended by the time budget: journaled as stopped (rung and trial), never as a failure; a resume reruns it.
                        stopped = true;
                        var record = StudyRunner.Stopped(entry.Number, entry.Config, entry.Clock.Elapsed) with { Budget = Budget(fraction) };
                        Journal(() => journal.AppendRung(study.Id, new RungResult(entry.Number, rung, bracket, fraction, entry.Config, "stopped", null, null, 0, record.Error, entry.Clock.Elapsed)), entry.Number, verdicts.Count);
                        Journal(() => journal.Append(study.Id, record), entry.Number, verdicts.Count);
                        verdicts[entry.Number] = record;
                        onTrial?.Invoke(record, Snapshot());
                        continue;
                    }
                    catch (OperationCanceledException) { throw; }
                    catch (Exception e) when (e is not (OutOfMemoryException or Data.DataValidationException))
                    {
                        result = new RungResult(entry.Number, rung, bracket, fraction, entry.Config, "failed", null, null, 0,
                            e is TrialFailedException ? FirstLine(e.Message) : $"{e.GetType().Name}: {FirstLine(e.Message)}", entry.Clock.Elapsed);
                    }
                    Journal(() => journal.AppendRung(study.Id, result), result.Trial, verdicts.Count);
                    rungs[(result.Trial, result.Rung)] = result;
                    onRung?.Invoke(result);
                }
            }
            finally
            {
                if (running.Count > 0)
                {
                    deadline.Cancel();
                    try { await Task.WhenAll(running.Keys).ConfigureAwait(false); } catch { /* abandoned evaluations */ }
                }
            }
            return stopped;
        }
    }

    /// <summary>
    /// What the sampler learns from (BOHB): the results of the highest rung level with at least as many results as TPE's
    /// start-up count (any level for random search), else the level with the most results. Failed results count as the worst.
    /// </summary>
    public static IReadOnlyList<FinishedTrial> Observations(IEnumerable<RungResult> results, StudyInfo study, ISampler sampler)
    {
        int needed = sampler is TpeSampler tpe ? tpe.StartupTrials : 1;
        var byLevel = results.GroupBy(r => r.Fraction).OrderByDescending(g => g.Key).ToArray();
        if (byLevel.Length == 0) return [];
        var chosen = byLevel.FirstOrDefault(g => g.Count() >= needed) ?? byLevel.OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First();
        return chosen.OrderBy(r => r.Trial).Select(r => new FinishedTrial(r.Trial, r.Configuration, Loss(study, r))).ToArray();
    }

    private static double? Loss(StudyInfo study, RungResult r) => r.Value is not { } v ? null : study.HigherIsBetter ? -v : v;

    private static double? Budget(double fraction) => fraction >= 1 ? null : fraction;

    private static string FirstLine(string message)
    {
        int newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }
}
