using System.Collections.Generic;
using System.Linq;
using PipelineGen.Spec.Model;
using PipelineGen.Spec.Yaml;

namespace PipelineGen.Spec;

/// <summary>
/// 'data.names': the column names of a file without a header, so generated properties get real names instead of
/// Column1..N. The parser checks the list (PG0150-PG0152); the build tool checks its length against the data (PG0153).
/// </summary>
public static class ColumnNames
{
    public static EquatableArray<Spanned<string>>? Read(YMapping data) =>
        data["names"] is YSequence names ? names.Scalars().Select(s => new Spanned<string>(s.Value, s.Span)).ToEquatableArray() : null;

    public static void Check(YMapping root, string filePath, List<DiagnosticInfo> diagnostics)
    {
        if (root.Get("data") is not YMapping data || data["names"] is not YSequence names) return;
        var header = data["header"] as YScalar;
        // Only a file without a header takes names; with one, the header names the columns.
        if (header is null || !header.TryGetBool(out var hasHeader) || hasHeader)
        {
            diagnostics.Add(SpecDiagnostics.NamesWithHeader.Create(filePath, data.Find("names")!.Key.Span));
            return;
        }
        var seen = new Dictionary<string, int>(System.StringComparer.Ordinal);
        var position = 0;
        foreach (var name in names.Scalars())
        {
            position++;
            if (name.Value.Trim().Length == 0)
                diagnostics.Add(SpecDiagnostics.InvalidNameInNames.Create(filePath, name.Span, name.Value, "it is blank"));
            else if (!name.Value.Any(char.IsLetterOrDigit))
                diagnostics.Add(SpecDiagnostics.InvalidNameInNames.Create(filePath, name.Span, name.Value, "it has no letter or digit to make a C# property name from"));
            else if (seen.TryGetValue(name.Value, out var first))
                diagnostics.Add(SpecDiagnostics.DuplicateNameInNames.Create(filePath, name.Span, name.Value, first));
            else seen[name.Value] = position;
        }
    }
}
