using MathNet.Numerics.Statistics;
using PipelineGen.Runtime.Data;
using PipelineGen.Runtime.Evaluation;

namespace PipelineGen.Runtime.Tuning;

/// <summary>One outer fold of nested cross-validation: its own search's winner, scored on rows that search never saw.</summary>
internal sealed record OuterFoldResult(int Fold, long TrainingRows, long TestRows, StudyResult Study, Configuration? Winner, double? WinnerScore, double? DefaultScore)
{
    /// <summary>
    /// With <c>--ensemble</c>: the outer score of what <c>tune</c> would keep in this fold — the greedy ensemble chosen
    /// from this outer search's out-of-fold predictions (members refitted on the outer training rows, scored on the outer
    /// validation rows) when <see cref="Ensembles.CrossFittedKeepRule"/> keeps it on those out-of-fold rows, else the
    /// single winner's score. Null without <c>--ensemble</c> or when no ensemble could be built.
    /// </summary>
    public double? EnsembleScore { get; init; }
    /// <summary>The fold's ensemble as built (its rule's decision, and the blend's outer score even when not kept).</summary>
    public Ensembles.EnsembleReport? Ensemble { get; init; }
    /// <summary>Distinct members of that ensemble (1: the selection kept the single winner).</summary>
    public int? EnsembleMembers => Ensemble?.Members.Count;
    /// <summary>True when the keep rule kept the ensemble in this fold (decided on the inner out-of-fold rows only).</summary>
    public bool? EnsembleKept => Ensemble?.Kept;
    /// <summary>
    /// The outer score of the search's best trial when the re-scoring chose another (<see cref="Rescoring"/>): the same
    /// search without re-scoring, on the same rows, so the two are compared fold by fold. Else null (it is the winner).
    /// </summary>
    public double? SearchBestScore { get; init; }
}

/// <summary>What nested cross-validation measured: the tuning procedure's score on unseen rows, fold by fold.</summary>
internal sealed record NestedReport(string Metric, int Folds, IReadOnlyList<OuterFoldResult> Outer, IReadOnlyList<string> Warnings)
{
    /// <summary>Mean and fold-to-fold standard deviation of the winners' outer scores (folds where a winner was scored).</summary>
    public (double Mean, double? Std, int Count)? Tuned => Summary(Outer.Select(o => o.WinnerScore));
    /// <summary>The same for the spec's own hyperparameters on the same outer folds (what tuning is compared with).</summary>
    public (double Mean, double? Std, int Count)? Defaults => Summary(Outer.Select(o => o.DefaultScore));
    /// <summary>
    /// The same for the procedure <c>tune --ensemble</c>: in every outer fold the ensemble's outer score when the keep
    /// rule (on that fold's inner out-of-fold rows) kept it, else the winner's — the outer rows never decide whether it
    /// is kept, so this is an honest estimate of exactly that procedure. Null without <c>--ensemble</c>.
    /// </summary>
    public (double Mean, double? Std, int Count)? Ensembled => Summary(Outer.Select(o => o.EnsembleScore));
    /// <summary>Outer folds whose ensemble was kept by the rule, of those where one was built.</summary>
    public (int Kept, int Built) EnsembleKeptFolds => (Outer.Count(o => o.EnsembleKept == true), Outer.Count(o => o.EnsembleKept is not null));
    /// <summary>The winners' outer scores had the leaders not been re-scored: the search's best in every fold (the winner where re-scoring kept it).</summary>
    public (double Mean, double? Std, int Count)? SearchBest => Summary(Outer.Select(o => o.Study.Rescore is { ChangedWinner: true } ? o.SearchBestScore : o.WinnerScore));
    /// <summary>Outer folds whose search re-scored its leaders, and those where that chose another trial than the search's best.</summary>
    public int RescoredFolds => Outer.Count(o => o.Study.Rescore is not null);
    public int RescoreChangedFolds => Outer.Count(o => o.Study.Rescore is { ChangedWinner: true });

    private static (double, double?, int)? Summary(IEnumerable<double?> values)
    {
        var v = values.Where(x => x.HasValue).Select(x => x!.Value).ToArray();
        return v.Length == 0 ? null : (v.Average(), v.Length > 1 ? v.StandardDeviation() : null, v.Length);
    }
}

/// <summary>
/// Nested cross-validation (<c>tune --nested K</c>): the training rows are split into K outer folds (seeded, stratified,
/// groups and duplicates on one side, the evaluation's own planner); in each, the whole search runs on the outer
/// training rows only (its trials use the spec's protocol inside them) and its winner is refitted on them and scored on
/// the outer validation rows, which the search never saw. The mean over the outer folds estimates what tuning delivers
/// on new data — the winner's search score, the best of many looks at the same folds, does not. Each outer search is
/// its own journaled study (<c>&lt;pipeline&gt;/outer-i-of-K</c>), so <c>--resume</c> continues them. Costs K searches.
/// </summary>
internal static class NestedEvaluation
{
    public static NestedReport Run(ITunablePipeline pipeline, TuneOptions options, int folds, Action<OuterFoldResult>? onFold = null)
    {
        if (folds < 2) throw new ArgumentException($"--nested {folds}: use 2 or more outer folds (5 or 10 is usual).");
        var settings = pipeline.Settings;
        string path = options.DataPath is { } given ? Path.GetFullPath(given) : settings.ResolvePath(settings.TrainDataPath);
        var scan = DataScan.Run(settings, path);
        scan.ThrowIfInvalid(options.BadRows ?? settings.BadRows);
        int seed = options.Seed ?? settings.Evaluation.Seed;
        var plan = SplitPlanner.Plan(scan.Keys, new EvaluationSettings
        {
            Protocol = EvaluationProtocol.KFold,
            Folds = folds,
            Stratify = settings.Evaluation.Stratify,
            Seed = seed,
        }, settings.Task);
        var workDir = Path.Combine(settings.ResolvePath("."), ".pipelinegen", "tune", settings.Name, "nested");
        Directory.CreateDirectory(workDir);
        int mlSeed = options.Seed ?? settings.Seed;
        var warnings = new List<string>(plan.Warnings);
        var outer = new List<OuterFoldResult>();
        string? metric = null;
        for (int i = 0; i < plan.Splits.Count; i++)
        {
            var split = plan.Splits[i];
            string train = Path.Combine(workDir, $"outer-{i + 1}-train{Path.GetExtension(path)}");
            string test = Path.Combine(workDir, $"outer-{i + 1}-test{Path.GetExtension(path)}");
            PipelineTuner.WriteParts(path, settings, split, train, test);
            var inner = options with
            {
                DataPath = train,
                WriteLock = false,
                NestedInner = true,
                StudyName = $"{settings.Name}/outer-{i + 1}-of-{folds}",
            };
            TuneReport report;
            try { report = PipelineTuner.Run(pipeline, inner); }
            catch (StudyNotResumableException e) when (options.Resume && i > 0)
            {
                // A nested run stopped in fold i left the later folds without a study of their own (or with one of an
                // earlier nested run, under another seed or data): they start now. Fold 1 stays strict, since a change
                // to the spec or data shows there first and must not silently restart every fold.
                warnings.Add($"outer fold {i + 1}: " + (e.NoStudy
                    ? "no study of its own was journaled (the nested run stopped before it), so its search started now"
                    : $"its journaled study is another run's ({e.Mismatch}), so its search started now as a new study"));
                report = PipelineTuner.Run(pipeline, inner with { Resume = false });
            }
            metric = report.Metric;
            var best = report.Result.Best;
            double? winner = best is null ? null
                : PipelineTuner.ScoreOnHoldback(pipeline.WithHyperparameters(best.Configuration), train, test, report.Metric, mlSeed, warnings);
            double? defaults = PipelineTuner.ScoreOnHoldback(pipeline, train, test, report.Metric, mlSeed, warnings);
            // What the search alone would have chosen, scored on the same rows, when the re-scoring chose otherwise.
            double? searchBest = report.Result.Rescore is { ChangedWinner: true } && report.Result.SearchBest is { } plain
                ? PipelineTuner.ScoreOnHoldback(pipeline.WithHyperparameters(plain.Configuration), train, test, report.Metric, mlSeed, warnings)
                : null;
            var (ensembleScore, ensembleBuilt) = options.Ensemble && best is not null
                ? ScoreEnsemble(pipeline, report, train, test, mlSeed, winner, warnings)
                : (null, null);
            var result = new OuterFoldResult(i, split.TrainingRowCount, split.ValidationRowCount, report.Result, best?.Configuration, winner, defaults)
            {
                EnsembleScore = ensembleScore,
                Ensemble = ensembleBuilt,
                SearchBestScore = searchBest,
            };
            outer.Add(result);
            onFold?.Invoke(result);
        }
        if (outer.All(o => o.Winner is null)) warnings.Add("no outer fold's search found a working configuration, so nested cross-validation has no estimate.");
        return new NestedReport(metric!, folds, outer, warnings.Distinct().ToArray());
    }

    /// <summary>
    /// The ensemble of one outer search: Caruana selection over the inner trials' out-of-fold predictions (computed on
    /// the outer training rows only), members refitted there and scored on the outer validation rows; kept or not by
    /// the same rule as <c>tune</c> (<see cref="Ensembles.CrossFittedKeepRule"/>, inner out-of-fold rows only): the
    /// fold's score is the ensemble's when kept, else the winner's.
    /// </summary>
    private static (double?, Ensembles.EnsembleReport?) ScoreEnsemble(ITunablePipeline pipeline, TuneReport report, string train, string test, int mlSeed, double? winner, List<string> warnings)
    {
        if (report.WorkDirectory is not { } workDirectory) return (null, null);
        var oofDirectory = Ensembles.OutOfFoldStore.Directory(workDirectory, report.Result.Study.Id);
        var built = Ensembles.EnsembleBuilder.Build(pipeline, report.Result, oofDirectory, train, test, mlSeed, winner, warnings, out var notBuilt);
        if (built is null)
        {
            warnings.Add($"an outer fold has no ensemble estimate: {notBuilt}.");
            return (null, null);
        }
        return (built.Kept ? built.HoldbackScore : winner, built);
    }
}
