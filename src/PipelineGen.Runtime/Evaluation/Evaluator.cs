using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using PipelineGen.Runtime.Data;

namespace PipelineGen.Runtime.Evaluation;

/// <summary>Overrides of the spec's settings for one evaluation (what the CLI's options map to). Null keeps the spec's value.</summary>
internal sealed record EvaluationOptions
{
    /// <summary>Data file; relative paths are taken from the current directory. Default: the spec's training data.</summary>
    public string? DataPath { get; init; }
    public EvaluationProtocol? Protocol { get; init; }
    public int? Folds { get; init; }
    public int? Repeats { get; init; }
    public double? HoldoutFraction { get; init; }
    /// <summary>Seed of the splits and of every <see cref="MLContext"/>.</summary>
    public int? Seed { get; init; }
    public BadRowPolicy? BadRows { get; init; }
    /// <summary>How exact-duplicate rows are split; default the spec's <c>evaluate.duplicates</c>.</summary>
    public DuplicatePolicy? Duplicates { get; init; }
    /// <summary>False: evaluate the baseline only (no model is trained).</summary>
    public bool IncludeModel { get; init; } = true;
    /// <summary>
    /// Gather what the HTML evaluation report draws while the splits run: every validation row's out-of-fold prediction
    /// and the permutation importance of each feature column on each validation part (one rescoring per column and split).
    /// Off for tuning trials, which only need the metrics.
    /// </summary>
    public bool CollectForReport { get; init; }
    /// <summary>Called after each split.</summary>
    public Action<SplitProgress>? Progress { get; init; }
    /// <summary>Called with each split's scored validation rows (quality gates measure per class and per group on them).</summary>
    public Action<ScoredSplit>? OnModelScored { get; init; }
    /// <summary>When set, each row's out-of-fold prediction is added to it (tuning keeps them for ensemble selection).</summary>
    public OutOfFoldCollector? OutOfFold { get; init; }
    /// <summary>
    /// Share of each split's training rows the model is fitted on (seeded, stratified, the same rows for every call with
    /// the same seed: see <see cref="TrainingSubsample"/>). Null or 1: all of them. Successive halving's low rungs use it.
    /// </summary>
    public double? TrainingFraction { get; init; }
}

/// <summary>One split's validation rows scored by the model fitted on its training part.</summary>
internal sealed record ScoredSplit(int Index, MLContext Context, IDataView Scored);

internal sealed record SplitProgress(int Completed, int Total, string Split);

/// <summary>Metrics of one split; a null metric was undefined there.</summary>
/// <remarks><c>ValidationClassCounts</c>: Classification: validation rows per class (<see cref="EvaluationResult.ClassNames"/> order); null for regression.</remarks>
internal sealed record SplitResult(
    int Repeat, int Fold, long TrainingRows, long ValidationRows,
    IReadOnlyDictionary<string, double?>? Model, IReadOnlyDictionary<string, double?> Baseline,
    IReadOnlyList<long>? ValidationClassCounts = null);

/// <summary>Everything an evaluation measured. The CLI only formats it.</summary>
internal sealed class EvaluationResult
{
    public required string PipelineName { get; init; }
    public required MlTaskKind Task { get; init; }
    public required string DataPath { get; init; }
    public required EvaluationSettings Settings { get; init; }
    public required string ProtocolDescription { get; init; }
    /// <summary>Rows in the file as the loader sees them.</summary>
    public required long RowCount { get; init; }
    /// <summary>Rows that took part in the splits.</summary>
    public required long UsedRowCount { get; init; }
    public required long SkippedBadRowCount { get; init; }
    public required int DuplicateRowCount { get; init; }
    public required string PrimaryMetric { get; init; }
    public required string PrimaryMetricReason { get; init; }
    public required string BaselineStrategy { get; init; }
    public required IReadOnlyList<SplitResult> Splits { get; init; }
    /// <summary>Null when only the baseline was evaluated.</summary>
    public IReadOnlyList<MetricSummary>? Model { get; init; }
    public required IReadOnlyList<MetricSummary> Baseline { get; init; }
    /// <summary>Null when only the baseline was evaluated.</summary>
    public BaselineComparison? Comparison { get; init; }
    public required IReadOnlyList<string> Warnings { get; init; }
    public required TimeSpan Duration { get; init; }
    /// <summary>Class names of <see cref="SplitResult.ValidationClassCounts"/>.</summary>
    public IReadOnlyList<string> ClassNames { get; init; } = [];
    /// <summary>Units of rows kept together that were too large to place in balance.</summary>
    public IReadOnlyList<LargeUnit> LargeUnits { get; init; } = [];
    /// <summary>Why the per-split table should be shown (fold scores spread more than they should); null when they do not.</summary>
    public string? PerSplitReason { get; init; }
    /// <summary>Out-of-fold predictions (with <see cref="EvaluationOptions.CollectForReport"/> and a model); null otherwise.</summary>
    public OutOfFoldPredictions? OutOfFold { get; init; }
    /// <summary>Permutation importance per feature column and split (with <see cref="EvaluationOptions.CollectForReport"/> and a model); null otherwise.</summary>
    public FeatureImportance? Importance { get; init; }
    /// <summary>Binary: the spec's decision threshold on P(positive), null when it names none (0.5).</summary>
    public double? DecisionThreshold { get; init; }
    /// <summary>The spec's group column (rows kept together in splits), whose values the report shows metrics per.</summary>
    public string? GroupColumn { get; init; }

    public MetricSummary? ModelMetric(string name) => Model?.FirstOrDefault(m => m.Name == name);
    public MetricSummary BaselineMetric(string name) => Baseline.First(m => m.Name == name);

    /// <summary>The knobs that decided the numbers, for the run store.</summary>
    public IReadOnlyDictionary<string, string> Parameters() => new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["data"] = DataPath,
        ["protocol"] = Settings.Protocol.ToString(),
        ["folds"] = Settings.Folds.ToString(CultureInfo.InvariantCulture),
        ["repeats"] = Settings.Repeats.ToString(CultureInfo.InvariantCulture),
        ["holdout_fraction"] = Settings.HoldoutFraction.ToString(CultureInfo.InvariantCulture),
        ["stratify"] = Settings.Stratify ? "true" : "false",
        ["seed"] = Settings.Seed.ToString(CultureInfo.InvariantCulture),
        ["duplicates"] = Settings.Duplicates.ToString().ToLowerInvariant(),
        ["primary_metric"] = PrimaryMetric,
        ["baseline"] = BaselineStrategy,
    };
}

/// <summary>
/// Runs an evaluation protocol for any <see cref="IPipelineDefinition"/>: scans and validates the data, plans the
/// splits, fits the whole pipeline on each training part only, measures it and the baseline on the validation part,
/// aggregates and compares.
/// </summary>
internal static class Evaluator
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

        var (primary, reason) = MetricCatalog.ChoosePrimary(settings, scan.LabelCounts.Select(c => c.Value).ToArray());
        string strategy = BaselineModel.ResolveStrategy(settings.Baseline, settings.Task, primary);
        var plan = SplitPlanner.Plan(scan.Keys, evaluation, settings.Task);
        warnings.AddRange(plan.Warnings);

        CheckRowCountMatchesLoader(pipeline, path, scan.RowCount, mlSeed);

        var metricNames = MetricCatalog.For(settings.Task);
        var splits = new List<SplitResult>();
        IDataView? holdoutModelScores = null, holdoutBaselineScores = null;
        MLContext? holdoutContext = null;
        bool collect = options.CollectForReport && options.IncludeModel;
        var outOfFold = collect ? new OutOfFoldPredictions { Task = settings.Task, SegmentColumn = settings.GroupColumn?.Name } : null;
        var importance = new Dictionary<string, List<double?>>(StringComparer.Ordinal);
        for (int i = 0; i < plan.Splits.Count; i++)
        {
            var split = plan.Splits[i];
            string where = plan.Splits.Count == 1 ? "validation" : split.ToString();
            // A fresh, seeded context per split: a split's numbers do not depend on what ran before it.
            var ml = new MLContext(mlSeed);
            var data = pipeline.LoadData(ml, path);
            var training = options.TrainingFraction is { } fraction and < 1
                ? TrainingSubsample.Training(data, scan.Keys, split, fraction, evaluation.Seed)
                : split.Training(data);
            var validation = split.Validation(data);

            IReadOnlyDictionary<string, double?>? modelMetrics = null;
            ITransformer? lastModel = null;
            IDataView trainingLabels, validationLabels;
            if (options.IncludeModel)
            {
                var model = pipeline.BuildPipeline(ml).Fit(training);
                lastModel = model;
                var scored = model.Transform(validation);
                modelMetrics = MetricComputer.Compute(ml, settings.Task, scored, $"model, {where}", warnings);
                options.OnModelScored?.Invoke(new ScoredSplit(i, ml, scored));
                options.OutOfFold?.Add(split, scan.RowCount, settings.Task, scored);
                // Only Label is read from these, so no scoring work is done for the baseline.
                trainingLabels = model.Transform(training);
                validationLabels = scored;
            }
            else
            {
                var preprocessing = pipeline.BuildPreprocessing(ml).Fit(training);
                trainingLabels = preprocessing.Transform(training);
                validationLabels = preprocessing.Transform(validation);
            }
            var baseline = BaselineModel.Fit(settings.Task, strategy, trainingLabels);
            var baselineScores = baseline.Score(ml, validationLabels);
            var baselineMetrics = MetricComputer.Compute(ml, settings.Task, baselineScores, $"baseline, {where}", warnings);
            if (outOfFold is not null)
            {
                outOfFold.Add(i, validationLabels, baselineScores);
                foreach (var (column, loss) in PermutationImportance.Measure(ml, pipeline, lastModel!, validation, primary, modelMetrics![primary], mlSeed + i))
                    (importance.TryGetValue(column, out var list) ? list : importance[column] = []).Add(loss);
            }
            if (plan.Splits.Count == 1 && options.IncludeModel)
                (holdoutContext, holdoutModelScores, holdoutBaselineScores) = (ml, validationLabels, baselineScores);
            splits.Add(new SplitResult(split.Repeat, split.Fold, split.TrainingRowCount, split.ValidationRowCount, modelMetrics, baselineMetrics, split.ValidationClassCounts));
            options.Progress?.Invoke(new SplitProgress(i + 1, plan.Splits.Count, split.ToString()));
        }

        IReadOnlyList<MetricSummary> Summarise(Func<SplitResult, IReadOnlyDictionary<string, double?>?> pick) =>
            metricNames.Select(name => MetricSummary.From(name, splits.Select(s => pick(s)![name]).ToArray())).ToArray();

        var baselineSummary = Summarise(s => s.Baseline);
        IReadOnlyList<MetricSummary>? modelSummary = options.IncludeModel ? Summarise(s => s.Model) : null;
        BaselineComparison? comparison = null;
        if (options.IncludeModel)
        {
            if (holdoutModelScores is not null && splits[0].ValidationRows >= 2 * HoldoutChunks)
            {
                comparison = CompareOnValidationChunks(holdoutContext!, settings.Task, primary, holdoutModelScores, holdoutBaselineScores!);
            }
            else
            {
                double ratio = splits.Average(s => s.ValidationRows / (double)s.TrainingRows);
                comparison = BaselineComparison.Compare(primary,
                    splits.Select(s => s.Model![primary]).ToArray(), splits.Select(s => s.Baseline[primary]).ToArray(), ratio);
            }
        }
        foreach (var summary in (modelSummary ?? []).Concat(baselineSummary))
            if (summary.UndefinedCount > 0 && summary.Name == primary)
                warnings.Add($"the primary metric {primary} was undefined on {summary.UndefinedCount} split(s); they are left out of its mean.");

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
