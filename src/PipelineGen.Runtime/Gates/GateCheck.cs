using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Data;
using PipelineGen.Runtime.Evaluation;

namespace PipelineGen.Runtime.Gates;

/// <summary>A gate's metric within one value of its group column (or, for a per-class gate without a group, the class itself).</summary>
/// <remarks><c>Splits</c>: splits whose validation part had rows of this value (the mean is over them; one split has no interval).</remarks>
// Splits: the splits where the metric was defined (the mean is over them). UndefinedSplits: those where the segment
// occurred but the metric was undefined; null in cards written before it was recorded (unknown, not 0).
internal sealed record SegmentValue(string Segment, double? Mean, double? CiLow, double? CiHigh, int Splits, bool Passed, int? UndefinedSplits = null);

/// <summary>
/// One gate checked: the measured value with its 95 % interval over the splits, the threshold and whether it passed. For a
/// group gate <see cref="Value"/> is the worst value's and <see cref="Segments"/> lists every value.
/// </summary>
internal sealed record GateResult(
    string Gate, bool Passed, double? Value, double? CiLow, double? CiHigh, double Threshold, string Message,
    string SpecFile, int Line, int Column, IReadOnlyList<SegmentValue>? Segments = null, string? Metric = null)
{
    /// <summary>"pass: auc 0.871 [0.85, 0.89]" — what <c>runs compare</c> and <c>models</c> show.</summary>
    public string Short => (Passed ? "pass" : "FAIL") + ": " + Message;
}

/// <summary>
/// Measures and checks the spec's gates on the <b>honest estimate</b>: the evaluation protocol of the spec (the same splits
/// <c>evaluate</c> makes), with the pipeline configuration that is being trained. Absolute gates use the metric's mean over
/// the splits; improvement gates the mean paired improvement over the baseline split by split; per-class and per-group
/// gates compute the metric on each split's validation rows of that class or group value, then the mean over splits. A gate
/// with <c>require: interval</c> is decided on the 95 % interval's bound on the failing side instead of the mean, and fails
/// when there is no interval (one split).
/// </summary>
internal static class GateCheck
{
    public static GateMeasurement Measure(IPipelineDefinition pipeline, IReadOnlyList<GateSettings> gates, Action<SplitProgress>? progress = null)
    {
        var segments = new Dictionary<int, Dictionary<string, List<double?>>>();
        for (int i = 0; i < gates.Count; i++)
            if (gates[i].Class is not null || gates[i].GroupColumn is not null) segments[i] = new(StringComparer.Ordinal);
        var settings = pipeline.Settings;
        var evaluation = Evaluator.Evaluate(pipeline, new EvaluationOptions
        {
            Progress = progress,
            OnModelScored = segments.Count == 0 ? null : scored =>
            {
                foreach (var (index, values) in segments)
                    foreach (var (segment, value) in MeasureSplit(scored.Context, settings, gates[index], scored.Scored))
                    {
                        if (!values.TryGetValue(segment, out var list)) values[segment] = list = [];
                        list.Add(value);
                    }
            },
        });
        return new GateMeasurement { Evaluation = evaluation, SegmentValues = segments };
    }

    public static IReadOnlyList<GateResult> Check(GateMeasurement measured, IReadOnlyList<GateSettings> gates)
    {
        var results = new List<GateResult>();
        var evaluation = measured.Evaluation;
        for (int i = 0; i < gates.Count; i++)
        {
            var gate = gates[i];
            if (measured.SegmentValues.TryGetValue(i, out var perSegment))
            {
                var partly = new List<string>();
                var values = perSegment.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s =>
                {
                    var summary = MetricSummary.From(gate.Metric, s.Value);
                    // Defined on some of its splits only: a mean over those is measured on a chosen part (e.g. the
                    // folds where the class was predicted at all), so the segment cannot be shown to hold.
                    bool whole = summary.UndefinedCount == 0;
                    if (!whole && summary.Mean is not null) partly.Add($"'{s.Key}' on {summary.UndefinedCount} of {s.Value.Count} split(s)");
                    return new SegmentValue(s.Key, summary.Mean, summary.CiLow, summary.CiHigh, summary.Count, whole && summary.Mean is double m && gate.Holds(m, summary.CiLow, summary.CiHigh), summary.UndefinedCount);
                }).ToArray();
                var defined = values.Where(v => v.Mean.HasValue).ToArray();
                var undefined = values.Where(v => !v.Mean.HasValue).Select(v => $"'{v.Segment}'").ToArray();
                // The worst value is the one furthest on the failing side of what is required (a value without the
                // interval 'require: interval' asks for is the worst of all: it cannot pass).
                double Badness(SegmentValue v) => gate.Decisive(v.Mean!.Value, v.CiLow, v.CiHigh) is double d ? (gate.Kind == GateKind.Max ? d : -d) : double.PositiveInfinity;
                var worst = defined.Length == 0 ? null : defined.MaxBy(Badness);
                // A segment where precision (or f1) never exists because the model called none of it positive is not
                // left out of a gate that would then pass: whether it exists depends on the model (MetricComputer.DependsOnDecisions).
                bool decisive = MetricComputer.DependsOnDecisions(gate.Metric);
                bool passed = worst is not null && defined.All(v => v.Passed) && (undefined.Length == 0 || !decisive);
                string subject = gate.GroupColumn is null ? $"{gate.Metric} of class '{gate.Class}'" : $"{gate.Metric}{(gate.Class is null ? "" : $" of class '{gate.Class}'")} in '{gate.GroupColumn}' = '{worst?.Segment}' (the worst of {defined.Length} value(s))";
                string message = worst is null
                    ? $"{gate.Metric}{(gate.Class is null ? "" : $" of class '{gate.Class}'")} could not be measured: no validation rows {(gate.GroupColumn is null ? "of that class" : $"in any value of '{gate.GroupColumn}'")} gave a defined value, so the gate {gate.Describe()} cannot be shown to hold"
                    : $"{subject} {Verdict(gate, worst.Mean!.Value, worst.CiLow, worst.CiHigh, worst.Passed)}";
                if (undefined.Length > 0) message += $" ({gate.Metric} is {MetricComputer.UndefinedText(gate.Metric)} in {string.Join(", ", undefined.Take(5))}{(undefined.Length > 5 ? ", ..." : "")}: {(decisive ? "the gate cannot be shown to hold there, so it fails" : "not counted")})";
                if (partly.Count > 0) message += $" ({gate.Metric} is {MetricComputer.UndefinedText(gate.Metric)} in {string.Join(", ", partly.Take(5))}{(partly.Count > 5 ? ", ..." : "")}: the gate cannot be shown to hold there, so it fails)";
                results.Add(new GateResult(gate.Describe(), passed, worst?.Mean, worst?.CiLow, worst?.CiHigh, gate.Threshold, message, gate.SpecFile, gate.Line, gate.Column, values, gate.Metric));
                continue;
            }
            if (gate.Kind == GateKind.MinImprovement)
            {
                int direction = MetricCatalog.Direction(gate.Metric);
                var improvements = evaluation.Splits
                    .Select(s => s.Model![gate.Metric] is double m && s.Baseline[gate.Metric] is double b ? direction * (m - b) : (double?)null).ToArray();
                var summary = MetricSummary.From(gate.Metric + "_improvement", improvements);
                // The improvement is not bounded like the metric: recompute the interval without clipping.
                var (low, high) = Interval(improvements);
                var missing = UndefinedOn(evaluation, gate.Metric, baselineToo: true);
                bool ok = summary.Mean is double mean && missing is null && gate.Holds(mean, low, high);
                var message = summary.Mean is double mi
                    ? $"{gate.Metric} improvement over the {evaluation.BaselineStrategy} baseline {(missing is null ? Verdict(gate, mi, low, high, ok) : $"{Estimate(mi, low, high)} fails: {missing}")}"
                    : $"{gate.Metric}'s improvement over the baseline cannot be measured on any split ({missing ?? $"{gate.Metric} is {MetricComputer.UndefinedText(gate.Metric)}"})";
                results.Add(new GateResult(gate.Describe(), ok, summary.Mean, low, high, gate.Threshold, message, gate.SpecFile, gate.Line, gate.Column, Metric: gate.Metric));
                continue;
            }
            var metric = evaluation.ModelMetric(gate.Metric);
            var undefinedOn = UndefinedOn(evaluation, gate.Metric, baselineToo: false);
            bool pass = metric?.Mean is double v && undefinedOn is null && gate.Holds(v, metric.CiLow, metric.CiHigh);
            var text = metric?.Mean is double value
                ? $"{gate.Metric} {(undefinedOn is null ? Verdict(gate, value, metric.CiLow, metric.CiHigh, pass) : $"{Estimate(value, metric.CiLow, metric.CiHigh)} over the other splits fails: {undefinedOn}")}"
                : $"{gate.Metric} is {MetricComputer.UndefinedText(gate.Metric)} on every split, so the gate {gate.Describe()} cannot be shown to hold";
            results.Add(new GateResult(gate.Describe(), pass, metric?.Mean, metric?.CiLow, metric?.CiHigh, gate.Threshold, text, gate.SpecFile, gate.Line, gate.Column, Metric: gate.Metric));
        }
        return results;
    }

    /// <summary>
    /// "0.87 [0.85, 0.89] meets the gate >= 0.85", or with <c>require: interval</c> "0.31 [0.16, 0.46]: lower bound 0.16 &lt; 0.3
    /// (require: interval)" — and when there is no interval, why the gate cannot pass and what to do.
    /// </summary>
    private static string Verdict(GateSettings gate, double mean, double? low, double? high, bool passed)
    {
        var estimate = Estimate(mean, low, high);
        if (gate.Require == GateRequire.Mean) return $"{estimate} {Relation(gate, passed)} {Fmt(gate.Threshold)}";
        if (gate.Decisive(mean, low, high) is not double bound)
            return $"{estimate} fails (require: interval): an interval needs the value measured in at least two splits; "
                + $"evaluate with 'protocol: kfold' or 'repeated_kfold'{(gate.Class is null && gate.GroupColumn is null ? "" : $" (with rows of that {(gate.GroupColumn is null ? "class" : "value")} in every split's validation part)")}, or gate on the mean with 'require: mean'";
        var side = gate.Kind == GateKind.Max ? "upper" : "lower";
        var relation = (gate.Kind == GateKind.Max, passed) switch { (true, true) => "<=", (true, false) => ">", (false, true) => ">=", _ => "<" };
        return $"{estimate}: {side} bound {Fmt(bound)} {relation} {Fmt(gate.Threshold)} (require: interval)";
    }

    private static string Relation(GateSettings gate, bool passed) => (gate.Kind, passed) switch
    {
        (GateKind.Max, true) => "is within the gate <=",
        (GateKind.Max, false) => "is above the gate",
        (_, true) => "meets the gate >=",
        _ => "is below the gate",
    };

    private static string Estimate(double mean, double? low, double? high) =>
        low is double l && high is double h ? $"{Fmt(mean)} [{Fmt(l)}, {Fmt(h)}]" : $"{Fmt(mean)} (one split: no interval)";

    /// <summary>
    /// One value of a group or class gate as train prints it under the gate: "'S': 0.71 [0.6, 0.8] over 3 split(s);
    /// precision undefined (no predicted positive) on 2 of 5 split(s)  &lt;- fails". Why a value is undefined comes from
    /// MetricComputer.UndefinedText, as evaluate prints it; a card written before the counts were kept says only "undefined".
    /// </summary>
    internal static string SegmentLine(GateResult gate, SegmentValue segment)
    {
        var undefined = gate.Metric is { } metric ? $"{metric} {MetricComputer.UndefinedText(metric)}" : "undefined";
        var total = segment.Splits + (segment.UndefinedSplits ?? 0);
        var onSplits = segment.UndefinedSplits is int n ? string.Create(CultureInfo.InvariantCulture, $" on {n} of {total} split(s)") : "";
        if (segment.Mean is not double mean) return $"{segment.Segment}: {undefined}{onSplits}";
        var interval = segment.CiLow is double l && segment.CiHigh is double h ? $" [{Fmt(l)}, {Fmt(h)}]" : "";
        var partly = segment.UndefinedSplits is > 0 ? $"; {undefined}{onSplits}" : "";
        return string.Create(CultureInfo.InvariantCulture, $"{segment.Segment}: {Fmt(mean)}{interval} over {segment.Splits} split(s){partly}{(segment.Passed ? "" : "  <- fails")}");
    }

    internal static string Fmt(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    /// <summary>
    /// Why a gate on <paramref name="metric"/> cannot be decided on the splits where it is defined, or null when it is
    /// defined on every split (of the model, and of the baseline when <paramref name="baselineToo"/>): the value would
    /// be measured on a chosen part of the evaluation (e.g. only the folds where the model called a positive).
    /// </summary>
    private static string? UndefinedOn(EvaluationResult evaluation, string metric, bool baselineToo)
    {
        int n = evaluation.Splits.Count;
        int model = evaluation.Splits.Count(s => s.Model is not null && s.Model[metric] is null);
        int baseline = baselineToo ? evaluation.Splits.Count(s => s.Baseline[metric] is null) : 0;
        if (model == 0 && baseline == 0) return null;
        var parts = new List<string>();
        if (model > 0) parts.Add($"the model's {metric} is {MetricComputer.UndefinedText(metric)} on {model} of {n} split(s)");
        if (baseline > 0) parts.Add($"the {evaluation.BaselineStrategy} baseline's {metric} is {MetricComputer.UndefinedText(metric)} on {baseline} of {n} split(s)");
        return string.Join(" and ", parts) + ", so the gate cannot be shown to hold on the whole evaluation";
    }

    private static (double?, double?) Interval(IReadOnlyList<double?> values)
    {
        var v = values.Where(x => x.HasValue).Select(x => x!.Value).ToArray();
        if (v.Length < 2) return (null, null);
        double mean = v.Average(), std = MathNet.Numerics.Statistics.Statistics.StandardDeviation(v);
        double half = MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, v.Length - 1, 0.975) * std / Math.Sqrt(v.Length);
        return (mean - half, mean + half);
    }

    /// <summary>The gate's metric on one split's scored validation rows: per group value, and/or for its class only.</summary>
    private static IEnumerable<(string Segment, double? Value)> MeasureSplit(MLContext ml, PipelineSettings settings, GateSettings gate, IDataView scored)
    {
        scored = MetricComputer.Decided(settings.Task, scored, settings.DecisionThreshold); // the decisions predict makes
        if (gate.GroupColumn is null)
        {
            yield return (gate.Class!, ClassMetric(scored, settings, gate.Metric, gate.Class!, _ => true));
            yield break;
        }
        var groups = ReadText(scored, gate.GroupColumn);
        foreach (var value in groups.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            long count = groups.LongCount(g => g == value);
            bool Keep(long row) => row < groups.Length && groups[row] == value;
            double? metric;
            if (gate.Class is not null) metric = ClassMetric(scored, settings, gate.Metric, gate.Class, Keep);
            else
            {
                var ignored = new List<string>();
                try { metric = MetricComputer.Compute(ml, settings.Task, new RowFilterDataView(scored, Keep, count), $"{gate.GroupColumn} = {value}", ignored)[gate.Metric]; }
                catch (ArgumentOutOfRangeException) { metric = null; } // ML.NET refuses some metrics on a tiny or one-class subset
                catch (InvalidOperationException) { metric = null; }
            }
            yield return (value, metric);
        }
    }

    /// <summary>Precision, recall or f1 of one class against the rest, counted from <c>Label</c> and <c>PredictedLabel</c>; null when undefined.</summary>
    private static double? ClassMetric(IDataView scored, PipelineSettings settings, string metric, string cls, Func<long, bool> keep)
    {
        long tp = 0, fp = 0, fn = 0;
        var label = scored.Schema["Label"];
        var predicted = scored.Schema["PredictedLabel"];
        using var cursor = scored.GetRowCursor([label, predicted]);
        if (settings.Task == MlTaskKind.BinaryClassification)
        {
            // Binary labels are read as true = the positive class.
            bool target = Same(cls, settings.PositiveClass ?? "");
            var getLabel = cursor.GetGetter<bool>(label);
            var getPredicted = cursor.GetGetter<bool>(predicted);
            bool l = false, p = false;
            while (cursor.MoveNext())
            {
                if (!keep(cursor.Position)) continue;
                getLabel(ref l); getPredicted(ref p);
                Count(l == target, p == target, ref tp, ref fp, ref fn);
            }
        }
        else
        {
            var names = KeyNames(label);
            uint key = (uint)(Array.FindIndex(names, n => Same(n, cls)) + 1);
            var getLabel = cursor.GetGetter<uint>(label);
            var getPredicted = cursor.GetGetter<uint>(predicted);
            uint l = 0, p = 0;
            while (cursor.MoveNext())
            {
                if (!keep(cursor.Position)) continue;
                getLabel(ref l); getPredicted(ref p);
                Count(key != 0 && l == key, key != 0 && p == key, ref tp, ref fp, ref fn);
            }
        }
        double? precision = tp + fp == 0 ? null : tp / (double)(tp + fp);
        double? recall = tp + fn == 0 ? null : tp / (double)(tp + fn);
        return metric switch
        {
            "precision" => precision,
            "recall" => recall,
            // 2TP / (2TP + FP + FN): 0, not undefined, when the class occurs but is never predicted.
            _ => 2 * tp + fp + fn == 0 ? null : 2.0 * tp / (2 * tp + fp + fn),
        };
    }

    private static void Count(bool actual, bool predicted, ref long tp, ref long fp, ref long fn)
    {
        if (actual && predicted) tp++;
        else if (predicted) fp++;
        else if (actual) fn++;
    }

    private static bool Same(string a, string b) =>
        double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out var y)
            ? x == y : string.Equals(a, b, StringComparison.Ordinal);

    // The label's key values in key order (key 1 = index 0), as text whatever the label's own type (ClassKeys, the one
    // reader of a key's classes); none when the key has no values or a type ClassKeys does not read, so no class matches.
    private static string[] KeyNames(DataViewSchema.Column label)
    {
        if (label.Annotations.Schema.GetColumnOrNull("KeyValues") is null) return [];
        try { return Evaluation.ClassKeys.Read(label, "the label").Names; }
        catch (NotSupportedException) { return []; }
    }

    /// <summary>A column's values as text, one per row (missing: empty).</summary>
    internal static string[] ReadText(IDataView data, string column)
    {
        // The first column of that name is the loader's: a transform that rewrites the column in place (one-hot encoding)
        // leaves the original hidden, and the gate groups by the values as written in the data.
        var col = data.Schema.Where(c => c.Name == column).OrderBy(c => c.Index).Cast<DataViewSchema.Column?>().FirstOrDefault()
            ?? throw new InvalidDataException($"Gate group column '{column}' is not in the scored data.");
        var values = new List<string>();
        using var cursor = data.GetRowCursor([col]);
        var raw = col.Type.RawType;
        if (raw == typeof(ReadOnlyMemory<char>))
        {
            var get = cursor.GetGetter<ReadOnlyMemory<char>>(col); ReadOnlyMemory<char> v = default;
            while (cursor.MoveNext()) { get(ref v); values.Add(v.ToString()); }
        }
        else if (raw == typeof(float))
        {
            var get = cursor.GetGetter<float>(col); float v = 0;
            while (cursor.MoveNext()) { get(ref v); values.Add(float.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture)); }
        }
        else if (raw == typeof(double))
        {
            var get = cursor.GetGetter<double>(col); double v = 0;
            while (cursor.MoveNext()) { get(ref v); values.Add(double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture)); }
        }
        else if (raw == typeof(bool))
        {
            var get = cursor.GetGetter<bool>(col); bool v = false;
            while (cursor.MoveNext()) { get(ref v); values.Add(v ? "true" : "false"); }
        }
        else
            throw new InvalidDataException($"Gate group column '{column}' has type {col.Type}; a group column must be text, a number or a boolean.");
        return values.ToArray();
    }
}
