namespace PipelineGen.Runtime.Tuning;

/// <summary>The spec's <c>tune</c> section as the build resolved it.</summary>
public sealed record TuningSettings
{
    /// <summary>random, grid or bayesian.</summary>
    public string Strategy { get; init; } = "random";
    /// <summary><c>tune.trials</c>; null when the spec does not write it (see <see cref="TrialBudget"/>).</summary>
    public int? Trials { get; init; }

    /// <summary>Trials of a study when neither <c>--trials</c> nor <c>tune.trials</c> says, and no <c>--time</c> is given.</summary>
    internal const int DefaultTrials = 20;

    /// <summary>The trial budget of a study that only <c>--time</c> bounds: no trial cap.</summary>
    internal const int NoTrialCap = int.MaxValue;

    /// <summary>
    /// The study's trial budget: <c>--trials</c>, else <c>tune.trials</c>, else <see cref="DefaultTrials"/> — except
    /// that a time budget given alone (<c>tune --time 10m</c>, no trial count anywhere) is the only bound
    /// (<see cref="NoTrialCap"/>): the user asked for ten minutes of search, not for 20 trials that may end after one.
    /// </summary>
    internal int TrialBudget(int? requested, TimeSpan? time) => requested ?? Trials ?? (time is null ? DefaultTrials : NoTrialCap);

    /// <summary>"up to 20 trial(s)", or "trials until the time budget ends" for <see cref="NoTrialCap"/>.</summary>
    internal static string DescribeTrialBudget(int budget) =>
        budget == NoTrialCap ? "trials until the time budget ends" : $"up to {budget} trial(s)";
    /// <summary>Metric to optimise; null: the evaluation's primary metric.</summary>
    public string? Metric { get; init; }
    public required IReadOnlyList<SearchParameter> Space { get; init; }
    /// <summary><c>tune.ensemble</c>: build a greedy ensemble of the best trials after the study (as <c>tune --ensemble</c>).</summary>
    public bool Ensemble { get; init; }
    /// <summary><c>tune.honest</c>: holdout (a held-back share of the rows) or nested (nested cross-validation over <see cref="OuterFolds"/>).</summary>
    public string Honest { get; init; } = "holdout";
    /// <summary><c>tune.outer_folds</c>: outer folds of nested cross-validation.</summary>
    public int OuterFolds { get; init; } = 5;
    /// <summary>
    /// When the trainer is searched: each searched trainer's hyperparameters (spec name → text) before a trial's values,
    /// as <see cref="PipelineSettings.Hyperparameters"/> holds them for the spec's trainer; null otherwise.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? TrainerHyperparameters { get; init; }
    /// <summary>When the trainer is searched: the spec name of each searched trainer's capacity hyperparameter (trees, iterations, epochs), for those that have one.</summary>
    public IReadOnlyDictionary<string, string>? TrainerCapacityHyperparameters { get; init; }
    /// <summary>
    /// Configurations the study proposes first, right after its starting trial and before the sampler's own (the default
    /// space's portfolio: docs/runtime-tuning.md); each a point of <see cref="Space"/>. Empty for a declared space.
    /// </summary>
    public IReadOnlyList<IReadOnlyDictionary<string, double>> StartingConfigurations { get; init; } = [];
    /// <summary><c>tune.halving_budget</c>: what halving / Hyperband rungs spend: auto, rows or iterations (see <see cref="HalvingBudgetKinds"/>).</summary>
    public string HalvingBudget { get; init; } = HalvingBudgetKinds.Auto;
}

/// <summary>
/// Implemented by a generated pipeline whose spec has a <c>tune</c> section: it exposes its search space and builds
/// the same pipeline with the trainer's hyperparameters overridden, so a trial is evaluated by exactly the code that
/// <c>evaluate</c> and <c>train</c> run.
/// </summary>
public interface ITunablePipeline : IPipelineDefinition
{
    TuningSettings Tuning { get; }

    /// <summary>The spec name of every hyperparameter the trainer accepts (what <see cref="WithHyperparameters"/> may set).</summary>
    IReadOnlyList<string> HyperparameterNames { get; }

    /// <summary>Values pinned by the lock file the build read (spec name → value as written), empty when there is none.</summary>
    IReadOnlyDictionary<string, string> PinnedHyperparameters { get; }

    /// <summary>Where <c>tune</c> writes the winner (next to the spec: <c>&lt;spec&gt;.lock.yaml</c>).</summary>
    string LockFilePath { get; }

    /// <summary>The same pipeline with these trainer hyperparameters (spec names) set; others stay as the spec and lock say.</summary>
    /// <exception cref="ArgumentException">A name the trainer does not have.</exception>
    IPipelineDefinition WithHyperparameters(IReadOnlyDictionary<string, double> values);

    /// <summary>The ensemble the lock file pinned (members' values as written, weights), empty when it pins none: 'train' fits it.</summary>
    IReadOnlyList<PinnedEnsembleMember> PinnedEnsemble => [];
}

/// <summary>One member of an ensemble pinned in the lock file: its blend weight and its values (search-space name → value as written).</summary>
public sealed record PinnedEnsembleMember(double Weight, IReadOnlyDictionary<string, string> Values)
{
    /// <summary>"spec" or "pinned" when the member is the tune study's starting trial (the lock's <c>from:</c>), null for a proposal.</summary>
    public string? From { get; init; }
}
