namespace PipelineGen.Runtime.Tuning;

/// <summary>
/// The study's first trial is its starting point: the configuration <c>train</c> would use now (the spec's own, or the
/// values a lock file pinned before this study), scored under the same protocol and folds as every trial, so a search
/// cannot pin something worse than what it started from on its own objective (Optuna's <c>enqueue_trial</c>, FLAML's
/// <c>points_to_evaluate</c>). It is a fixed configuration, not a proposal: it sets no value (see
/// <see cref="Configuration.Origin"/>), so it need not be a point of the space (L2 "auto", a trainer not searched, a value
/// outside a range, preparation not searched).
/// </summary>
internal static class StartingPoint
{
    public const string Spec = "spec";
    public const string Pinned = "pinned";

    /// <summary>The starting trial's configuration: no value set, marked with its origin.</summary>
    public static Configuration Of(string origin) => new() { Origin = origin };

    /// <param name="origin">"spec" or "pinned".</param>
    /// <param name="study">How the study is named: "this study" while it runs, "that study" in a model card long after.</param>
    public static string Label(string origin, string study = "this study") => origin == Pinned ? $"the values pinned before {study}" : "the spec's own configuration";

    /// <summary>
    /// What the study starts from, as the study row records it: "spec", or "pinned " with the lock's values (so a resume
    /// notices a lock written or removed since trial 1 measured it).
    /// </summary>
    public static string Describe(ITunablePipeline pipeline) => pipeline.PinnedHyperparameters.Count == 0
        ? Spec
        : Pinned + " " + string.Join(";", pipeline.PinnedHyperparameters.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));

    /// <summary>"spec", or "pinned" when a lock file pinned values in this build.</summary>
    public static string OriginOf(ITunablePipeline pipeline) => pipeline.PinnedHyperparameters.Count == 0 ? Spec : Pinned;

    /// <summary>"spec" or "pinned" from <see cref="Describe"/>'s text.</summary>
    public static string OriginOf(string described) => described.StartsWith(Pinned, StringComparison.Ordinal) ? Pinned : Spec;

    /// <summary>
    /// Whether the values the pipeline was built with are exactly what <paramref name="study"/> pinned: the lock file
    /// names that study (its <c>study: id</c>) and its values are a completed trial of it as the lock writes them (trainer,
    /// params, prepare: the winner, which after re-scoring need not be the best search score), so a resume of that study may go on although its trial 1 measured what came before the lock.
    /// A lock from another study, edited by hand, or whose values are no completed trial's is not.
    /// </summary>
    public static bool PinnedByStudy(ITunablePipeline pipeline, StudyInfo study, IReadOnlyList<TrialRecord> trials, SearchSpace space)
    {
        var pinned = pipeline.PinnedHyperparameters;
        if (pinned.Count == 0 || Training.TuningProvenance.FromLockFile(pipeline.LockFilePath)?.StudyId != study.Id) return false;
        // The winner is the search's best, or one of the leaders the re-scoring compared (Rescoring.cs), which the journal
        // does not record: any completed trial of the study that the lock's values are exactly is its pin.
        var completed = new StudyResult(study, trials, 0, StopReason.TrialBudget).Completed.Where(t => !t.Configuration.IsStartingPoint);
        return completed.Any(winner => PinsExactly(pipeline, pinned, space, winner));
    }

    private static bool PinsExactly(ITunablePipeline pipeline, IReadOnlyDictionary<string, string> pinned, SearchSpace space, TrialRecord winner)
    {
        var (trainer, values, prepare) = TrialConfiguration.ForLock(space.Parameters, winner.Configuration, pipeline.Settings.TrainerName);
        var expected = values.Concat(prepare.Select(kv => new KeyValuePair<string, string>(TrialConfiguration.PreparePrefix + kv.Key, kv.Value)))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        // The build names the trainer when the lock's trainer was searched; otherwise it is the pipeline's own.
        if ((pinned.GetValueOrDefault(TrialConfiguration.TrainerParameter) ?? pipeline.Settings.TrainerName) != trainer) return false;
        var actual = pinned.Where(kv => kv.Key != TrialConfiguration.TrainerParameter).ToArray();
        return actual.Length == expected.Count && actual.All(kv => expected.TryGetValue(kv.Key, out var v) && v == kv.Value);
    }

    /// <summary>
    /// The starting trial as an ensemble member: the values it was built with, by name, for every name a new lock could
    /// change (the space's parameters and the names the current lock pins), so a member pinned with them is rebuilt
    /// exactly whatever single winner the new lock pins beside it. They need not be a point of the space (the build
    /// checks them against the trainer, not the ranges). Null with <paramref name="notCandidate"/> when they cannot be
    /// written as such values: a space that searches the trainer or preparation (trial 1's trainer and preparation are
    /// in general no choice of it), or a value that is not a number ('auto': ML.NET chooses it from the data).
    /// </summary>
    public static Configuration? AsMember(ITunablePipeline pipeline, SearchSpace space, out string? notCandidate)
    {
        notCandidate = null;
        if (space.Parameters.Any(p => p.Name == TrialConfiguration.TrainerParameter || p.Name.StartsWith(TrialConfiguration.PreparePrefix, StringComparison.Ordinal)))
        {
            notCandidate = "the space searches the trainer or preparation, whose starting values are not a choice of it";
            return null;
        }
        if (pipeline.Settings.Hyperparameters is not { } built)
        {
            notCandidate = "its trainer's values are not declared";
            return null;
        }
        var member = new Configuration { Origin = OriginOf(pipeline) };
        foreach (var name in space.Parameters.Select(p => p.Name).Concat(pipeline.PinnedHyperparameters.Keys).Distinct(StringComparer.Ordinal))
        {
            if (!pipeline.HyperparameterNames.Contains(name) || !built.TryGetValue(name, out var text) || !TryNumber(text, out var value))
            {
                notCandidate = $"its {name} is {(built.TryGetValue(name, out var t) ? $"'{t}'" : "not declared")}, not a number a member can pin";
                return null;
            }
            member[name] = value;
        }
        return member;
    }

    private static bool TryNumber(string text, out double value)
    {
        if (text is "true" or "false") { value = text == "true" ? 1 : 0; return true; }
        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    /// <summary>
    /// What the lock pins when the starting trial wins: the pipeline's trainer and the values it was built with (the
    /// lock's values, or none: the spec's own), so a rebuild reproduces exactly the configuration trial 1 measured.
    /// </summary>
    public static (string Trainer, KeyValuePair<string, string>[] Params, KeyValuePair<string, string>[] Prepare) ForLock(ITunablePipeline pipeline)
    {
        var pinned = pipeline.PinnedHyperparameters;
        // A searched trainer that won before is pinned by name ('trainer'); else the pipeline's own (model.trainer).
        return (pinned.GetValueOrDefault(TrialConfiguration.TrainerParameter) ?? pipeline.Settings.TrainerName,
            pinned.Where(kv => kv.Key != TrialConfiguration.TrainerParameter && !kv.Key.StartsWith(TrialConfiguration.PreparePrefix, StringComparison.Ordinal)).ToArray(),
            pinned.Where(kv => kv.Key.StartsWith(TrialConfiguration.PreparePrefix, StringComparison.Ordinal))
                .Select(kv => new KeyValuePair<string, string>(kv.Key[TrialConfiguration.PreparePrefix.Length..], kv.Value)).ToArray());
    }
}

/// <summary>
/// A sampler behind a starting trial: trial 0 is the starting point; trial k ≥ 1 is the inner sampler's proposal k − 1,
/// from the finished proposals only, renumbered the same way. So the proposals after the starting trial are exactly those
/// of a study without it (same seed, same sequence: a grid neither skips nor repeats a point), and the samplers never see
/// a configuration that is not a point of their space (TPE does not learn from the starting trial: its values are in
/// general not values of the searched parameters).
/// </summary>
internal sealed class StartingPointSampler(ISampler inner, string origin) : ISampler
{
    public string Name => inner.Name;

    /// <summary>The sampler that makes the proposals (what halving asks about TPE's start-up count, or a grid).</summary>
    public ISampler Inner => inner;

    /// <summary>The sampler that makes the proposals, behind a starting trial and starting configurations or not.</summary>
    public static ISampler Unwrap(ISampler sampler) => sampler switch
    {
        StartingPointSampler wrapped => Unwrap(wrapped.Inner),
        FirstProposalsSampler first => Unwrap(first.Inner),
        _ => sampler,
    };

    public Configuration? Propose(SearchSpace space, int trialNumber, IReadOnlyList<FinishedTrial> finished) => trialNumber == 0
        ? StartingPoint.Of(origin)
        : inner.Propose(space, trialNumber - 1,
            finished.Where(t => !t.Configuration.IsStartingPoint).Select(t => t with { Number = t.Number - 1 }).ToArray());
}
