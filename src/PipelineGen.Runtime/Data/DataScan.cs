using PipelineGen.Shared;
using System.Globalization;
using System.Text;

namespace PipelineGen.Runtime.Data;

/// <summary>
/// One streaming pass over a delimited data file: finds rows the loader would silently mangle (ragged rows,
/// unparsable numbers or booleans, unbalanced quotes) and collects the per-row keys splits need.
/// </summary>
internal sealed class DataScan
{
    /// <summary>How many problems are kept with full detail; the rest are only counted.</summary>
    public const int MaxProblemsKept = 100;

    /// <summary>Longest physical line read by default (characters): a file with no line breaks is refused instead of read into memory whole.</summary>
    public const int DefaultMaxLineCharacters = 64 * 1024 * 1024;

    public required string FilePath { get; init; }
    /// <summary>Rows as the loader sees them (empty lines and <c>//</c> comment lines are not rows).</summary>
    public required long RowCount { get; init; }
    public required IReadOnlyList<RowProblem> Problems { get; init; }
    public required long BadRowCount { get; init; }
    /// <summary>Problems that make the data unusable whatever the bad-row policy (e.g. a single-class label).</summary>
    public required IReadOnlyList<string> Errors { get; init; }
    public required IReadOnlyList<string> Warnings { get; init; }
    /// <summary>Date columns without a declared format whose numeric dates read either way (also in <see cref="Warnings"/>): column and message.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> AmbiguousDates { get; init; } = [];
    public required RowKeys Keys { get; init; }
    /// <summary>Classification: rows per class (first-seen order), over rows that are not bad.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> LabelCounts { get; init; } = [];
    public long MissingLabelCount { get; init; }
    /// <summary>
    /// Classification: the label's classes that differ only in letter case or spaces (see <see cref="LabelSpellings"/>),
    /// null when none. Not among <see cref="Errors"/>: explore reports it in full instead of stopping on it.
    /// </summary>
    public string? LabelSpelling { get; init; }

    public bool IsBadRow(long row) => Keys.Excluded[row];

    /// <summary>
    /// Throws <see cref="DataValidationException"/> for errors, and for bad rows under <see cref="BadRowPolicy.Fail"/>.
    /// </summary>
    public void ThrowIfInvalid(BadRowPolicy policy, int maxListed = 10)
    {
        if (Errors.Count > 0)
            throw new DataValidationException($"{FilePath}: " + string.Join(Environment.NewLine, Errors), Problems);
        ThrowIfLabelSpelling();
        if (policy == BadRowPolicy.Fail && BadRowCount > 0)
        {
            var text = new StringBuilder();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{BadRowCount} bad row(s) in {FilePath} (bad-row policy: fail). First {Math.Min(maxListed, Problems.Count)}:");
            foreach (var problem in Problems.Take(maxListed)) text.AppendLine("  " + problem);
            text.Append("Fix the rows, or run with --bad-rows skip to leave them out (they are counted in the output).");
            throw new DataValidationException(text.ToString(), Problems);
        }
    }

    /// <summary>
    /// Throws <see cref="DataValidationException"/> when the label has one class written several ways: fitted as is, each
    /// spelling becomes a class of its own that is rarely predicted and drags every macro metric down, without an error.
    /// </summary>
    public void ThrowIfLabelSpelling()
    {
        if (LabelSpelling is { } spelling)
            throw new DataValidationException($"{FilePath}: {spelling} Write each class one way in {FilePath} (and in the test file), then run again.", []);
    }

    /// <summary>Scans <paramref name="path"/> with the separator, header, columns and missing-value tokens of <paramref name="settings"/>.</summary>
    public static DataScan Run(PipelineSettings settings, string path) => Run(settings, path, DefaultMaxLineCharacters);

    /// <summary>As <see cref="Run(PipelineSettings, string)"/>, with a limit on the length of one line (bad input beyond it).</summary>
    public static DataScan Run(PipelineSettings settings, string path, int maxLineCharacters)
    {
        DataFileGuard.CheckPathText(path);
        if (!File.Exists(path) && DataFileCheck.KindOf(Path.GetFullPath(path)) == DataFileKind.Missing)
            throw new DataValidationException($"Data file not found: {SafeText.Escape(path, 200)}. Fix: pass --data with an existing file, or correct the path in the spec.", []);
        // A directory, a device (/dev/zero never ends) or a named pipe (blocks until written) is refused before it is opened.
        DataFileGuard.CheckReadable(path);

        var label = settings.Columns.FirstOrDefault(c => c.Name == settings.LabelColumn)
            ?? throw new DataValidationException($"The label column '{settings.LabelColumn}' is not among the pipeline's columns.", []);
        using var reader = new BoundedLineReader(new StreamReader(path, detectEncodingFromByteOrderMarks: true), path, maxLineCharacters);
        return new DataScanner(settings, path, label).Scan(reader);
    }

    internal static string? NameAt(ColumnInfo[] columns, int fieldIndex) => columns.FirstOrDefault(c => c.Index == fieldIndex)?.Name;

    // Data may be anything (a system file named as the data): messages show short, escaped samples only.
    internal static string Shorten(string value) => SafeText.Escape(value);

    private static bool IsTrue(string value) => DataValues.TryParseBoolean(value, out var b) && b;

    // The loader reads a numeric or boolean label as a value, so "1.0" is the positive class "1" and "True" is "true".
    internal static bool SameLabelValue(string value, string positive, ColumnKind kind) => kind switch
    {
        ColumnKind.Numeric => DataValues.TryParseNumber(value, out var a) && DataValues.TryParseNumber(positive, out var b) && a == b,
        ColumnKind.Boolean => DataValues.IsBoolean(value) && DataValues.IsBoolean(positive) && IsTrue(value) == IsTrue(positive),
        _ => value == positive,
    };

    /// <summary>Binary: <paramref name="value"/> (a label value as written) is the settings' positive class; false without one.</summary>
    internal static bool IsPositiveClass(PipelineSettings settings, string value) =>
        settings.Task == MlTaskKind.BinaryClassification && settings.PositiveClass is { } positive
        && SameLabelValue(value, positive, settings.Columns.FirstOrDefault(c => c.Name == settings.LabelColumn)?.Kind ?? ColumnKind.Categorical);

    // FNV-1a over the hashed fields with a unit separator between them: 64 bits make accidental collisions negligible.
    internal static ulong HashRow(List<string> fields, ColumnInfo[] hashedColumns)
    {
        ulong hash = 14695981039346656037UL;
        foreach (var column in hashedColumns)
        {
            string value = column.Index < fields.Count ? fields[column.Index] : "";
            foreach (char ch in value)
            {
                hash = (hash ^ (byte)ch) * 1099511628211UL;
                hash = (hash ^ (byte)(ch >> 8)) * 1099511628211UL;
            }
            hash = (hash ^ 0x1F) * 1099511628211UL;
        }
        return hash;
    }
}
