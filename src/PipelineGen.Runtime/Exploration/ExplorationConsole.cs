using System.Text;

namespace PipelineGen.Runtime.Exploration;

/// <summary>Plain-text summary of an <see cref="ExplorationReport"/> for a terminal or a log (no colour codes).</summary>
internal static class ExplorationConsole
{
    private const int MaxCell = 24;

    public static void Write(ExplorationReport report, TextWriter output) => Write(report, output, width: null);

    /// <summary>
    /// The summary laid out for a terminal <paramref name="width"/> wide: wider tables are stacked (one table of kinds and
    /// missing values, one of numeric statistics, one of top values), and a table still too wide is written one row per
    /// line. Null: one wide table (a log).
    /// </summary>
    public static void Write(ExplorationReport report, TextWriter output, int? width)
    {
        WriteHeader(output, report);
        WriteWarnings(output, report);
        WriteColumns(output, report, width);
        WriteClassBalance(output, report);
        WriteDuplicates(output, report);
        WriteIdLikeColumns(output, report);
        WriteMissingness(output, report);
        WriteLeakage(output, report);
        WriteDrift(output, report, width);
        WriteFooter(output, report);
    }

    /// <summary>Pipeline, data file, row and column counts.</summary>
    private static void WriteHeader(TextWriter o, ExplorationReport report)
    {
        o.WriteLine($"Explore: {report.PipelineName} ({TaskName(report.Task)}, label '{report.LabelColumn}')");
        o.WriteLine($"Data: {report.DataPath}");
        o.WriteLine($"Rows: {Fmt.Count(report.RowCount)}   Columns: {report.Columns.Count}   Duplicate rows: {Fmt.Count(report.Duplicates.DuplicateRows)}");
        o.WriteLine();
    }

    /// <summary>Every warning with its severity mark and kind.</summary>
    private static void WriteWarnings(TextWriter o, ExplorationReport report)
    {
        if (report.Warnings.Count == 0) o.WriteLine("Warnings: none");
        else
        {
            o.WriteLine($"Warnings ({report.Warnings.Count}):");
            foreach (var w in report.Warnings)
                o.WriteLine($"  {SeverityMark(w.Severity)} {Kind(w.Kind),-10} {w.Message}");
        }
        o.WriteLine();
    }

    /// <summary>The column table: one wide table, or stacked tables when it is wider than <paramref name="width"/>.</summary>
    private static void WriteColumns(TextWriter o, ExplorationReport report, int? width)
    {
        o.WriteLine("Columns:");
        var rows = new List<string[]> { new[] { "column", "kind", "role", "missing", "distinct", "min", "median", "mean", "max", "top / length" } };
        foreach (var c in report.Columns)
        {
            var n = c.Numeric;
            string top = c.TopValues.Count > 0
                ? string.Join(", ", c.TopValues.Take(3).Select(t => $"{Clip(t.Value, 12)} {Fmt.Percent(t.Share)}"))
                : c.TextLength is { } len ? $"length {Fmt.Num(len.Min)}..{Fmt.Num(len.Max)}, mean {Fmt.Num(len.Mean)}" : "";
            rows.Add([
                c.Name, c.Kind.ToString().ToLowerInvariant(), c.Role.ToString().ToLowerInvariant(),
                $"{Fmt.Count(c.Missing)} ({Fmt.Percent(c.MissingPercent / 100)})", // as the missing-vs-label table writes it
                (c.DistinctIsLowerBound ? ">" : "") + Fmt.Count(c.Distinct),
                n is null ? "" : Fmt.Num(n.Min, c.IsDate),
                n is null ? "" : Fmt.Num(n.Median, c.IsDate),
                n is null ? "" : Fmt.Num(n.Mean, c.IsDate),
                n is null ? "" : Fmt.Num(n.Max, c.IsDate),
                top,
            ]);
        }
        if (width is int fit && TableWidth(rows) > fit)
        {
            // Stacked: identity and missing values; numeric statistics (numeric and date columns only); top values.
            WriteTable(o, rows.Select(r => r[..5]).ToList(), fit);
            var numeric = rows.Where((r, i) => i == 0 || report.Columns[i - 1].Numeric is not null).Select(r => new[] { r[0], r[5], r[6], r[7], r[8] }).ToList();
            if (numeric.Count > 1)
            {
                o.WriteLine();
                WriteTable(o, numeric, fit);
            }
            var top = rows.Where((r, i) => i == 0 || r[9].Length > 0).Select(r => new[] { r[0], r[9] }).ToList();
            if (top.Count > 1)
            {
                o.WriteLine();
                var nameWidth = top.Max(r => Clip(r[0], MaxCell).Length);
                // The top values are the one free-text cell: clipped to the line (they are in the HTML report in full).
                WriteTable(o, top.Select(r => new[] { r[0], Clip(r[1], Math.Max(12, fit - nameWidth - 6)) }).ToList(), fit);
            }
        }
        else WriteTable(o, rows);
        o.WriteLine();
    }

    /// <summary>The label's classes with their share as a bar (classification only).</summary>
    private static void WriteClassBalance(TextWriter o, ExplorationReport report)
    {
        if (report.ClassBalance is { } balance)
        {
            o.WriteLine($"Class balance ({report.LabelColumn}):");
            foreach (var c in balance.Classes)
                o.WriteLine($"  {Clip(c.Value, 20),-20} {Fmt.Count(c.Count),9} {Fmt.Percent(c.Share),7}  {new string('#', (int)Math.Round(c.Share * 40))}");
            o.WriteLine();
        }
    }

    /// <summary>How many rows repeat an earlier one, with examples.</summary>
    private static void WriteDuplicates(TextWriter o, ExplorationReport report)
    {
        if (report.Duplicates.DuplicateRows > 0)
        {
            o.WriteLine($"Duplicate rows: {Fmt.Count(report.Duplicates.DuplicateRows)} ({Fmt.Fixed(report.Duplicates.Percent, 1)}%), e.g.:");
            foreach (var e in report.Duplicates.Examples.Take(3))
                o.WriteLine($"  row {e.RowNumber} = row {e.FirstRowNumber}: {Clip(e.Row, 80)}");
            o.WriteLine();
        }
        var d = report.Duplicates;
        if (d.NearDuplicateRows > 0)
        {
            o.WriteLine($"Near-duplicate rows: {Fmt.Count(d.NearDuplicateRows)} ({Fmt.Fixed(d.NearPercent, 1)}%){(d.NearExact ? "" : " (lower bound)")}, equal to an earlier row once trimmed (text: lower-cased, punctuation and extra spaces removed), e.g.:");
            foreach (var e in d.NearExamples.Take(3))
                o.WriteLine($"  row {e.RowNumber} ~ row {e.FirstRowNumber}: {Clip(e.Row, 80)}");
            if (d.NearAcrossSplits is long across)
                o.WriteLine($"  {Fmt.Count(across)} on the other side of an evaluation split from the row they repeat ({d.Splits}).");
            o.WriteLine();
        }
    }

    /// <summary>Columns that look like identifiers.</summary>
    private static void WriteIdLikeColumns(TextWriter o, ExplorationReport report)
    {
        if (report.IdLikeColumns.Count > 0)
        {
            o.WriteLine("Identifier-like columns (mark them role: id):");
            foreach (var id in report.IdLikeColumns) o.WriteLine($"  {id.Column}: {id.Reason}");
            o.WriteLine();
        }
    }

    /// <summary>Features whose missing values relate to the label.</summary>
    private static void WriteMissingness(TextWriter o, ExplorationReport report)
    {
        if (report.Missingness is { } missingness)
        {
            o.WriteLine($"Missing values vs label ({missingness.EffectDescription}; flag at p < {Fmt.Num(missingness.Alpha)} and effect >= {Fmt.Num(missingness.MinEffect)}):");
            foreach (var m in missingness.Columns)
                o.WriteLine($"  {Clip(m.Column, MaxCell),-MaxCell} {Fmt.Percent(m.MissingShare),7} missing  {m.Test} p {Fmt.PValue(m.PValue),-7}  effect {Fmt.Fixed(m.Effect, 2),5}  {m.Summary}{(m.Flagged ? "  INFORMATIVE" : "")}");
            o.WriteLine();
        }
    }

    /// <summary>The one-column probes, the joint leak and the full-model drop-column probe.</summary>
    private static void WriteLeakage(TextWriter o, ExplorationReport report)
    {
        if (report.Leakage is { } leakage)
        {
            o.WriteLine($"Leakage probe ({leakage.Metric} of one column alone, {Fmt.Count(leakage.HoldoutRows)} held-out rows, flag at >= {Fmt.Fixed(leakage.Threshold, 2)}):");
            foreach (var p in leakage.Probes)
                o.WriteLine($"  {Clip(p.Column, MaxCell),-MaxCell} {Fmt.Fixed(p.Score, 3),6}{(p.Flagged ? "  LEAK?" : "")}{(p.Note is null ? "" : "  (" + p.Note + ")")}");
            if (leakage.Joint is { } joint)
                o.WriteLine($"  joint leak: {string.Join(" + ", joint.Columns)} explain {Fmt.Fixed(joint.RSquared, 3)} of the label's variance (linear fit, {Fmt.Count(joint.Rows)} rows); "
                    + string.Join(", ", joint.Added.Select((_, k) => joint.StepShare(k, quote: ""))) + "  LEAK?");
            if (leakage.DropColumn is { } dropColumn)
            {
                o.WriteLine($"  full model on every feature: {dropColumn.Metric} {Fmt.Fixed(dropColumn.FullScore, 3)} ({(dropColumn.FullScore >= dropColumn.NearPerfect ? "near-perfect" : dropColumn.FullScore >= dropColumn.VeryGood ? "very good: a column is accused only if dropping it multiplies the error " + Fmt.Num(dropColumn.StrongErrorRatio) + "-fold" : "below " + Fmt.Fixed(dropColumn.VeryGood, 2) + ": no column is accused")}){(dropColumn.Probes.Count == 0 ? ", so no column was dropped" : "; without one column:")}");
                foreach (var p in dropColumn.Probes)
                    o.WriteLine($"    {Clip(p.Column, MaxCell - 2),-(MaxCell - 2)} {Fmt.Fixed(p.ScoreWithout, 3),6}  error x{Ratio(p.ErrorRatio)}{(p.Flagged ? "  LEAK? (check it is known at prediction time)" : dropColumn.Probes.Any(f => f.Partners.Contains(p.Column)) ? "  (decodes the leak; not accused)" : "")}");
            }
            o.WriteLine();
        }
    }

    /// <summary>PSI and KS per column against the comparison file, or why there is none.</summary>
    private static void WriteDrift(TextWriter o, ExplorationReport report, int? width)
    {
        if (report.Drift is { } drift)
        {
            o.WriteLine($"Drift vs {drift.ComparePath} ({Fmt.Count(drift.CompareRows)} rows):");
            var table = new List<string[]> { new[] { "column", "psi", "ks p", "verdict" } };
            foreach (var d in drift.Columns)
                table.Add([d.Column, Fmt.Fixed(d.Psi, 3), Fmt.PValue(d.KsPValue), d.Verdict.ToString().ToLowerInvariant()]);
            WriteTable(o, table, width ?? int.MaxValue);
            if (drift.Overlap is { } overlap)
                o.WriteLine($"Rows repeating a training row: {Fmt.Count(overlap.OverlapRows)} ({Fmt.Percent(overlap.Share)}); expected from repeats within the training file: {Fmt.Percent(overlap.ExpectedShare)}{(overlap.Flagged ? $" (binomial p {Fmt.PValue(overlap.PValue)})  OVERLAP" : "")}");
            o.WriteLine();
        }
        else o.WriteLine("Drift: no comparison data (set test data in the spec or pass a file to compare with).");
    }

    /// <summary>The method notes and the elapsed time.</summary>
    private static void WriteFooter(TextWriter o, ExplorationReport report)
    {
        foreach (var note in report.MethodNotes) o.WriteLine($"note: {note}");
        o.WriteLine($"Done in {report.Elapsed.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)} s.");
    }

    internal static string Ratio(double ratio) => double.IsPositiveInfinity(ratio) ? "inf (no error with it)" : Fmt.Fixed(ratio, 1);

    internal static string TaskName(MlTaskKind task) => task switch
    {
        MlTaskKind.BinaryClassification => "binary classification",
        MlTaskKind.MulticlassClassification => "multiclass classification",
        _ => "regression",
    };

    internal static string Kind(WarningKind kind) => kind switch
    {
        WarningKind.IdLike => "id-like",
        WarningKind.AllMissing => "all-missing",
        WarningKind.HighMissing => "missing",
        WarningKind.MissingCode => "sentinel",
        WarningKind.Spelling => "spelling",
        WarningKind.LabelStray => "label",
        WarningKind.SingleClass => "label",
        WarningKind.BadRows => "bad rows",
        WarningKind.InformativeMissing => "missing?",
        WarningKind.DateOrder => "date order",
        WarningKind.TrainingOverlap => "overlap",
        WarningKind.LabelSpelling => "label",
        WarningKind.LabelOutliers => "outliers",
        WarningKind.LabelConflicts => "conflicts",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static string SeverityMark(WarningSeverity s) => s switch
    {
        WarningSeverity.Serious => "!!",
        WarningSeverity.Warning => " !",
        _ => " i",
    };

    private static string Clip(string s, int max)
    {
        s = s.Replace('\n', ' ').Replace('\r', ' ').Replace('\t', ' ');
        return s.Length <= max ? s : s[..(max - 1)] + "…";
    }

    private static List<string[]> Clipped(List<string[]> rows) =>
        rows.Select(r => r.Select((c, i) => i == r.Length - 1 ? Clip(c, 60) : Clip(c, MaxCell)).ToArray()).ToList();

    private static int TableWidth(List<string[]> rows)
    {
        var clipped = Clipped(rows);
        return 2 + Enumerable.Range(0, clipped[0].Length).Sum(i => clipped.Max(r => r[i].Length) + 2) - 2;
    }

    /// <summary>A table that fits <paramref name="width"/>, else one line per row ("name: header value, ...") that the
    /// console's wrapping can break at spaces: values are never cut.</summary>
    private static void WriteTable(TextWriter o, List<string[]> rows, int width)
    {
        if (TableWidth(rows) <= width)
        {
            WriteTable(o, rows);
            return;
        }
        var header = rows[0];
        foreach (var r in rows.Skip(1))
            o.WriteLine("  " + r[0] + ": " + string.Join(", ", Enumerable.Range(1, r.Length - 1).Where(i => r[i].Length > 0).Select(i => $"{header[i]} {r[i]}")));
    }

    private static void WriteTable(TextWriter o, List<string[]> rows)
    {
        var clipped = Clipped(rows);
        var widths = Enumerable.Range(0, clipped[0].Length).Select(i => clipped.Max(r => r[i].Length)).ToArray();
        foreach (var r in clipped)
        {
            var line = new StringBuilder("  ");
            for (int i = 0; i < r.Length; i++) line.Append(r[i].PadRight(widths[i] + 2));
            o.WriteLine(line.ToString().TrimEnd());
        }
    }
}
