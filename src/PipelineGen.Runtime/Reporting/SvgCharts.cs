using System.Globalization;
using System.Text;
using static PipelineGen.Runtime.Reporting.HtmlReport;

namespace PipelineGen.Runtime.Reporting;

/// <summary>One axis: its label, the range drawn (values outside are clipped to it) and whether it is logarithmic.</summary>
/// <param name="Label">Axis title, with units when there are any.</param>
/// <param name="Min">Lower end; for a metric, its lowest possible value when that is finite (AUC is drawn within [0, 1]).</param>
/// <param name="Max">Upper end.</param>
/// <param name="Log">Log scale (Min must be &gt; 0).</param>
/// <param name="Ticks">Tick values to label; null picks about five round ones.</param>
internal sealed record ChartAxis(string Label, double Min, double Max, bool Log = false, IReadOnlyList<double>? Ticks = null)
{
    /// <summary>An axis spanning the data, padded by 5% and clipped to [lowest, highest] (e.g. a metric's range).</summary>
    public static ChartAxis Fit(string label, IEnumerable<double> values, double lowest = double.NegativeInfinity, double highest = double.PositiveInfinity)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        double min = finite.Length == 0 ? 0 : finite.Min(), max = finite.Length == 0 ? 1 : finite.Max();
        double pad = Math.Max((max - min) * 0.05, Math.Max(Math.Abs(max), 1) * 1e-6);
        return new ChartAxis(label, Math.Max(lowest, min - pad), Math.Min(highest, max + pad));
    }
}

/// <summary>A point of a line or scatter series.</summary>
internal readonly record struct ChartPoint(double X, double Y);

/// <summary>A band around a line: at X the series lies between Low and High (e.g. mean ± std across folds).</summary>
internal readonly record struct BandPoint(double X, double Low, double High);

/// <summary>
/// One series of a line or scatter chart. <paramref name="Band"/> is shaded behind the line in the same colour;
/// <paramref name="PointsOnly"/> draws dots instead of a line (scatter).
/// </summary>
internal sealed record ChartSeries(string Name, IReadOnlyList<ChartPoint> Points, string Color, bool Dashed = false,
    IReadOnlyList<BandPoint>? Band = null, bool PointsOnly = false, bool Markers = false);

/// <summary>A marked point (e.g. the chosen capacity or threshold) drawn as a ring with its label in the legend.</summary>
internal sealed record ChartMarker(double X, double Y, string Label, string Color = SvgCharts.Chosen);

/// <summary>A group of bars: one value per category, in the category order of the chart.</summary>
internal sealed record BarSeries(string Name, IReadOnlyList<double> Values, string Color, IReadOnlyList<double>? ErrorLow = null, IReadOnlyList<double>? ErrorHigh = null);

/// <summary>
/// Small, deterministic SVG charts for the HTML reports (no scripts, no native dependencies). Every chart is an
/// accessible image: a &lt;title&gt;, axis titles, and a legend below the plot area, so it never covers a line.
/// Charts scale with the page (viewBox; width capped by CSS), so they read the same at 800 and 1,400 px.
/// </summary>
internal static class SvgCharts
{
    public const string Blue = "#3b6fb6", Orange = "#e8833a", Grey = "#7b8794", Green = "#2f855a", Red = "#c0392b", Purple = "#7d4cb3", Chosen = "#c0392b";

    /// <summary>A palette for several series (colour-blind safe order).</summary>
    public static readonly string[] Palette = [Blue, Orange, Green, Purple, "#b7791f", "#17a2b8", Grey, Red];

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private const double Left = 58, Right = 14, Top = 30, AxisBelow = 40;

    /// <summary>Lines (with optional bands across folds), scatter series and marked points on shared axes.</summary>
    public static string Line(string title, ChartAxis x, ChartAxis y, IReadOnlyList<ChartSeries> series,
        IReadOnlyList<ChartMarker>? markers = null, int width = 560, int height = 340)
    {
        markers ??= [];
        var legend = series.Select(s => (s.Name, s.Color, Kind: s.PointsOnly ? "dot" : s.Dashed ? "dash" : "line", Band: s.Band is { Count: > 0 }))
            .Concat(markers.Select(m => (Name: m.Label, m.Color, Kind: "ring", Band: false))).ToList();
        var legendRows = LegendRows(legend.Select(l => l.Name + (l.Band ? " (band: ±1 std across folds)" : "")).ToList(), width);
        double plotBottom = height - AxisBelow - legendRows.Count * 16;
        var s = Open(title, width, height);
        var (X, Y) = Frame(s, x, y, width, plotBottom);
        foreach (var serie in series.Where(c => c.Band is { Count: >= 2 }))
        {
            var upper = serie.Band!.Select(b => $"{F(X(b.X))},{F(Y(b.High))}");
            var lower = serie.Band!.Reverse().Select(b => $"{F(X(b.X))},{F(Y(b.Low))}");
            s.Append($"<polygon points=\"{string.Join(" ", upper.Concat(lower))}\" fill=\"{serie.Color}\" fill-opacity=\"0.16\" stroke=\"none\"/>");
        }
        foreach (var serie in series)
        {
            var points = serie.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToArray();
            if (serie.PointsOnly)
            {
                s.Append($"<g fill=\"{serie.Color}\" fill-opacity=\"0.55\">");
                foreach (var p in points) s.Append($"<circle cx=\"{F(X(p.X))}\" cy=\"{F(Y(p.Y))}\" r=\"2.4\"/>");
                s.Append("</g>");
                continue;
            }
            if (points.Length == 0) continue;
            s.Append($"<polyline fill=\"none\" stroke=\"{serie.Color}\" stroke-width=\"2\"{(serie.Dashed ? " stroke-dasharray=\"5 4\"" : "")} points=\"{string.Join(" ", points.Select(p => $"{F(X(p.X))},{F(Y(p.Y))}"))}\"><title>{E(serie.Name)}</title></polyline>");
            if (serie.Markers)
                foreach (var p in points) s.Append($"<circle cx=\"{F(X(p.X))}\" cy=\"{F(Y(p.Y))}\" r=\"3\" fill=\"{serie.Color}\"/>");
        }
        foreach (var m in markers.Where(m => double.IsFinite(m.X) && double.IsFinite(m.Y)))
            s.Append($"<circle cx=\"{F(X(m.X))}\" cy=\"{F(Y(m.Y))}\" r=\"6.5\" fill=\"none\" stroke=\"{m.Color}\" stroke-width=\"2.2\"><title>{E(m.Label)}</title></circle>");
        Legend(s, legend.Select(l => (l.Name + (l.Band ? " (band: ±1 std across folds)" : ""), l.Color, l.Kind)).ToList(), legendRows, height);
        return Close(s);
    }

    /// <summary>Dots of (x, y) with optional reference lines (e.g. y = x, or y = 0), on shared axes.</summary>
    public static string Scatter(string title, ChartAxis x, ChartAxis y, IReadOnlyList<ChartSeries> points, IReadOnlyList<ChartSeries>? lines = null, int width = 560, int height = 340) =>
        Line(title, x, y, [.. points.Select(p => p with { PointsOnly = true }), .. lines ?? []], null, width, height);

    /// <summary>Vertical bars, grouped by category (one bar per series), with optional error whiskers (e.g. min–max across folds).</summary>
    public static string Bars(string title, IReadOnlyList<string> categories, IReadOnlyList<BarSeries> series, ChartAxis y, string xLabel, int width = 560, int height = 320)
    {
        var legendRows = series.Count > 1 || series.Any(b => b.ErrorLow is not null)
            ? LegendRows(series.Select(b => b.Name + (b.ErrorLow is null ? "" : " (whiskers: spread across folds)")).ToList(), width) : [];
        bool rotate = categories.Count > 8 || categories.Any(c => c.Length > 8);
        double below = rotate ? 70 : AxisBelow;
        double plotBottom = height - below - legendRows.Count * 16;
        var s = Open(title, width, height);
        var xAxis = new ChartAxis(xLabel, 0, Math.Max(1, categories.Count));
        var (_, Y) = Frame(s, xAxis with { Ticks = [] }, y, width, plotBottom, xTitleY: plotBottom + below - 8);
        double plotW = width - Left - Right, group = plotW / Math.Max(1, categories.Count);
        double bw = Math.Max(1, (group - 4) / Math.Max(1, series.Count));
        double zero = Y(Math.Clamp(0, y.Min, y.Max));
        for (int c = 0; c < categories.Count; c++)
        {
            double gx = Left + c * group + 2;
            for (int k = 0; k < series.Count; k++)
            {
                var b = series[k];
                double v = b.Values[c];
                if (!double.IsFinite(v)) continue;
                double yv = Y(v), bx = gx + k * bw;
                s.Append($"<rect x=\"{F(bx)}\" y=\"{F(Math.Min(yv, zero))}\" width=\"{F(Math.Max(1, bw - 1))}\" height=\"{F(Math.Max(0.5, Math.Abs(zero - yv)))}\" fill=\"{b.Color}\"><title>{E(categories[c])} · {E(b.Name)}: {E(v.ToString("0.####", Inv))}</title></rect>");
                if (b.ErrorLow is { } lo && b.ErrorHigh is { } hi && double.IsFinite(lo[c]) && double.IsFinite(hi[c]))
                {
                    double cx = bx + (bw - 1) / 2;
                    s.Append($"<line x1=\"{F(cx)}\" x2=\"{F(cx)}\" y1=\"{F(Y(lo[c]))}\" y2=\"{F(Y(hi[c]))}\" stroke=\"#1f2933\" stroke-width=\"1.2\"/>");
                }
            }
            double tx = gx + group / 2 - 2;
            s.Append(rotate
                ? $"<text x=\"{F(tx)}\" y=\"{F(plotBottom + 12)}\" class=\"ax\" text-anchor=\"end\" transform=\"rotate(-35 {F(tx)} {F(plotBottom + 12)})\">{E(Clip(categories[c], 14))}<title>{E(categories[c])}</title></text>"
                : $"<text x=\"{F(tx)}\" y=\"{F(plotBottom + 14)}\" class=\"ax\" text-anchor=\"middle\">{E(categories[c])}</text>");
        }
        if (legendRows.Count > 0)
            Legend(s, series.Select(b => (b.Name + (b.ErrorLow is null ? "" : " (whiskers: spread across folds)"), b.Color, "box")).ToList(), legendRows, height);
        return Close(s);
    }

    /// <summary>
    /// A matrix of cells shaded by <paramref name="shade"/> (0..1) with text in each (e.g. a confusion matrix: counts,
    /// shaded by the share of their row).
    /// </summary>
    public static string Heatmap(string title, string rowTitle, string columnTitle, IReadOnlyList<string> rows, IReadOnlyList<string> columns,
        double[,] shade, string[,] text, int width = 460)
    {
        const double left = 120, top = 46, right = 10, bottom = 30;
        double cell = Math.Min(80, (width - left - right) / Math.Max(1, columns.Count));
        int height = (int)Math.Ceiling(top + cell * rows.Count + bottom);
        var s = Open(title, width, height);
        s.Append($"<text x=\"{F(left + cell * columns.Count / 2)}\" y=\"{F(top - 20)}\" text-anchor=\"middle\">{E(columnTitle)}</text>");
        s.Append($"<text transform=\"translate(14,{F(top + cell * rows.Count / 2)}) rotate(-90)\" text-anchor=\"middle\">{E(rowTitle)}</text>");
        for (int c = 0; c < columns.Count; c++)
            s.Append($"<text x=\"{F(left + cell * (c + 0.5))}\" y=\"{F(top - 6)}\" class=\"ax\" text-anchor=\"middle\">{E(Clip(columns[c], 12))}<title>{E(columns[c])}</title></text>");
        for (int r = 0; r < rows.Count; r++)
        {
            s.Append($"<text x=\"{F(left - 6)}\" y=\"{F(top + cell * (r + 0.5) + 4)}\" class=\"ax\" text-anchor=\"end\">{E(Clip(rows[r], 16))}<title>{E(rows[r])}</title></text>");
            for (int c = 0; c < columns.Count; c++)
            {
                double v = double.IsFinite(shade[r, c]) ? Math.Clamp(shade[r, c], 0, 1) : 0;
                // White to the report's blue; dark cells get white text.
                int R = (int)(255 + (59 - 255) * v), G = (int)(255 + (111 - 255) * v), B = (int)(255 + (182 - 255) * v);
                s.Append($"<rect x=\"{F(left + cell * c)}\" y=\"{F(top + cell * r)}\" width=\"{F(cell - 1)}\" height=\"{F(cell - 1)}\" fill=\"rgb({R},{G},{B})\" stroke=\"#e4e7eb\"><title>{E(rows[r])} → {E(columns[c])}: {E(text[r, c])}</title></rect>");
                s.Append($"<text x=\"{F(left + cell * (c + 0.5))}\" y=\"{F(top + cell * (r + 0.5) + 4)}\" text-anchor=\"middle\"{(v > 0.55 ? " style=\"fill:#fff\"" : "")}>{E(text[r, c])}</text>");
            }
        }
        return Close(s);
    }

    /// <summary>About five round tick values between min and max.</summary>
    public static IReadOnlyList<double> NiceTicks(double min, double max, int count = 5)
    {
        if (!(max > min)) return [min];
        double raw = (max - min) / count, magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1, 2, 2.5, 5, 10 }.Select(m => m * magnitude).First(v => v >= raw);
        var ticks = new List<double>();
        for (double t = Math.Ceiling(min / step) * step; t <= max + step * 1e-9; t += step) ticks.Add(Math.Round(t / step) * step);
        return ticks;
    }

    private static StringBuilder Open(string title, int width, int height)
    {
        var s = new StringBuilder();
        var id = "c" + (uint)StringComparer.Ordinal.GetHashCode(title + width);
        s.Append($"<svg width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"{id}\"><title id=\"{id}\">{E(title)}</title>");
        s.Append($"<text x=\"6\" y=\"16\" class=\"title\">{E(title)}</text>");
        return s;
    }

    private static string Close(StringBuilder s) => s.Append("</svg>").ToString();

    /// <summary>Draws the plot frame, grid, ticks and axis titles; returns the value→pixel maps (values clipped to the axes).</summary>
    private static (Func<double, double> X, Func<double, double> Y) Frame(StringBuilder s, ChartAxis x, ChartAxis y, int width, double plotBottom, double? xTitleY = null)
    {
        double plotW = width - Left - Right, plotH = plotBottom - Top;
        double T(ChartAxis a, double v) => a.Log ? Math.Log(Math.Max(v, a.Min)) : v;
        double xMin = T(x, x.Min), xMax = T(x, x.Max), yMin = T(y, y.Min), yMax = T(y, y.Max);
        if (!(xMax > xMin)) xMax = xMin + 1;
        if (!(yMax > yMin)) yMax = yMin + 1;
        double X(double v) => Left + (Math.Clamp(T(x, v), xMin, xMax) - xMin) / (xMax - xMin) * plotW;
        double Y(double v) => Top + (yMax - Math.Clamp(T(y, v), yMin, yMax)) / (yMax - yMin) * plotH;
        s.Append($"<rect x=\"{F(Left)}\" y=\"{F(Top)}\" width=\"{F(plotW)}\" height=\"{F(plotH)}\" fill=\"#fff\" stroke=\"#c5ccd3\"/>");
        foreach (var t in y.Ticks ?? NiceTicks(y.Min, y.Max))
        {
            if (t < y.Min || t > y.Max) continue;
            s.Append($"<line x1=\"{F(Left)}\" x2=\"{F(Left + plotW)}\" y1=\"{F(Y(t))}\" y2=\"{F(Y(t))}\" stroke=\"#eef1f4\"/>");
            s.Append($"<text x=\"{F(Left - 5)}\" y=\"{F(Y(t) + 3.5)}\" class=\"ax\" text-anchor=\"end\">{E(Tick(t))}</text>");
        }
        foreach (var t in x.Ticks ?? NiceTicks(x.Min, x.Max))
        {
            if (t < x.Min || t > x.Max) continue;
            s.Append($"<line x1=\"{F(X(t))}\" x2=\"{F(X(t))}\" y1=\"{F(Top)}\" y2=\"{F(plotBottom)}\" stroke=\"#f3f5f7\"/>");
            s.Append($"<text x=\"{F(X(t))}\" y=\"{F(plotBottom + 13)}\" class=\"ax\" text-anchor=\"middle\">{E(Tick(t))}</text>");
        }
        s.Append($"<text x=\"{F(Left + plotW / 2)}\" y=\"{F(xTitleY ?? plotBottom + 30)}\" text-anchor=\"middle\">{E(x.Label)}{(x.Log ? " (log scale)" : "")}</text>");
        s.Append($"<text transform=\"translate(13,{F(Top + plotH / 2)}) rotate(-90)\" text-anchor=\"middle\">{E(y.Label)}</text>");
        return (X, Y);
    }

    private static string Tick(double v) => Math.Abs(v) < 1e-12 ? "0" : Math.Abs(v) >= 10000 ? v.ToString("0.###e0", Inv) : v.ToString("0.###", Inv);

    // Legend entries are laid out left to right below the axis title, wrapping to new rows; ~6.2 px per character.
    private static List<List<int>> LegendRows(IReadOnlyList<string> names, int width)
    {
        var rows = new List<List<int>>();
        double x = Left, limit = width - Right;
        for (int i = 0; i < names.Count; i++)
        {
            double w = 26 + names[i].Length * 6.2 + 14;
            if (rows.Count == 0 || x + w > limit) { rows.Add([]); x = Left; }
            rows[^1].Add(i);
            x += w;
        }
        return rows;
    }

    private static void Legend(StringBuilder s, IReadOnlyList<(string Name, string Color, string Kind)> items, List<List<int>> rows, int height)
    {
        for (int r = 0; r < rows.Count; r++)
        {
            double y = height - (rows.Count - r) * 16 + 4, x = Left;
            foreach (var i in rows[r])
            {
                var (name, color, kind) = items[i];
                s.Append(kind switch
                {
                    "dot" => $"<circle cx=\"{F(x + 9)}\" cy=\"{F(y - 4)}\" r=\"3.5\" fill=\"{color}\"/>",
                    "ring" => $"<circle cx=\"{F(x + 9)}\" cy=\"{F(y - 4)}\" r=\"5\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"/>",
                    "box" => $"<rect x=\"{F(x + 3)}\" y=\"{F(y - 9)}\" width=\"12\" height=\"10\" fill=\"{color}\"/>",
                    _ => $"<line x1=\"{F(x)}\" x2=\"{F(x + 20)}\" y1=\"{F(y - 4)}\" y2=\"{F(y - 4)}\" stroke=\"{color}\" stroke-width=\"2\"{(kind == "dash" ? " stroke-dasharray=\"5 4\"" : "")}/>",
                });
                s.Append($"<text x=\"{F(x + 26)}\" y=\"{F(y)}\">{E(name)}</text>");
                x += 26 + name.Length * 6.2 + 14;
            }
        }
    }

    private static string Clip(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
