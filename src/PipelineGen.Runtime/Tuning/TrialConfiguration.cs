using System.Globalization;

namespace PipelineGen.Runtime.Tuning;

/// <summary>
/// A configuration of a conditional space taken apart the way a generated pipeline applies it: the trainer chosen
/// ('trainer'), that trainer's hyperparameters ('lightgbm.leaves' → leaves), the preparation values ('prepare.normalize'
/// → "zscore", as the spec writes them), and a flat space's hyperparameters as they are.
/// </summary>
public sealed record TrialConfiguration(string? Trainer, IReadOnlyDictionary<string, double> Hyperparameters, IReadOnlyDictionary<string, string> Preparation)
{
    public const string TrainerParameter = "trainer";
    public const string PreparePrefix = "prepare.";

    /// <summary>
    /// Throws when <paramref name="values"/> sets a name outside <paramref name="names"/>: "{owner} '{name}'; it has a, b."
    /// (what a generated <c>WithHyperparameters</c> checks first; the owner text is the spec's pipeline or trainer).
    /// </summary>
    public static void CheckNames(IReadOnlyDictionary<string, double> values, IReadOnlyList<string> names, string owner)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(names);
        foreach (var name in values.Keys)
            if (!names.Contains(name))
                throw new ArgumentException($"{owner}'{name}'; it has {string.Join(", ", names)}.", nameof(values));
    }

    /// <summary>
    /// The settings of the pipeline a trial builds: the trial's trainer (when it chose one) and its hyperparameters, the
    /// trainer's declared values (<see cref="PipelineSettings.Hyperparameters"/>, or the searched trainer's from
    /// <see cref="TuningSettings.TrainerHyperparameters"/>) with the trial's values over them. A trainer whose values are
    /// not declared stays undeclared (null): the card says so rather than list only the searched ones as if complete.
    /// </summary>
    public static PipelineSettings Apply(PipelineSettings settings, TuningSettings tuning, TrialConfiguration trial)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(tuning);
        ArgumentNullException.ThrowIfNull(trial);
        var trainer = trial.Trainer ?? settings.TrainerName;
        var same = trainer == settings.TrainerName;
        var declared = tuning.TrainerHyperparameters?.GetValueOrDefault(trainer) ?? (same ? settings.Hyperparameters : null);
        Dictionary<string, string>? values = null;
        if (declared is not null)
        {
            values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, text) in declared) values[name] = text;
            foreach (var (name, value) in trial.Hyperparameters)
            {
                var parameter = tuning.Space.FirstOrDefault(p => p.Name == name || p.Name == trainer + "." + name);
                values[name] = parameter?.Format(value) ?? value.ToString("R", CultureInfo.InvariantCulture);
            }
        }
        return settings with
        {
            TrainerName = trainer,
            Hyperparameters = values,
            // Another trainer's capacity knob is not named in these settings: the card still shows the capacity used.
            CapacityHyperparameter = same ? settings.CapacityHyperparameter : null,
        };
    }

    /// <summary>A flat space's trial (<see cref="Split"/> then <see cref="Apply(PipelineSettings, TuningSettings, TrialConfiguration)"/>).</summary>
    public static PipelineSettings Apply(PipelineSettings settings, TuningSettings tuning, IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(tuning);
        return Apply(settings, tuning, Split(tuning.Space, values));
    }

    public static TrialConfiguration Split(IReadOnlyList<SearchParameter> space, IReadOnlyDictionary<string, double> values)
    {
        string? trainer = null;
        if (values.TryGetValue(TrainerParameter, out var index))
        {
            var choice = space.FirstOrDefault(p => p.Name == TrainerParameter && p.Labels is not null)
                ?? throw new ArgumentException("the configuration chooses a trainer but the search space does not search one.");
            trainer = choice.Format(index);
            if (choice.IndexOf(trainer) < 0) throw new ArgumentException($"trainer choice {index} is not one of the {choice.Labels!.Count} trainers searched.");
        }
        var hyperparameters = new Dictionary<string, double>(StringComparer.Ordinal);
        var preparation = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            if (name == TrainerParameter) continue;
            if (name.StartsWith(PreparePrefix, StringComparison.Ordinal))
            {
                var parameter = space.FirstOrDefault(p => p.Name == name);
                preparation[name.Substring(PreparePrefix.Length)] = parameter?.Format(value)
                    ?? (value == Math.Round(value) ? ((long)value).ToString(CultureInfo.InvariantCulture) : value.ToString("R", CultureInfo.InvariantCulture));
                continue;
            }
            int dot = name.IndexOf('.');
            if (dot < 0) { hyperparameters[name] = value; continue; }
            // Another trainer's parameter: not active in this configuration (a sampler never proposes it; ignore it if given).
            if (trainer is not null && name.Substring(0, dot) == trainer) hyperparameters[name.Substring(dot + 1)] = value;
        }
        return new TrialConfiguration(trainer, hyperparameters, preparation);
    }

    /// <summary>What the lock file pins: the trainer (or <paramref name="defaultTrainer"/>), its values and the preparation, as text.</summary>
    public static (string Trainer, KeyValuePair<string, string>[] Params, KeyValuePair<string, string>[] Prepare) ForLock(
        IReadOnlyList<SearchParameter> space, IReadOnlyDictionary<string, double> values, string defaultTrainer)
    {
        var split = Split(space, values);
        var trainer = split.Trainer ?? defaultTrainer;
        string Format(string name, double value)
        {
            var parameter = space.FirstOrDefault(p => p.Name == name || p.Name == trainer + "." + name);
            return parameter?.Format(value) ?? value.ToString("R", CultureInfo.InvariantCulture);
        }
        int Order(string name) { int i = space.ToList().FindIndex(p => p.Name == name || p.Name == trainer + "." + name); return i < 0 ? int.MaxValue : i; }
        return (trainer,
            split.Hyperparameters.OrderBy(kv => Order(kv.Key)).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new KeyValuePair<string, string>(kv.Key, Format(kv.Key, kv.Value))).ToArray(),
            split.Preparation.OrderBy(kv => Order(PreparePrefix + kv.Key)).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new KeyValuePair<string, string>(kv.Key, kv.Value)).ToArray());
    }
}
