using System.Globalization;
using System.Text;
using Microsoft.ML;
using PipelineGen.Runtime.Data;
using PipelineGen.Runtime.Evaluation;

namespace PipelineGen.Runtime.Training;

/// <summary>
/// One capacity point: the metric on the rows the model was fitted on and on the held-out rows, as the mean over the
/// protocol's splits. <see cref="ValidationPerSplit"/> holds the values the mean and band come from (on a holdout, the
/// validation part's disjoint chunks), aligned across points so that capacities are compared split by split.
/// </summary>
internal sealed record CapacityPoint(int Capacity, double TrainMetric, double ValidationMetric)
{
    /// <summary>Validation metric per split (or per validation chunk on a holdout); NaN where it was undefined.</summary>
    public IReadOnlyList<double> ValidationPerSplit { get; init; } = [];
    /// <summary>Standard deviation of <see cref="ValidationPerSplit"/>: the band drawn around the validation line; null with fewer than two values.</summary>
    public double? ValidationStd { get; init; }
    /// <summary>Training metric per split (on a holdout, per chunk of the training part, cut like the validation chunks); NaN where it was undefined.</summary>
    public IReadOnlyList<double> TrainPerSplit { get; init; } = [];
    /// <summary>Standard deviation of <see cref="TrainPerSplit"/>: the band drawn around the training line; null with fewer than two values.</summary>
    public double? TrainStd { get; init; }
}

internal enum CapacityVerdict
{
    /// <summary>Validation improves, then stops: some capacity is worse than the best by more than the noise, and the best is not at the end.</summary>
    Found,
    /// <summary>Validation still improves at the largest capacity by more than the noise: grow it.</summary>
    TooSmall,
    /// <summary>Validation is best at the smallest capacity and the next one is already worse by more than the noise.</summary>
    OverfitsFromStart,
    /// <summary>No capacity is worse than the best by more than the split-to-split noise: the curve does not say which way to go.</summary>
    NoClearDirection,
}

/// <summary>A capacity curve: its points, the point it chooses and its verdict.</summary>
/// <remarks><c>BestIndex</c>: the point the curve chooses (see <see cref="CapacityCurve.Judge"/>); <see cref="TopIndex"/> is the best mean. <c>TrainRows</c>/<c>ValidationRows</c>: per split, on average.</remarks>
internal sealed record CapacityCurveResult(
    string PipelineName,
    string TrainerName,
    string CapacityParameter,
    string Metric,
    bool LowerIsBetter,
    long TrainRows,
    long ValidationRows,
    IReadOnlyList<CapacityPoint> Points,
    int BestIndex,
    CapacityVerdict Verdict,
    string Message)
{
    public CapacityPoint Best => Points[BestIndex];
    public string SplitDescription { get; init; } = "";
    public IReadOnlyList<string> Warnings { get; init; } = [];
    /// <summary>The point with the best mean validation metric.</summary>
    public int TopIndex { get; init; }
    /// <summary>The pipeline's own capacity (the lock file's pinned value, else the spec's, or the trainer's default).</summary>
    public int SpecCapacity { get; init; }
    /// <summary>The lock file that pinned <see cref="SpecCapacity"/> (see <see cref="ICapacityAdjustable.CapacityPinnedBy"/>); null when it is the spec's.</summary>
    public string? CapacityPinnedBy { get; init; }
    /// <summary>Where the pipeline's own capacity came from, as the table and the plot mark it: "spec" or "pinned by &lt;lock file&gt;".</summary>
    public string SpecCapacitySource => CapacityPinnedBy is { } lockFile ? $"pinned by {lockFile}" : "spec";
    /// <summary>Splits the means are over.</summary>
    public int SplitCount { get; init; } = 1;
    /// <summary>What the noise is measured over: "splits", or "validation chunks" on a holdout.</summary>
    public string NoiseUnit { get; init; } = "splits";

    /// <summary>The capacity the curve chose.</summary>
    public int ChosenCapacity => Best.Capacity;
}

/// <summary>
/// Capacity ("grow it until it overfits") under the spec's evaluation protocol: on every split, preparation is fitted on
/// the training part once and the trainer is refitted at growing capacities; the metric is recorded on both parts. The
/// curve is the mean over splits with a band (the split-to-split standard deviation); a direction is called only when it
/// beats that noise (a paired, corrected resampled t-test between capacities, split by split).
/// </summary>
internal static class CapacityCurve
{
    /// <summary>Relative change under which validation counts as "no longer improving", whatever the noise.</summary>
    public const double ImprovementTolerance = 0.002;

    /// <summary>One-sided level at which one capacity counts as worse than another.</summary>
    public const double SignificanceLevel = 0.05;

    /// <summary>Geometric steps around the default: ⅛×, ¼×, ½×, 1×, 2×, 4×.</summary>
    public static IReadOnlyList<int> DefaultCapacities(int defaultCapacity)
    {
        if (defaultCapacity < 1)
            throw new ArgumentOutOfRangeException(nameof(defaultCapacity), defaultCapacity, "The default capacity must be at least 1.");
        return new[] { 0.125, 0.25, 0.5, 1, 2, 4 }
            .Select(f => Math.Max(1, (int)Math.Round(defaultCapacity * f)))
            .Distinct()
            .ToArray();
    }

    /// <param name="ml">Context every fit runs in (seeded by the caller).</param>
    /// <param name="pipeline">A pipeline whose trainer has a capacity knob.</param>
    /// <param name="capacities">Capacities to try (the pipeline's own is always added, so the choice can be compared with it).</param>
    /// <param name="metric">Metric; default the spec's, or the one evaluate chooses from the class balance.</param>
    /// <param name="progress">One line per capacity and split.</param>
    /// <param name="protocol">Overrides of the spec's protocol (as for evaluate); default the spec's.</param>
    /// <param name="phase">Told what is being fitted before each fit (a progress display; not part of the output).</param>
    public static CapacityCurveResult Compute(MLContext ml, IPipelineDefinition pipeline, IReadOnlyList<int>? capacities = null, string? metric = null, TextWriter? progress = null, EvaluationOptions? protocol = null,
        Action<string>? phase = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        if (pipeline is not ICapacityAdjustable adjustable)
            throw new NotSupportedException(NotAdjustableMessage(pipeline));
        var settings = pipeline.Settings;
        var requested = RequestedCapacities(adjustable, capacities);

        // The evaluate step's own splits: the spec's protocol, stratified, groups and duplicates as the spec says, bad
        // rows handled by the spec's policy.
        protocol ??= new EvaluationOptions();
        var evaluation = Evaluator.ResolveSettings(settings.Evaluation, protocol);
        var path = protocol.DataPath is { } given ? Path.GetFullPath(given) : settings.ResolvePath(settings.TrainDataPath);
        var scan = DataScan.Run(settings, path);
        scan.ThrowIfInvalid(protocol.BadRows ?? settings.BadRows);
        metric ??= TrainingMetrics.ChooseMetric(settings, scan.LabelCounts);
        if (!MetricCatalog.For(settings.Task).Contains(metric))
            throw new ArgumentException($"Metric '{metric}' does not fit task {settings.Task}. Use one of: {string.Join(", ", MetricCatalog.For(settings.Task))}.");
        var plan = SplitPlanner.Plan(scan.Keys, evaluation, settings.Task);
        bool holdout = plan.Splits.Count == 1;
        var data = pipeline.LoadData(ml, path);

        var warnings = new List<string>(plan.Warnings);
        // The dense network's capacity is epochs: one training per split records every epoch (Networks/Integration/DenseEpochCurve).
        if (settings.TrainerName == "dense")
            return Networks.Integration.DenseEpochCurve.Compute(ml, pipeline, adjustable, capacities, plan, data, warnings, progress, phase)
                with { CapacityPinnedBy = adjustable.CapacityPinnedBy };
        var run = new CurveRun(ml, pipeline, adjustable, metric, holdout, warnings, progress, phase);
        var measured = MeasureSplits(run, requested, plan, data);
        var points = ToPoints(requested, measured, holdout, Evaluation.MetricComputer.DependsOnDecisions(metric));
        foreach (var p in points.Where(p => p.ValidationPerSplit.Any(double.IsNaN)))
        {
            int undefined = p.ValidationPerSplit.Count(double.IsNaN);
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"at {adjustable.CapacityParameter}={p.Capacity} validation {metric} is {Evaluation.MetricComputer.UndefinedText(metric)} on {undefined} of {p.ValidationPerSplit.Count} {(holdout ? "chunks" : "splits")}: ")
                + (double.IsNaN(p.ValidationMetric)
                    ? "the point has no value and counts as the worst (a mean over the others would favour a model that rarely calls a positive)."
                    : $"its mean is over the other {p.ValidationPerSplit.Count - undefined}."));
        }
        if (points.All(p => double.IsNaN(p.ValidationMetric)))
            throw new EvaluationException($"{metric} is undefined on the validation part at every capacity ({string.Join(" ", warnings.Distinct().Take(2))}). Use more data or another metric.");

        var lower = TrainingMetrics.IsLowerBetter(metric);
        double ratio = holdout ? 0 : plan.Splits.Average(s => s.ValidationRowCount / (double)s.TrainingRowCount);
        var judged = Judge(points, lower, Array.IndexOf(requested, adjustable.DefaultCapacity), ratio);
        string unit = holdout ? "validation chunks" : "splits";
        if (holdout && points[0].ValidationPerSplit.Count < 2)
            warnings.Add("one holdout split too small to cut into validation chunks: there is no noise to compare capacities with, so no direction is called. Use kfold.");
        return new CapacityCurveResult(settings.Name, settings.TrainerName, adjustable.CapacityParameter, metric, lower,
            measured.TrainRows / plan.Splits.Count, measured.ValidationRows / plan.Splits.Count, points, judged.Chosen, judged.Verdict,
            Explain(points, judged, adjustable.CapacityParameter, metric, adjustable.DefaultCapacity, unit, plan.Splits.Count))
        {
            SplitDescription = plan.Description,
            Warnings = warnings.Distinct().ToArray(),
            TopIndex = judged.Top,
            SpecCapacity = adjustable.DefaultCapacity,
            CapacityPinnedBy = adjustable.CapacityPinnedBy,
            SplitCount = plan.Splits.Count,
            NoiseUnit = unit,
        };
    }

    /// <summary>The requested capacities (at least 1) and the pipeline's own, in increasing order; at least two.</summary>
    private static int[] RequestedCapacities(ICapacityAdjustable adjustable, IReadOnlyList<int>? capacities)
    {
        var requested = (capacities ?? DefaultCapacities(adjustable.DefaultCapacity)).Where(c => c >= 1)
            .Append(adjustable.DefaultCapacity).Distinct().Order().ToArray();
        if (requested.Length < 2)
            throw new ArgumentException("A capacity curve needs at least two capacities ≥ 1.", nameof(capacities));
        return requested;
    }

    /// <summary>What every measurement of one curve shares.</summary>
    private sealed record CurveRun(MLContext Ml, IPipelineDefinition Pipeline, ICapacityAdjustable Adjustable, string Metric, bool Holdout,
        List<string> Warnings, TextWriter? Progress, Action<string>? Phase)
    {
        public MlTaskKind Task => Pipeline.Settings.Task;
        public double? DecisionThreshold => Pipeline.Settings.DecisionThreshold;
    }

    /// <summary>
    /// Metric values per capacity (index c): <c>Train[c]</c>, <c>Validation[c]</c> per split, or on a holdout the whole
    /// part followed by its chunks; and the rows summed over splits.
    /// </summary>
    private sealed record Measurements(List<double>[] Train, List<double>[] Validation, long TrainRows, long ValidationRows);

    /// <summary>Every capacity on every split. Preparation is fitted on the training part only, once per split: only the trainer's capacity changes between points.</summary>
    private static Measurements MeasureSplits(CurveRun run, int[] requested, SplitPlan plan, IDataView data)
    {
        var train = requested.Select(_ => new List<double>()).ToArray();
        var validation = requested.Select(_ => new List<double>()).ToArray();
        long trainRows = 0, validationRows = 0;
        foreach (var split in plan.Splits)
        {
            trainRows += split.TrainingRowCount;
            validationRows += split.ValidationRowCount;
            string where = run.Holdout ? "validation part" : split.ToString();
            run.Phase?.Invoke($"{where}: fitting the preparation");
            var trainPart = split.Training(data);
            var validationPart = split.Validation(data);
            var preparation = run.Pipeline.BuildPreprocessing(run.Ml).Fit(trainPart);
            var trainPrepared = preparation.Transform(trainPart);
            var validationPrepared = preparation.Transform(validationPart);
            for (int c = 0; c < requested.Length; c++)
                MeasureCapacity(run, requested[c], split, where, trainPrepared, validationPrepared, train[c], validation[c]);
        }
        return new Measurements(train, validation, trainRows, validationRows);
    }

    /// <summary>Fits the trainer at one capacity on a split's prepared training part and records the metric on both parts.</summary>
    private static void MeasureCapacity(CurveRun run, int capacity, DataSplit split, string where, IDataView trainPrepared, IDataView validationPrepared,
        List<double> train, List<double> validation)
    {
        run.Phase?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{run.Adjustable.CapacityParameter}={capacity}, {where}: fitting"));
        var model = run.Adjustable.BuildTrainer(run.Ml, capacity).Fit(trainPrepared);
        var trainScored = model.Transform(trainPrepared);
        double trainMetric = TrainingMetrics.Evaluate(run.Ml, run.Task, trainScored, run.Metric, run.Warnings, $"training part of {where}, capacity {capacity}", run.DecisionThreshold);
        var scored = model.Transform(validationPrepared);
        double validationMetric = TrainingMetrics.Evaluate(run.Ml, run.Task, scored, run.Metric, run.Warnings, $"{where}, capacity {capacity}", run.DecisionThreshold);
        train.Add(trainMetric);
        if (run.Holdout && split.ValidationRowCount >= 2 * Evaluator.HoldoutChunks)
        {
            // The training line's band on a holdout: the same fixed model measured on disjoint chunks of the
            // training part, so both lines show their spread in the same unit.
            train.AddRange(ChunkMetrics(run, trainScored, "training chunk"));
            // One split has no split-to-split noise: the fixed model is compared on disjoint validation chunks instead.
            validation.AddRange(ChunkMetrics(run, scored, "validation chunk"));
            // The mean shown is the whole validation part's metric; the chunks only measure the noise.
            validation.Insert(0, validationMetric);
        }
        else validation.Add(validationMetric);
        run.Progress?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {run.Adjustable.CapacityParameter}={capacity}, {where}: train {run.Metric} {trainMetric:0.####}, validation {validationMetric:0.####}"));
    }

    /// <summary>The metric on each of <see cref="Evaluator.HoldoutChunks"/> disjoint chunks of scored rows (their warnings are not reported).</summary>
    private static List<double> ChunkMetrics(CurveRun run, IDataView scored, string what)
    {
        var chunkWarnings = new List<string>();
        var values = new List<double>();
        for (int k = 0; k < Evaluator.HoldoutChunks; k++)
        {
            int chunk = k;
            values.Add(TrainingMetrics.Evaluate(run.Ml, run.Task,
                new RowFilterDataView(scored, row => row % Evaluator.HoldoutChunks == chunk), run.Metric, chunkWarnings, $"{what} {k + 1}", run.DecisionThreshold));
        }
        return values;
    }

    /// <summary>One point per capacity: means (or the whole part's metric on a chunked holdout) and the per-split values with their spread.</summary>
    // wholeOrNothing: the metric can be undefined because of the model's own decisions (precision): a point undefined on
    // any split has no mean (NaN, the worst value), since a mean over the splits where it exists is chosen by the model.
    private static CapacityPoint[] ToPoints(int[] requested, Measurements measured, bool holdout, bool wholeOrNothing = false)
    {
        var (train, validation) = (measured.Train, measured.Validation);
        var points = new CapacityPoint[requested.Length];
        for (int c = 0; c < requested.Length; c++)
        {
            // On a holdout with chunks, element 0 is the whole validation part and the rest are its chunks.
            bool chunked = holdout && validation[c].Count > 1;
            var perSplit = chunked ? validation[c].Skip(1).ToArray() : validation[c].ToArray();
            double mean = chunked ? validation[c][0] : wholeOrNothing && perSplit.Any(double.IsNaN) ? double.NaN : MeanDefined(perSplit);
            var defined = perSplit.Where(v => !double.IsNaN(v)).ToArray();
            // Same layout for the training values: element 0 is the whole training part when it was chunked.
            bool trainChunked = holdout && train[c].Count > 1;
            var trainPerSplit = trainChunked ? train[c].Skip(1).ToArray() : train[c].ToArray();
            var trainDefined = trainPerSplit.Where(v => !double.IsNaN(v)).ToArray();
            points[c] = new CapacityPoint(requested[c], trainChunked ? train[c][0] : MeanDefined(trainPerSplit), mean)
            {
                ValidationPerSplit = perSplit,
                ValidationStd = defined.Length >= 2 ? MathNet.Numerics.Statistics.Statistics.StandardDeviation(defined) : null,
                TrainPerSplit = trainPerSplit,
                TrainStd = trainDefined.Length >= 2 ? MathNet.Numerics.Statistics.Statistics.StandardDeviation(trainDefined) : null,
            };
        }
        return points;
    }

    private static double MeanDefined(IEnumerable<double> values)
    {
        var defined = values.Where(v => !double.IsNaN(v)).ToArray();
        return defined.Length == 0 ? double.NaN : defined.Average();
    }

    /// <summary>What <see cref="Judge"/> found.</summary>
    /// <param name="Chosen">Index of the capacity the curve chooses.</param>
    /// <param name="Top">Index of the best mean validation metric.</param>
    /// <param name="Verdict">Which way the curve points, if any.</param>
    /// <param name="WorseThanTop">Per point: worse than the top by more than the noise.</param>
    public sealed record Judgement(int Chosen, int Top, CapacityVerdict Verdict, IReadOnlyList<bool> WorseThanTop);

    /// <summary>
    /// Reads the curve against its noise. A capacity is worse than the top one when, split by split, it loses by more
    /// than <see cref="ImprovementTolerance"/> on average and a one-sided corrected resampled t-test (variance inflated by
    /// 1/n + validation/training rows, Nadeau &amp; Bengio; 1/n alone for a holdout's chunks) gives p &lt; 0.05.
    /// Verdict: no capacity worse than the top → <see cref="CapacityVerdict.NoClearDirection"/>; the top is the largest
    /// and the one below it is worse → <see cref="CapacityVerdict.TooSmall"/>; the top is the smallest and the next is
    /// worse → <see cref="CapacityVerdict.OverfitsFromStart"/>; otherwise <see cref="CapacityVerdict.Found"/>.
    /// Choice: the pipeline's own capacity while it is not worse than the top (the curve has no evidence against it);
    /// otherwise the smallest capacity that is not worse than the top (more capacity that does not help is not worth it).
    /// </summary>
    /// <param name="points">Points in increasing capacity, with per-split values aligned across points.</param>
    /// <param name="lowerIsBetter">Direction of the metric.</param>
    /// <param name="specIndex">Index of the pipeline's own capacity, or -1 when it was not measured.</param>
    /// <param name="validationToTrainingRatio">Validation rows / training rows of a split (0 for a holdout's chunks).</param>
    public static Judgement Judge(IReadOnlyList<CapacityPoint> points, bool lowerIsBetter, int specIndex = -1, double validationToTrainingRatio = 0)
    {
        // An undefined metric (NaN) counts as the worst value.
        double Goodness(double v) => double.IsNaN(v) ? double.NegativeInfinity : lowerIsBetter ? -v : v;
        int top = 0;
        for (int i = 1; i < points.Count; i++)
            if (Goodness(points[i].ValidationMetric) > Goodness(points[top].ValidationMetric)) top = i;
        double tolerance = ImprovementTolerance * Math.Max(Math.Abs(points[top].ValidationMetric), 1e-12);

        var worse = new bool[points.Count];
        for (int i = 0; i < points.Count; i++)
            worse[i] = i != top && IsWorse(points[top], points[i], Goodness, tolerance, validationToTrainingRatio);

        int last = points.Count - 1;
        CapacityVerdict verdict;
        int chosen;
        if (!worse.Any(w => w))
        {
            verdict = CapacityVerdict.NoClearDirection;
            chosen = specIndex >= 0 ? specIndex : top;
            return new Judgement(chosen, top, verdict, worse);
        }
        if (top == last && worse[last - 1]) verdict = CapacityVerdict.TooSmall;
        else if (top == 0 && worse[1]) verdict = CapacityVerdict.OverfitsFromStart;
        else verdict = CapacityVerdict.Found;
        chosen = specIndex >= 0 && !worse[specIndex] ? specIndex : Array.IndexOf(worse, false);
        return new Judgement(chosen, top, verdict, worse);
    }

    // Paired over splits: is b worse than a beyond the noise?
    private static bool IsWorse(CapacityPoint a, CapacityPoint b, Func<double, double> goodness, double tolerance, double ratio)
    {
        var gains = new List<double>();
        int n = Math.Min(a.ValidationPerSplit.Count, b.ValidationPerSplit.Count);
        for (int i = 0; i < n; i++)
        {
            double ga = goodness(a.ValidationPerSplit[i]), gb = goodness(b.ValidationPerSplit[i]);
            if (double.IsFinite(ga) && double.IsFinite(gb)) gains.Add(ga - gb);
            else if (double.IsFinite(ga)) return true; // defined at a, undefined at b: b is worse on that split
        }
        if (gains.Count < 2) return false; // no noise estimate: no direction can be called
        double mean = gains.Average();
        if (mean <= tolerance) return false;
        double std = MathNet.Numerics.Statistics.Statistics.StandardDeviation(gains);
        double variance = std * std * (1.0 / gains.Count + ratio);
        if (variance <= 0) return true; // the same gain on every split
        double t = mean / Math.Sqrt(variance);
        return 1 - MathNet.Numerics.Distributions.StudentT.CDF(0, 1, gains.Count - 1, t) < SignificanceLevel;
    }

    /// <summary>The verdict as a run-store outcome: found, too-small, overfits-from-start, no-clear-direction.</summary>
    public static string OutcomeName(CapacityVerdict verdict) => verdict switch
    {
        CapacityVerdict.Found => "found",
        CapacityVerdict.TooSmall => "too-small",
        CapacityVerdict.OverfitsFromStart => "overfits-from-start",
        _ => "no-clear-direction",
    };

    public static string NotAdjustableMessage(IPipelineDefinition pipeline) =>
        $"The capacity curve needs a trainer whose size can grow (trees, iterations): pipeline '{pipeline.Settings.Name}' with trainer " +
        $"'{pipeline.Settings.TrainerName}' does not implement {nameof(ICapacityAdjustable)}. Use a tree trainer (FastTree, FastForest, " +
        "LightGBM, GAM) or an iterative linear trainer, or skip this step.";

    /// <summary>A point's value, or why it has none: NaN is never printed.</summary>
    internal static string Value(double value, string metric, string format) =>
        double.IsNaN(value) ? Evaluation.MetricComputer.UndefinedText(metric) : value.ToString(format, CultureInfo.InvariantCulture);

    private static string Explain(IReadOnlyList<CapacityPoint> points, Judgement judged, string parameter, string metric, int specCapacity, string unit, int splits)
    {
        var inv = CultureInfo.InvariantCulture;
        string At(CapacityPoint p) => string.Create(inv, $"{parameter}={p.Capacity} (validation {metric} {Value(p.ValidationMetric, metric, "0.####")}{(p.ValidationStd is double s && !double.IsNaN(p.ValidationMetric) ? string.Create(inv, $" ± {s:0.####}") : "")}, train {Value(p.TrainMetric, metric, "0.####")})");
        var chosen = points[judged.Chosen];
        var top = points[judged.Top];
        string over = splits > 1 ? $"over {splits} splits" : $"over the validation part's {points[0].ValidationPerSplit.Count} chunks";
        double spread = points.Where(p => !double.IsNaN(p.ValidationMetric)).Max(p => p.ValidationMetric) - points.Where(p => !double.IsNaN(p.ValidationMetric)).Min(p => p.ValidationMetric);
        string keep = chosen.Capacity == specCapacity ? $" Keeping the pipeline's own {parameter}={specCapacity}." : "";
        return judged.Verdict switch
        {
            CapacityVerdict.NoClearDirection => string.Create(inv,
                $"No clear direction: validation {metric} varies by {spread:0.####} across capacities, within the {(unit == "splits" ? "split-to-split" : "chunk-to-chunk")} noise {over}; no capacity is worse than the best mean, {At(top)}, beyond it.{keep}"),
            CapacityVerdict.TooSmall => $"Too small: grow it. Validation {metric} is best at the largest capacity tried, {At(top)}, and the next smaller one is worse beyond the noise {over}; try larger {parameter} values.{(judged.Chosen == judged.Top ? "" : $" Chosen meanwhile: {At(chosen)}, not worse than the best beyond the noise.")}",
            CapacityVerdict.OverfitsFromStart => $"Overfits from the first point: validation {metric} is best at the smallest capacity, {At(top)}, and the next one is worse beyond the noise {over}; try smaller {parameter} values or more regularization.{(judged.Chosen == judged.Top ? "" : $" Chosen meanwhile: {At(chosen)}, not worse than the best beyond the noise.")}",
            _ => judged.Chosen == judged.Top
                ? $"Best point: {At(chosen)}; other capacities are worse beyond the noise {over} or no better.{keep}"
                : $"Best point: {At(chosen)}, the {(chosen.Capacity == specCapacity ? "pipeline's own capacity" : "smallest capacity")} within the noise {over} of the best mean, {At(top)}.{keep}",
        };
    }

    /// <summary>A fixed-width text table of the points (mean ± split-to-split std), marking the chosen one.</summary>
    public static string RenderTable(CapacityCurveResult result)
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine(inv, $"Capacity curve of {result.PipelineName} ({result.TrainerName}), metric {result.Metric} ({(result.LowerIsBetter ? "lower" : "higher")} is better)");
        sb.AppendLine(inv, $"Protocol: {result.SplitDescription}; {result.SplitCount} split(s), ~{result.TrainRows} train / ~{result.ValidationRows} validation rows each; validation as mean ± std over {result.NoiseUnit}");
        sb.AppendLine(inv, $"{result.CapacityParameter,20} {"train",12} {"validation",20}");
        for (var i = 0; i < result.Points.Count; i++)
        {
            var p = result.Points[i];
            string band = double.IsNaN(p.ValidationMetric) ? "undefined" : p.ValidationStd is double s ? string.Create(inv, $"{p.ValidationMetric:0.0000} ± {s:0.0000}") : p.ValidationMetric.ToString("0.0000", inv);
            var marks = Marks(result, i);
            sb.AppendLine(inv, $"{p.Capacity,20} {(double.IsNaN(p.TrainMetric) ? "undefined" : p.TrainMetric.ToString("0.0000", inv)),12} {band,20}{(marks.Count > 0 ? "  <- " + string.Join(", ", marks) : "")}");
        }
        sb.AppendLine(result.Message);
        foreach (var warning in result.Warnings) sb.AppendLine($"warning: {warning}");
        return sb.ToString();
    }

    /// <summary>What a point is to the pipeline: chosen, best mean, and its own capacity with where that came from (the spec or the lock file).</summary>
    private static List<string> Marks(CapacityCurveResult result, int i)
    {
        var marks = new List<string>();
        if (i == result.BestIndex) marks.Add("chosen");
        if (i == result.TopIndex && i != result.BestIndex) marks.Add("best mean");
        if (result.Points[i].Capacity == result.SpecCapacity) marks.Add(result.SpecCapacitySource);
        return marks;
    }

    /// <summary>A self-contained HTML page in the reports' shared style: the curve as inline SVG, the verdict and the table.</summary>
    public static string RenderHtml(CapacityCurveResult result)
    {
        var h = Reporting.HtmlReport.Begin($"Capacity curve: {result.PipelineName}",
            $"trainer {result.TrainerName} · {result.CapacityParameter} grown under {result.SplitDescription} · {result.SplitCount} split(s) of ~{result.TrainRows} training rows, ~{result.ValidationRows} held-out rows each");
        h.Append("<section><h2>Training and validation " + Html(result.Metric) + "</h2>");
        h.Append("<p><strong>" + Html(result.Message) + "</strong></p>");
        h.Append("<figure>" + RenderSvg(result) + "</figure>");
        h.Append("<p class=\"meta\">" + Html($"The shaded bands are each line's mean ± one standard deviation over {result.NoiseUnit}. The ring marks the chosen capacity. The axis is limited to the values {result.Metric} can take.") + "</p></section>");
        h.Append("<section><h2>Points</h2>");
        var rows = result.Points.Select((p, i) => (IReadOnlyList<string>)[p.Capacity.ToString(CultureInfo.InvariantCulture), Reporting.HtmlReport.Metric(p.TrainMetric),
            p.TrainStd is double ts ? Reporting.HtmlReport.Metric(ts) : "-", Reporting.HtmlReport.Metric(p.ValidationMetric),
            p.ValidationStd is double sd ? Reporting.HtmlReport.Metric(sd) : "-", string.Join(", ", Marks(result, i))]);
        Reporting.HtmlReport.Table(h, [result.CapacityParameter, $"train {result.Metric}", $"train std over {result.NoiseUnit}", $"validation {result.Metric}", $"validation std over {result.NoiseUnit}", ""], rows);
        foreach (var warning in result.Warnings) h.Append("<p class=\"note\">" + Html(warning) + "</p>");
        h.Append("</section>");
        return Reporting.HtmlReport.End(h);
    }

    /// <summary>
    /// Train and validation lines over capacity (log scale) with the validation band across splits and the chosen point
    /// ringed, in the reports' shared chart style. The value axis spans the data but never leaves the metric's range
    /// (AUC stays within [0, 1]); the legend sits below the plot, so it never covers a line.
    /// </summary>
    public static string RenderSvg(CapacityCurveResult result)
    {
        var (lowest, highest) = MetricCatalog.Range(result.Metric);
        var values = result.Points.SelectMany(p => new[] { p.TrainMetric, p.ValidationMetric, p.ValidationMetric - (p.ValidationStd ?? 0), p.ValidationMetric + (p.ValidationStd ?? 0),
            p.TrainMetric - (p.TrainStd ?? 0), p.TrainMetric + (p.TrainStd ?? 0) });
        var y = Reporting.ChartAxis.Fit(result.Metric, values, lowest, highest);
        var caps = result.Points.Select(p => (double)p.Capacity).ToArray();
        var x = new Reporting.ChartAxis(result.CapacityParameter, caps.Min(), Math.Max(caps.Max(), caps.Min() * 1.0001), Log: true, Ticks: caps);
        var band = result.Points.Where(p => double.IsFinite(p.ValidationMetric) && p.ValidationStd is double)
            .Select(p => new Reporting.BandPoint(p.Capacity, Math.Max(lowest, p.ValidationMetric - p.ValidationStd!.Value), Math.Min(highest, p.ValidationMetric + p.ValidationStd!.Value))).ToArray();
        var trainBand = result.Points.Where(p => double.IsFinite(p.TrainMetric) && p.TrainStd is double)
            .Select(p => new Reporting.BandPoint(p.Capacity, Math.Max(lowest, p.TrainMetric - p.TrainStd!.Value), Math.Min(highest, p.TrainMetric + p.TrainStd!.Value))).ToArray();
        var series = new List<Reporting.ChartSeries>
        {
            new("train", result.Points.Select(p => new Reporting.ChartPoint(p.Capacity, p.TrainMetric)).ToArray(), Reporting.SvgCharts.Blue,
                Band: trainBand.Length >= 2 ? trainBand : null, Markers: true),
            new("validation", result.Points.Select(p => new Reporting.ChartPoint(p.Capacity, p.ValidationMetric)).ToArray(), Reporting.SvgCharts.Orange,
                Band: band.Length >= 2 ? band : null, Markers: true),
        };
        var best = result.Best;
        var markers = double.IsFinite(best.ValidationMetric)
            ? new[] { new Reporting.ChartMarker(best.Capacity, best.ValidationMetric, $"chosen: {result.CapacityParameter}={best.Capacity}") }
            : [];
        return Reporting.SvgCharts.Line($"{result.Metric} against {result.CapacityParameter}", x, y, series, markers, width: 760, height: 380);
    }

    internal static string Html(string text) => System.Net.WebUtility.HtmlEncode(text);

    /// <summary>Default plot path: <c>&lt;project&gt;/.pipelinegen/reports/&lt;name&gt;.capacity.html</c>.</summary>
    public static string DefaultPlotPath(PipelineSettings settings) =>
        Path.Combine(settings.ResolvePath("."), ".pipelinegen", "reports", settings.Name + ".capacity.html");

    /// <summary>
    /// CLI entry: prints the table, writes the HTML plot. 0 done (also when the trainer has no capacity knob: there is
    /// nothing to grow, which is said, not failed); 2 bad input.
    /// </summary>
    public static int Run(IPipelineDefinition pipeline, CurveOptions options, TextWriter output, TextWriter error) =>
        Run(pipeline, options, output, error, out _);

    /// <summary>As <see cref="Run(IPipelineDefinition, CurveOptions, TextWriter, TextWriter)"/>, handing back the curve (null when skipped or failed).</summary>
    public static int Run(IPipelineDefinition pipeline, CurveOptions options, TextWriter output, TextWriter error, out CapacityCurveResult? curve)
    {
        curve = null;
        if (pipeline is not ICapacityAdjustable)
        {
            output.WriteLine($"curve: skipped. {NotAdjustableMessage(pipeline)}");
            return PipelineGen.Runtime.Cli.ExitCodes.Ok;
        }
        try
        {
            var protocol = options.Protocol ?? new EvaluationOptions();
            var result = Compute(new MLContext(seed: protocol.Seed ?? pipeline.Settings.Seed), pipeline, options.Capacities, options.Metric, output, protocol, options.Phase);
            curve = result;
            output.Write(RenderTable(result));
            var plotPath = Path.GetFullPath(options.PlotPath ?? DefaultPlotPath(pipeline.Settings));
            AtomicFile.WriteAllText(plotPath, RenderHtml(result));
            output.WriteLine($"Plot: {plotPath}");
            return PipelineGen.Runtime.Cli.ExitCodes.Ok;
        }
        catch (Exception e) when (TrainStep.IsBadInput(e))
        {
            error.WriteLine($"curve: {e.Message}");
            return PipelineGen.Runtime.Cli.ExitCodes.BadInput;
        }
    }
}

/// <summary>
/// The capacity the final model is fitted with, and why: recorded in the model card.
/// </summary>
/// <param name="Parameter">The trainer option (e.g. NumberOfIterations).</param>
/// <param name="SpecValue">The pipeline's own value (pinned by the lock file, else written in the spec, or the trainer's default).</param>
/// <param name="Used">The value the final model was fitted with.</param>
/// <param name="Source">"curve" (the curve's choice replaced the pipeline's own value), "spec" or "lock" (the pipeline's own value, from the spec or pinned by the lock file: no curve, or the curve confirmed it or saw no clear direction) or "pinned" (model.capacity: pinned).</param>
/// <param name="Reason">One sentence: what decided it, with the curve's numbers when there was one.</param>
internal sealed record CapacityChoice(string Parameter, int SpecValue, int Used, string Source, string Reason)
{
    /// <summary>
    /// Applies the spec's rule: with <c>model.capacity: auto</c> (the default) the curve's choice is used; the curve only
    /// moves away from the pipeline's own value when that value is worse than the best beyond the split-to-split noise
    /// (see <see cref="CapacityCurve.Judge"/>). With <c>pinned</c> the spec's value is kept and the curve's view is noted.
    /// Null when the trainer has no capacity knob.
    /// </summary>
    public static CapacityChoice? Decide(IPipelineDefinition pipeline, CapacityCurveResult? curve)
    {
        if (pipeline is not ICapacityAdjustable adjustable) return null;
        var inv = CultureInfo.InvariantCulture;
        string parameter = adjustable.CapacityParameter;
        int spec = adjustable.DefaultCapacity;
        // A value the lock file pinned (tune's winner) is named as such: calling it "the spec's" would send the reader to the wrong file.
        var lockFile = adjustable.CapacityPinnedBy;
        var (source, from, own) = lockFile is null
            ? ("spec", "from the spec", $"the spec's {spec}")
            : ("lock", $"pinned by {lockFile}", $"{spec} pinned by {lockFile}");
        string? curveSays = curve is null ? null : string.Create(inv,
            $"the curve ({curve.SplitDescription}, {curve.Metric}) chose {parameter}={curve.ChosenCapacity}: {Describe(curve, curve.ChosenCapacity)}{(curve.ChosenCapacity == spec ? "" : $" against {Describe(curve, spec)} at {own}")}; verdict: {CapacityCurve.OutcomeName(curve.Verdict).Replace('-', ' ')}");
        if (pipeline.Settings.Capacity == CapacityMode.Pinned)
            return new CapacityChoice(parameter, spec, spec, "pinned",
                $"model.capacity is 'pinned' in the spec, so {parameter}={spec}{(lockFile is null ? "" : $" ({from})")} is kept" + (curveSays is null ? "." : $"; {curveSays}."));
        if (curve is null)
            return new CapacityChoice(parameter, spec, spec, source, $"{parameter}={spec} {from}: no capacity curve was run for this model.");
        if (curve.ChosenCapacity == spec)
            return new CapacityChoice(parameter, spec, spec, source,
                curve.Verdict == CapacityVerdict.NoClearDirection
                    ? $"{parameter}={spec} {from}: {curveSays}, so there is no evidence to change it."
                    : $"{parameter}={spec} {from}, confirmed: {curveSays}.");
        return new CapacityChoice(parameter, spec, curve.ChosenCapacity, "curve",
            $"{parameter}={curve.ChosenCapacity} instead of {own}: {curveSays}. Set 'model.capacity: pinned' in the spec to keep {spec}.");
    }

    private static string Describe(CapacityCurveResult curve, int capacity)
    {
        var point = curve.Points.FirstOrDefault(p => p.Capacity == capacity);
        if (point is null) return "not measured";
        return string.Create(CultureInfo.InvariantCulture,
            $"validation {CapacityCurve.Value(point.ValidationMetric, curve.Metric, "0.####")}{(point.ValidationStd is double s && !double.IsNaN(point.ValidationMetric) ? string.Create(CultureInfo.InvariantCulture, $" ± {s:0.####}") : "")}");
    }
}

internal sealed record CurveOptions
{
    /// <summary>Capacities to try; default geometric steps around the pipeline's default capacity.</summary>
    public IReadOnlyList<int>? Capacities { get; init; }
    /// <summary>Metric to plot; default the spec's metric.</summary>
    public string? Metric { get; init; }
    public string? PlotPath { get; init; }
    /// <summary>Overrides of the spec's evaluation protocol (protocol, folds, repeats, seed, data, duplicates); default the spec's.</summary>
    public EvaluationOptions? Protocol { get; init; }
    /// <summary>Told what is being fitted before each fit ("NumberOfIterations=200, fold 2 of 5: fitting"); the command shows it on a terminal's stderr.</summary>
    public Action<string>? Phase { get; init; }
}
