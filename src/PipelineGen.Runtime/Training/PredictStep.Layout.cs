using System.Globalization;
using System.Text;
using PipelineGen.Runtime.Data;
using PipelineGen.Shared;

namespace PipelineGen.Runtime.Training;

// predict's rewrite of the input file into the training layout: read the first line, map the file's columns to the
// pipeline's (by header name, or by position when headerless), then check and copy every row.
internal static partial class PredictStep
{
    /// <summary>The file's columns, mapped by header name (or by the spec's order when it has no header), and what the rewrite found.</summary>
    private sealed record CsvLayout(IReadOnlyList<ColumnInfo> OutputColumns, long Rows, IReadOnlyList<string> Warnings);

    /// <summary>
    /// Streams <paramref name="inputPath"/> into <paramref name="tempPath"/> in the training layout. Columns are matched
    /// by header name (exactly, else case-insensitively when that is unambiguous); a file whose first line names none
    /// of the pipeline's columns is read as headerless, in the spec's order, with or without the label. Every row is
    /// checked (field count, quotes, numbers, booleans) and every feature value compared with the training profile.
    /// </summary>
    private static CsvLayout RewriteInTrainingLayout(PipelineSettings settings, string inputPath, string tempPath, TrainingProfile? profile, List<string> notes)
    {
        using var rewrite = new LayoutRewrite(settings, inputPath, tempPath, profile, notes);
        return rewrite.Run();
    }

    /// <summary>The state of one rewrite: the pipeline's columns in file order, the reader and writer, the current line.</summary>
    private sealed class LayoutRewrite : IDisposable
    {
        private readonly PipelineSettings _settings;
        private readonly string _inputPath;
        private readonly List<string> _notes;
        private readonly ColumnInfo[] _ordered;
        private readonly int _width;
        private readonly ColumnInfo? _label;
        private readonly HashSet<string>[] _missingTokens; // by the column's index: the global tokens and the column's own
        private readonly string _missingToken;
        private readonly ValueChecks _checks;
        private readonly List<string> _warnings = [];
        private readonly char _separator;
        private readonly List<string> _fields = [];
        private readonly List<int> _starts = [];
        private readonly StreamReader _reader;
        private readonly StreamWriter _writer;
        private long _lineNumber; // the first line of the current row
        private readonly DelimitedRecords _records; // the rows, a quoted value spanning lines read as one (as the loader reads them)
        private long _unjoinedCloseLine; // see DelimitedRecords.UnjoinedCloseLine

        // Filled by the column mapping: the field position of each spec column in the input (-1 when absent), and the
        // columns copied to the output.
        private readonly int[] _source;
        private readonly List<ColumnInfo> _outputColumns = [];
        private bool _headerless;
        private int _expectedFields;

        // Filled by the rows.
        private readonly List<RowProblem> _problems = [];
        private long _badRows, _rows;
        private readonly string[] _cells;

        public LayoutRewrite(PipelineSettings settings, string inputPath, string tempPath, TrainingProfile? profile, List<string> notes)
        {
            _settings = settings;
            _inputPath = inputPath;
            _notes = notes;
            _ordered = settings.Columns.OrderBy(c => c.Index).ToArray();
            _width = _ordered.Length == 0 ? 0 : _ordered[^1].Index + 1;
            _label = settings.Columns.FirstOrDefault(c => c.Name == settings.LabelColumn);
            _missingTokens = new HashSet<string>[_width];
            foreach (var column in _ordered) _missingTokens[column.Index] = settings.MissingTokenSetOf(column);
            _missingToken = MissingToken(settings);
            _checks = new ValueChecks(settings, profile);
            _separator = settings.Separator;
            _source = new int[_ordered.Length];
            Array.Fill(_source, -1);
            _cells = new string[_width];
            _reader = new StreamReader(inputPath, detectEncodingFromByteOrderMarks: true);
            _records = new DelimitedRecords(_reader.ReadLine, _separator);
            try { _writer = new StreamWriter(tempPath, false, new UTF8Encoding(false)); }
            catch { _reader.Dispose(); throw; }
        }

        public void Dispose()
        {
            _writer.Dispose();
            _reader.Dispose();
        }

        public CsvLayout Run()
        {
            if (_settings.HasHeader)
                _writer.WriteLine(HeaderLine(_settings, _ordered, _width));

            var line = ReadFirstDataLine();
            int firstQuote = DelimitedLine.Split(line, _separator, _fields, _starts);
            var resolved = _fields.Select(f => Resolve(_ordered, f.Trim())).ToArray();
            _headerless = !_settings.HasHeader || resolved.All(r => r is null);
            _expectedFields = _fields.Count;

            if (_headerless)
            {
                if (firstQuote >= 0) (line, firstQuote) = JoinFirstRow(line, firstQuote);
                MapByPosition(line, firstQuote);
                ProcessRow(firstQuote); // the first line is a row
            }
            else MapByHeader(resolved, firstQuote);

            // Every row after the first has the first line's field count, also a record whose quoted value spans lines.
            _records.ExpectedFields = _expectedFields;
            while (_records.TryRead(out var record, out _lineNumber))
            {
                _unjoinedCloseLine = _records.UnjoinedCloseLine;
                ProcessRow(DelimitedLine.Split(record, _separator, _fields, _starts));
            }

            ThrowIfBadRows();
            _warnings.AddRange(_checks.Messages());
            return new CsvLayout(_outputColumns, _rows, _warnings);
        }

        /// <summary>
        /// The first line that is a data row (the header, when the file has one), not joined with the lines below: until
        /// it is known to be a row there is no field count to join by, and a header joined by any count would swallow the
        /// rows up to a later quote (a header's open quote is bad input, <see cref="MapByHeader"/>). An empty file is bad input.
        /// </summary>
        private string ReadFirstDataLine()
        {
            if (_records.TryReadLine(out var line, out _lineNumber)) return line;
            throw new DataValidationException($"{_inputPath} is empty: it has no header line and no rows. Fix: pass a CSV file with a header line naming the columns ({string.Join(", ", _ordered.Select(c => c.Name))}) and one row per prediction.", []);
        }

        /// <summary>
        /// A first row (no header) whose quoted value continues onto the next lines: joined when the lines read as one row
        /// of the spec's field count (all columns, or all but the label), as every later row is joined by the first's.
        /// </summary>
        private (string Line, int OpenQuote) JoinFirstRow(string line, int openQuote)
        {
            foreach (int fields in _label is null ? [_width] : new[] { _width, _width - 1 })
            {
                var record = _records.Joined(line, fields);
                _unjoinedCloseLine = _records.UnjoinedCloseLine;
                if (!ReferenceEquals(record, line))
                {
                    int quote = DelimitedLine.Split(record, _separator, _fields, _starts);
                    _expectedFields = _fields.Count;
                    return (record, quote);
                }
            }
            DelimitedLine.Split(line, _separator, _fields, _starts); // the line's own fields, for the bad-row report
            return (line, openQuote);
        }

        /// <summary>A file without a header: its fields are the pipeline's columns in the spec's order, with or without the label.</summary>
        private void MapByPosition(string line, int firstQuote)
        {
            string order = string.Join(", ", _ordered.Select(c => c.Name));
            string why = _settings.HasHeader ? "its first line names none of the pipeline's columns" : "the pipeline's data has no header line";
            bool all = _fields.Count == _width;
            bool withoutLabel = !all && _label is not null && _fields.Count == _width - 1;
            // With one feature besides the label, a whole line of a file with another separator is one field: read by
            // position, its header would be scored as a row and every row as the whole line.
            string hint = SeparatorHint(line, _settings.Separator, _ordered);
            if (hint.Length > 0)
                throw new DataValidationException(
                    $"{_inputPath}: line {_lineNumber} names the pipeline's columns only when split on another separator, so it is a header, not a row.{hint}", []);
            if (!all && !withoutLabel)
                throw new DataValidationException(
                    $"{_inputPath}: line {_lineNumber}: the file has no header ({why}) and its first row has {_fields.Count} field(s). " +
                    $"Without a header the fields must be the pipeline's columns in the spec's order: {order} ({_width} fields" +
                    (_label is null ? ")" : $", or {_width - 1} without the label '{_label.Name}')") +
                    ". Fix: add a header line naming the columns (they are then matched by name), or write the columns in that order.", []);
            if (_settings.HasHeader && firstQuote < 0)
                ThrowIfUnknownHeader(line, order, withoutLabel);
            foreach (var (column, k) in _ordered.Select((c, k) => (c, k)))
            {
                if (withoutLabel && column == _label) continue;
                _source[k] = withoutLabel && column.Index > _label!.Index ? column.Index - 1 : column.Index;
                _outputColumns.Add(column);
            }
            _notes.Add($"{_inputPath} has no header line ({why}), so its fields are read by position in the spec's order: " +
                $"{string.Join(", ", _outputColumns.Select(c => c.Name))}{(withoutLabel ? $" (without the label '{_label!.Name}')" : "")}. Add a header line to match the columns by name instead.");
        }

        /// <summary>A first line with text where the spec has numbers is a header naming other columns, not a row.</summary>
        private void ThrowIfUnknownHeader(string line, string order, bool withoutLabel)
        {
            foreach (var column in _ordered)
            {
                int at = withoutLabel && column.Index > _label!.Index ? column.Index - 1 : column.Index;
                if (withoutLabel && column == _label) continue;
                var value = _fields[at].Trim();
                if (column.Kind == ColumnKind.Numeric && !_missingTokens[column.Index].Contains(value) && !IsNumber(value))
                    throw new DataValidationException(
                        $"{_inputPath}: line {_lineNumber} looks like a header ('{Shorten(line)}') but names none of the pipeline's columns ({order}). " +
                        "Fix: name the columns as in the training data (columns are matched by name), or remove the header line and write the columns in the spec's order.", []);
            }
        }

        /// <summary>A file with a header: columns matched by name; absent features that never had missing values are bad input.</summary>
        private void MapByHeader(ColumnInfo?[] resolved, int firstQuote)
        {
            if (firstQuote >= 0)
                throw new DataValidationException($"{_inputPath}: line {_lineNumber} (the header): the quote opened at character {firstQuote + 1} is never closed. Fix: close the quote.", []);
            var extras = new List<string>();
            for (int j = 0; j < _fields.Count; j++)
            {
                if (resolved[j] is not { } column)
                {
                    extras.Add(_fields[j].Trim().Length == 0 ? $"(unnamed column {j + 1})" : $"'{_fields[j].Trim()}'");
                    continue;
                }
                int k = Array.IndexOf(_ordered, column);
                if (_source[k] >= 0)
                    throw new DataValidationException(
                        $"{_inputPath}: line {_lineNumber} (the header): columns {_source[k] + 1} and {j + 1} both name '{column.Name}'. Fix: keep one of them (or rename the other).", []);
                _source[k] = j;
                _outputColumns.Add(column);
            }
            var absentFeatures = _ordered.Where((c, k) => _source[k] < 0 && c.Role == ColumnRole.Feature).ToList();
            var required = absentFeatures.Where(c => !_checks.MayBeMissing(c)).ToList();
            if (required.Count > 0)
                throw new DataValidationException(
                    $"{_inputPath}: line {_lineNumber} (the header): there is no {Plural(required.Count, "column")} {NameList(required)}; the model needs {(required.Count == 1 ? "it" : "them")} " +
                    $"(the training data had no missing values there, so it cannot be left out). The header has: {string.Join(", ", _fields.Select(f => f.Trim()))}. " +
                    $"Fix: add the {Plural(required.Count, "column")} (columns are matched by name; the label and unused columns may be left out).", []);
            foreach (var column in absentFeatures)
                _warnings.Add($"{_inputPath} has no column '{column.Name}': every row is scored with '{column.Name}' missing (the training data had missing values there, and the pipeline fills them as it did in training).");
            if (extras.Count > 0)
                _notes.Add($"{_inputPath} has {extras.Count} {Plural(extras.Count, "column")} the pipeline does not use: {string.Join(", ", extras)}; ignored (not copied to the output).");
        }

        /// <summary>Checks the row just split into <see cref="_fields"/> and writes it in the training layout, or counts it as bad.</summary>
        private void ProcessRow(int openQuote)
        {
            bool bad = CheckShape(openQuote);
            Array.Fill(_cells, "");
            for (int k = 0; k < _ordered.Length; k++)
                bad |= CopyCell(_ordered[k], _source[k], openQuote);
            if (bad) { _badRows++; return; }
            _writer.WriteLine(JoinRow(_cells, _separator));
            _rows++;
        }

        /// <summary>An unclosed quote or a field count unlike the first line's; true when the row is bad.</summary>
        private bool CheckShape(int openQuote)
        {
            if (openQuote >= 0)
            {
                int field = _starts.FindLastIndex(s => s <= openQuote);
                return _unjoinedCloseLine > 0
                    ? Report(RowProblemKind.UnbalancedQuote, field + 1, null, QuotedLineBreak.Message(openQuote, _lineNumber, _unjoinedCloseLine, _expectedFields), QuotedLineBreak.Hint(skipApplies: false))
                    : Report(RowProblemKind.UnbalancedQuote, field + 1, null, $"the quote opened at character {openQuote + 1} is never closed{QuotedLineBreak.NotWithin}.",
                        "Close the quote, or double a literal quote inside a quoted field (\"\").");
            }
            if (_fields.Count != _expectedFields)
            {
                return Report(RowProblemKind.RaggedRow, Math.Min(_fields.Count, _expectedFields) + 1, null,
                    $"the row has {_fields.Count} field(s); {(_headerless ? "the first row" : "the header")} has {_expectedFields}.",
                    _fields.Count > _expectedFields
                        ? $"Quote fields that contain the separator '{_separator}', or remove the extra fields."
                        : "Add the missing fields (leave a field empty for a missing value).");
            }
            return false;
        }

        /// <summary>Copies one column's field (or the missing token when the file lacks it), checking its type; true when the value is bad.</summary>
        private bool CopyCell(ColumnInfo column, int at, int openQuote)
        {
            if (at < 0 || at >= _fields.Count)
            {
                _cells[column.Index] = _missingToken;
                if (at < 0 && column.Role == ColumnRole.Feature) _checks.Check(column, _missingToken, LineRef(_lineNumber));
                return false;
            }
            var raw = _fields[at];
            _cells[column.Index] = raw;
            if (openQuote >= 0 || column.Role == ColumnRole.Ignore) return false;
            var value = raw.Trim();
            if (_missingTokens[column.Index].Contains(value))
            {
                if (column.Role == ColumnRole.Feature) _checks.Check(column, raw, LineRef(_lineNumber));
                return false;
            }
            if (TypeProblem(column, value) is { } problem)
            {
                string missing = $"mark a missing value with one of: {string.Join(", ", _settings.MissingTokensOf(column.Name).Select(t => $"'{t}'"))}.";
                return column.Kind switch
                {
                    ColumnKind.Boolean => Report(RowProblemKind.UnparsableBoolean, at + 1, column.Name, $"'{Shorten(raw)}' {problem}.", "Use true/false, yes/no or 1/0."),
                    ColumnKind.DateTime => Report(RowProblemKind.UnparsableDateTime, at + 1, column.Name, $"'{Shorten(raw)}' {problem}.", $"{PipelineGen.Shared.DataValues.DateTimeHint}; {missing}"),
                    _ => Report(RowProblemKind.UnparsableNumber, at + 1, column.Name, $"'{Shorten(raw)}' {problem}.",
                        $"Write numbers with '.' as the decimal point and no thousands separator; {missing}"),
                };
            }
            if (column.Role == ColumnRole.Feature)
                _checks.Check(column, raw, LineRef(_lineNumber));
            return false;
        }

        /// <summary>Lists the first problems of the current line (up to <see cref="MaxProblemsListed"/> in all); always true.</summary>
        private bool Report(RowProblemKind kind, int column, string? name, string message, string hint)
        {
            if (_problems.Count < MaxProblemsListed) _problems.Add(new RowProblem(kind, _inputPath, _lineNumber, column, name, message, hint));
            return true;
        }

        /// <summary>predict scores every row of the file or none, so one bad row fails the whole file.</summary>
        private void ThrowIfBadRows()
        {
            if (_badRows == 0) return;
            var text = new StringBuilder();
            text.AppendLine(CultureInfo.InvariantCulture, $"{_badRows} bad row(s) in {_inputPath}. First {_problems.Count}:");
            foreach (var problem in _problems) text.AppendLine("  " + problem);
            text.Append("Fix the rows: predict scores every row of the file or none, so that each prediction lines up with its input row.");
            throw new DataValidationException(text.ToString(), _problems);
        }
    }
}
