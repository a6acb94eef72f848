using System.Globalization;
using System.Net;
using System.Text;

namespace PipelineGen.Runtime.Reporting;

/// <summary>
/// The page shell shared by every HTML report (explore, evaluate, capacity curve, tuning study): one self-contained file
/// with inline CSS and no scripts, fonts or URLs, so it opens offline. Every text that reaches the page goes through <see cref="E"/>.
/// </summary>
internal static class HtmlReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Opens the document: head with the shared CSS, the dark header with a title and a line of context.</summary>
    public static StringBuilder Begin(string title, string metaText)
    {
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        h.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        h.Append($"<title>{E(title)}</title><style>{Css}</style></head><body>");
        h.Append($"<header><h1>{E(title)}</h1><p class=\"meta\">{E(metaText)}</p></header><main>");
        return h;
    }

    /// <summary>Closes what <see cref="Begin"/> opened.</summary>
    public static string End(StringBuilder h)
    {
        h.Append("</main></body></html>\n");
        return h.ToString();
    }

    /// <summary>Writes the page (UTF-8, no BOM) through a temporary file, so a reader never sees half a report.</summary>
    public static void Write(string path, string html)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        var temp = full + ".tmp";
        File.WriteAllText(temp, html, new UTF8Encoding(false));
        File.Move(temp, full, overwrite: true);
    }

    /// <summary>A summary card: a big value and a label; tone ok/warn/bad colours its edge.</summary>
    public static void Card(StringBuilder h, string label, string value, string? tone = null) =>
        h.Append($"<div class=\"card {tone}\"><div class=\"v\">{E(value)}</div><div class=\"l\">{E(label)}</div></div>");

    /// <summary>A table with a header row; cells are text (encoded here). Cells that parse as numbers are right-aligned.</summary>
    public static void Table(StringBuilder h, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, string? caption = null)
    {
        h.Append("<div class=\"scroll\"><table class=\"grid\">");
        if (caption is not null) h.Append($"<caption>{E(caption)}</caption>");
        h.Append("<thead><tr>");
        foreach (var c in header) h.Append($"<th>{E(c)}</th>");
        h.Append("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            h.Append("<tr>");
            foreach (var cell in row)
                h.Append(LooksNumeric(cell) ? $"<td class=\"n\">{E(cell)}</td>" : $"<td>{E(cell)}</td>");
            h.Append("</tr>");
        }
        h.Append("</tbody></table></div>");
    }

    private static bool LooksNumeric(string cell) =>
        cell.Length > 0 && (char.IsDigit(cell[0]) || (cell[0] is '-' or '+' && cell.Length > 1 && char.IsDigit(cell[1])));

    /// <summary>HTML-encodes text (null is empty).</summary>
    public static string E(string? s) => WebUtility.HtmlEncode(s ?? "");

    /// <summary>A coordinate for SVG: invariant, at most two decimals.</summary>
    public static string F(double v) => v.ToString("0.##", Inv);

    /// <summary>A metric value for people: four decimals, invariant; "n/a" for a value that is not a number.</summary>
    public static string Metric(double? v) => v is double d && double.IsFinite(d) ? d.ToString("0.0000", Inv) : "n/a";

    public const string Css = """
        :root{--fg:#1f2933;--muted:#616e7c;--line:#e4e7eb;--bg:#f7f8fa;--ok:#2f855a;--warn:#b7791f;--bad:#c0392b}
        *{box-sizing:border-box}
        body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg)}
        header{background:#1f3b5c;color:#fff;padding:18px 28px}
        header h1{margin:0;font-size:22px;font-weight:600}
        header .meta{color:#cbd5e0;margin:4px 0 0}
        header code{background:rgba(255,255,255,.16);color:#fff}
        main{padding:8px 28px 40px;max-width:1240px}
        section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:14px 18px;margin:16px 0}
        h2{font-size:17px;margin:0 0 10px;font-weight:600}
        h3{font-size:14px;margin:0 0 6px}
        .meta{color:var(--muted);font-size:12.5px}
        code{font:12px ui-monospace,"DejaVu Sans Mono",monospace;background:#f0f2f5;padding:1px 4px;border-radius:3px}
        .cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0 0}
        .card{background:#fff;border:1px solid var(--line);border-left:4px solid #9aa5b1;border-radius:8px;padding:10px 16px;min-width:140px}
        .card .v{font-size:22px;font-weight:600}.card .l{color:var(--muted);font-size:12px}
        .card.ok{border-left-color:var(--ok)}.card.warn{border-left-color:var(--warn)}.card.bad{border-left-color:var(--bad)}
        ul.warnings{list-style:none;padding:0;margin:0}
        ul.warnings li{padding:6px 10px;border-radius:5px;margin:4px 0;background:#f4f6f8;border-left:4px solid #9aa5b1}
        ul.warnings li.serious{background:#fdecea;border-left-color:var(--bad)}
        ul.warnings li.warning{background:#fff8e6;border-left-color:var(--warn)}
        .badge{display:inline-block;font-size:11px;font-weight:600;text-transform:uppercase;letter-spacing:.03em;color:var(--muted);min-width:78px}
        .ok-text{color:var(--ok)}
        table.grid{border-collapse:collapse;width:100%;font-size:13px}
        table.grid caption{text-align:left;font-weight:600;padding:4px 0}
        table.grid th,table.grid td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
        table.grid th{background:#f4f6f8;font-weight:600}
        td.n{text-align:right;font-variant-numeric:tabular-nums}
        td.na{color:#b0b8c1;text-align:center}
        .scroll{overflow-x:auto}
        table.sample td{white-space:nowrap;max-width:220px;overflow:hidden;text-overflow:ellipsis}
        .columns{display:grid;grid-template-columns:repeat(auto-fill,minmax(380px,1fr));gap:12px}
        .col{border:1px solid var(--line);border-radius:6px;padding:10px 12px}
        .tag{font-size:11px;font-weight:500;color:var(--muted);background:#eef1f4;border-radius:10px;padding:1px 7px}
        .tag.role-label{background:#e3ecf9;color:#1f3b5c}.tag.role-id,.tag.role-ignore{background:#f3e8e8}
        table.stats{font-size:12.5px;border-collapse:collapse;margin-bottom:6px}
        table.stats th{text-align:left;color:var(--muted);font-weight:500;padding:1px 12px 1px 0}
        table.stats td{font-variant-numeric:tabular-nums}
        .verdict{font-size:12px;font-weight:600;padding:1px 8px;border-radius:10px}
        .verdict.stable{background:#e6f4ea;color:var(--ok)}.verdict.moderate{background:#fff4d6;color:var(--warn)}.verdict.major{background:#fdecea;color:var(--bad)}.verdict.notcomputed{background:#eee;color:var(--muted)}
        .charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(370px,1fr));gap:10px}
        .charts.wide{grid-template-columns:repeat(auto-fill,minmax(520px,1fr))}
        figure{margin:0;border:1px solid var(--line);border-radius:6px;padding:6px}
        figcaption{font-weight:600;font-size:13px}figcaption small{color:var(--muted);font-weight:400}
        .legend span{display:inline-block;width:11px;height:11px;margin:0 4px 0 10px;vertical-align:-1px;border-radius:2px}
        .cap{font-size:11px;color:var(--muted)}
        svg{display:block;max-width:100%;height:auto}
        svg text{font:11px system-ui,"DejaVu Sans",sans-serif;fill:#3e4c59}
        svg text.ax{font-size:10px;fill:#7b8794}
        svg text.title{font-size:12.5px;font-weight:600;fill:#1f2933}
        ul.notes{color:var(--muted);font-size:12.5px}
        .callout{padding:8px 12px;border-radius:6px;background:#fdecea;border-left:4px solid var(--bad);margin:8px 0}
        .note{padding:8px 12px;border-radius:6px;background:#fff8e6;border-left:4px solid var(--warn);margin:8px 0}
        @media (max-width:900px){main{padding:8px 12px 30px}.charts,.charts.wide{grid-template-columns:1fr}}
        """;
}
