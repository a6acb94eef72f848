using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using PipelineGen.Runtime.Data;

namespace PipelineGen.Runtime.Evaluation;

/// <summary>
/// Runs an evaluation protocol for any <see cref="IPipelineDefinition"/>: scans and validates the data, plans the
/// splits, fits the whole pipeline on each training part only, measures it and the baseline on the validation part,
/// aggregates and compares.
/// </summary>
internal static partial class Evaluator
{
    public static EvaluationResult Evaluate(IPipelineDefinition pipeline, EvaluationOptions? options = null)
    {
        options ??= new EvaluationOptions();
        var clock = Stopwatch.StartNew();
        var settings = pipeline.Settings;
        string path = options.DataPath is { } given ? Path.GetFullPath(given) : settings.ResolvePath(settings.TrainDataPath);
        var evaluation = ResolveSettings(settings.Evaluation, options);
        int mlSeed = options.Seed ?? settings.Seed;

        var scan = DataScan.Run(settings, path);
        scan.ThrowIfInvalid(options.BadRows ?? settings.BadRows);
        // The scan's note on duplicates describes the default policy; under drop/keep the plan says what happened instead.
        var warnings = new List<string>(evaluation.Duplicates == DuplicatePolicy.Group ? scan.Warnings : scan.Warnings.Where(w => !w.Contains("exact duplicates of an earlier row", StringComparison.Ordinal)));
        if (scan.BadRowCount > 0)
            warnings.Add($"{scan.BadRowCount} bad row(s) skipped (first: {scan.Problems.FirstOrDefault()}).");

        var (primary, reason) = MetricCatalog.ChoosePrimary(settings, scan.LabelCounts);
        string strategy = BaselineModel.ResolveStrategy(settings.Baseline, settings.Task, primary);
        var plan = SplitPlanner.Plan(scan.Keys, evaluation, settings.Task);
        warnings.AddRange(plan.Warnings);

        CheckRowCountMatchesLoader(pipeline, path, scan.RowCount, mlSeed);

        var metricNames = MetricCatalog.For(settings.Task);
        bool collect = options.CollectForReport && options.IncludeModel;
        // Opened before any split is fitted: a path that cannot be written fails now, not after the evaluation.
        using var predictions = options.PredictionsPath is { } predictionsPath && options.IncludeModel ? OutOfFoldCsv.Open(predictionsPath, settings, scan) : null;
        var run = new SplitRunner(pipeline, options, path, scan, evaluation, primary, strategy, mlSeed, warnings)
        {
            OutOfFold = collect ? new OutOfFoldPredictions { Task = settings.Task, SegmentColumn = settings.GroupColumn?.Name } : null,
            Predictions = predictions,
        };
        var splits = new List<SplitResult>();
        for (int i = 0; i < plan.Splits.Count; i++)
        {
            splits.Add(run.Evaluate(plan.Splits[i], i, plan.Splits.Count));
            options.Progress?.Invoke(new SplitProgress(i + 1, plan.Splits.Count, plan.Splits[i].ToString()));
        }
        predictions?.Commit();
        var outOfFold = run.OutOfFold;
        var importance = run.Importance;

        IReadOnlyList<MetricSummary> Summarise(Func<SplitResult, IReadOnlyDictionary<string, double?>?> pick) =>
            metricNames.Select(name => MetricSummary.From(name, splits.Select(s => pick(s)![name]).ToArray(), splits.Select(s => s.ValidationRows).ToArray())).ToArray();

        var baselineSummary = Summarise(s => s.Baseline);
        IReadOnlyList<MetricSummary>? modelSummary = options.IncludeModel ? Summarise(s => s.Model) : null;
        var comparison = options.IncludeModel ? Compare(run, splits, settings.Task, primary) : null;
        // A trivial baseline that is itself near perfect (accuracy 0.99 with 1 % positives) makes the model's score no sign
        // of a leak: it only ties "always the majority class".
        if (baselineSummary.FirstOrDefault(m => m.Name == primary) is not { Mean: >= NearPerfectScore }
            && NearPerfect(modelSummary, primary, importance) is { } tooGood) warnings.Add(tooGood);
        if (AbsentClasses(settings.Task, splits, plan.ClassNames) is { } absent) warnings.Add(absent);
        // One line per split and part on precision without a predicted positive would bury the rest: the table says
        // "undefined (no predicted positive)" with the splits its mean is over, and the line below sums it up.
        warnings.RemoveAll(w => w.EndsWith(MetricComputer.NoPredictedPositiveEnd, StringComparison.Ordinal));
        // The model's only: a prior or majority baseline calls no row positive by design (the table still says so).
        if (modelSummary?.FirstOrDefault(s => s.Name == "precision") is { UndefinedCount: > 0 } undefinedPrecision && primary != "precision")
            warnings.Add($"precision of the model is {MetricComputer.UndefinedText("precision")} on {undefinedPrecision.UndefinedCount} of {splits.Count} split(s): it called no row positive there"
                + (undefinedPrecision.Count > 0 ? $"; its mean is over the other {undefinedPrecision.Count}." : "."));
        foreach (var (who, summary) in (modelSummary ?? []).Select(s => ("model", s)).Concat(baselineSummary.Select(s => ("baseline", s))))
            if (summary.UndefinedCount > 0 && summary.Name == primary)
                warnings.Add(summary.Count == 0
                    ? $"the primary metric {primary} of the {who} is {MetricComputer.UndefinedText(primary)} on every split: there is no estimate of it."
                    : $"the primary metric {primary} of the {who} was {MetricComputer.UndefinedText(primary)} on {summary.UndefinedCount} of {splits.Count} split(s); its mean is over the other {summary.Count}, not counting them as 0.");

        return new EvaluationResult
        {
            PipelineName = settings.Name,
            Task = settings.Task,
            DataPath = path,
            Settings = evaluation,
            ProtocolDescription = plan.Description,
            RowCount = scan.RowCount,
            UsedRowCount = plan.RowCount,
            SkippedBadRowCount = scan.BadRowCount,
            DuplicateRowCount = plan.DuplicateRowCount,
            PrimaryMetric = primary,
            PrimaryMetricReason = reason,
            BaselineStrategy = strategy,
            Splits = splits,
            Model = modelSummary,
            Baseline = baselineSummary,
            Comparison = comparison,
            Warnings = warnings.Distinct().ToArray(),
            Duration = clock.Elapsed,
            ClassNames = plan.ClassNames,
            LargeUnits = plan.LargeUnits,
            PerSplitReason = PerSplitReason(splits, primary, comparison, plan.LargeUnits, options.IncludeModel),
            OutOfFold = outOfFold,
            DecisionThreshold = settings.DecisionThreshold,
            GroupColumn = settings.GroupColumn?.Name,
            PredictionsFile = predictions is null ? null : (Path.GetFullPath(options.PredictionsPath!), predictions.Rows),
            Importance = collect ? new FeatureImportance(primary, importance.Select(kv => new ColumnImportance(kv.Key, kv.Value)).ToArray()) : null,
        };
    }

    /// <summary>
    /// The spec's evaluation settings with the options' overrides. Repeated K-fold asked for on the command line of a spec
    /// whose protocol is not repeated K-fold has no repeat count of its own: it gets <see cref="EvaluationSettings.DefaultRepeats"/>
    /// (the spec's documented default), not the spec's 1, which would be plain K-fold under another name.
    /// </summary>
    public static EvaluationSettings ResolveSettings(EvaluationSettings spec, EvaluationOptions options)
    {
        var protocol = options.Protocol ?? spec.Protocol;
        int repeats = options.Repeats
            ?? (protocol == EvaluationProtocol.RepeatedKFold && spec.Protocol != EvaluationProtocol.RepeatedKFold ? EvaluationSettings.DefaultRepeats : spec.Repeats);
        return spec with
        {
            Protocol = protocol,
            Folds = options.Folds ?? spec.Folds,
            Repeats = repeats,
            HoldoutFraction = options.HoldoutFraction ?? spec.HoldoutFraction,
            Seed = options.Seed ?? spec.Seed,
            Duplicates = options.Duplicates ?? spec.Duplicates,
        };
    }

    /// <summary>A split this many standard deviations (of the other splits) away from their mean is an outlier.</summary>
    public const double OutlierDeviations = 3;

    // Two-sided tail of ±3 standard deviations of a normal distribution.
    private const double OutlierTail = 0.0027;

    /// <summary>
    /// Why the per-split scores should be looked at, or null: a split whose primary metric lies outside the "3 sigma"
    /// prediction interval of the other splits (their mean ± t(1 − 0.00135, m − 1) · s · √(1 + 1/m) for m other splits
    /// with standard deviation s: <see cref="OutlierDeviations"/> standard deviations, widened for the few splits the
    /// spread is estimated from, so five agreeing folds do not flag ordinary noise); a fold-to-fold spread
    /// larger than the model's mean gap to the baseline; or a unit too large to place in balance.
    /// </summary>
    public static string? PerSplitReason(IReadOnlyList<SplitResult> splits, string primary, BaselineComparison? comparison, IReadOnlyList<LargeUnit> largeUnits, bool includeModel)
    {
        var inv = CultureInfo.InvariantCulture;
        var reasons = new List<string>();
        if (largeUnits.Count > 0) reasons.Add("some rows kept together are too many for a balanced split");
        if (splits.Count >= 3)
        {
            var values = splits.Select(s => (includeModel ? s.Model! : s.Baseline)[primary]).ToArray();
            for (int i = 0; i < values.Length; i++)
            {
                if (values[i] is not double v) continue;
                var others = values.Where((x, j) => j != i && x.HasValue).Select(x => x!.Value).ToArray();
                if (others.Length < 2) continue;
                double mean = others.Average();
                double std = MathNet.Numerics.Statistics.Statistics.StandardDeviation(others);
                double floor = 1e-9 + 1e-6 * Math.Abs(mean);
                double t = MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, others.Length - 1, 1 - OutlierTail / 2);
                double halfWidth = t * Math.Max(std, floor) * Math.Sqrt(1 + 1.0 / others.Length);
                if (Math.Abs(v - mean) > halfWidth)
                {
                    reasons.Add(string.Create(inv, $"split {splits[i].Repeat + 1}.{splits[i].Fold + 1} scores {primary} {v:0.####}, outside the {OutlierDeviations}-sigma range of the other splits ({mean:0.####} ± {halfWidth:0.####})"));
                    break;
                }
            }
        }
        if (comparison is { Noise: double noise, MeanImprovement: double gap } && comparison.Pairs >= 2 && noise > Math.Abs(gap))
            reasons.Add(string.Create(inv, $"the fold-to-fold standard deviation of {primary} ({noise:0.####}) is larger than the model's mean gap to the baseline ({gap:0.####})"));
        return reasons.Count == 0 ? null : string.Join("; ", reasons);
    }

    /// <summary>Disjoint validation chunks a holdout's comparison is made on.</summary>
    public const int HoldoutChunks = 5;

    /// <summary>
    /// A holdout has one split, so there is no fold-to-fold noise. The one trained model and the baseline are compared
    /// instead on <see cref="HoldoutChunks"/> disjoint chunks of the validation rows (every k-th row): the chunks do not
    /// overlap and the model is fixed, so the plain paired t-test applies. It measures the validation set's sampling
    /// noise, not the training's: K-fold remains the stronger protocol.
    /// </summary>
    /// <summary>At or above this share of a perfect score (auc, accuracy, f1, r2, ...), the estimate is called near perfect.</summary>
    internal const double NearPerfectScore = 0.99;

    /// <summary>
    /// A near-perfect primary metric is more often a leak (a copy of the label, a post-outcome column, an id of a file
    /// sorted by label) than a solved problem: say so beside the number, with the column the model leans on most
    /// when permutation importance was measured. Only metrics bounded by 1 where higher is better.
    /// </summary>
    private static string? NearPerfect(IReadOnlyList<MetricSummary>? model, string primary, Dictionary<string, List<double?>> importance)
    {
        if (model?.FirstOrDefault(m => m.Name == primary) is not { Mean: double mean } || !IsNearPerfect(primary, mean)) return null;
        var top = importance
            .Select(kv => (Column: kv.Key, Drop: kv.Value.Where(v => v is not null).Select(v => v!.Value).DefaultIfEmpty(double.NaN).Average()))
            .Where(x => !double.IsNaN(x.Drop)).OrderByDescending(x => x.Drop).FirstOrDefault();
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        return string.Create(inv, $"{primary} {mean:0.0000} {NearPerfectClaim} ")
            + (top.Column is null ? "" : string.Create(inv, $"The model leans most on '{top.Column}' (shuffling it costs {top.Drop:0.0000} {primary}). "))
            + NearPerfectAdvice;
    }

    /// <summary>Only metrics bounded by 1 where higher is better, at or above <see cref="NearPerfectScore"/>.</summary>
    private static bool IsNearPerfect(string metric, double value) =>
        MetricCatalog.HigherIsBetter(metric) && MetricCatalog.Range(metric).Max == 1 && value >= NearPerfectScore;

    private static readonly string NearPerfectClaim = string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"is near perfect (>= {NearPerfectScore}): on real data that is more often a leak than a solved problem.");

    private const string NearPerfectAdvice = "Check that no feature is computed from the label, known only after the outcome, or an id of a file sorted by the label; 'explore' scores each column alone and flags such columns.";

    /// <summary>
    /// The same warning for a single score (tune's held-back estimate, where no importance was measured): a study on
    /// data with a copy of the label printed "held-back auc 1.0000 (the honest estimate)" and nothing else.
    /// </summary>
    internal static string? NearPerfect(string metric, double? score, string what)
    {
        if (score is not { } value || !IsNearPerfect(metric, value)) return null;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the {what} {metric} {value:0.0000} {NearPerfectClaim} ") + NearPerfectAdvice;
    }

    private static BaselineComparison CompareOnValidationChunks(MLContext ml, MlTaskKind task, string primary, IDataView modelScores, IDataView baselineScores)
    {
        var ignored = new List<string>(); // per-chunk warnings (a chunk without a positive) are summarised by the comparison itself
        var model = new double?[HoldoutChunks];
        var baseline = new double?[HoldoutChunks];
        for (int c = 0; c < HoldoutChunks; c++)
        {
            int chunk = c;
            model[c] = MetricComputer.Compute(ml, task, new RowFilterDataView(modelScores, row => row % HoldoutChunks == chunk), $"model, validation chunk {c + 1}", ignored)[primary];
            baseline[c] = MetricComputer.Compute(ml, task, new RowFilterDataView(baselineScores, row => row % HoldoutChunks == chunk), $"baseline, validation chunk {c + 1}", ignored)[primary];
        }
        return BaselineComparison.Compare(primary, model, baseline, validationToTrainingRatio: 0, unit: "validation chunks", noiseName: "chunk-to-chunk noise");
    }

    /// <summary>
    /// Multiclass: a class without a validation row in a split has no accuracy of its own there (0/0), so that split's
    /// macro_accuracy is the mean over the classes present (as ML.NET computes it): say so, with the first such class.
    /// </summary>
    internal static string? AbsentClasses(MlTaskKind task, IReadOnlyList<SplitResult> splits, IReadOnlyList<string> classNames)
    {
        if (task != MlTaskKind.MulticlassClassification || classNames.Count == 0) return null;
        var missing = splits.Where(s => s.ValidationClassCounts is { } c && c.Count == classNames.Count && c.Any(n => n == 0)).ToArray();
        if (missing.Length == 0) return null;
        var first = missing[0];
        string cls = classNames[first.ValidationClassCounts!.Select((n, i) => (n, i)).First(x => x.n == 0).i];
        return $"{missing.Length} of {splits.Count} split(s) have no validation row of some class (first: '{cls}' in split {first.Repeat + 1}.{first.Fold + 1}): "
            + "that class has no accuracy there (0/0), so those splits' macro_accuracy is the mean over the classes present, not a 0 for the absent one.";
    }

    /// <summary>The baseline alone, under the same splits: no model is trained.</summary>
    public static EvaluationResult EvaluateBaseline(IPipelineDefinition pipeline, EvaluationOptions? options = null) =>
        Evaluate(pipeline, (options ?? new EvaluationOptions()) with { IncludeModel = false });

    // The splits index rows as the scan counted them; if the generated loader disagreed, every split would be wrong.
    private static void CheckRowCountMatchesLoader(IPipelineDefinition pipeline, string path, long scannedRows, int seed)
    {
        var data = pipeline.LoadData(new MLContext(seed), path);
        long rows = 0;
        using (var cursor = data.GetRowCursor([]))
            while (cursor.MoveNext()) rows++;
        if (rows != scannedRows)
            throw new EvaluationException(
                $"{path}: the pipeline's loader reads {rows} rows but the row scan found {scannedRows}. Multi-line quoted fields are not supported; keep every record on one line.");
    }
}
