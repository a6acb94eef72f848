using System.Globalization;
using PipelineGen.Runtime.Reporting;
using System.Text;

namespace PipelineGen.Runtime.Exploration;

/// <summary>
/// Writes an <see cref="ExplorationReport"/> as one self-contained HTML file: inline CSS, charts as inline SVG,
/// no scripts, fonts or URLs, so it opens offline and can be mailed around. Every data value is HTML-encoded.
/// </summary>
internal static class ExplorationHtml
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private const string TrainColor = "#3b6fb6", CompareColor = "#e8833a", LeakColor = "#c0392b";

    public static void Write(ExplorationReport report, string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        File.WriteAllText(path, Render(report), new UTF8Encoding(false));
    }

    public static string Render(ExplorationReport report)
    {
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        h.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        h.Append($"<title>Explore: {E(report.PipelineName)}</title><style>{Css}</style></head><body>");
        h.Append($"<header><h1>Explore: {E(report.PipelineName)}</h1><p class=\"meta\">{E(ExplorationConsole.TaskName(report.Task))}, label <code>{E(report.LabelColumn)}</code> · {E(report.DataPath)} · {E(report.CreatedAt.ToString("yyyy-MM-dd HH:mm 'UTC'", Inv))}</p></header><main>");

        Cards(h, report);
        Warnings(h, report);
        Label(h, report);
        Leakage(h, report);
        Missingness(h, report);
        Drift(h, report);
        Columns(h, report);
        Duplicates(h, report);
        Sample(h, report);

        h.Append("<section><h2>How these numbers were computed</h2><ul class=\"notes\">");
        foreach (var n in report.MethodNotes) h.Append($"<li>{E(n)}</li>");
        h.Append("</ul></section></main></body></html>\n");
        return h.ToString();
    }

    private static void Cards(StringBuilder h, ExplorationReport r)
    {
        var serious = r.Warnings.Count(w => w.Severity == WarningSeverity.Serious);
        h.Append("<div class=\"cards\">");
        Card(h, "rows", Fmt.Count(r.RowCount), null);
        Card(h, "columns", r.Columns.Count.ToString(Inv), null);
        Card(h, "duplicate rows", Fmt.Count(r.Duplicates.DuplicateRows), r.Duplicates.DuplicateRows > 0 ? "warn" : null);
        Card(h, "warnings", r.Warnings.Count.ToString(Inv), serious > 0 ? "bad" : r.Warnings.Count > 0 ? "warn" : "ok");
        if (r.Leakage is { } l) Card(h, "leaking columns", l.Flagged.Count().ToString(Inv), l.Flagged.Any() ? "bad" : "ok");
        if (r.Drift is { } d) Card(h, "drifting columns", d.Columns.Count(c => c.Verdict is DriftVerdict.Major or DriftVerdict.Moderate).ToString(Inv),
            d.Columns.Any(c => c.Verdict == DriftVerdict.Major) ? "bad" : d.Columns.Any(c => c.Verdict == DriftVerdict.Moderate) ? "warn" : "ok");
        h.Append("</div>");
    }

    private static void Card(StringBuilder h, string label, string value, string? tone) =>
        h.Append($"<div class=\"card {tone}\"><div class=\"v\">{E(value)}</div><div class=\"l\">{E(label)}</div></div>");

    private static void Warnings(StringBuilder h, ExplorationReport r)
    {
        h.Append("<section><h2>Warnings</h2>");
        if (r.Warnings.Count == 0) { h.Append("<p class=\"ok-text\">No problems found.</p></section>"); return; }
        h.Append("<ul class=\"warnings\">");
        foreach (var w in r.Warnings)
            h.Append($"<li class=\"{w.Severity.ToString().ToLowerInvariant()}\"><span class=\"badge\">{E(ExplorationConsole.Kind(w.Kind))}</span> {E(w.Message)}</li>");
        h.Append("</ul></section>");
    }

    private static void Label(StringBuilder h, ExplorationReport r)
    {
        if (r.ClassBalance is { } b)
        {
            h.Append($"<section><h2>Class balance of <code>{E(r.LabelColumn)}</code></h2>");
            h.Append(HBars(b.Classes.Select(c => (c.Value, c.Share, $"{Fmt.Count(c.Count)} ({Fmt.Percent(c.Share)})", (string?)null)).ToList(), 1.0, null));
            if (b.Classes.Count >= 2)
                h.Append($"<p class=\"meta\">minority share {E(Fmt.Percent(b.MinorityShare))}, majority:minority {E(Fmt.Fixed(b.MajorityToMinorityRatio, 2))}:1 — imbalanced when {(b.Classes.Count == 2 ? $"the minority is under {Fmt.Percent(DataExplorer.ImbalanceMinorityShare)} or " : "")}the ratio is over {DataExplorer.ImbalanceRatio.ToString(Inv)}:1.</p>");
            h.Append("</section>");
        }
        else if (r.Task == MlTaskKind.Regression && r.Columns.FirstOrDefault(c => c.Name == r.LabelColumn) is { Histogram.Count: > 0 } label)
        {
            h.Append($"<section><h2>Distribution of the label <code>{E(r.LabelColumn)}</code></h2>");
            h.Append(Histogram(label.Histogram, 760, 200, label.IsDate));
            h.Append("</section>");
        }
    }

    private static void Leakage(StringBuilder h, ExplorationReport r)
    {
        if (r.Leakage is not { } l)
        {
            var why = r.MethodNotes.FirstOrDefault(n => n.StartsWith("Leakage probes were skipped", StringComparison.Ordinal))
                ?? r.Warnings.FirstOrDefault(w => w.Kind == WarningKind.Leakage)?.Message ?? "Leakage probes were not run.";
            h.Append($"<section><h2>Target leakage probe</h2><p class=\"meta\">{E(why)}</p></section>");
            return;
        }
        h.Append($"<section><h2>Target leakage probe</h2><p class=\"meta\">Each feature alone trains {E(l.Trainer)} on {Fmt.Count(l.TrainRows)} rows; bars show its {E(l.Metric)} on {Fmt.Count(l.HoldoutRows)} held-out rows. The red line is the threshold ({E(Fmt.Fixed(l.Threshold, 2))}); the grey tick is what a model ignoring the column scores.</p>");
        var lo = Math.Min(0, l.Probes.Where(p => !double.IsNaN(p.Score)).Select(p => p.Score).DefaultIfEmpty(0).Min());
        h.Append(HBars(l.Probes.Select(p => (p.Column, double.IsNaN(p.Score) ? 0 : p.Score,
            (double.IsNaN(p.Score) ? "n/a" : Fmt.Fixed(p.Score, 3)) + (p.Flagged ? " — leak?" : "") + (p.Note is null ? "" : " (" + p.Note + ")"),
            p.Flagged ? LeakColor : (string?)null)).ToList(), 1.0, l.Threshold, lo, l.Probes.FirstOrDefault()?.Baseline));
        if (l.Joint is { } joint)
            h.Append($"<p><strong>Joint leak:</strong> {E(string.Join(" + ", joint.Columns))} explain {E(Fmt.Fixed(joint.RSquared, 3))} of the label's variance with a linear fit on {Fmt.Count(joint.Rows)} rows; "
                + E(string.Join(", ", joint.Added.Select((_, k) => joint.StepShare(k, quote: "")))) + ". One column alone cannot show this.</p>");
        if (l.DropColumn is { } dc)
        {
            h.Append($"<h3>Full model without one column</h3><p class=\"meta\">{E(dc.Trainer)} on {Fmt.Count(dc.TrainRows)} rows scores {E(dc.Metric)} {E(Fmt.Fixed(dc.FullScore, 3))} on {Fmt.Count(dc.HoldoutRows)} held-out rows. A column is flagged when that is at least {E(Fmt.Fixed(dc.NearPerfect, 2))} and dropping the column alone multiplies the error at least {E(Fmt.Num(dc.MinErrorRatio))}-fold (or at least {E(Fmt.Fixed(dc.VeryGood, 2))} and {E(Fmt.Num(dc.StrongErrorRatio))}-fold): a strong honest feature helps, a leak makes the model implausibly good.</p>");
            if (dc.Probes.Count == 0)
                h.Append($"<p class=\"meta\">Under {E(Fmt.Fixed(dc.VeryGood, 2))} no column can be accused, so none was dropped.</p>");
            else
            {
                h.Append($"<table class=\"grid\"><thead><tr><th>column dropped</th><th>{E(dc.Metric)} without it</th><th>error ×</th><th></th></tr></thead><tbody>");
                foreach (var p in dc.Probes)
                    h.Append($"<tr><td>{E(p.Column)}</td><td class=\"n\">{E(Fmt.Fixed(p.ScoreWithout, 3))}</td><td class=\"n\">{E(ExplorationConsole.Ratio(p.ErrorRatio))}</td><td>{(p.Flagged ? "<span class=\"verdict major\">leak? check it is known at prediction time</span>" : dc.Probes.Any(f => f.Partners.Contains(p.Column)) ? "decodes the leak; not accused" : "")}</td></tr>");
                h.Append("</tbody></table>");
            }
        }
        h.Append("</section>");
    }

    private static void Missingness(StringBuilder h, ExplorationReport r)
    {
        if (r.Missingness is not { } m) return;
        h.Append($"<section><h2>Missing values vs the label</h2><p class=\"meta\">Every feature with gaps, over every labelled row. Flagged (informative) when p &lt; {E(Fmt.Num(m.Alpha))} (0.001 Bonferroni-split over {m.Columns.Count} column(s)) and the {E(m.EffectDescription)} is at least {E(Fmt.Num(m.MinEffect))}.</p>");
        h.Append("<table class=\"grid\"><thead><tr><th>column</th><th>missing</th><th>test</th><th>p</th><th>effect</th><th>what differs</th><th></th></tr></thead><tbody>");
        foreach (var c in m.Columns)
            h.Append($"<tr><td>{E(c.Column)}</td><td class=\"n\">{E(Fmt.Count(c.Missing))} ({E(Fmt.Percent(c.MissingShare))})</td><td>{E(c.Test)}</td><td class=\"n\">{E(Fmt.PValue(c.PValue))}</td><td class=\"n\">{E(Fmt.Fixed(c.Effect, 2))}</td><td>{E(c.Summary)}</td><td>{(c.Flagged ? "<span class=\"verdict major\">informative</span>" : "")}</td></tr>");
        h.Append("</tbody></table></section>");
    }

    private static void Drift(StringBuilder h, ExplorationReport r)
    {
        h.Append("<section><h2>Training data vs comparison data (drift)</h2>");
        if (r.Drift is not { } d) { h.Append("<p class=\"meta\">No comparison data: give the spec a test file or pass one to compare with.</p></section>"); return; }
        h.Append($"<p class=\"meta\">Compared with {E(d.ComparePath)} ({Fmt.Count(d.CompareRows)} rows). PSI &lt; 0.1 stable, &lt; 0.25 moderate, else major; KS p &lt; 0.01 on numbers counts as at least moderate.</p>");
        h.Append("<table class=\"grid\"><thead><tr><th>column</th><th>PSI</th><th>KS D</th><th>KS p</th><th>verdict</th><th>note</th></tr></thead><tbody>");
        foreach (var c in d.Columns)
            h.Append($"<tr><td>{E(c.Column)}</td><td class=\"n\">{E(Fmt.Fixed(c.Psi, 3))}</td><td class=\"n\">{E(Fmt.Fixed(c.KsStatistic, 3))}</td><td class=\"n\">{E(Fmt.PValue(c.KsPValue))}</td><td><span class=\"verdict {c.Verdict.ToString().ToLowerInvariant()}\">{E(c.Verdict.ToString().ToLowerInvariant())}</span></td><td>{E(c.Note ?? "")}</td></tr>");
        h.Append("</tbody></table>");
        var shown = d.Columns.Where(c => c.Bins.Count > 0).OrderByDescending(c => double.IsNaN(c.Psi) ? -1 : c.Psi).Take(12).ToList();
        if (shown.Count > 0)
        {
            h.Append($"<p class=\"legend\"><span style=\"background:{TrainColor}\"></span>training <span style=\"background:{CompareColor}\"></span>comparison (share of rows per bin; columns with the largest PSI first)</p><div class=\"charts\">");
            foreach (var c in shown)
                h.Append($"<figure><figcaption>{E(c.Column)} <small>PSI {E(Fmt.Fixed(c.Psi, 3))}</small></figcaption>{PairedBars(c.Bins, 370, 160)}</figure>");
            h.Append("</div>");
        }
        h.Append("</section>");
    }

    private static void Columns(StringBuilder h, ExplorationReport r)
    {
        h.Append("<section><h2>Columns</h2><div class=\"columns\">");
        foreach (var c in r.Columns)
        {
            h.Append($"<article class=\"col\"><h3>{E(c.Name)} <span class=\"tag\">{E(c.Kind.ToString().ToLowerInvariant())}</span> <span class=\"tag role-{E(c.Role.ToString().ToLowerInvariant())}\">{E(c.Role.ToString().ToLowerInvariant())}</span></h3>");
            h.Append("<table class=\"stats\">");
            Stat(h, "type", c.DataType);
            Stat(h, "values", Fmt.Count(c.Count));
            Stat(h, "missing", $"{Fmt.Count(c.Missing)} ({Fmt.Percent(c.MissingPercent / 100)})");
            Stat(h, "distinct", (c.DistinctIsLowerBound ? "more than " : "") + Fmt.Count(c.Distinct));
            if (c.Unparsed > 0) Stat(h, "unparsed", Fmt.Count(c.Unparsed));
            if (c.Numeric is { } n)
            {
                Stat(h, "min / max", $"{Fmt.Num(n.Min, c.IsDate)} / {Fmt.Num(n.Max, c.IsDate)}");
                Stat(h, "mean ± std", c.IsDate ? Fmt.Num(n.Mean, true) : $"{Fmt.Num(n.Mean)} ± {Fmt.Num(n.StdDev)}");
                Stat(h, "median (q1–q3)", $"{Fmt.Num(n.Median, c.IsDate)} ({Fmt.Num(n.Q1, c.IsDate)} – {Fmt.Num(n.Q3, c.IsDate)}){(n.QuantilesFromSample ? " ~" : "")}");
            }
            if (c.TextLength is { } t)
                Stat(h, "length", $"{Fmt.Num(t.Min)}–{Fmt.Num(t.Max)}, mean {Fmt.Num(t.Mean)}, median {Fmt.Num(t.Median)}");
            h.Append("</table>");
            if (c.TopValues.Count > 0)
            {
                var items = c.TopValues.Select(v => (v.Value.Length == 0 ? "(empty)" : v.Value, v.Share, $"{Fmt.Count(v.Count)} ({Fmt.Percent(v.Share)})", (string?)null)).ToList();
                if (c.OtherCount > 0) items.Add(("(other values)", (double)c.OtherCount / Math.Max(1, r.RowCount), Fmt.Count(c.OtherCount), "#9aa5b1"));
                h.Append(HBars(items, Math.Max(1e-9, items.Max(i => i.Item2)), null, compact: true));
            }
            else if (c.Histogram.Count > 0)
            {
                if (c.TextLength is not null) h.Append("<div class=\"cap\">length in characters</div>");
                h.Append(Histogram(c.Histogram, 360, 130, c.IsDate));
            }
            h.Append("</article>");
        }
        h.Append("</div></section>");
    }

    private static void Stat(StringBuilder h, string name, string value) =>
        h.Append($"<tr><th>{E(name)}</th><td>{E(value)}</td></tr>");

    private static void ExampleTable(StringBuilder h, IReadOnlyList<DuplicateExample> examples, string relation)
    {
        if (examples.Count == 0) return;
        h.Append($"<table class=\"grid\"><thead><tr><th>row</th><th>{relation}</th><th>values</th></tr></thead><tbody>");
        foreach (var e in examples)
            h.Append($"<tr><td class=\"n\">{e.RowNumber}</td><td class=\"n\">{e.FirstRowNumber}</td><td><code>{E(e.Row)}</code></td></tr>");
        h.Append("</tbody></table>");
    }

    private static void Duplicates(StringBuilder h, ExplorationReport r)
    {
        var d = r.Duplicates;
        h.Append($"<section><h2>Duplicate rows</h2><p>{Fmt.Rows(d.DuplicateRows)} ({E(Fmt.Fixed(d.Percent, 1))}%) {(d.DuplicateRows == 1 ? "repeats" : "repeat")} an earlier row{(d.Exact ? "" : " (lower bound)")}.</p>");
        ExampleTable(h, d.Examples, "same as row");
        if (d.NearDuplicateRows > 0)
        {
            h.Append($"<p>{Fmt.Rows(d.NearDuplicateRows)} ({E(Fmt.Fixed(d.NearPercent, 1))}%) {(d.NearDuplicateRows == 1 ? "equals" : "equal")} an earlier row only once cells are trimmed and text is lower-cased without punctuation or extra spaces{(d.NearExact ? "" : " (lower bound)")}");
            h.Append(d.NearAcrossSplits is long across ? $"; {Fmt.Count(across)} of them on the other side of an evaluation split ({E(d.Splits ?? "")}) from the row they repeat.</p>" : ".</p>");
            ExampleTable(h, d.NearExamples, "nearly the same as row");
        }
        if (r.IdLikeColumns.Count > 0)
        {
            h.Append("<h3>Identifier-like columns</h3><ul>");
            foreach (var id in r.IdLikeColumns) h.Append($"<li><code>{E(id.Column)}</code>: {E(id.Reason)} — mark it <code>role: id</code>.</li>");
            h.Append("</ul>");
        }
        h.Append("</section>");
    }

    private static void Sample(StringBuilder h, ExplorationReport r)
    {
        h.Append($"<section><h2>First {r.SampleRows.Count} rows</h2><div class=\"scroll\"><table class=\"grid sample\"><thead><tr>");
        foreach (var c in r.SampleColumns) h.Append($"<th>{E(c)}</th>");
        h.Append("</tr></thead><tbody>");
        foreach (var row in r.SampleRows)
        {
            h.Append("<tr>");
            foreach (var v in row) h.Append(v.Length == 0 ? "<td class=\"na\">·</td>" : $"<td>{E(v)}</td>");
            h.Append("</tr>");
        }
        h.Append("</tbody></table></div></section>");
    }

    // ---- SVG charts (hand-written: deterministic, no native dependencies, tiny) ----

    private static string Histogram(IReadOnlyList<HistogramBin> bins, int width, int height, bool isDate)
    {
        const int left = 44, bottom = 22, top = 8, right = 8;
        var plotW = width - left - right;
        var plotH = height - top - bottom;
        var max = bins.Max(b => b.Count);
        var s = new StringBuilder();
        s.Append($"<svg width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\">");
        s.Append($"<line x1=\"{left}\" y1=\"{top + plotH}\" x2=\"{left + plotW}\" y2=\"{top + plotH}\" stroke=\"#888\"/>");
        s.Append($"<text x=\"{left - 4}\" y=\"{top + 8}\" class=\"ax\" text-anchor=\"end\">{E(Fmt.Num(Math.Round(max)))}</text>");
        s.Append($"<text x=\"{left - 4}\" y=\"{top + plotH}\" class=\"ax\" text-anchor=\"end\">0</text>");
        var bw = (double)plotW / bins.Count;
        for (int i = 0; i < bins.Count; i++)
        {
            var b = bins[i];
            var bh = max <= 0 ? 0 : plotH * b.Count / max;
            s.Append($"<rect x=\"{F(left + i * bw + 0.5)}\" y=\"{F(top + plotH - bh)}\" width=\"{F(Math.Max(1, bw - 1))}\" height=\"{F(bh)}\" fill=\"{TrainColor}\"><title>{E(Fmt.Num(b.Lower, isDate))} – {E(Fmt.Num(b.Upper, isDate))}: {E(Fmt.Num(Math.Round(b.Count)))}</title></rect>");
        }
        // One bar per integer: label the first and last integers, not the bar edges (0.5, 3.5).
        var unitBins = !isDate && bins[0].Upper - bins[0].Lower == 1 && bins[0].Lower + 0.5 == Math.Floor(bins[0].Lower + 0.5);
        var first = unitBins ? bins[0].Lower + 0.5 : bins[0].Lower;
        var last = unitBins ? bins[^1].Upper - 0.5 : bins[^1].Upper;
        s.Append($"<text x=\"{F(unitBins ? left + bw / 2 : left)}\" y=\"{height - 6}\" class=\"ax\" text-anchor=\"{(unitBins ? "middle" : "start")}\">{E(Fmt.Num(first, isDate))}</text>");
        s.Append($"<text x=\"{F(unitBins ? left + plotW - bw / 2 : left + plotW)}\" y=\"{height - 6}\" class=\"ax\" text-anchor=\"{(unitBins ? "middle" : "end")}\">{E(Fmt.Num(last, isDate))}</text>");
        s.Append("</svg>");
        return s.ToString();
    }

    /// <summary>Horizontal bars: label, bar, value text. Optional threshold line and baseline tick.</summary>
    private static string HBars(List<(string Label, double Value, string Text, string? Color)> items, double max, double? threshold,
        double min = 0, double? baseline = null, bool compact = false)
    {
        int width = compact ? 360 : 760, labelW = compact ? 110 : 180, textW = compact ? 90 : 200, rowH = compact ? 18 : 22;
        var plotW = width - labelW - textW;
        var height = items.Count * rowH + 6;
        double X(double v) => labelW + plotW * (Math.Clamp(v, min, max) - min) / (max - min);
        var s = new StringBuilder();
        s.Append($"<svg width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\">");
        for (int i = 0; i < items.Count; i++)
        {
            var (label, value, text, color) = items[i];
            var y = 3 + i * rowH;
            var x0 = X(Math.Max(min, 0));
            var x1 = X(value);
            s.Append($"<text x=\"{labelW - 6}\" y=\"{y + rowH * 0.68:0.#}\" class=\"lb\" text-anchor=\"end\">{E(Clip(label, compact ? 16 : 26))}<title>{E(label)}</title></text>");
            s.Append($"<rect x=\"{F(Math.Min(x0, x1))}\" y=\"{y + 2}\" width=\"{F(Math.Max(1, Math.Abs(x1 - x0)))}\" height=\"{rowH - 5}\" rx=\"2\" fill=\"{color ?? TrainColor}\"/>");
            s.Append($"<text x=\"{labelW + plotW + 6}\" y=\"{y + rowH * 0.68:0.#}\" class=\"lb\">{E(text)}</text>");
        }
        if (baseline is { } bl && !double.IsNaN(bl))
            s.Append($"<line x1=\"{F(X(bl))}\" y1=\"0\" x2=\"{F(X(bl))}\" y2=\"{height}\" stroke=\"#777\" stroke-dasharray=\"2 3\"/>");
        if (threshold is { } t)
            s.Append($"<line x1=\"{F(X(t))}\" y1=\"0\" x2=\"{F(X(t))}\" y2=\"{height}\" stroke=\"{LeakColor}\" stroke-width=\"1.5\"/>");
        s.Append("</svg>");
        return s.ToString();
    }

    private static string PairedBars(IReadOnlyList<DriftBin> bins, int width, int height)
    {
        const int left = 58, bottom = 46, top = 8, right = 4; // rotated bin labels need room on the left
        var shown = bins.Take(16).ToList();
        var plotW = width - left - right;
        var plotH = height - top - bottom;
        var max = Math.Max(1e-9, shown.Max(b => Math.Max(b.TrainShare, b.CompareShare)));
        var group = (double)plotW / shown.Count;
        var bw = Math.Max(1, group / 2 - 1.5);
        var s = new StringBuilder();
        s.Append($"<svg width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\">");
        s.Append($"<line x1=\"{left}\" y1=\"{top + plotH}\" x2=\"{left + plotW}\" y2=\"{top + plotH}\" stroke=\"#888\"/>");
        s.Append($"<text x=\"{left - 3}\" y=\"{top + 8}\" class=\"ax\" text-anchor=\"end\">{E(Fmt.Percent(max))}</text>");
        for (int i = 0; i < shown.Count; i++)
        {
            var b = shown[i];
            var x = left + i * group + 1;
            var h1 = plotH * b.TrainShare / max;
            var h2 = plotH * b.CompareShare / max;
            var tip = $"{b.Label}: training {Fmt.Percent(b.TrainShare)}, comparison {Fmt.Percent(b.CompareShare)}";
            s.Append($"<g><title>{E(tip)}</title><rect x=\"{F(x)}\" y=\"{F(top + plotH - h1)}\" width=\"{F(bw)}\" height=\"{F(h1)}\" fill=\"{TrainColor}\"/>");
            s.Append($"<rect x=\"{F(x + bw + 1)}\" y=\"{F(top + plotH - h2)}\" width=\"{F(bw)}\" height=\"{F(h2)}\" fill=\"{CompareColor}\"/></g>");
            var cx = x + bw;
            s.Append($"<text x=\"{F(cx)}\" y=\"{top + plotH + 10}\" class=\"ax\" text-anchor=\"end\" transform=\"rotate(-35 {F(cx)} {top + plotH + 10})\">{E(Clip(b.Label, 12))}</text>");
        }
        if (bins.Count > shown.Count)
            s.Append($"<text x=\"{width - 4}\" y=\"{top + 10}\" class=\"ax\" text-anchor=\"end\">+{bins.Count - shown.Count} more bins</text>");
        s.Append("</svg>");
        return s.ToString();
    }

    private static string Clip(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
    private static string F(double v) => HtmlReport.F(v);
    private static string E(string? s) => HtmlReport.E(s);

    // The page style is shared with the other reports (evaluation, capacity curve, tuning study).
    internal const string Css = HtmlReport.Css;
}
