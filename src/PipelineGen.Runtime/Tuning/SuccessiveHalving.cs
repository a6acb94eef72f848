using System.Diagnostics;
using System.Globalization;

namespace PipelineGen.Runtime.Tuning;

/// <summary>
/// The schedule of successive halving and Hyperband (Li et al. 2018). Rung levels 0..<see cref="MaxLevel"/> spend
/// eta^(level − MaxLevel) of the full budget, so the top level is a full trial. <see cref="Budget"/> says what is spent
/// (<see cref="HalvingBudget"/>): the share of each training fold the model is fitted on
/// (<see cref="Evaluation.TrainingSubsample"/>; works for every trainer), or that share of the trees / iterations on all
/// rows, or each where it applies (auto). A bracket with s promotions starts n configurations at level
/// MaxLevel − s and keeps the best ⌊n/eta⌋ at each rung. <c>halving</c> repeats the most aggressive bracket
/// (s = MaxLevel, n = eta^s); <c>hyperband</c> cycles s = MaxLevel, …, 0 with n = ⌈(MaxLevel+1)/(s+1) · eta^s⌉, so
/// some brackets hedge against low budgets that rank configurations wrongly.
/// </summary>
internal sealed record HalvingOptions(bool Hyperband, int Eta, int MaxLevel, string Sampler, string Budget = HalvingBudgetKinds.Rows)
{
    /// <summary>Fewest training rows the lowest rung fits on (per fold): below that, rankings are mostly noise.</summary>
    public const int MinRowsAtLowestRung = 50;

    public static bool IsHalving(string strategy) => strategy is "halving" or "hyperband";

    /// <summary>
    /// The schedule for a study whose training folds hold about <paramref name="trainingRowsPerFold"/> rows. Rows budget:
    /// as many levels as keep the lowest rung at <see cref="MinRowsAtLowestRung"/> rows or more; iteration budget: as
    /// many as keep it at <see cref="HalvingBudget.MinCountAtLowestRung"/> trees / iterations for the smallest full
    /// count in the space (<paramref name="budget"/>); both minimums when trainers spend both (at least 1, at most 4).
    /// </summary>
    public static HalvingOptions For(string strategy, long trainingRowsPerFold, int eta = 3, string sampler = "bayesian", HalvingBudget? budget = null)
    {
        if (!IsHalving(strategy)) throw new ArgumentException($"'{strategy}' is not successive halving.");
        if (eta < 2) throw new ArgumentException($"the reduction factor eta is {eta}; use 2 or more (3 is the usual).");
        if (sampler is not ("bayesian" or "random"))
            throw new ArgumentException($"{strategy} draws its configurations from the bayesian (TPE) or random sampler, not '{sampler}'.");
        int rowLevels = Math.Clamp((int)Math.Floor(Math.Log(Math.Max(1.0, trainingRowsPerFold / (double)MinRowsAtLowestRung)) / Math.Log(eta) + 1e-9), 1, 4);
        string kind = budget?.Resolved ?? HalvingBudgetKinds.Rows;
        int levels = budget?.SmallestFullCount is { } count
            ? Math.Min(HalvingBudget.IterationLevels(count, eta), kind == HalvingBudgetKinds.Auto ? rowLevels : 4)
            : rowLevels;
        return new HalvingOptions(strategy == "hyperband", eta, levels, sampler, kind);
    }

    /// <summary>
    /// What a resumed study must match (journaled with the study; part of a shared study's identity). A rows budget adds
    /// nothing, so studies journaled before the budget kind existed (all rows) still resume.
    /// </summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"eta={Eta};levels={MaxLevel};sampler={Sampler}")
        + (Budget == HalvingBudgetKinds.Rows ? "" : ";budget=" + Budget);

    /// <summary>The budget kind a journaled <see cref="Describe"/> text names (rows when it names none).</summary>
    public static string BudgetOf(string? described) =>
        described?.Split(';').FirstOrDefault(p => p.StartsWith("budget=", StringComparison.Ordinal))?["budget=".Length..] ?? HalvingBudgetKinds.Rows;

    /// <summary>Share of the full budget (of each training fold's rows, or of the trees / iterations) at a rung level.</summary>
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
/// A study with a starting point (<see cref="StudyInfo.StartingPoint"/>) evaluates it first, once, at the full budget (all
/// rows, all its trees: the protocol and folds of the top rung), journaled as trial 1 (a trial verdict, no rung result:
/// it belongs to no bracket and the sampler never learns from it); it competes with the brackets' full-budget results
/// for the winner. The brackets' configurations are trials 2, 3, … and are the same proposals as without it; --trials
/// counts them (the starting point is one evaluation more, one unit of --budget-units).
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
        double? budgetUnits = null, Func<IEnumerable<TrialRecord>, TimeSpan>? reserve = null)
    {
        if (workers < 1) throw new ArgumentException($"--workers {workers}: use 1 or more.");
        if (StartingPointSampler.Unwrap(sampler) is GridSampler) throw new ArgumentException("successive halving draws configurations from the bayesian or random sampler, not a grid.");
        // A study with a starting point: trial 1 is it, and the brackets' configurations (numbered from 2) are the sampler's
        // proposals 1, 2, … exactly as in a study without it.
        if (study.StartingPoint is { } start && sampler is not StartingPointSampler)
            sampler = new StartingPointSampler(sampler, StartingPoint.OriginOf(start));
        using var run = new HalvingRun(study, space, options, sampler, journal, time, workers, execute, onTrial, onRung, cancellation, killRunningAtDeadline, budgetUnits) { Reserve = reserve };
        return await run.RunAsync(trials).ConfigureAwait(false);
    }

    /// <summary>
    /// One session of a study: the journaled rung results and verdicts it started from and adds to, the time and unit
    /// budgets, and the callbacks. Brackets → rungs → evaluations, one method each.
    /// </summary>
    private sealed class HalvingRun : IDisposable
    {
        private readonly StudyInfo _study;
        private readonly SearchSpace _space;
        private readonly HalvingOptions _options;
        private readonly ISampler _sampler;
        private readonly TuningJournal _journal;
        private readonly TimeSpan? _time;
        private readonly int _workers;
        private readonly BudgetedTrialExecutor _execute;
        private readonly Action<TrialRecord, StudyResult>? _onTrial;
        private readonly Action<RungResult>? _onRung;
        private readonly CancellationToken _cancellation;
        private readonly double? _budgetUnits;
        private readonly Stopwatch _clock;
        private readonly Dictionary<(int Trial, int Rung), RungResult> _rungs;
        private readonly Dictionary<int, TrialRecord> _verdicts;
        private readonly int _startCount;
        private readonly CancellationTokenSource _deadline;
        private StopReason _reason = StopReason.TrialBudget;
        // Units spent so far (full-trial equivalents: each evaluation costs its row share); journaled ones count on resume.
        private double _spent;
        // Trial 1 when the study has a starting point (evaluated once at the full budget before the first bracket).
        private readonly Configuration? _start;

        public HalvingRun(StudyInfo study, SearchSpace space, HalvingOptions options, ISampler sampler, TuningJournal journal, TimeSpan? time, int workers,
            BudgetedTrialExecutor execute, Action<TrialRecord, StudyResult>? onTrial, Action<RungResult>? onRung, CancellationToken cancellation,
            bool killRunningAtDeadline, double? budgetUnits)
        {
            (_study, _space, _options, _sampler, _journal, _time, _workers) = (study, space, options, sampler, journal, time, workers);
            (_execute, _onTrial, _onRung, _cancellation, _budgetUnits) = (execute, onTrial, onRung, cancellation, budgetUnits);
            _clock = Stopwatch.StartNew();
            _rungs = journal.Rungs(study.Id).Where(r => r.State != "stopped").ToDictionary(r => (r.Trial, r.Rung));
            _verdicts = journal.Trials(study.Id).Where(t => t.State != "stopped").ToDictionary(t => t.Number);
            _startCount = _verdicts.Count;
            _spent = _rungs.Values.Sum(r => r.Fraction);
            _start = study.StartingPoint is { } start ? StartingPoint.Of(StartingPoint.OriginOf(start)) : null;
            // The starting point's evaluation was a full one (a stopped one is not in the verdicts: it runs again).
            if (_start is not null && _verdicts.ContainsKey(0)) _spent += 1;
            _deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            if (time is { } budget && killRunningAtDeadline) _deadline.CancelAfter(budget);
        }

        public void Dispose() => _deadline.Dispose();

        /// <summary>Time kept back from the budget for what runs after the search (the leaders' re-scoring).</summary>
        public Func<IEnumerable<TrialRecord>, TimeSpan>? Reserve { get; init; }

        private bool OutOfTime() => (_time is { } b && _clock.Elapsed >= b - (Reserve?.Invoke(_verdicts.Values) ?? TimeSpan.Zero)) || (_deadline.IsCancellationRequested && !_cancellation.IsCancellationRequested);

        private StudyResult Snapshot() => new(_study, _verdicts.Values.OrderBy(t => t.Number).ToArray(), _verdicts.Count - _startCount, _reason)
        { Rungs = _rungs.Values.OrderBy(r => r.Trial).ThenBy(r => r.Rung).ToArray() };

        /// <summary>Brackets one after another until <paramref name="trials"/> configurations have been started (or a budget stops it).</summary>
        public async Task<StudyResult> RunAsync(int trials)
        {
            if (_start is not null && !await RunStartingPointAsync(_start).ConfigureAwait(false)) return Snapshot();
            // The brackets' configurations follow the starting trial's number.
            int first = _start is null ? 0 : 1, offset = first;
            for (int bracket = 0; offset - first < trials; bracket++)
            {
                int s = _options.Promotions(bracket);
                int n = Math.Min(_options.BracketSize(s), trials - (offset - first));
                var alive = ProposeBracket(offset, n);
                if (!await RunBracketAsync(alive, bracket, s, n).ConfigureAwait(false)) return Snapshot();
                offset += n;
            }
            return Snapshot();
        }

        /// <summary>
        /// Trial 1, the starting point: one evaluation at the full budget (charged one unit), journaled as a trial verdict.
        /// Skipped when the journal has its verdict (a resume); run again when the time budget stopped it. False when a
        /// budget stopped the study before or during it.
        /// </summary>
        private async Task<bool> RunStartingPointAsync(Configuration start)
        {
            if (_verdicts.ContainsKey(0)) return true;
            _cancellation.ThrowIfCancellationRequested();
            if (OutOfTime()) { _reason = StopReason.TimeBudget; return false; }
            if (_budgetUnits is { } units && _spent + 1 > units + 1e-9) { _reason = StopReason.UnitBudget; return false; }
            _spent += 1;
            var clock = Stopwatch.StartNew();
            Task<TrialOutcome> task;
            try { task = _execute(0, start, 1.0, _deadline.Token); }
            catch (Exception e) { task = Task.FromException<TrialOutcome>(e); }
            TrialRecord record;
            try
            {
                var outcome = await task.ConfigureAwait(false);
                record = double.IsFinite(outcome.Value)
                    ? new TrialRecord(0, start, "complete", outcome.Value, outcome.StdDev, outcome.Splits, null, clock.Elapsed)
                    : new TrialRecord(0, start, "failed", null, null, outcome.Splits, outcome.UndefinedReason(_study.Metric), clock.Elapsed);
            }
            catch (OperationCanceledException) when (!_cancellation.IsCancellationRequested && _deadline.IsCancellationRequested)
            {
                Verdict(StudyRunner.Stopped(0, start, clock.Elapsed));
                _reason = StopReason.TimeBudget;
                return false;
            }
            catch (OperationCanceledException) { throw; }
            catch (Exception e) when (e is not (OutOfMemoryException or Data.DataValidationException))
            {
                record = new TrialRecord(0, start, "failed", null, null, 0,
                    e is TrialFailedException ? FirstLine(e.Message) : $"{e.GetType().Name}: {FirstLine(e.Message)}", clock.Elapsed);
            }
            Verdict(record);
            return true;
        }

        /// <summary>Configurations <paramref name="offset"/>.. of a bracket of <paramref name="n"/>.</summary>
        private List<(int Number, Configuration Config)> ProposeBracket(int offset, int n)
        {
            var finished = Observations(_rungs.Values.Where(r => r.Trial < offset), _study, _sampler);
            var alive = new List<(int Number, Configuration Config)>();
            for (int k = 0; k < n; k++)
            {
                int number = offset + k;
                // A journaled configuration is the one that ran; a fresh proposal sees only earlier brackets.
                var config = _rungs.TryGetValue((number, 0), out var first) ? first.Configuration
                    : _sampler.Propose(_space, number, finished) ?? RepeatDraw(number);
                alive.Add((number, config));
            }
            return alive;
        }

        /// <summary>
        /// A uniform draw when the sampler has no unscored point left (random search or TPE in a finite space whose points
        /// all reached the observed rung): a bracket's configurations are compared with each other at its low rungs, so
        /// halving fills the bracket with repeats rather than stopping.
        /// </summary>
        private Configuration RepeatDraw(int number) => Samplers.Draw(_space, Samplers.Rng(_study.Seed, number, salt: 1));

        /// <summary>A bracket's rungs, each judged before the next; false when a budget stopped the study (its reason set).</summary>
        private async Task<bool> RunBracketAsync(List<(int Number, Configuration Config)> alive, int bracket, int s, int n)
        {
            var sizes = _options.RungSizes(n, s);
            for (int i = 0; i <= s && alive.Count > 0; i++)
            {
                int level = i + _options.MaxLevel - s;
                double fraction = _options.Fraction(level);
                var todo = alive.Where(a => !_rungs.ContainsKey((a.Number, i))).ToList();
                bool stopped = await RunRungAsync(todo, i, bracket, fraction).ConfigureAwait(false);
                if (stopped) { _reason = StopReason.TimeBudget; return false; }
                if (todo.Any(a => !_rungs.ContainsKey((a.Number, i)))) { _reason = StopReason.UnitBudget; return false; }
                alive = JudgeRung(alive, i, fraction, last: i == s, promote: i == s ? 0 : sizes[i + 1]);
            }
            return true;
        }

        /// <summary>
        /// The rung's verdicts: failed results fail; at the last rung the others complete; otherwise the best
        /// <paramref name="promote"/> go on and the rest are pruned. Returns the configurations that go on.
        /// </summary>
        private List<(int Number, Configuration Config)> JudgeRung(List<(int Number, Configuration Config)> alive, int rung, double fraction, bool last, int promote)
        {
            var results = alive.Select(a => _rungs[(a.Number, rung)]).ToArray();
            foreach (var r in results.Where(r => r.State == "failed"))
                Verdict(new TrialRecord(r.Trial, r.Configuration, "failed", null, null, r.Splits, r.Error, r.Duration) { Budget = Budget(fraction) });
            var ranked = results.Where(r => r.State == "complete").OrderBy(r => Loss(_study, r)).ThenBy(r => r.Trial).ToArray();
            if (last)
            {
                foreach (var r in ranked)
                    Verdict(new TrialRecord(r.Trial, r.Configuration, "complete", r.Value, r.StdDev, r.Splits, null, r.Duration) { Budget = Budget(fraction) });
                return [];
            }
            var promoted = ranked.Take(promote).Select(r => r.Trial).ToHashSet();
            foreach (var r in ranked.Where(r => !promoted.Contains(r.Trial)))
                Verdict(new TrialRecord(r.Trial, r.Configuration, "pruned", r.Value, r.StdDev, r.Splits, null, r.Duration) { Budget = fraction });
            return alive.Where(a => promoted.Contains(a.Number)).ToList();
        }

        private void Verdict(TrialRecord record)
        {
            if (_verdicts.TryGetValue(record.Number, out var existing) && existing.State != "stopped") return;
            Journal(() => _journal.Append(_study.Id, record), record.Number, _verdicts.Count);
            _verdicts[record.Number] = record;
            _onTrial?.Invoke(record, Snapshot());
        }

        private void Journal(Action write, int trial, int kept)
        {
            try { write(); }
            catch (Microsoft.Data.Sqlite.SqliteException e)
            {
                throw new Evaluation.EvaluationException(
                    $"could not journal trial {trial + 1} in {_journal.DatabasePath} ({e.Message}). The study stopped; the {kept} trial verdict(s) and {_rungs.Count} rung result(s) journaled before are kept. Free the disk (or close what holds the journal) and run 'tune --resume'.");
            }
        }

        /// <summary>An evaluation in flight: its configuration and how long it has run.</summary>
        private readonly record struct Running(int Number, Configuration Config, Stopwatch Clock);

        /// <summary>Evaluates the missing results of one rung, up to the worker count at once; true when the time budget stopped it.</summary>
        private async Task<bool> RunRungAsync(List<(int Number, Configuration Config)> todo, int rung, int bracket, double fraction)
        {
            var queue = new Queue<(int Number, Configuration Config)>(todo);
            var running = new Dictionary<Task<TrialOutcome>, Running>();
            bool stopped = false;
            try
            {
                while (queue.Count > 0 || running.Count > 0)
                {
                    _cancellation.ThrowIfCancellationRequested();
                    if (OutOfTime()) stopped = true;
                    if (!stopped) StartEvaluations(queue, running, fraction);
                    if (running.Count == 0) break;
                    var done = await Task.WhenAny(running.Keys).ConfigureAwait(false);
                    var entry = running[done];
                    running.Remove(done);
                    var result = await ResultOf(done, entry, rung, bracket, fraction).ConfigureAwait(false);
                    if (result is null) { stopped = true; continue; }
                    Journal(() => _journal.AppendRung(_study.Id, result), result.Trial, _verdicts.Count);
                    _rungs[(result.Trial, result.Rung)] = result;
                    _onRung?.Invoke(result);
                }
            }
            finally
            {
                if (running.Count > 0)
                {
                    _deadline.Cancel();
                    try { await Task.WhenAll(running.Keys).ConfigureAwait(false); } catch { /* abandoned evaluations */ }
                }
            }
            return stopped;
        }

        /// <summary>Starts queued evaluations while a worker is free and the unit budget allows (an exhausted budget empties the queue).</summary>
        private void StartEvaluations(Queue<(int Number, Configuration Config)> queue, Dictionary<Task<TrialOutcome>, Running> running, double fraction)
        {
            while (running.Count < _workers && queue.Count > 0)
            {
                if (_budgetUnits is { } units && _spent + fraction > units + 1e-9) { queue.Clear(); break; }
                _spent += fraction;
                var (number, config) = queue.Dequeue();
                var trialClock = Stopwatch.StartNew();
                Task<TrialOutcome> task;
                try { task = _execute(number, config, fraction, _deadline.Token); }
                catch (Exception e) { task = Task.FromException<TrialOutcome>(e); }
                running[task] = new Running(number, config, trialClock);
            }
        }

        /// <summary>
        /// The rung result of a finished evaluation (complete, or failed with its reason); null when the time budget ended
        /// it, which is journaled as stopped (rung and trial), never as a failure, so a resume reruns it.
        /// </summary>
        private async Task<RungResult?> ResultOf(Task<TrialOutcome> done, Running entry, int rung, int bracket, double fraction)
        {
            try
            {
                var outcome = await done.ConfigureAwait(false);
                return double.IsFinite(outcome.Value)
                    ? new RungResult(entry.Number, rung, bracket, fraction, entry.Config, "complete", outcome.Value, outcome.StdDev, outcome.Splits, null, entry.Clock.Elapsed)
                    : new RungResult(entry.Number, rung, bracket, fraction, entry.Config, "failed", null, null, outcome.Splits, outcome.UndefinedReason(_study.Metric), entry.Clock.Elapsed);
            }
            catch (OperationCanceledException) when (!_cancellation.IsCancellationRequested && _deadline.IsCancellationRequested)
            {
                var record = StudyRunner.Stopped(entry.Number, entry.Config, entry.Clock.Elapsed) with { Budget = Budget(fraction) };
                Journal(() => _journal.AppendRung(_study.Id, new RungResult(entry.Number, rung, bracket, fraction, entry.Config, "stopped", null, null, 0, record.Error, entry.Clock.Elapsed)), entry.Number, _verdicts.Count);
                Journal(() => _journal.Append(_study.Id, record), entry.Number, _verdicts.Count);
                _verdicts[entry.Number] = record;
                _onTrial?.Invoke(record, Snapshot());
                return null;
            }
            catch (OperationCanceledException) { throw; }
            catch (Exception e) when (e is not (OutOfMemoryException or Data.DataValidationException))
            {
                return new RungResult(entry.Number, rung, bracket, fraction, entry.Config, "failed", null, null, 0,
                    e is TrialFailedException ? FirstLine(e.Message) : $"{e.GetType().Name}: {FirstLine(e.Message)}", entry.Clock.Elapsed);
            }
        }
    }

    /// <summary>
    /// What the sampler learns from (BOHB): the results of the highest rung level with at least as many results as TPE's
    /// start-up count (any level for random search), else the level with the most results. Failed results count as the worst.
    /// </summary>
    public static IReadOnlyList<FinishedTrial> Observations(IEnumerable<RungResult> results, StudyInfo study, ISampler sampler)
    {
        int needed = StartingPointSampler.Unwrap(sampler) is TpeSampler tpe ? tpe.StartupTrials : 1;
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
