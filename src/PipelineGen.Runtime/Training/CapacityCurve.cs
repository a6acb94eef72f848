using System.Globalization;
using System.Text;
using Microsoft.ML;
using PipelineGen.Runtime.Data;
using PipelineGen.Runtime.Evaluation;

namespace PipelineGen.Runtime.Training;

/// <summary>One capacity point: the metric on the rows the model was fitted on and on the held-out rows.</summary>
public sealed record CapacityPoint(int Capacity, double TrainMetric, double ValidationMetric);

public enum CapacityVerdict
{
    /// <summary>Validation improves, then stops: the best point is inside the range.</summary>
    Found,
    /// <summary>Validation still improves at the largest capacity: the model never overfits in range.</summary>
    TooSmall,
    /// <summary>Validation is best at the smallest capacity and gets worse from there.</summary>
    OverfitsFromStart,
}

public sealed record CapacityCurveResult(
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
}

/// <summary>
/// Capacity ("grow it until it overfits"): one seeded holdout split; preparation is fitted on the training part once and
/// the trainer is refitted at growing capacities; the metric is recorded on both parts at each point.
/// </summary>
public static class CapacityCurve
{
    /// <summary>Relative change under which validation counts as "no longer improving".</summary>
    public const double ImprovementTolerance = 0.002;

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

    public static CapacityCurveResult Compute(MLContext ml, IPipelineDefinition pipeline, IReadOnlyList<int>? capacities = null, string? metric = null, TextWriter? progress = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        if (pipeline is not ICapacityAdjustable adjustable)
            throw new NotSupportedException(NotAdjustableMessage(pipeline));
        var settings = pipeline.Settings;
        var requested = (capacities ?? DefaultCapacities(adjustable.DefaultCapacity)).Where(c => c >= 1).Distinct().Order().ToArray();
        if (requested.Length < 2)
            throw new ArgumentException("A capacity curve needs at least two capacities ≥ 1.", nameof(capacities));

        // The evaluate step's own holdout split: stratified, groups and duplicates kept on one side, bad rows handled
        // by the spec's policy. Only the protocol is forced to holdout.
        var path = settings.ResolvePath(settings.TrainDataPath);
        var scan = DataScan.Run(settings, path);
        scan.ThrowIfInvalid(settings.BadRows);
        metric ??= TrainingMetrics.ChooseMetric(settings, scan.LabelCounts.Select(c => c.Value).ToArray());
        var plan = SplitPlanner.Plan(scan.Keys, settings.Evaluation with { Protocol = EvaluationProtocol.Holdout }, settings.Task);
        var split = plan.Splits[0];
        var data = pipeline.LoadData(ml, path);
        var trainPart = split.Training(data);
        var validationPart = split.Validation(data);

        // Preparation is fitted on the training part only, once: only the trainer's capacity changes between points.
        var preparation = pipeline.BuildPreprocessing(ml).Fit(trainPart);
        var train = preparation.Transform(trainPart);
        var validation = preparation.Transform(validationPart);

        var warnings = new List<string>(plan.Warnings);
        var results = new List<CapacityPoint>();
        foreach (var capacity in requested)
        {
            var model = adjustable.BuildTrainer(ml, capacity).Fit(train);
            var trainMetric = TrainingMetrics.Evaluate(ml, settings.Task, model.Transform(train), metric, warnings, $"training part, capacity {capacity}");
            var validationMetric = TrainingMetrics.Evaluate(ml, settings.Task, model.Transform(validation), metric, warnings, $"validation part, capacity {capacity}");
            results.Add(new CapacityPoint(capacity, trainMetric, validationMetric));
            progress?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {adjustable.CapacityParameter}={capacity}: train {metric} {trainMetric:0.####}, validation {validationMetric:0.####}"));
        }

        if (results.All(p => double.IsNaN(p.ValidationMetric)))
            throw new EvaluationException($"{metric} is undefined on the validation part at every capacity ({string.Join(" ", warnings.Distinct().Take(2))}). Use more data or another metric.");
        var lower = TrainingMetrics.IsLowerBetter(metric);
        var (best, verdict) = Judge(results, lower);
        return new CapacityCurveResult(settings.Name, settings.TrainerName, adjustable.CapacityParameter, metric, lower,
            split.TrainingRowCount, split.ValidationRowCount, results, best, verdict, Explain(results, best, verdict, adjustable.CapacityParameter, metric))
        {
            SplitDescription = plan.Description,
            Warnings = warnings.Distinct().ToArray(),
        };
    }

    public static string NotAdjustableMessage(IPipelineDefinition pipeline) =>
        $"The capacity curve needs a trainer whose size can grow (trees, iterations): pipeline '{pipeline.Settings.Name}' with trainer " +
        $"'{pipeline.Settings.TrainerName}' does not implement {nameof(ICapacityAdjustable)}. Use a tree trainer (FastTree, FastForest, " +
        "LightGBM, GAM) or an iterative linear trainer, or skip this step.";

    /// <summary>
    /// Best point: the smallest capacity whose validation metric is within <see cref="ImprovementTolerance"/> of the best
    /// one seen (more capacity that does not help is not worth it).
    /// </summary>
    public static (int BestIndex, CapacityVerdict Verdict) Judge(IReadOnlyList<CapacityPoint> points, bool lowerIsBetter)
    {
        // An undefined metric (NaN) counts as the worst value.
        double Goodness(double v) => double.IsNaN(v) ? double.NegativeInfinity : lowerIsBetter ? -v : v;
        var top = points.Max(p => Goodness(p.ValidationMetric));
        var tolerance = ImprovementTolerance * Math.Max(Math.Abs(top), 1e-12);
        var best = 0;
        while (Goodness(points[best].ValidationMetric) < top - tolerance) best++;

        var last = points.Count - 1;
        // Still improving at the end: the last step gained more than the tolerance.
        if (Goodness(points[last].ValidationMetric) > Goodness(points[last - 1].ValidationMetric) + tolerance && best >= last - 1)
            return (last, CapacityVerdict.TooSmall);
        if (best == 0 && Goodness(points[1].ValidationMetric) < Goodness(points[0].ValidationMetric) - tolerance)
            return (0, CapacityVerdict.OverfitsFromStart);
        return (best, CapacityVerdict.Found);
    }

    private static string Explain(IReadOnlyList<CapacityPoint> points, int best, CapacityVerdict verdict, string parameter, string metric)
    {
        var b = points[best];
        var at = string.Create(CultureInfo.InvariantCulture, $"{parameter}={b.Capacity} (validation {metric} {b.ValidationMetric:0.####}, train {b.TrainMetric:0.####})");
        return verdict switch
        {
            CapacityVerdict.TooSmall => $"Too small: grow it. Validation {metric} still improves at the largest capacity tried, {at}; try larger {parameter} values.",
            CapacityVerdict.OverfitsFromStart => $"Overfits from the first point: validation {metric} is best at the smallest capacity, {at}, and gets worse as the model grows; try smaller {parameter} values or more regularization.",
            _ => $"Best point: {at}; validation stops improving beyond it.",
        };
    }

    /// <summary>A fixed-width text table of the points, marking the best one.</summary>
    public static string RenderTable(CapacityCurveResult result)
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine(inv, $"Capacity curve of {result.PipelineName} ({result.TrainerName}), metric {result.Metric} ({(result.LowerIsBetter ? "lower" : "higher")} is better); {result.TrainRows} train / {result.ValidationRows} validation rows");
        sb.AppendLine(inv, $"{result.CapacityParameter,20} {"train",12} {"validation",12}");
        for (var i = 0; i < result.Points.Count; i++)
        {
            var p = result.Points[i];
            sb.AppendLine(inv, $"{p.Capacity,20} {p.TrainMetric,12:0.0000} {p.ValidationMetric,12:0.0000}{(i == result.BestIndex ? "  <- best" : "")}");
        }
        sb.AppendLine(result.Message);
        foreach (var warning in result.Warnings) sb.AppendLine($"warning: {warning}");
        return sb.ToString();
    }

    /// <summary>A self-contained HTML page with the curve as inline SVG and the table.</summary>
    public static string RenderHtml(CapacityCurveResult result)
    {
        var sb = new StringBuilder();
        sb.AppendLine("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Capacity curve: " + Html(result.PipelineName) + "</title>");
        sb.AppendLine("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}tr.best{font-weight:bold;background:#eef6ee}</style></head><body>");
        sb.AppendLine("<h1>Capacity curve: " + Html(result.PipelineName) + "</h1>");
        sb.AppendLine("<p>" + Html($"Trainer {result.TrainerName}; {result.CapacityParameter} grown on {result.TrainRows} training rows, measured on {result.ValidationRows} held-out rows.") + "</p>");
        sb.AppendLine(RenderSvg(result));
        sb.AppendLine("<p><strong>" + Html(result.Message) + "</strong></p>");
        sb.AppendLine("<table><tr><th>" + Html(result.CapacityParameter) + "</th><th>train " + Html(result.Metric) + "</th><th>validation " + Html(result.Metric) + "</th></tr>");
        for (var i = 0; i < result.Points.Count; i++)
        {
            var p = result.Points[i];
            sb.AppendLine(CultureInfo.InvariantCulture, $"<tr{(i == result.BestIndex ? " class=\"best\"" : "")}><td>{p.Capacity}</td><td>{p.TrainMetric:0.0000}</td><td>{p.ValidationMetric:0.0000}</td></tr>");
        }
        sb.AppendLine("</table></body></html>");
        return sb.ToString();
    }

    /// <summary>Train and validation lines over capacity (log scale), the best point circled.</summary>
    public static string RenderSvg(CapacityCurveResult result)
    {
        // The right margin holds the legend, so it never covers a line.
        const double width = 780, height = 360, left = 70, right = 170, top = 20, bottom = 50;
        var inv = CultureInfo.InvariantCulture;
        var xs = result.Points.Select(p => Math.Log(p.Capacity)).ToArray();
        var ys = result.Points.SelectMany(p => new[] { p.TrainMetric, p.ValidationMetric }).Where(double.IsFinite).ToArray();
        double xMin = xs.Min(), xMax = xs.Max(), yMin = ys.Length > 0 ? ys.Min() : 0, yMax = ys.Length > 0 ? ys.Max() : 1;
        if (xMax - xMin < 1e-12) xMax = xMin + 1;
        var pad = Math.Max((yMax - yMin) * 0.08, 1e-6);
        yMin -= pad; yMax += pad;
        double X(double v) => left + (v - xMin) / (xMax - xMin) * (width - left - right);
        double Y(double v) => top + (yMax - v) / (yMax - yMin) * (height - top - bottom);
        string Line(Func<CapacityPoint, double> value) => string.Join(" ",
            result.Points.Select((p, i) => (p, i)).Where(t => double.IsFinite(value(t.p))).Select(t => string.Create(inv, $"{X(xs[t.i]):0.#},{Y(value(t.p)):0.#}")));

        var sb = new StringBuilder();
        sb.AppendLine(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">");
        sb.AppendLine(inv, $"<rect x=\"{left}\" y=\"{top}\" width=\"{width - left - right}\" height=\"{height - top - bottom}\" fill=\"none\" stroke=\"#888\"/>");
        for (var i = 0; i <= 4; i++)
        {
            var v = yMin + (yMax - yMin) * i / 4;
            sb.AppendLine(inv, $"<line x1=\"{left}\" x2=\"{width - right}\" y1=\"{Y(v):0.#}\" y2=\"{Y(v):0.#}\" stroke=\"#eee\"/><text x=\"{left - 6}\" y=\"{Y(v) + 4:0.#}\" text-anchor=\"end\">{v:0.###}</text>");
        }
        for (var i = 0; i < xs.Length; i++)
            sb.AppendLine(inv, $"<text x=\"{X(xs[i]):0.#}\" y=\"{height - bottom + 16}\" text-anchor=\"middle\">{result.Points[i].Capacity}</text>");
        sb.AppendLine(inv, $"<text x=\"{(left + width - right) / 2}\" y=\"{height - 10}\" text-anchor=\"middle\">{Html(result.CapacityParameter)} (log scale)</text>");
        sb.AppendLine(inv, $"<text transform=\"translate(16,{(top + height - bottom) / 2}) rotate(-90)\" text-anchor=\"middle\">{Html(result.Metric)}</text>");
        sb.AppendLine(inv, $"<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"{Line(p => p.TrainMetric)}\"/>");
        sb.AppendLine(inv, $"<polyline fill=\"none\" stroke=\"#ff7f0e\" stroke-width=\"2\" points=\"{Line(p => p.ValidationMetric)}\"/>");
        var best = result.Best;
        if (double.IsFinite(best.ValidationMetric))
            sb.AppendLine(inv, $"<circle cx=\"{X(xs[result.BestIndex]):0.#}\" cy=\"{Y(best.ValidationMetric):0.#}\" r=\"6\" fill=\"none\" stroke=\"#2ca02c\" stroke-width=\"2\"><title>best: {best.Capacity}</title></circle>");
        sb.AppendLine(string.Create(inv, $"<g transform=\"translate({width - right + 15},{top + 10})\">") + $"<rect width=\"140\" height=\"48\" fill=\"white\" stroke=\"#ccc\"/>" +
            "<line x1=\"8\" x2=\"28\" y1=\"14\" y2=\"14\" stroke=\"#1f77b4\" stroke-width=\"2\"/><text x=\"34\" y=\"18\">train</text>" +
            "<line x1=\"8\" x2=\"28\" y1=\"34\" y2=\"34\" stroke=\"#ff7f0e\" stroke-width=\"2\"/><text x=\"34\" y=\"38\">validation</text></g>");
        sb.AppendLine("</svg>");
        return sb.ToString();
    }

    internal static string Html(string text) => System.Net.WebUtility.HtmlEncode(text);

    /// <summary>Default plot path: <c>&lt;project&gt;/.pipelinegen/reports/&lt;name&gt;.capacity.html</c>.</summary>
    public static string DefaultPlotPath(PipelineSettings settings) =>
        Path.Combine(settings.ResolvePath("."), ".pipelinegen", "reports", settings.Name + ".capacity.html");

    /// <summary>
    /// CLI entry: prints the table, writes the HTML plot. 0 done (also when the trainer has no capacity knob: there is
    /// nothing to grow, which is said, not failed); 2 bad input.
    /// </summary>
    public static int Run(IPipelineDefinition pipeline, CurveOptions options, TextWriter output, TextWriter error)
    {
        if (pipeline is not ICapacityAdjustable)
        {
            output.WriteLine($"curve: skipped. {NotAdjustableMessage(pipeline)}");
            return 0;
        }
        try
        {
            var result = Compute(new MLContext(seed: pipeline.Settings.Seed), pipeline, options.Capacities, options.Metric, output);
            output.Write(RenderTable(result));
            var plotPath = Path.GetFullPath(options.PlotPath ?? DefaultPlotPath(pipeline.Settings));
            AtomicFile.WriteAllText(plotPath, RenderHtml(result));
            output.WriteLine($"Plot: {plotPath}");
            return 0;
        }
        catch (Exception e) when (TrainStep.IsBadInput(e))
        {
            error.WriteLine($"curve: {e.Message}");
            return 2;
        }
    }
}

public sealed record CurveOptions
{
    /// <summary>Capacities to try; default geometric steps around the pipeline's default capacity.</summary>
    public IReadOnlyList<int>? Capacities { get; init; }
    /// <summary>Metric to plot; default the spec's metric.</summary>
    public string? Metric { get; init; }
    public string? PlotPath { get; init; }
}
