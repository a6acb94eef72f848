using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Data;
using PipelineGen.Shared;

namespace PipelineGen.Runtime.Training;

/// <summary>
/// Compares feature values with the training profile and collects, per column, values the model never saw: a category
/// not in training, a number far outside the training range, a missing value where training had none.
/// </summary>
internal sealed class ValueChecks(PipelineSettings settings, TrainingProfile? profile)
{
    // By column name: the global tokens and the column's own (data.columns.NAME.missing_values).
    private readonly Dictionary<string, HashSet<string>> _missingTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _categories = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Column, Kind What), Finding> _findings = new();
    private readonly List<(string Column, Kind What)> _order = [];

    private enum Kind { Missing, Unseen, FarOut }

    private sealed class Finding
    {
        public long Count;
        public List<(string Value, string Where)> Examples { get; } = [];
    }

    /// <summary>The column may be missing: the build saw missing values in it, or the training profile counted some.</summary>
    public bool MayBeMissing(ColumnInfo column) =>
        column.HasMissing || (profile is not null && profile.Columns.TryGetValue(column.Name, out var p) && p.Missing > 0);

    /// <summary>Checks one feature value; <paramref name="where"/> is "line 7" for a file, empty for a single JSON row.</summary>
    public void Check(ColumnInfo column, string raw, string where)
    {
        var value = raw.Trim();
        if (!_missingTokens.TryGetValue(column.Name, out var missingTokens))
            _missingTokens[column.Name] = missingTokens = settings.MissingTokenSetOf(column);
        if (missingTokens.Contains(value))
        {
            if (!MayBeMissing(column)) Add(column.Name, Kind.Missing, value, where);
            return;
        }
        if (profile is null || !profile.Columns.TryGetValue(column.Name, out var p)) return;
        if (p.Kind == nameof(ColumnKind.Numeric) && p.Min is double min && p.Max is double max
            && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            double margin = (max - min) * PredictStep.FarOutsideFraction;
            if (!(number >= min - margin && number <= max + margin)) Add(column.Name, Kind.FarOut, value, where);
        }
        else if (p.Kind == nameof(ColumnKind.DateTime) && DataValues.TryParseDateTime(value, column.DateFormat, out var date))
        {
            if (IsFarOutsidePeriod(p, date)) Add(column.Name, Kind.FarOut, value, where);
        }
        else if (p.Kind == nameof(ColumnKind.Categorical) && p.CategoriesComplete && p.Categories is { } categories)
        {
            if (!_categories.TryGetValue(column.Name, out var seen))
                _categories[column.Name] = seen = new HashSet<string>(categories, StringComparer.Ordinal);
            if (!seen.Contains(raw)) Add(column.Name, Kind.Unseen, raw, where);
        }
    }

    private void Add(string column, Kind what, string value, string where)
    {
        if (!_findings.TryGetValue((column, what), out var finding))
        {
            _findings[(column, what)] = finding = new Finding();
            _order.Add((column, what));
        }
        finding.Count++;
        // A value may hold a line break (a quoted value spanning lines): escaped, so a warning stays one line.
        if (finding.Examples.Count < 3) finding.Examples.Add((PipelineGen.Shared.SafeText.Escape(value, int.MaxValue), where));
    }

    /// <summary>Per column with findings, in the order first found: the rows with a value the model never saw (most of any kind).</summary>
    public IReadOnlyList<(string Column, long Rows)> RowsPerColumn() => _order
        .GroupBy(key => key.Column)
        .Select(g => (g.Key, g.Max(key => _findings[key].Count)))
        .ToArray();

    /// <summary>One message per column and kind, in the order first found.</summary>
    public IReadOnlyList<string> Messages() => _order.Select(key =>
    {
        var (column, what) = key;
        var finding = _findings[key];
        var p = profile?.Columns.GetValueOrDefault(column);
        string examples = string.Join(", ", finding.Examples.Select(e => e.Where.Length == 0 ? $"'{e.Value}'" : $"'{e.Value}' on {e.Where}"))
            + (finding.Count > finding.Examples.Count ? ", ..." : "");
        bool single = finding.Examples.All(e => e.Where.Length == 0);
        string subject = single ? $"'{column}' = {string.Join(", ", finding.Examples.Select(e => $"'{e.Value}'"))}" : string.Create(CultureInfo.InvariantCulture, $"'{column}': {finding.Count} row(s) ({examples})");
        return what switch
        {
            Kind.Unseen => $"{subject}: a category not seen in training ({DescribeCategories(p!)}); predicted anyway, but the model learned nothing about {(single ? "this value" : "these values")}.",
            Kind.FarOut => FarOutside(subject, p!),
            _ => $"{(single ? $"'{column}'" : subject)}: missing, but the training data had no missing values in '{column}'; predicted anyway, but the model learned nothing about a missing value there.",
        };
    }).ToArray();

    /// <summary>
    /// Whether <paramref name="date"/> (UTC, as <see cref="DataValues.TryParseDateTime(ReadOnlySpan{char}, string?, out DateTime)"/> reads it) lies further than
    /// <see cref="PredictStep.FarOutsideFraction"/> of the training period before or after it: the same margin as numbers,
    /// since the calendar features (year, month, day of year) then take values no tree split on. False without a period.
    /// predict and the REST service both ask here.
    /// </summary>
    internal static bool IsFarOutsidePeriod(ColumnProfile p, DateTime date)
    {
        if (p.Earliest is not { } earliest || p.Latest is not { } latest) return false;
        var margin = (latest - earliest) * PredictStep.FarOutsideFraction;
        return date < earliest - margin || date > latest + margin;
    }

    /// <summary>
    /// What a JSON request sends for a missing value of a number column, in the words the service's 400 and
    /// predict --json's error share: null, or a string that is exactly one of the spec's missing tokens.
    /// </summary>
    internal static string MissingNumberHint(IReadOnlyList<string> missingTokens) =>
        missingTokens.Count == 0 ? "null when missing"
            : $"null, or exactly one of the missing tokens {string.Join(", ", missingTokens.Select(t => JsonSerializer.Serialize(t)))} as a string, when missing";

    /// <summary>The warning for a value far outside <paramref name="p"/>'s training range or period; <paramref name="subject"/> names the column and value(s).</summary>
    internal static string FarOutside(string subject, ColumnProfile p) =>
        $"{subject}: far outside the training range [{Range(p)}] (by more than {FarPercent} of its width); predicted anyway, but the model has not seen such values.";

    private static string Range(ColumnProfile p) => p.Earliest is { } earliest
        ? $"{TrainingProfile.Format(earliest)}, {TrainingProfile.Format(p.Latest!.Value)}"
        : $"{TrainingProfile.Format(p.Min!.Value)}, {TrainingProfile.Format(p.Max!.Value)}";

    private static string FarPercent => (PredictStep.FarOutsideFraction * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    private static string DescribeCategories(ColumnProfile p)
    {
        var categories = p.Categories ?? [];
        return categories.Count <= 10
            ? "seen: " + string.Join(", ", categories)
            : string.Create(CultureInfo.InvariantCulture, $"{categories.Count} seen, e.g. {string.Join(", ", categories.Take(5))}");
    }
}
