using System.Globalization;

namespace PipelineGen.Runtime.Tuning;

/// <summary>
/// What a rung of successive halving / Hyperband spends (<c>tune.halving_budget</c>, <c>tune --halving-budget</c>):
/// <c>rows</c> fits on a share of each training fold; <c>iterations</c> fits on all rows with that share of the
/// configuration's capacity count (trees, boosting iterations, epochs); <c>auto</c> uses iterations for a trial whose
/// trainer has a capacity count and rows for one that has none.
/// </summary>
internal static class HalvingBudgetKinds
{
    public const string Auto = "auto", Rows = "rows", Iterations = "iterations";
    public static readonly IReadOnlyList<string> All = [Auto, Rows, Iterations];

    public static string Check(string kind, string where) => All.Contains(kind) ? kind
        : throw new ArgumentException($"{where} '{kind}' is not a halving budget; use auto, rows or iterations.");
}

/// <summary>What one rung evaluation fits: the configuration (the capacity count set under the iteration budget) and the share of each training fold (null: all rows).</summary>
internal readonly record struct RungFit(Configuration Configuration, double? RowFraction);

/// <summary>
/// The budget of each trial of a halving study, resolved against the pipeline's trainers. A trainer's capacity count is
/// the knob named by <see cref="PipelineSettings.CapacityHyperparameter"/> (or, for a searched trainer,
/// <see cref="TuningSettings.TrainerCapacityHyperparameters"/>); its full count is the configuration's searched value,
/// else the value the generated settings carry (spec, lock, catalog default). A knob left at <c>auto</c>, or at
/// ML.NET's "until convergence" (int.MaxValue, L-BFGS's default), has no count, so that trainer is budgeted by rows.
/// </summary>
internal sealed class HalvingBudget
{
    /// <summary>Fewest trees / iterations the lowest rung fits for the smallest full count in the space.</summary>
    public const int MinCountAtLowestRung = 10;

    /// <summary>One trainer's capacity: its configuration key, its unit (the spec name) and its full count when not searched.</summary>
    private sealed record Knob(string Key, string Unit, int? Fixed, SearchParameter? Searched);

    private readonly string? _trainerParameter;
    private readonly IReadOnlyList<string> _trainers;
    private readonly Dictionary<string, Knob?> _knobs;

    /// <summary>auto, rows or iterations as asked.</summary>
    public string Requested { get; }

    private HalvingBudget(string requested, string? trainerParameter, IReadOnlyList<string> trainers, Dictionary<string, Knob?> knobs)
        => (Requested, _trainerParameter, _trainers, _knobs) = (requested, trainerParameter, trainers, knobs);

    public static HalvingBudget For(ITunablePipeline pipeline, string requested) => For(pipeline.Settings, pipeline.Tuning, requested);

    public static HalvingBudget For(PipelineSettings settings, TuningSettings tuning, string requested)
    {
        HalvingBudgetKinds.Check(requested, "the halving budget");
        var choice = tuning.Space.FirstOrDefault(p => p.Name == TrialConfiguration.TrainerParameter && p.Labels is not null);
        var trainers = choice?.Labels ?? [settings.TrainerName];
        var knobs = new Dictionary<string, Knob?>(StringComparer.Ordinal);
        foreach (var trainer in trainers)
        {
            string? name = choice is null ? settings.CapacityHyperparameter
                : tuning.TrainerCapacityHyperparameters?.GetValueOrDefault(trainer) ?? (trainer == settings.TrainerName ? settings.CapacityHyperparameter : null);
            if (name is null) { knobs[trainer] = null; continue; }
            string key = choice is null ? name : trainer + "." + name;
            var declared = choice is null ? settings.Hyperparameters : tuning.TrainerHyperparameters?.GetValueOrDefault(trainer) ?? (trainer == settings.TrainerName ? settings.Hyperparameters : null);
            // int.MaxValue is ML.NET's "until it converges" (L-BFGS): a cap, not a count; a third of it is no cheaper.
            int? fixedCount = declared?.GetValueOrDefault(name) is { } text && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 1 && n < int.MaxValue ? n : null;
            var searched = tuning.Space.FirstOrDefault(p => p.Name == key);
            knobs[trainer] = searched is null && fixedCount is null ? null : new Knob(key, name, fixedCount, searched);
        }
        var budget = new HalvingBudget(requested, choice?.Name, trainers, knobs);
        if (requested == HalvingBudgetKinds.Iterations && budget.RowTrainers.Any())
            throw new ArgumentException($"the halving budget 'iterations' needs a tree or iteration count for every trainer searched; {string.Join(", ", budget.RowTrainers)} has none (no capacity hyperparameter, or it is 'auto' or runs until convergence). Use --halving-budget auto (iterations where there is a count, rows elsewhere) or rows.");
        return budget;
    }

    /// <summary>Trainers whose trials spend rows.</summary>
    public IEnumerable<string> RowTrainers => Requested == HalvingBudgetKinds.Rows ? _trainers : _trainers.Where(t => _knobs[t] is null);

    /// <summary>Trainers whose trials spend their capacity count.</summary>
    public IEnumerable<string> IterationTrainers => Requested == HalvingBudgetKinds.Rows ? [] : _trainers.Where(t => _knobs[t] is not null);

    /// <summary>What the study spends, as journaled with its options: rows, iterations, or auto when its trainers spend both.</summary>
    public string Resolved => !IterationTrainers.Any() ? HalvingBudgetKinds.Rows : !RowTrainers.Any() ? HalvingBudgetKinds.Iterations : HalvingBudgetKinds.Auto;

    /// <summary>The smallest full count any trial can have (the searched range's minimum, else the fixed count); null without iteration trainers.</summary>
    public int? SmallestFullCount => IterationTrainers.Select(t => _knobs[t]!)
        .Select(k => k.Searched is { } p ? (int)Math.Max(1, Math.Ceiling(p.Min)) : k.Fixed!.Value).DefaultIfEmpty().Min() is var m and > 0 ? m : null;

    /// <summary>
    /// Levels of the iteration budget: as many as keep the lowest rung at <see cref="MinCountAtLowestRung"/> or more for
    /// the smallest full count (floor(log_eta(count / 10)), at least 1, at most 4).
    /// </summary>
    public static int IterationLevels(int smallestFullCount, int eta) =>
        Math.Clamp((int)Math.Floor(Math.Log(Math.Max(1.0, smallestFullCount / (double)MinCountAtLowestRung)) / Math.Log(eta) + 1e-9), 1, 4);

    private string? TrainerOf(IReadOnlyDictionary<string, double> configuration)
    {
        if (_trainerParameter is null) return _trainers[0];
        if (!configuration.TryGetValue(_trainerParameter, out var index)) return null;
        int i = (int)Math.Round(index);
        return i >= 0 && i < _trainers.Count ? _trainers[i] : null;
    }

    private Knob? KnobOf(IReadOnlyDictionary<string, double> configuration) =>
        Requested == HalvingBudgetKinds.Rows || TrainerOf(configuration) is not { } trainer ? null : _knobs[trainer];

    /// <summary>The unit a configuration's rungs spend: the capacity knob's name (trees, iterations, epochs) or rows.</summary>
    public string UnitOf(IReadOnlyDictionary<string, double> configuration) => KnobOf(configuration)?.Unit ?? "rows";

    /// <summary>The full count of a configuration under the iteration budget; null when it spends rows.</summary>
    public int? FullCount(IReadOnlyDictionary<string, double> configuration) => KnobOf(configuration) is not { } knob ? null
        : knob.Searched is not null && configuration.TryGetValue(knob.Key, out var v) ? Math.Max(1, (int)Math.Round(v)) : knob.Fixed;

    /// <summary>The trees / iterations a rung at <paramref name="fraction"/> fits for a configuration; null when it spends rows.</summary>
    public int? FittedCount(IReadOnlyDictionary<string, double> configuration, double fraction) =>
        KnobOf(configuration) is { } knob && FullCount(configuration) is not null ? (int)At(new Configuration(configuration.ToDictionary()), fraction).Configuration[knob.Key] : null;

    /// <summary>What a rung at <paramref name="fraction"/> fits: round(fraction × full count) trees on all rows, or the full configuration on that share of the rows.</summary>
    public RungFit At(Configuration configuration, double fraction)
    {
        // The starting point (trial 1) is evaluated once, at the full budget, exactly as built: no value may be set on it.
        if (configuration.IsStartingPoint)
            return fraction >= 1 ? new RungFit(configuration, null) : throw new InvalidOperationException("the starting point is evaluated at the full budget only.");
        if (FullCount(configuration) is not { } full) return new RungFit(configuration, fraction >= 1 ? null : fraction);
        var fitted = new Configuration(configuration) { [KnobOf(configuration)!.Key] = Math.Max(1, (int)Math.Round(fraction * full, MidpointRounding.AwayFromZero)) };
        return new RungFit(fitted, null);
    }

    /// <summary>A rung's share as text: "1/9 of the trees", "1/3 of the rows", "all of the rows".</summary>
    public string Describe(IReadOnlyDictionary<string, double> configuration, double? fraction) => Share(fraction) + " of the " + UnitOf(configuration);

    public static string Share(double? fraction) =>
        fraction is { } f && f < 1 ? $"1/{Math.Round(1 / f).ToString(CultureInfo.InvariantCulture)}" : "all";

    /// <summary>
    /// One line per rung level of the study, what its evaluations spent: "rung 1/3: 12 on 1/9 of the trees (2–56 trees
    /// fitted), 3 on 1/9 of the rows". Counts come from the journaled rung results.
    /// </summary>
    public IReadOnlyList<string> RungLines(HalvingOptions options, IEnumerable<RungResult> rungs)
    {
        var all = rungs.Where(r => r.State != "stopped").ToArray();
        var lines = new List<string>();
        for (int level = 0; level <= options.MaxLevel; level++)
        {
            double f = options.Fraction(level);
            var at = all.Where(r => Math.Abs(r.Fraction - f) < 1e-9 * Math.Max(1, f)).ToArray();
            if (at.Length == 0) continue;
            var parts = at.GroupBy(r => UnitOf(r.Configuration)).OrderBy(g => g.Key == "rows").Select(g =>
            {
                var counts = g.Select(r => FittedCount(r.Configuration, f) ?? 0).Where(c => c > 0).ToArray();
                string fitted = counts.Length == 0 ? "" : counts.Min() == counts.Max()
                    ? $" ({counts.Min()} {g.Key} fitted)" : $" ({counts.Min()}–{counts.Max()} {g.Key} fitted)";
                return $"{g.Count()} on {Share(f)} of the {g.Key}{fitted}";
            });
            lines.Add($"rung {level + 1}/{options.MaxLevel + 1}: {string.Join(", ", parts)}");
        }
        return lines;
    }

    /// <summary>Which trainers spend what, for the start of the output: "lightgbm: iterations; sdca: rows".</summary>
    public string Summary() => string.Join("; ", _trainers.Select(t =>
        $"{(_trainerParameter is null ? "" : t + ": ")}{(Requested != HalvingBudgetKinds.Rows && _knobs[t] is { } k ? k.Unit + (k.Searched is null ? $" (full {k.Fixed})" : " (full: the searched value)") : "rows")}"));
}
