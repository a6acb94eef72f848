using System.Globalization;
using System.Net;
using System.Text;

namespace PipelineGen.Runtime.Tuning;

/// <summary>
/// The study as one self-contained HTML page beside the explore report (<c>.pipelinegen/reports/&lt;Name&gt;.study.html</c>),
/// in the same style (inline CSS and SVG, no scripts or URLs): the honest estimate as the headline, the warnings, best
/// so far over trials and over time, per-parameter effects (score against each value) and a variance-share importance,
/// the ensemble when one was built, and the trial table. Every number comes from the <see cref="TuneReport"/>.
/// </summary>
internal static class StudyReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private const string Blue = "#3b6fb6", Orange = "#e8833a", Grey = "#9aa5b1", Red = "#c0392b";

    public static string DefaultPath(PipelineSettings settings) =>
        Path.Combine(settings.ResolvePath("."), ".pipelinegen", "reports", settings.Name + ".study.html");

    public static void Write(TuneReport report, string pipelineName, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + ".tmp";
        File.WriteAllText(temp, Render(report, pipelineName), new UTF8Encoding(false));
        File.Move(temp, path, overwrite: true);
    }

    public static string Render(TuneReport report, string pipelineName)
    {
        var result = report.Result;
        var study = result.Study;
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        h.Append($"<title>Tuning study: {E(pipelineName)}</title><style>{Exploration.ExplorationHtml.Css}{ExtraCss}</style></head><body>");
        h.Append($"<header><h1>Tuning study: {E(pipelineName)}</h1><p class=\"meta\">study <code>{E(study.Id)}</code> · strategy {E(study.Strategy)}, seed {study.Seed} · metric <code>{E(report.Metric)}</code> ({(study.HigherIsBetter ? "higher" : "lower")} is better; {E(report.MetricReason)}) · started {E(study.CreatedUtc.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", Inv))}</p></header><main>");

        Cards(h, report);
        h.Append("<section><h2>Warnings</h2>");
        if (report.Warnings.Count == 0) h.Append("<p class=\"ok-text\">No warnings.</p>");
        else
        {
            h.Append("<ul class=\"warnings\">");
            foreach (var w in report.Warnings) h.Append($"<li class=\"warning\">{E(w)}</li>");
            h.Append("</ul>");
        }
        h.Append("</section>");

        var completed = result.Completed.OrderBy(t => t.Number).ToArray();
        if (completed.Length > 0)
        {
            h.Append("<section><h2>Best so far</h2><p class=\"meta\">Each dot is a trial's search score (mean over the same splits); the line is the best so far. Left: by trial; right: by the study's elapsed trial time (the sum of trial durations, so parallel workers count their own time).</p><div class=\"charts\">");
            h.Append(BestSoFar(result, report.Metric, byTime: false));
            h.Append(BestSoFar(result, report.Metric, byTime: true));
            h.Append("</div></section>");
            Effects(h, report, completed);
        }
        if (report.RungBudgets.Count > 0)
        {
            h.Append("<section><h2>Rungs</h2><p class=\"meta\">What each rung's evaluations spent: a share of each training fold's rows, or that share of the trees / iterations fitted on all rows (tune.halving_budget). Only full-budget configurations are candidates for the winner and the ensemble.</p><ul class=\"notes\">");
            foreach (var line in report.RungBudgets) h.Append($"<li>{E(line)}</li>");
            h.Append("</ul></section>");
        }
        Ensemble(h, report);
        Trials(h, report);

        h.Append("<section><h2>How these numbers were computed</h2><ul class=\"notes\">");
        h.Append($"<li>{report.HoldbackRows} training rows were held back before the search ({E(report.HoldbackSplit)}); the search ran on the other {report.SearchRows}. The headline is the winner (or, when an ensemble was kept, its members) refitted on all search rows and scored once on the held-back rows: the search never saw them. The test set was not read.</li>");
        h.Append("<li>A trial's search score is its metric's mean over the spec's evaluation splits of the search rows (± the fold-to-fold standard deviation); every trial uses the same splits. The best of many such scores is biased upward: it is shown as optimistic.</li>");
        h.Append("<li>Importance: the completed trials are grouped by each parameter's value (each choice, or up to five bins of equal count over a range, at least two trials a bin); the share is the variance of the group means (weighted by group size) over the variance of all scores — what that parameter alone explains — adjusted for the number of groups (ε²: the plain share is biased upward with few trials per group, near 67 % for pure noise with 5 groups of 7 trials), at least 0. With few trials it is noisy, and parameters varied together are not separated.</li>");
        h.Append("</ul></section></main></body></html>\n");
        return h.ToString();
    }

    private static void Cards(StringBuilder h, TuneReport r)
    {
        var result = r.Result;
        var best = result.Best;
        var ens = r.Ensemble;
        h.Append("<div class=\"cards\">");
        if (ens is { Kept: true, HoldbackScore: { } eh })
            Card(h, $"honest estimate: ensemble of {ens.Members.Count}, {r.Metric} on {r.HoldbackRows} held-back rows", F(eh), "ok headline");
        else
            Card(h, $"honest estimate: winner, {r.Metric} on {r.HoldbackRows} held-back rows", r.WinnerHoldbackScore is { } w ? F(w) : "undefined", best is null ? "bad headline" : "ok headline");
        if (ens is { Kept: true }) Card(h, "single winner, held-back", r.WinnerHoldbackScore is { } sw ? F(sw) : "undefined", null);
        Card(h, "spec's own hyperparameters, held-back", r.DefaultHoldbackScore is { } d ? F(d) : "undefined", null);
        if (best is not null) Card(h, $"best search score (optimistic, best of {result.Completed.Count()})", F(best.Value!.Value) + (best.StdDev is { } s ? " ± " + F(s) : ""), "warn");
        int failed = result.Trials.Count(t => t.Failed);
        Card(h, "trials (failed)", $"{result.Trials.Count} ({failed})", failed > 0 ? "warn" : null);
        h.Append("</div>");
        if (best is not null)
            h.Append($"<section><h2>Winner: trial {best.Number + 1}</h2><p><code>{E(best.Configuration.Describe(r.Space))}</code></p>{(best.Configuration.IsStartingPoint ? "<p>No trial beat the study's starting point on the search objective.</p>" : "")}{(r.LockPath is null ? "" : $"<p class=\"meta\">Pinned in <code>{E(r.LockPath)}</code>.</p>")}{Rescored(r)}</section>");
    }

    /// <summary>The leaders' re-scoring under the winner: how it was done and each leader's scores (empty when it did not run).</summary>
    private static string Rescored(TuneReport r)
    {
        if (r.Result.Rescore is not { } rescore) return "";
        var items = string.Concat(Rescoring.Lines(rescore, r.Metric).Select(line => $"<li>{E(line)}</li>"));
        return $"<p>Re-scored: {E(Rescoring.Describe(rescore, r.Metric))}.</p><ul class=\"notes\">{items}</ul>";
    }

    private static void Card(StringBuilder h, string label, string value, string? tone) =>
        h.Append($"<div class=\"card {tone}\"><div class=\"v\">{E(value)}</div><div class=\"l\">{E(label)}</div></div>");

    private static string BestSoFar(StudyResult result, string metric, bool byTime)
    {
        var trials = result.Trials.OrderBy(t => t.Number).ToArray();
        double elapsed = 0;
        var points = new List<(double X, double? Y)>();
        foreach (var t in trials)
        {
            elapsed += t.Duration.TotalSeconds;
            points.Add((byTime ? elapsed : t.Number + 1, t.Value));
        }
        var line = new List<(double X, double Y)>();
        double? bestValue = null;
        foreach (var (x, y) in points)
        {
            if (y is { } v && (bestValue is null || (result.Study.HigherIsBetter ? v > bestValue : v < bestValue))) bestValue = v;
            if (bestValue is { } b) line.Add((x, b));
        }
        var chart = new Chart(byTime ? "trial time (s, cumulative)" : "trial", metric, points.Select(p => p.X), points.Where(p => p.Y.HasValue).Select(p => p.Y!.Value), log: false);
        var svg = new StringBuilder(chart.Open(byTime ? "best so far by time" : "best so far by trial"));
        foreach (var (x, y) in points)
            if (y is { } v) svg.Append($"<circle cx=\"{chart.X(x):0.#}\" cy=\"{chart.Y(v):0.#}\" r=\"3.2\" fill=\"{Grey}\"><title>{E($"{x:0.##}: {F(v)}")}</title></circle>");
            else svg.Append($"<text x=\"{chart.X(x):0.#}\" y=\"{chart.Bottom - 4:0.#}\" fill=\"{Red}\" font-size=\"11\" text-anchor=\"middle\">×</text>");
        if (line.Count > 0)
        {
            var path = new StringBuilder();
            for (int i = 0; i < line.Count; i++)
            {
                if (i == 0) path.Append(Inv, $"M{chart.X(line[i].X):0.#},{chart.Y(line[i].Y):0.#}");
                else path.Append(Inv, $"H{chart.X(line[i].X):0.#}V{chart.Y(line[i].Y):0.#}");
            }
            svg.Append($"<path class=\"best\" d=\"{path}\" fill=\"none\" stroke=\"{Blue}\" stroke-width=\"2\"/>");
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static void Effects(StringBuilder h, TuneReport r, TrialRecord[] completed)
    {
        h.Append("<section><h2>Parameter effects</h2><p class=\"meta\">Search score of each completed trial against each parameter's value (log axis for a log-scale range).</p>");
        var importance = r.Space.Parameters.Select(p => (p.Name, Share: Importance(p, completed))).ToArray();
        h.Append("<h3>Importance (share of score variance explained by the parameter alone)</h3><div class=\"importance\">");
        foreach (var (name, share) in importance.OrderByDescending(i => i.Share ?? -1))
        {
            double width = Math.Max(0, Math.Min(1, share ?? 0)) * 360;
            h.Append($"<div class=\"ibar\"><span class=\"iname\">{E(name)}</span><svg width=\"370\" height=\"16\" role=\"img\"><rect x=\"0\" y=\"2\" width=\"{width.ToString("0.#", Inv)}\" height=\"12\" fill=\"{Blue}\"/></svg><span class=\"ival\">{(share is { } s ? E(s.ToString("0%", Inv)) : "n/a (too few trials or no spread)")}</span></div>");
        }
        h.Append("</div><div class=\"charts\">");
        foreach (var p in r.Space.Parameters)
        {
            var pts = completed.Where(t => t.Configuration.ContainsKey(p.Name)).Select(t => (X: t.Configuration[p.Name], Y: t.Value!.Value, t.Number)).ToArray();
            var chart = new Chart(p.Name, r.Metric, pts.Select(q => q.X).Append(p.Min).Append(p.Max), pts.Select(q => q.Y), p.Log && p.Min > 0);
            h.Append(chart.Open($"score against {p.Name}"));
            foreach (var (x, y, n) in pts)
                h.Append($"<circle cx=\"{chart.X(x):0.#}\" cy=\"{chart.Y(y):0.#}\" r=\"3.5\" fill=\"{Blue}\" fill-opacity=\".7\"><title>{E($"trial {n + 1}: {p.Name}={p.Format(x)}, {F(y)}")}</title></circle>");
            h.Append("</svg>");
        }
        h.Append("</div></section>");
    }

    /// <summary>
    /// The share of the scores' variance the parameter explains, grouping trials by its value (choices) or up to five
    /// equal-count bins (at least two trials a bin), adjusted for the number of groups: ε² = (SS_between − (k − 1)·MS_within)
    /// / SS_total, at least 0. The plain share (η², SS_between / SS_total) is biased upward by about (k − 1)/(n − 1) even
    /// when the parameter does nothing — 5 bins over 7 trials gave 67 % on average for pure noise, and a report showed
    /// 96 % for a learning rate on 7 trials. Null with fewer than 4 trials, no spread, or no trial left over the groups.
    /// </summary>
    public static double? Importance(SearchParameter p, IReadOnlyList<TrialRecord> completed)
    {
        var pts = completed.Where(t => t.Configuration.ContainsKey(p.Name)).Select(t => (X: t.Configuration[p.Name], Y: t.Value!.Value)).OrderBy(q => q.X).ToArray();
        if (pts.Length < 4) return null;
        double mean = pts.Average(q => q.Y);
        double total = pts.Sum(q => (q.Y - mean) * (q.Y - mean));
        if (total <= 0) return null;
        double[][] groups;
        int distinct = pts.Select(q => q.X).Distinct().Count();
        if (p.IsChoice || distinct <= 5) groups = pts.GroupBy(q => q.X).Select(g => g.Select(q => q.Y).ToArray()).ToArray();
        else
        {
            int bins = Math.Min(5, pts.Length / 2);
            groups = Enumerable.Range(0, bins).Select(b => pts.Skip(b * pts.Length / bins).Take((b + 1) * pts.Length / bins - b * pts.Length / bins).Select(q => q.Y).ToArray()).Where(g => g.Length > 0).ToArray();
        }
        int k = groups.Length, n = pts.Length;
        if (k < 2 || n - k < 1) return null;
        double between = groups.Sum(a => { double m = a.Average(); return a.Length * (m - mean) * (m - mean); });
        double within = total - between;
        return Math.Max(0, (between - (k - 1) * within / (n - k)) / total);
    }

    private static void Ensemble(StringBuilder h, TuneReport r)
    {
        if (r.Ensemble is not { } e)
        {
            if (r.EnsembleNotBuilt is { } why) h.Append($"<section><h2>Ensemble</h2><p class=\"meta\">Not built: {E(why)}.</p></section>");
            return;
        }
        h.Append("<section><h2>Ensemble of the best trials</h2>");
        h.Append($"<p class=\"meta\">Greedy selection with replacement (Caruana et al. 2004) over the out-of-fold predictions of {E(e.DescribeCandidates(r.Space))} on {e.SelectionRows} search rows; weights are the times a trial was picked. {E(e.Verdict)}.</p>");
        h.Append($"<table class=\"grid\"><thead><tr><th></th><th>single best</th><th>ensemble</th></tr></thead><tbody>");
        h.Append($"<tr><td>held-back {E(r.Metric)} (honest; scores what was kept, played no part in the decision)</td><td class=\"n\">{Opt(e.SingleHoldbackScore)}</td><td class=\"n\">{(e.Members.Count == 1 ? "the single best alone (no blend)" : Opt(e.HoldbackScore))}</td></tr>");
        if (e.Keep is { } keep)
            h.Append($"<tr><td>keep rule: cross-fitted on the out-of-fold rows, blend − single (mean; its standard deviation over the comparisons; comparisons favouring the blend)</td><td class=\"n\" colspan=\"2\">"
                + $"{E(keep.MeanDifference is { } md ? Ensembles.CrossFittedKeepRule.FormatDifference(md) : "undefined")}; {(keep.StandardDeviation is { } sd ? $"sd {Ensembles.CrossFittedKeepRule.FormatSpread(sd)}; " : "")}{keep.Favoured} of {keep.Compared}{(keep.Skipped > 0 ? $" ({keep.Skipped} skipped)" : "")} → {(keep.Kept ? "kept" : "not kept")}</td></tr>");
        h.Append($"<tr><td>out-of-fold {E(r.Metric)} (selection data, optimistic)</td><td class=\"n\">{F(e.BestSingleOutOfFoldScore)}</td><td class=\"n\">{F(e.OutOfFoldScore)}</td></tr></tbody></table>");
        h.Append("<h3>Members</h3><table class=\"grid\"><thead><tr><th>weight</th><th>trial</th><th>configuration</th></tr></thead><tbody>");
        foreach (var m in e.Members)
            h.Append($"<tr><td class=\"n\">{m.Weight.ToString("0.00", Inv)}</td><td class=\"n\">{m.Trial + 1}</td><td><code>{E(m.Configuration.Describe(r.Space))}</code></td></tr>");
        h.Append("</tbody></table></section>");
    }

    private static void Trials(StringBuilder h, TuneReport r)
    {
        var best = r.Result.Best;
        h.Append("<section><h2>Trials</h2><div class=\"scroll\"><table class=\"grid trials\"><thead><tr><th>#</th><th>configuration</th><th>score ± sd</th><th>state</th><th>duration</th></tr></thead><tbody>");
        foreach (var t in r.Result.Trials.OrderBy(t => t.Number))
        {
            string score = t.Value is { } v ? F(v) + (t.StdDev is { } s ? " ± " + F(s) : "") : "-";
            string state = (t.Failed ? $"failed: {t.Error}" : t == best ? "complete (winner)" : "complete") + (t.Configuration.IsStartingPoint ? ", starting point" : "");
            h.Append($"<tr{(t == best ? " class=\"win\"" : t.Failed ? " class=\"fail\"" : "")}><td class=\"n\">{t.Number + 1}</td><td><code>{E(t.Configuration.Describe(r.Space))}</code></td><td class=\"n\">{E(score)}</td><td>{E(state)}</td><td class=\"n\">{t.Duration.TotalSeconds.ToString("0.0", Inv)} s</td></tr>");
        }
        h.Append("</tbody></table></div></section>");
    }

    /// <summary>Axes of one SVG chart: a linear or log x axis and a linear y axis, padded, with five ticks each.</summary>
    private sealed class Chart
    {
        private const double W = 370, H = 230, L = 52, R = 12, T = 22, B = 38;
        private readonly double _x0, _x1, _y0, _y1;
        private readonly bool _log;
        private readonly string _xLabel, _yLabel;

        public Chart(string xLabel, string yLabel, IEnumerable<double> xs, IEnumerable<double> ys, bool log)
        {
            _log = log;
            _xLabel = xLabel;
            _yLabel = yLabel;
            var xa = xs.Where(double.IsFinite).Where(x => !log || x > 0).Select(Tx).DefaultIfEmpty(0).ToArray();
            var ya = ys.Where(double.IsFinite).DefaultIfEmpty(0).ToArray();
            (_x0, _x1) = Pad(xa.Min(), xa.Max());
            (_y0, _y1) = Pad(ya.Min(), ya.Max());
        }

        private static (double, double) Pad(double lo, double hi)
        {
            if (hi - lo < 1e-12) { lo -= 0.5 * Math.Max(1e-6, Math.Abs(lo) * 0.05); hi = lo + Math.Max(1e-6, Math.Abs(lo) * 0.1) + 1e-6; }
            double pad = (hi - lo) * 0.06;
            return (lo - pad, hi + pad);
        }

        private double Tx(double x) => _log ? Math.Log10(x) : x;
        public double Bottom => H - B;
        public double X(double x) => L + (Tx(x) - _x0) / (_x1 - _x0) * (W - L - R);
        public double Y(double y) => T + (1 - (y - _y0) / (_y1 - _y0)) * (H - T - B);

        public string Open(string title)
        {
            var s = new StringBuilder();
            s.Append($"<svg class=\"chart\" viewBox=\"0 0 {W} {H}\" width=\"{W}\" height=\"{H}\" role=\"img\" aria-label=\"{E(title)}\"><title>{E(title)}</title>");
            s.Append($"<rect x=\"{L}\" y=\"{T}\" width=\"{W - L - R}\" height=\"{H - T - B}\" fill=\"#fbfcfd\" stroke=\"#e4e7eb\"/>");
            for (int i = 0; i <= 4; i++)
            {
                double fy = _y0 + (_y1 - _y0) * i / 4, py = Y(fy);
                s.Append(Inv, $"<line x1=\"{L}\" x2=\"{W - R}\" y1=\"{py:0.#}\" y2=\"{py:0.#}\" stroke=\"#eef1f4\"/><text x=\"{L - 4}\" y=\"{py + 4:0.#}\" font-size=\"10\" text-anchor=\"end\" fill=\"#616e7c\">{fy.ToString("0.###", Inv)}</text>");
                double fx = _x0 + (_x1 - _x0) * i / 4, px = L + (W - L - R) * i / 4.0;
                double label = _log ? Math.Pow(10, fx) : fx;
                s.Append(Inv, $"<text x=\"{px:0.#}\" y=\"{H - B + 14}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#616e7c\">{E(Short(label))}</text>");
            }
            s.Append(Inv, $"<text x=\"{(L + W - R) / 2:0.#}\" y=\"{H - 6}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#1f2933\">{E(_xLabel + (_log ? " (log)" : ""))}</text>");
            s.Append(Inv, $"<text x=\"12\" y=\"{(T + H - B) / 2:0.#}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#1f2933\" transform=\"rotate(-90 12 {(T + H - B) / 2:0.#})\">{E(_yLabel)}</text>");
            s.Append(Inv, $"<text x=\"{L}\" y=\"14\" font-size=\"12\" font-weight=\"600\" fill=\"#1f2933\">{E(title)}</text>");
            return s.ToString();
        }

        private static string Short(double v) => Math.Abs(v) >= 1000 || (Math.Abs(v) < 0.01 && v != 0) ? v.ToString("0.##E0", Inv) : v.ToString("0.###", Inv);
    }

    private static string F(double v) => v.ToString("0.0000", Inv);
    private static string Opt(double? v) => v is { } x ? F(x) : "undefined";
    private static string E(string? s) => WebUtility.HtmlEncode(s ?? "");

    private const string ExtraCss = """
        .card.headline{border-left-width:6px}.card.headline .v{font-size:28px}
        .importance .ibar{display:flex;align-items:center;gap:8px;margin:2px 0}.importance .iname{min-width:170px;font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px}.importance .ival{font-size:12px;color:#616e7c}
        table.trials tr.win td{background:#e6f4ea}table.trials tr.fail td{color:#c0392b}
        """;
}
