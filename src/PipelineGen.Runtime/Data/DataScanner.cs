using System.Globalization;
using PipelineGen.Shared;

namespace PipelineGen.Runtime.Data;

/// <summary>
/// The state of one <see cref="DataScan"/> pass, split by what each part does: the header check, per row the shape
/// check, the value checks and the keys splits need (label class, group, duplicate), then the file-level checks.
/// </summary>
internal sealed class DataScanner
{
    private readonly PipelineSettings _settings;
    private readonly string _path;
    private readonly ColumnInfo[] _columns;
    private readonly ColumnInfo _label;
    private readonly ColumnInfo? _group;
    private readonly HashSet<string>[] _missingTokens; // by position in _columns: the global tokens and the column's own
    private readonly HashSet<string> _labelMissingTokens, _groupMissingTokens;
    // What the model sees decides whether two rows are the same example; ids and ignored columns do not.
    private readonly ColumnInfo[] _hashedColumns;

    private readonly List<RowProblem> _problems = [];
    private readonly List<string> _errors = [];
    private readonly List<string> _warnings = [];
    private long _badRows;
    private readonly List<bool> _excluded = [];
    private readonly List<bool> _unlabeled = [];
    private long _firstMissingLabelLine;
    // Regression: the first label value and whether any other differs (a constant label leaves nothing to learn).
    private double? _firstLabelNumber;
    private bool _labelVaries;
    private long _labelledRows;
    private readonly List<int>? _labelClass;
    private readonly Dictionary<string, int> _classIds = new(StringComparer.Ordinal);
    private readonly List<string> _classNames = [];
    // 1-based data row where each class first occurs: a message about spellings says where to look.
    private readonly List<long> _classFirstRows = [];
    private string? _labelSpelling;
    private readonly List<int>? _groupOf;
    private readonly Dictionary<string, int> _groupIds = new(StringComparer.Ordinal);
    private readonly List<int> _duplicateOf = [];
    private readonly Dictionary<ulong, int> _firstRowByHash = [];
    private int _duplicateRows;
    private readonly long[] _missingPerColumn;
    // Declared-numeric columns read values that are not numbers as missing: counted, with the first one's place.
    private readonly long[] _notNumbers;
    private readonly string?[] _firstNotNumber;
    private long _missingLabels;
    // Date columns without a declared format: whether their numeric dates could be day-first (see DateOrder).
    private readonly DateOrder?[] _dateOrder;
    private readonly List<KeyValuePair<string, string>> _ambiguousDates = [];

    private int _expectedFields;
    private string[]? _headerFields;
    private readonly List<string> _fields = [];
    private readonly List<int> _starts = [];
    private long _lineNumber;
    private long _row = -1;
    private bool _bad;
    private readonly RowLines _lines;

    public DataScanner(PipelineSettings settings, string path, ColumnInfo label)
    {
        _settings = settings;
        _path = path;
        _label = label;
        _columns = settings.Columns.OrderBy(c => c.Index).ToArray();
        _group = settings.GroupColumn;
        _missingTokens = _columns.Select(settings.MissingTokenSetOf).ToArray();
        _labelMissingTokens = settings.MissingTokenSetOf(label);
        _groupMissingTokens = settings.MissingTokenSetOf(_group);
        _hashedColumns = _columns.Where(c => c.Role is ColumnRole.Feature or ColumnRole.Label or ColumnRole.Group).ToArray();
        _labelClass = settings.Task != MlTaskKind.Regression ? [] : null;
        _groupOf = _group is null ? null : [];
        _missingPerColumn = new long[_columns.Length];
        _notNumbers = new long[_columns.Length];
        _firstNotNumber = new string?[_columns.Length];
        _dateOrder = _columns.Select(c => c.Kind == ColumnKind.DateTime && c.DateFormat is null && c.Role != ColumnRole.Ignore ? new DateOrder() : null).ToArray();
        _expectedFields = _columns.Length == 0 ? 0 : _columns.Max(c => c.Index) + 1;
        _lines = new RowLines(settings.HasHeader ? 2 : 1);
    }

    public DataScan Scan(BoundedLineReader reader)
    {
        // One row per record: a quoted value with line breaks inside is one row, numbered by its first line, as the
        // loader reads it through NormalizedTextSource.
        var records = new DelimitedRecords(reader.ReadLine, _settings.Separator) { ExpectedFields = _expectedFields };
        if (_settings.HasHeader && records.ReadHeader() is { } header)
        {
            _lineNumber = 1;
            CheckHeader(header);
        }
        while (records.TryRead(out var record, out long firstLine))
        {
            _lineNumber = firstLine;
            _row++;
            _lines.Note(_row, _lineNumber);
            _unjoinedCloseLine = records.UnjoinedCloseLine;
            ScanRow(record);
        }
        return Finish();
    }

    // The record being scanned leaves a quote open that a later line closes without making one record (see DelimitedRecords).
    private long _unjoinedCloseLine;

    private bool IsHeaderAgain()
    {
        if (_headerFields is null || _fields.Count != _headerFields.Length) return false;
        for (int i = 0; i < _headerFields.Length; i++)
            if (!string.Equals(_fields[i], _headerFields[i], StringComparison.Ordinal)) return false;
        return true;
    }

    private void EndRow()
    {
        if (_bad) _badRows++;
        _excluded.Add(_bad);
        RecordLabel();
        RecordGroup();
        RecordDuplicate();
    }

    private void CheckHeader(string line)
    {
        DelimitedLine.Split(line, _settings.Separator, _fields, _starts);
        _expectedFields = _fields.Count;
        _headerFields = _fields.ToArray();
        foreach (var column in _columns)
        {
            string? actual = column.Index < _fields.Count ? _fields[column.Index] : null;
            if (actual != column.Name)
                _problems.Add(new RowProblem(RowProblemKind.HeaderMismatch, _path, 1, column.Index + 1, column.Name,
                    actual is null
                        ? $"the header has no column {column.Index + 1}; the pipeline expects '{column.Name}' there."
                        : $"the header has '{SafeText.Escape(actual)}' where the pipeline expects '{column.Name}'.",
                    "Use the file the pipeline was built from, or rebuild so the schema is inferred from this file."));
        }
        if (_problems.Count > 0)
            _errors.Add("the header does not match the pipeline's columns: " + string.Join("; ", _problems.Select(p => p.ToString())));
    }

    private void ScanRow(string line)
    {
        _bad = false;
        int openQuote = DelimitedLine.Split(line, _settings.Separator, _fields, _starts);
        if (openQuote < 0 && IsHeaderAgain())
        {
            // Files joined with their headers: the names would be read as values (NaN in number columns, a class of
            // its own in the label), so the row is a bad row, named as what it is.
            Report(RowProblemKind.HeaderRepeated, 1, null, "the row repeats the header (files joined with their headers?).",
                "Delete the line; with data.bad_rows: skip, such rows are left out.");
            EndRow();
            return;
        }
        CheckShape(openQuote);
        CheckValues(openQuote);
        EndRow();
    }

    private void Report(RowProblemKind kind, int column, string? name, string message, string hint)
    {
        _bad = true;
        if (_problems.Count < DataScan.MaxProblemsKept) _problems.Add(new RowProblem(kind, _path, _lineNumber, column, name, message, hint));
    }

    /// <summary>An unclosed quote, or a field count other than the header's.</summary>
    private void CheckShape(int openQuote)
    {
        if (openQuote >= 0)
        {
            int field = _starts.FindLastIndex(s => s <= openQuote);
            if (_unjoinedCloseLine > 0)
                Report(RowProblemKind.UnbalancedQuote, field + 1, DataScan.NameAt(_columns, field),
                    QuotedLineBreak.Message(openQuote, _lineNumber, _unjoinedCloseLine, _expectedFields), QuotedLineBreak.Hint(skipApplies: true));
            else
                Report(RowProblemKind.UnbalancedQuote, field + 1, DataScan.NameAt(_columns, field),
                    $"the quote opened at character {openQuote + 1} is never closed{QuotedLineBreak.NotWithin}.",
                    "Close the quote, or double a literal quote inside a quoted field (\"\").");
        }
        else if (_fields.Count != _expectedFields)
        {
            int at = Math.Min(_fields.Count, _expectedFields);
            Report(RowProblemKind.RaggedRow, at + 1, DataScan.NameAt(_columns, at),
                $"the row has {_fields.Count} field(s); the header has {_expectedFields}.",
                _fields.Count > _expectedFields
                    ? $"Quote fields that contain the separator '{_settings.Separator}', or remove the extra fields."
                    : "Add the missing fields (leave a field empty for a missing value).");
        }
    }

    /// <summary>Missing values counted; numbers and booleans that the loader would mangle reported.</summary>
    private void CheckValues(int openQuote)
    {
        for (int c = 0; c < _columns.Length; c++)
        {
            var column = _columns[c];
            // The shared reading (DelimitedLine, DataValues): the same values the build inferred and the model loads.
            string value = column.Index < _fields.Count ? _fields[column.Index] : "";
            bool missing = column.Index >= _fields.Count || DataValues.IsMissing(value, _missingTokens[c]);
            if (missing) { _missingPerColumn[c]++; continue; }
            if (openQuote >= 0 || column.Role is ColumnRole.Ignore) continue;
            if (column.Kind == ColumnKind.Numeric && !DataValues.IsNumber(value) && column.UnparsableAsMissing)
            {
                _missingPerColumn[c]++;
                if (_notNumbers[c]++ == 0)
                    _firstNotNumber[c] = $"line {_lineNumber.ToString(CultureInfo.InvariantCulture)}, column {(column.Index + 1).ToString(CultureInfo.InvariantCulture)}: '{DataScan.Shorten(value)}'";
            }
            else if (column.Kind == ColumnKind.Numeric && !DataValues.IsNumber(value))
                Report(RowProblemKind.UnparsableNumber, column.Index + 1, column.Name,
                    $"'{DataScan.Shorten(value)}' is not a number.",
                    $"Write numbers with '.' as the decimal point and no thousands separator; mark a missing value with one of: {string.Join(", ", _settings.MissingTokensOf(column.Name).Select(t => $"'{t}'"))}; or declare the column '{column.Name}: {{ type: numeric }}' in the spec to read values that are not numbers as missing.");
            else if (column.Kind == ColumnKind.Numeric && DataValues.IsInfiniteNumber(value))
                Report(RowProblemKind.UnparsableNumber, column.Index + 1, column.Name,
                    $"'{DataScan.Shorten(value)}' {DataValues.DescribeInfinite(value)}.",
                    $"Usually a division by zero upstream. Write a finite number, or mark the value missing with one of: {string.Join(", ", _settings.MissingTokensOf(column.Name).Select(t => $"'{t}'"))}.");
            else if (column.Kind == ColumnKind.Boolean && !DataValues.IsBoolean(value))
                Report(RowProblemKind.UnparsableBoolean, column.Index + 1, column.Name,
                    $"'{DataScan.Shorten(value)}' is not a boolean.",
                    "Use true/false, yes/no or 1/0.");
            else if (column.Kind == ColumnKind.DateTime && !DataValues.IsDateTime(value, column.DateFormat))
                Report(RowProblemKind.UnparsableDateTime, column.Index + 1, column.Name,
                    column.DateFormat is { } format
                        ? $"'{DataScan.Shorten(value)}' does not match the column's date format '{format}'."
                        : $"'{DataScan.Shorten(value)}' is not a date and time.",
                    (column.DateFormat is null && DateOrder.IsDayFirstOnly(value) ? DateOrder.DayFirstHint(column.Name, DataScan.Shorten(value)) : DataValues.DateTimeHintFor(column.Name, column.DateFormat))
                    + $"; mark a missing value with one of: {string.Join(", ", _settings.MissingTokensOf(column.Name).Select(t => $"'{t}'"))}.");
            else _dateOrder[c]?.Observe(value);
        }
    }

    private void RecordLabel()
    {
        string labelValue = _label.Index < _fields.Count ? _fields[_label.Index] : "";
        bool labelMissing = _label.Index >= _fields.Count || DataValues.IsMissing(labelValue, _labelMissingTokens)
            || (_label.Kind == ColumnKind.Numeric && _label.UnparsableAsMissing && !DataValues.IsNumber(labelValue));
        if (labelMissing && !_bad && _missingLabels++ == 0) _firstMissingLabelLine = _lineNumber;
        _unlabeled.Add(labelMissing && !_bad);
        if (!labelMissing && !_bad && _settings.Task == MlTaskKind.Regression && DataValues.TryParseNumber(labelValue, out var number))
        {
            _labelledRows++;
            if (_firstLabelNumber is not { } first) _firstLabelNumber = number;
            else if (number != first) _labelVaries = true;
        }
        if (_labelClass is null) return;
        int id = -1;
        // A numeric label's classes are values: "1" and "1.0" are one class (the loader reads both as 1), named by
        // the first spelling seen.
        var key = _label.Kind == ColumnKind.Numeric && DataValues.TryParseNumber(labelValue, out var value)
            ? value.ToString("R", CultureInfo.InvariantCulture) : labelValue;
        if (!labelMissing && !_bad && !_classIds.TryGetValue(key, out id))
        {
            id = _classNames.Count;
            _classIds.Add(key, id);
            _classNames.Add(labelValue);
            _classFirstRows.Add(_row + 1);
        }
        _labelClass.Add(labelMissing || _bad ? -1 : id);
    }

    private void RecordGroup()
    {
        if (_groupOf is null) return;
        string key = _group!.Index < _fields.Count ? _fields[_group.Index] : "";
        if (DataValues.IsMissing(key, _groupMissingTokens)) _groupOf.Add(-1);
        else
        {
            if (!_groupIds.TryGetValue(key, out int gid)) _groupIds.Add(key, gid = _groupIds.Count);
            _groupOf.Add(gid);
        }
    }

    private void RecordDuplicate()
    {
        ulong hash = DataScan.HashRow(_fields, _hashedColumns);
        if (_firstRowByHash.TryGetValue(hash, out int first)) { _duplicateOf.Add(first); _duplicateRows++; }
        else { _firstRowByHash.Add(hash, (int)_row); _duplicateOf.Add((int)_row); }
    }

    private DataScan Finish()
    {
        long rowCount = _row + 1;
        if (rowCount == 0) _errors.Add("the file has no data rows.");
        CheckColumns(rowCount);
        var labelCounts = CheckClasses(rowCount - _badRows);
        if (_missingLabels > 0)
            _warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"{_missingLabels} row(s) of {_path} have no label value ('{_label.Name}', first at line {_firstMissingLabelLine}): they are left out of evaluation and training. Fill in the label, or remove the rows to silence this."));
        if (_duplicateRows > 0)
            _warnings.Add($"{_duplicateRows} row(s) are exact duplicates of an earlier row; each set of duplicates is kept on one side of every split.");

        return new DataScan
        {
            FilePath = _path,
            RowCount = rowCount,
            Problems = _problems,
            BadRowCount = _badRows,
            Errors = _errors,
            Warnings = _warnings,
            AmbiguousDates = _ambiguousDates,
            LabelCounts = labelCounts,
            LabelSpelling = _labelSpelling,
            MissingLabelCount = _missingLabels,
            Keys = new RowKeys
            {
                RowCount = rowCount,
                Excluded = [.. _excluded],
                Unlabeled = _missingLabels > 0 ? [.. _unlabeled] : null,
                LabelClass = _labelClass?.ToArray(),
                ClassNames = _classNames,
                GroupOf = _groupOf?.ToArray(),
                DuplicateOf = [.. _duplicateOf],
                DuplicateRowCount = _duplicateRows,
                Lines = _lines,
            },
        };
    }

    /// <summary>Numeric columns with values read as missing; columns (or the label) missing in every row.</summary>
    private void CheckColumns(long rowCount)
    {
        for (int c = 0; c < _columns.Length; c++)
            if (_dateOrder[c] is { IsAmbiguous: true } order)
            {
                var message = DateOrder.AmbiguityMessage(_columns[c].Name, order.AmbiguousExample!);
                _ambiguousDates.Add(new(_columns[c].Name, message));
                _warnings.Add(message);
            }
        for (int c = 0; c < _columns.Length; c++)
            if (_notNumbers[c] > 0)
                _warnings.Add($"column '{_columns[c].Name}' is declared numeric: {_notNumbers[c].ToString(CultureInfo.InvariantCulture)} value(s) that are not numbers were read as missing (first at {_firstNotNumber[c]}).");
        for (int c = 0; c < _columns.Length; c++)
            if (rowCount > 0 && _missingPerColumn[c] == rowCount && _columns[c].Role != ColumnRole.Ignore)
            {
                if (_columns[c].Name == _label.Name) _errors.Add($"the label column '{_label.Name}' is missing in every row.");
                else _warnings.Add($"column '{_columns[c].Name}' is missing in every row: it carries no information (set its role to ignore).");
            }
    }

    /// <summary>Classification: rows per class, and the class problems no bad-row policy can fix.</summary>
    private List<KeyValuePair<string, long>> CheckClasses(long goodRows)
    {
        var labelCounts = new List<KeyValuePair<string, long>>();
        if (_settings.Task == MlTaskKind.Regression && _labelledRows > 1 && !_labelVaries)
            _errors.Add(string.Create(CultureInfo.InvariantCulture,
                $"the label column '{_label.Name}' has the same value ({_firstLabelNumber}) in all {_labelledRows} labelled row(s): there is nothing to learn, and every metric would compare constants. Fix: check that the label column is the one to predict and that the file is not filtered to one value."));
        if (_labelClass is null) return labelCounts;
        var counts = new long[_classNames.Count];
        foreach (int id in _labelClass) if (id >= 0) counts[id]++;
        for (int i = 0; i < counts.Length; i++) labelCounts.Add(new(_classNames[i], counts[i]));
        // A numeric or boolean label is read as a value ("True" is "true"): only text classes can be spelled apart.
        if (_label.Kind is not (ColumnKind.Numeric or ColumnKind.Boolean))
            _labelSpelling = LabelSpellings.Describe(_label.Name,
                [.. labelCounts.Select((c, i) => new LabelSpellings.Spelling(c.Key, c.Value, _classFirstRows[i]))]);
        if (_classNames.Count == 1)
            _errors.Add($"the label column '{_label.Name}' has a single class ('{SafeText.Escape(_classNames[0])}') in {goodRows} usable row(s): a classifier needs at least two classes. Fix: use data that contains every class.");
        if (_settings.Task == MlTaskKind.BinaryClassification && _settings.PositiveClass is { } positive
            && _classNames.Count > 0 && !_classNames.Any(c => DataScan.SameLabelValue(c, positive, _label.Kind)))
            _errors.Add($"the positive class '{positive}' never occurs in the label column '{_label.Name}' (values: {SafeText.Samples(_classNames)}). Fix: set positive_class to one of the label's values.");
        if (_settings.Task == MlTaskKind.BinaryClassification && _classNames.Count > 2)
            _errors.Add($"the label column '{_label.Name}' has {_classNames.Count} classes ({SafeText.Samples(_classNames)}) but the task is binary. Fix: use task multiclass, or map the label to two values.");
        return labelCounts;
    }
}
