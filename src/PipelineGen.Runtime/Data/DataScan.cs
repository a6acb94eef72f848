using PipelineGen.Shared;
using System.Globalization;
using System.Text;

namespace PipelineGen.Runtime.Data;

internal enum RowProblemKind { RaggedRow, UnparsableNumber, UnparsableBoolean, UnbalancedQuote, HeaderMismatch }

/// <summary>One bad row (or header) of a data file, with where it is and what to do about it.</summary>
/// <remarks><c>LineNumber</c>: 1-based physical line in the file. <c>ColumnNumber</c>: 1-based field position in the line (the column the name refers to).</remarks>
internal sealed record RowProblem(
    RowProblemKind Kind, string FilePath, long LineNumber, int ColumnNumber, string? ColumnName, string Message, string FixHint)
{
    public override string ToString() =>
        $"{FilePath}: line {LineNumber}, column {ColumnNumber}{(ColumnName is null ? "" : $" ('{ColumnName}')")}: {Message} Fix: {FixHint}";
}

/// <summary>Bad input data: the CLI maps it to exit code 2.</summary>
internal sealed class DataValidationException(string message, IReadOnlyList<RowProblem> problems) : Exception(message)
{
    public IReadOnlyList<RowProblem> Problems { get; } = problems;
}

/// <summary>
/// Per-row keys an evaluation protocol needs to split honestly, indexed by the loader's row index (the order in which
/// <see cref="IPipelineDefinition.LoadData"/> yields rows). One small array per key, never the rows themselves.
/// </summary>
internal sealed class RowKeys
{
    public required long RowCount { get; init; }
    /// <summary>Rows to leave out of every split (bad rows under <see cref="BadRowPolicy.Skip"/>).</summary>
    public required bool[] Excluded { get; init; }
    /// <summary>Classification: index into <see cref="ClassNames"/> per row, -1 when the label is missing. Null for regression.</summary>
    public int[]? LabelClass { get; init; }
    public IReadOnlyList<string> ClassNames { get; init; } = [];
    /// <summary>Group id per row (-1: missing group value), or null when the pipeline has no group column.</summary>
    public int[]? GroupOf { get; init; }
    /// <summary>For each row, the first row with exactly the same content (itself when it is the first).</summary>
    public required int[] DuplicateOf { get; init; }
    public int DuplicateRowCount { get; init; }
}

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
    public required RowKeys Keys { get; init; }
    /// <summary>Classification: rows per class (first-seen order), over rows that are not bad.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> LabelCounts { get; init; } = [];
    public long MissingLabelCount { get; init; }

    public bool IsBadRow(long row) => Keys.Excluded[row];

    /// <summary>
    /// Throws <see cref="DataValidationException"/> for errors, and for bad rows under <see cref="BadRowPolicy.Fail"/>.
    /// </summary>
    public void ThrowIfInvalid(BadRowPolicy policy, int maxListed = 10)
    {
        if (Errors.Count > 0)
            throw new DataValidationException($"{FilePath}: " + string.Join(Environment.NewLine, Errors), Problems);
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

        var columns = settings.Columns.OrderBy(c => c.Index).ToArray();
        var label = settings.Columns.FirstOrDefault(c => c.Name == settings.LabelColumn)
            ?? throw new DataValidationException($"The label column '{settings.LabelColumn}' is not among the pipeline's columns.", []);
        var group = settings.GroupColumn;
        bool classification = settings.Task != MlTaskKind.Regression;
        var missingTokens = new HashSet<string>(settings.MissingValueTokens, StringComparer.Ordinal);
        // What the model sees decides whether two rows are the same example; ids and ignored columns do not.
        var hashedColumns = columns.Where(c => c.Role is ColumnRole.Feature or ColumnRole.Label or ColumnRole.Group).ToArray();

        var problems = new List<RowProblem>();
        var errors = new List<string>();
        var warnings = new List<string>();
        long badRows = 0;
        var excluded = new List<bool>();
        var labelClass = classification ? new List<int>() : null;
        var classIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var classNames = new List<string>();
        var groupOf = group is null ? null : new List<int>();
        var groupIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var duplicateOf = new List<int>();
        var firstRowByHash = new Dictionary<ulong, int>();
        int duplicateRows = 0;
        var missingPerColumn = new long[columns.Length];
        // Declared-numeric columns read values that are not numbers as missing: counted, with the first one's place.
        var notNumbers = new long[columns.Length];
        var firstNotNumber = new string?[columns.Length];
        long missingLabels = 0;

        int expectedFields = columns.Length == 0 ? 0 : columns.Max(c => c.Index) + 1;
        var fields = new List<string>();
        var starts = new List<int>();
        using var reader = new BoundedLineReader(new StreamReader(path, detectEncodingFromByteOrderMarks: true), path, maxLineCharacters);
        long lineNumber = 0;
        string? line;

        if (settings.HasHeader && (line = reader.ReadLine()) is not null)
        {
            lineNumber = 1;
            DelimitedLine.Split(line, settings.Separator, fields, starts);
            expectedFields = fields.Count;
            foreach (var column in columns)
            {
                string? actual = column.Index < fields.Count ? fields[column.Index] : null;
                if (actual != column.Name)
                    problems.Add(new RowProblem(RowProblemKind.HeaderMismatch, path, 1, column.Index + 1, column.Name,
                        actual is null
                            ? $"the header has no column {column.Index + 1}; the pipeline expects '{column.Name}' there."
                            : $"the header has '{SafeText.Escape(actual)}' where the pipeline expects '{column.Name}'.",
                        "Use the file the pipeline was built from, or rebuild so the schema is inferred from this file."));
            }
            if (problems.Count > 0)
                errors.Add("the header does not match the pipeline's columns: " + string.Join("; ", problems.Select(p => p.ToString())));
        }

        long row = -1;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (!DelimitedLine.IsDataRow(line)) continue;
            row++;
            bool bad = false;
            void Report(RowProblemKind kind, int column, string? name, string message, string hint)
            {
                bad = true;
                if (problems.Count < MaxProblemsKept) problems.Add(new RowProblem(kind, path, lineNumber, column, name, message, hint));
            }

            int openQuote = DelimitedLine.Split(line, settings.Separator, fields, starts);
            if (openQuote >= 0)
            {
                int field = starts.FindLastIndex(s => s <= openQuote);
                Report(RowProblemKind.UnbalancedQuote, field + 1, NameAt(columns, field),
                    $"the quote opened at character {openQuote + 1} is never closed.",
                    "Close the quote, or double a literal quote inside a quoted field (\"\").");
            }
            else if (fields.Count != expectedFields)
            {
                Report(RowProblemKind.RaggedRow, Math.Min(fields.Count, expectedFields) + 1, NameAt(columns, Math.Min(fields.Count, expectedFields)),
                    $"the row has {fields.Count} field(s); the header has {expectedFields}.",
                    fields.Count > expectedFields
                        ? $"Quote fields that contain the separator '{settings.Separator}', or remove the extra fields."
                        : "Add the missing fields (leave a field empty for a missing value).");
            }

            for (int c = 0; c < columns.Length; c++)
            {
                var column = columns[c];
                // The shared reading (DelimitedLine, DataValues): the same values the build inferred and the model loads.
                string value = column.Index < fields.Count ? fields[column.Index] : "";
                bool missing = column.Index >= fields.Count || DataValues.IsMissing(value, missingTokens);
                if (missing) { missingPerColumn[c]++; continue; }
                if (openQuote >= 0 || column.Role is ColumnRole.Ignore) continue;
                if (column.Kind == ColumnKind.Numeric && !DataValues.IsNumber(value) && column.UnparsableAsMissing)
                {
                    missingPerColumn[c]++;
                    if (notNumbers[c]++ == 0)
                        firstNotNumber[c] = $"line {lineNumber.ToString(CultureInfo.InvariantCulture)}, column {(column.Index + 1).ToString(CultureInfo.InvariantCulture)}: '{Shorten(value)}'";
                }
                else if (column.Kind == ColumnKind.Numeric && !DataValues.IsNumber(value))
                    Report(RowProblemKind.UnparsableNumber, column.Index + 1, column.Name,
                        $"'{Shorten(value)}' is not a number.",
                        $"Write numbers with '.' as the decimal point and no thousands separator; mark a missing value with one of: {string.Join(", ", settings.MissingValueTokens.Select(t => $"'{t}'"))}; or declare the column '{column.Name}: {{ type: numeric }}' in the spec to read values that are not numbers as missing.");
                else if (column.Kind == ColumnKind.Boolean && !DataValues.IsBoolean(value))
                    Report(RowProblemKind.UnparsableBoolean, column.Index + 1, column.Name,
                        $"'{Shorten(value)}' is not a boolean.",
                        "Use true/false, yes/no or 1/0.");
            }
            if (bad) badRows++;
            excluded.Add(bad);

            string labelValue = label.Index < fields.Count ? fields[label.Index] : "";
            bool labelMissing = label.Index >= fields.Count || DataValues.IsMissing(labelValue, missingTokens)
                || (label.Kind == ColumnKind.Numeric && label.UnparsableAsMissing && !DataValues.IsNumber(labelValue));
            if (labelMissing && !bad) missingLabels++;
            if (labelClass is not null)
            {
                int id = -1;
                if (!labelMissing && !bad && !classIds.TryGetValue(labelValue, out id))
                {
                    id = classNames.Count;
                    classIds.Add(labelValue, id);
                    classNames.Add(labelValue);
                }
                labelClass.Add(labelMissing || bad ? -1 : id);
            }
            if (groupOf is not null)
            {
                string key = group!.Index < fields.Count ? fields[group.Index] : "";
                if (DataValues.IsMissing(key, missingTokens)) groupOf.Add(-1);
                else
                {
                    if (!groupIds.TryGetValue(key, out int gid)) groupIds.Add(key, gid = groupIds.Count);
                    groupOf.Add(gid);
                }
            }

            ulong hash = HashRow(fields, hashedColumns);
            if (firstRowByHash.TryGetValue(hash, out int first)) { duplicateOf.Add(first); duplicateRows++; }
            else { firstRowByHash.Add(hash, (int)row); duplicateOf.Add((int)row); }
        }

        long rowCount = row + 1;
        if (rowCount == 0) errors.Add("the file has no data rows.");
        long goodRows = rowCount - badRows;
        for (int c = 0; c < columns.Length; c++)
            if (notNumbers[c] > 0)
                warnings.Add($"column '{columns[c].Name}' is declared numeric: {notNumbers[c].ToString(CultureInfo.InvariantCulture)} value(s) that are not numbers were read as missing (first at {firstNotNumber[c]}).");
        for (int c = 0; c < columns.Length; c++)
            if (rowCount > 0 && missingPerColumn[c] == rowCount && columns[c].Role != ColumnRole.Ignore)
            {
                if (columns[c].Name == label.Name) errors.Add($"the label column '{label.Name}' is missing in every row.");
                else warnings.Add($"column '{columns[c].Name}' is missing in every row: it carries no information (set its role to ignore).");
            }

        var labelCounts = new List<KeyValuePair<string, long>>();
        if (labelClass is not null)
        {
            var counts = new long[classNames.Count];
            foreach (int id in labelClass) if (id >= 0) counts[id]++;
            for (int i = 0; i < counts.Length; i++) labelCounts.Add(new(classNames[i], counts[i]));
            if (classNames.Count == 1)
                errors.Add($"the label column '{label.Name}' has a single class ('{SafeText.Escape(classNames[0])}') in {goodRows} usable row(s): a classifier needs at least two classes. Fix: use data that contains every class.");
            if (settings.Task == MlTaskKind.BinaryClassification && settings.PositiveClass is { } positive
                && classNames.Count > 0 && !classNames.Any(c => SameLabelValue(c, positive, label.Kind)))
                errors.Add($"the positive class '{positive}' never occurs in the label column '{label.Name}' (values: {SafeText.Samples(classNames)}). Fix: set positive_class to one of the label's values.");
            if (settings.Task == MlTaskKind.BinaryClassification && classNames.Count > 2)
                errors.Add($"the label column '{label.Name}' has {classNames.Count} classes ({SafeText.Samples(classNames)}) but the task is binary. Fix: use task multiclass, or map the label to two values.");
        }
        if (missingLabels > 0)
            warnings.Add($"{missingLabels} row(s) have no label value ('{label.Name}').");
        if (duplicateRows > 0)
            warnings.Add($"{duplicateRows} row(s) are exact duplicates of an earlier row; each set of duplicates is kept on one side of every split.");

        return new DataScan
        {
            FilePath = path,
            RowCount = rowCount,
            Problems = problems,
            BadRowCount = badRows,
            Errors = errors,
            Warnings = warnings,
            LabelCounts = labelCounts,
            MissingLabelCount = missingLabels,
            Keys = new RowKeys
            {
                RowCount = rowCount,
                Excluded = [.. excluded],
                LabelClass = labelClass?.ToArray(),
                ClassNames = classNames,
                GroupOf = groupOf?.ToArray(),
                DuplicateOf = [.. duplicateOf],
                DuplicateRowCount = duplicateRows,
            },
        };
    }

    private static string? NameAt(ColumnInfo[] columns, int fieldIndex) => columns.FirstOrDefault(c => c.Index == fieldIndex)?.Name;

    // Data may be anything (a system file named as the data): messages show short, escaped samples only.
    private static string Shorten(string value) => SafeText.Escape(value);

    private static bool IsTrue(string value) => DataValues.TryParseBoolean(value, out var b) && b;

    // The loader reads a numeric or boolean label as a value, so "1.0" is the positive class "1" and "True" is "true".
    private static bool SameLabelValue(string value, string positive, ColumnKind kind) => kind switch
    {
        ColumnKind.Numeric => DataValues.TryParseNumber(value, out var a) && DataValues.TryParseNumber(positive, out var b) && a == b,
        ColumnKind.Boolean => DataValues.IsBoolean(value) && DataValues.IsBoolean(positive) && IsTrue(value) == IsTrue(positive),
        _ => value == positive,
    };

    // FNV-1a over the hashed fields with a unit separator between them: 64 bits make accidental collisions negligible.
    private static ulong HashRow(List<string> fields, ColumnInfo[] hashedColumns)
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
