using System.Text;
using PipelineGen.Spec;
using PipelineGen.Spec.Data;
using PipelineGen.Spec.Model;
using PipelineGen.Shared;
using PipelineGen.Tool.Csv;

namespace PipelineGen.Tool.Inference;

/// <summary>
/// Spec file → the data's inferred schema and the data problems found in its sample. Data problems become diagnostics
/// in the schema (the generator reports them); only a failure to read the spec itself throws.
/// </summary>
internal static class SchemaInferrer
{
    // A file with thousands of bad rows should not produce thousands of diagnostics.
    internal const int MaxDiagnosticsPerKind = 5;

    public static InferenceResult Infer(string specPath, SampleLimits? limits = null, DataAccessPolicy? policy = null)
    {
        limits ??= SampleLimits.Default;
        policy ??= DataAccessPolicy.Unrestricted;
        var fullSpecPath = Path.GetFullPath(specPath);
        var parsed = SpecParser.Parse(File.ReadAllText(fullSpecPath), fullSpecPath);
        // Spec errors are the generator's to report; with no usable data section there is nothing to infer.
        if (parsed.Spec is null)
            return new InferenceResult(new InferredSchema(fullSpecPath, "", 0, false, EquatableArray<InferredColumn>.Empty, EquatableArray<DiagnosticInfo>.Empty), []);

        var data = parsed.Spec.Data;
        var specDirectory = Path.GetDirectoryName(fullSpecPath)!;
        var diagnostics = new List<DiagnosticInfo>();
        // Checked before anything is opened: invalid paths, special files (/dev/zero, pipes), data outside the project.
        var trainPath = policy.Check(fullSpecPath, data.Train, specDirectory, diagnostics);
        var testPath = data.Test is { } test ? policy.Check(fullSpecPath, test, specDirectory, diagnostics) : null;

        var train = trainPath is null ? new Sample(null, null, 0, false) : ReadSample(fullSpecPath, data.Train, trainPath, data, limits, infer: true, diagnostics);
        if (data.Test is { } testNode && testPath is not null)
        {
            var testSample = ReadSample(fullSpecPath, testNode, testPath, data, limits, infer: false, diagnostics, countColumn: parsed.Spec.Task.Label.Value);
            if (train.Header is { } trainHeader && testSample.Header is { } testHeader && !trainHeader.SequenceEqual(testHeader, StringComparer.Ordinal))
                diagnostics.Add(SpecDiagnostics.TestHeaderMismatch.Create(testPath, At(1, 1, 0), testNode.Value, DescribeHeaderDifference(trainHeader, testHeader)));
            else
                ReportLabelValuesOnlyInTest(parsed.Spec, train, testSample, testPath, diagnostics);
        }

        if (train.Columns is { } accumulators && trainPath is not null)
        {
            ReportNumbersWithJunk(accumulators, trainPath, data, diagnostics);
            ReportNumbersInAnotherNotation(accumulators, trainPath, data, diagnostics);
            ReportDateOrder(accumulators, trainPath, data, diagnostics);
        }
        var columns = train.Columns?.Select(c => c.ToColumn()).ToEquatableArray() ?? EquatableArray<InferredColumn>.Empty;
        var schema = new InferredSchema(fullSpecPath, trainPath ?? "", train.RowsSampled, train.SampleIsComplete, columns, diagnostics.ToEquatableArray());
        return new InferenceResult(schema, new[] { trainPath, testPath }.OfType<string>().ToArray());
    }

    /// <summary>
    /// PG0140 for each column that holds numbers except for a few values that are not (and whose type the spec does not
    /// declare): it was inferred categorical, and the user should know which values did that and where they are.
    /// </summary>
    private static void ReportNumbersWithJunk(IReadOnlyList<ColumnAccumulator> columns, string path, DataSection data, List<DiagnosticInfo> diagnostics)
    {
        var declared = new HashSet<string>(data.Columns.Where(o => o.Type is not null).Select(o => o.Name.Value), StringComparer.Ordinal);
        foreach (var column in columns)
        {
            if (declared.Contains(column.Name) || !column.IsNumericExceptForJunk) continue;
            var first = column.NotNumberExamples[0];
            var examples = string.Join(", ", column.NotNumberExamples.Select(v =>
                $"'{SafeText.Escape(v.Value)}' (line {v.Line.ToString(System.Globalization.CultureInfo.InvariantCulture)}, column {v.Column.ToString(System.Globalization.CultureInfo.InvariantCulture)})"));
            diagnostics.Add(SpecDiagnostics.NumbersWithJunk.Create(path, At(first.Line, first.Column, first.Offset),
                column.Name, column.ValueCount - column.NotNumberCount, column.NotNumberCount,
                examples + SeparatorHint(column.NotNumberExamples.Select(v => v.Value).ToArray())));
        }
    }

    /// <summary>
    /// PG0146 for each undeclared column whose values are all numbers, many or all of them written with a decimal comma
    /// ("7,4", a semicolon-separated file from a European locale) or a thousands separator ("1,234.50"): the run reads
    /// neither as a number, so the column was inferred categorical and each value became a category of its own, with no
    /// word from PG0140 (which speaks only when such values are a few). The model then learns nothing from their order.
    /// </summary>
    private static void ReportNumbersInAnotherNotation(IReadOnlyList<ColumnAccumulator> columns, string path, DataSection data, List<DiagnosticInfo> diagnostics)
    {
        var declared = new HashSet<string>(data.Columns.Where(o => o.Type is not null).Select(o => o.Name.Value), StringComparer.Ordinal);
        foreach (var column in columns)
        {
            if (declared.Contains(column.Name) || !column.IsNumbersInAnotherNotation) continue;
            var first = column.NotNumberExamples[0];
            var examples = string.Join(", ", column.NotNumberExamples.Select(v =>
                $"'{SafeText.Escape(v.Value)}' (line {v.Line.ToString(System.Globalization.CultureInfo.InvariantCulture)}, column {v.Column.ToString(System.Globalization.CultureInfo.InvariantCulture)})"));
            var values = column.NotNumberExamples.Select(v => v.Value).ToArray();
            var notation = values.All(ValueKinds.IsDecimalCommaNumber)
                ? values.All(ValueKinds.IsThousandsSeparatedNumber) ? "with a decimal comma or a thousands separator" : "with a decimal comma"
                : values.All(ValueKinds.IsThousandsSeparatedNumber) ? "with a thousands separator" : "with a decimal comma or a thousands separator";
            diagnostics.Add(SpecDiagnostics.NumbersInAnotherNotation.Create(path, At(first.Line, first.Column, first.Offset),
                column.Name, notation, column.NotNumberCount, column.ValueCount, examples));
        }
    }

    /// <summary>
    /// Numeric dates (03/04/2019) the run would read month-first without a word: PG0144 when a date column without a
    /// format has a value that reads only day-first, PG0143 when its values read either way and none settles it, and
    /// PG0145 when an undeclared column of such dates was inferred categorical (the inference never picks an order).
    /// </summary>
    private static void ReportDateOrder(IReadOnlyList<ColumnAccumulator> columns, string path, DataSection data, List<DiagnosticInfo> diagnostics)
    {
        foreach (var column in columns)
        {
            var declared = data.Columns.FirstOrDefault(o => o.Name.Value == column.Name);
            if (declared?.Format is not null) continue; // declared: read exactly so, or PG0141/PG0142
            if (declared?.Type?.Value == ValueKinds.DateTime)
            {
                if (column.DayFirstDate is { } dayFirst)
                    diagnostics.Add(SpecDiagnostics.DayFirstDates.Create(path, At(dayFirst), column.Name, SafeText.Escape(dayFirst.Value), DateOrder.DayFirstFormat(dayFirst.Value)));
                else if (column.AmbiguousDate is { } either)
                {
                    var (monthFirst, dayFirstReading) = DateOrder.Readings(either.Value);
                    diagnostics.Add(SpecDiagnostics.AmbiguousDates.Create(path, At(either), column.Name, SafeText.Escape(either.Value),
                        monthFirst, dayFirstReading, DateOrder.DayFirstFormat(either.Value), DateOrder.MonthFirstFormat(either.Value)));
                }
            }
            else if (declared?.Type is null && column.AllNumericDates && column.InferType() == ValueKinds.Categorical && column.FirstValue is { } first)
            {
                var example = column.AmbiguousDate ?? column.DayFirstDate ?? first;
                var dayFirstFormat = DateOrder.DayFirstFormat(example.Value);
                var monthFirstFormat = DateOrder.MonthFirstFormat(example.Value);
                var (format, why) = column.DayFirstDate is { } d && !column.ProvesMonthFirst
                    ? (dayFirstFormat, $" ('{SafeText.Escape(d.Value)}' reads only day-first)")
                    : column.ProvesMonthFirst && column.DayFirstDate is null
                        ? (monthFirstFormat, " (a sampled value reads only month-first)")
                        : (dayFirstFormat, $"; no sampled value settles whether the day or the month comes first, so check the file: '{monthFirstFormat}' if it is month-first");
                diagnostics.Add(SpecDiagnostics.NumericDatesAsCategories.Create(path, At(example), column.Name, SafeText.Escape(example.Value), format, why));
            }
        }
    }

    private static SourceSpan At(LocatedValue v) => At(v.Line, v.Column, v.Offset);

    private static SourceSpan At(DataPosition p) => At(p.Line, p.Column, p.Offset);

    /// <summary>
    /// PG0112: a classification label value in the test file that the training file does not have (a typo, or a class
    /// the model never saw). The build's value counts otherwise come from the training file only, so this is the one
    /// place the test file's label values are looked at before 'test' refuses them at run time (TestData.CheckLabels).
    /// Values are compared as the run reads them: numbers by value ("1" is "1.0"), booleans by truth.
    /// </summary>
    private static void ReportLabelValuesOnlyInTest(PipelineSpec spec, Sample train, Sample test, string testPath, List<DiagnosticInfo> diagnostics)
    {
        if (spec.Task.Kind.Value == PipelineGen.Spec.Catalog.TaskKind.Regression) return;
        var label = spec.Task.Label.Value;
        var trainLabel = train.Columns?.FirstOrDefault(c => c.Name == label)?.ToColumn();
        var testLabel = test.Columns?.FirstOrDefault(c => c.Name == label);
        if (trainLabel is null || !trainLabel.DistinctValuesKnown || testLabel is null) return;
        var kind = spec.Data.Columns.FirstOrDefault(c => c.Name.Value == label)?.Type?.Value ?? trainLabel.Type;
        string Canonical(string v) => DataValues.LabelClass(v, kind == ValueKinds.Numeric, kind == ValueKinds.Boolean);
        var known = new HashSet<string>(trainLabel.DistinctValues.Select(Canonical), StringComparer.Ordinal);
        var column = testLabel.ToColumn();
        var unseen = Enumerable.Range(0, column.DistinctValues.Count).Where(i => !known.Contains(Canonical(column.DistinctValues[i]))).ToArray();
        if (unseen.Length == 0) return;
        string Show(int i) => $"'{SafeText.Escape(column.DistinctValues[i])}' ({column.ValueCounts[i].ToString(System.Globalization.CultureInfo.InvariantCulture)} {(column.ValueCounts[i] == 1 ? "row" : "rows")}, first at line {column.ValueLines[i].ToString(System.Globalization.CultureInfo.InvariantCulture)})";
        var one = unseen.Length == 1;
        var values = (one ? "value " : "values ") + string.Join(", ", unseen.Take(5).Select(Show)) + (unseen.Length > 5 ? ", ..." : "");
        // Either file read only in part: the value may be further on in the training file, or in more test rows.
        var note = (train.SampleIsComplete ? "" : $" in its first {train.RowsSampled.ToString(System.Globalization.CultureInfo.InvariantCulture)} rows (the part the build reads)")
            + (test.SampleIsComplete ? "" : $" (test rows counted in the first {test.RowsSampled.ToString(System.Globalization.CultureInfo.InvariantCulture)})");
        var first = testLabel.FirstOf(column.DistinctValues[unseen[0]])!;
        diagnostics.Add(SpecDiagnostics.LabelValueOnlyInTest.Create(testPath, At(first), label, values, SafeText.Escape(spec.Data.Test?.Value ?? ""),
            SafeText.Escape(spec.Data.Train.Value), note, one ? "that class" : "those classes"));
    }


    /// <summary>
    /// When every listed value is a number written with thousands separators ("1,234.50") or a decimal comma ("7,25"),
    /// 'type: numeric' would read them all as missing, dropping real values: say so, and that the data is what to fix.
    /// </summary>
    internal static string SeparatorHint(IReadOnlyList<string> values)
    {
        var trimmed = values.Select(v => v.Trim()).ToArray();
        if (trimmed.Length == 0) return "";
        if (trimmed.All(ValueKinds.IsThousandsSeparatedNumber))
            return " (these are numbers written with a thousands separator: 'type: numeric' would read them as missing, so write them without it, e.g. 1234.5)";
        if (trimmed.All(ValueKinds.IsDecimalCommaNumber))
            return " (these are numbers written with a decimal comma: 'type: numeric' would read them as missing, so write them with a decimal point, e.g. 7.25)";
        return "";
    }

    private sealed record Sample(IReadOnlyList<string>? Header, IReadOnlyList<ColumnAccumulator>? Columns, int RowsSampled, bool SampleIsComplete);

    /// <param name="countColumn">When not inferring (the test file): the one column whose values are counted and located (the label).</param>
    private static Sample ReadSample(string specPath, Spanned<string> pathNode, string fullPath, DataSection data, SampleLimits limits, bool infer, List<DiagnosticInfo> diagnostics, string? countColumn = null)
    {
        var none = new Sample(null, null, 0, false);
        if (Directory.Exists(fullPath))
        {
            diagnostics.Add(SpecDiagnostics.DataFileUnreadable.Create(specPath, pathNode.Span, pathNode.Value, $"'{fullPath}' is a directory, not a file. Point 'data.{(infer ? "train" : "test")}' at a CSV or TSV file."));
            return none;
        }
        if (!File.Exists(fullPath))
        {
            diagnostics.Add(SpecDiagnostics.DataFileNotFound.Create(specPath, pathNode.Span, pathNode.Value, fullPath));
            return none;
        }
        try
        {
            using var reader = new DelimitedReader(new StreamReader(fullPath, Encoding.UTF8, detectEncodingFromByteOrderMarks: true), data.Separator, limits.MaxLineCharacters);
            return ReadRows(reader, fullPath, data, limits, infer, diagnostics, countColumn);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(SpecDiagnostics.DataFileUnreadable.Create(fullPath, At(1, 1, 0), fullPath, $"it cannot be read ({SafeText.Escape(e.Message, 200)}). Check that the file exists and is readable."));
            return none;
        }
    }

    private static Sample ReadRows(DelimitedReader reader, string path, DataSection data, SampleLimits limits, bool infer, List<DiagnosticInfo> diagnostics, string? countColumn)
    {
        var partial = new PartialSample();
        try
        {
            return ReadRows(reader, path, data, limits, infer, diagnostics, partial, countColumn);
        }
        catch (DataLineTooLongException e)
        {
            diagnostics.Add(SpecDiagnostics.DataLineTooLong.Create(path, At(e.Line, e.MaxCharacters + 1, e.LineOffset + e.MaxCharacters), e.Line, e.MaxCharacters));
            if (partial.Header is null)
                diagnostics.Add(SpecDiagnostics.DataFileUnreadable.Create(path, At(1, 1, 0), path,
                    "its first line is too long to be a header. Check that this is a delimited text file and that 'data.separator' is right."));
            return new Sample(partial.Header, partial.Columns, partial.Rows, false);
        }
    }

    /// <summary>Whether a data row repeats the header name for name.</summary>
    private static bool IsHeaderAgain(IReadOnlyList<string> fields, IReadOnlyList<string> header)
    {
        if (fields.Count != header.Count) return false;
        for (int i = 0; i < fields.Count; i++)
            if (!string.Equals(fields[i], header[i], StringComparison.Ordinal)) return false;
        return true;
    }

    /// <summary>What was read before a line too long stopped the sample.</summary>
    private sealed class PartialSample
    {
        public IReadOnlyList<string>? Header;
        public ColumnAccumulator[]? Columns;
        public int Rows;
    }

    private static Sample ReadRows(DelimitedReader reader, string path, DataSection data, SampleLimits limits, bool infer, List<DiagnosticInfo> diagnostics, PartialSample partial, string? countColumn)
    {
        var reportBadRows = data.BadRows != "skip";
        int raggedReported = 0, quotesReported = 0, headersReported = 0;
        void ReportUnclosedQuote(DelimitedRecord record)
        {
            if (reportBadRows && quotesReported++ < MaxDiagnosticsPerKind)
            {
                var at = At(record.UnclosedQuote!.Value);
                diagnostics.Add(record.UnjoinedCloseLine > 0
                    ? SpecDiagnostics.QuotedLineBreak.Create(path, at, record.UnjoinedCloseLine, reader.ExpectedFields, Path.GetFileName(path))
                    : SpecDiagnostics.UnbalancedQuote.Create(path, at));
            }
        }

        if (!reader.TryRead(out var first, joinQuotedLines: !data.Header))
        {
            diagnostics.Add(SpecDiagnostics.DataFileUnreadable.Create(path, At(1, 1, 0), path,
                "the file is empty. " + (data.Header ? "It needs a header line naming the columns and at least one data row." : "It needs at least one data row.")));
            return new Sample(null, null, 0, true);
        }

        IReadOnlyList<string> header;
        DelimitedRecord? pending = null;
        if (data.Header)
        {
            if (first.HasUnclosedQuote) ReportUnclosedQuote(first);
            header = first.Fields.ToArray(); // names read like values: surrounding unquoted blanks are not part of them
            ReportDuplicateNames(header, first, path, diagnostics);
        }
        else if (data.Names is { } names && names.Count == first.Fields.Count)
        {
            // The spec names the columns of a headerless file (data.names): the generated properties get those names.
            header = names.Select(n => n.Value).ToArray();
            pending = first;
        }
        else
        {
            if (data.Names is { } given)
                diagnostics.Add(SpecDiagnostics.NamesCountMismatch.Create(path, At(first.Line, 1, first.LineOffset), given.Count, path, first.Fields.Count));
            // Without a header the columns are numbered like ML.NET's loader would have to be told: Column1, Column2, ...
            header = Enumerable.Range(1, first.Fields.Count).Select(i => "Column" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            pending = first;
        }

        reader.ExpectedFields = header.Count;
        var columns = infer ? header.Select((name, index) => new ColumnAccumulator(name, index)).ToArray()
            : countColumn is not null && IndexOf(header, countColumn) is var counted and >= 0 ? [new ColumnAccumulator(countColumn, counted, locateValues: true)]
            : null;
        var missingTokens = MissingTokensByField(data, header);
        var typeChecks = infer ? TypeChecks(data, header) : [];
        partial.Header = header;
        partial.Columns = columns;
        // A column the spec declares numeric reads values that are not numbers as missing (PG0108 names the first one);
        // the run does the same, so they count as missing here and the column's values are its numbers.
        var declaredNumeric = header.Select(name => typeChecks.Any(t => t.Name == name && t.Type == ValueKinds.Numeric)).ToArray();

        var rows = 0;
        bool stoppedByLimit = false;
        while (true)
        {
            if (rows >= limits.MaxRows || reader.CharactersRead >= limits.MaxCharacters) { stoppedByLimit = true; break; }
            DelimitedRecord record;
            if (pending is not null) { record = pending; pending = null; }
            else if (!reader.TryRead(out record)) break;

            rows++;
            partial.Rows = rows;
            if (record.HasUnclosedQuote) { ReportUnclosedQuote(record); continue; }
            if (record.Fields.Count != header.Count)
            {
                if (reportBadRows && raggedReported++ < MaxDiagnosticsPerKind)
                {
                    // Too many fields: point at the first extra one; too few: at the end of the row, where the next one is missing.
                    var at = record.Fields.Count > header.Count ? record.FieldStarts[header.Count] : record.End;
                    diagnostics.Add(SpecDiagnostics.RaggedRow.Create(path, At(at), record.Fields.Count, header.Count));
                }
                continue;
            }
            if (data.Header && IsHeaderAgain(record.Fields, header))
            {
                // Files joined with their headers: every numeric column would see one word among its numbers and be
                // inferred categorical (PG0140 per column, then PG0107 for a binary label) with no word on the cause.
                if (reportBadRows && headersReported++ < MaxDiagnosticsPerKind)
                    diagnostics.Add(SpecDiagnostics.HeaderRepeated.Create(path, At(record.Line, 1, record.LineOffset), Path.GetFileName(path), record.Line));
                continue;
            }
            if (columns is null) continue;
            foreach (var accumulator in columns)
            {
                var i = accumulator.Index; // every column when inferring, only the counted one in the test file
                var value = record.Fields[i];
                if (DataValues.IsMissing(value, missingTokens[i]) || (declaredNumeric[i] && !DataValues.IsNumber(value))) { accumulator.AddMissing(); continue; }
                accumulator.Add(value, record.Line, record.FieldStarts[i]);
            }
            foreach (var check in typeChecks)
            {
                if (check.Reported) continue;
                var value = record.Fields[check.Index];
                if (DataValues.IsMissing(value, missingTokens[check.Index]) || ValueKinds.Fits(check.Type, value, check.Format)) continue;
                // A day-first date in a column without a format is PG0144's, which says what to declare.
                if (check.Type == ValueKinds.DateTime && check.Format is null && DateOrder.IsDayFirstOnly(value)) continue;
                check.Reported = true;
                var at = record.FieldStarts[check.Index];
                diagnostics.Add(SpecDiagnostics.TypeOverrideMismatch.Create(path, At(at), check.Name, check.Type, SafeText.Escape(value), at.Line));
            }
        }

        // A sample that stopped at a limit is complete only when nothing follows it.
        var complete = !stoppedByLimit || !reader.TryRead(out _);
        if (rows == 0 && data.Header)
            diagnostics.Add(SpecDiagnostics.DataFileUnreadable.Create(path, At(1, 1, 0), path,
                "it has a header line but no data rows. Add data rows below the header."));
        return new Sample(header, columns, rows, complete);
    }

    private sealed class TypeCheck(string name, int index, string type, string? format)
    {
        public string Name { get; } = name;
        public int Index { get; } = index;
        public string Type { get; } = type;
        public string? Format { get; } = format;
        public bool Reported { get; set; }
    }

    private static TypeCheck[] TypeChecks(DataSection data, IReadOnlyList<string> header) =>
        data.Columns
            .Where(o => o.Type is { Value: ValueKinds.Numeric or ValueKinds.Boolean or ValueKinds.DateTime })
            .Select(o => (Override: o, Index: IndexOf(header, o.Name.Value)))
            .Where(x => x.Index >= 0) // a column the data does not have is the generator's PG0101
            .Select(x => new TypeCheck(x.Override.Name.Value, x.Index, x.Override.Type!.Value.Value, DeclaredDateFormat(x.Override)))
            .ToArray();

    // A format the generator rejects (PG0141, PG0142) checks nothing here: its error is the one to fix first.
    /// <summary>
    /// Each field's missing tokens, as the run reads them: data.missing_values and the column's own
    /// (data.columns.NAME.missing_values), so a column whose only words are its own codes stays numeric.
    /// </summary>
    private static HashSet<string>[] MissingTokensByField(DataSection data, IReadOnlyList<string> header)
    {
        var global = new HashSet<string>(data.MissingValues, StringComparer.Ordinal);
        return header.Select(name => data.Columns.FirstOrDefault(c => c.Name.Value == name) is { MissingValues.IsEmpty: false } o
            ? new HashSet<string>(data.MissingValues.Concat(o.MissingValues.Select(t => t.Value)), StringComparer.Ordinal)
            : global).ToArray();
    }

    private static string? DeclaredDateFormat(ColumnOverride o) =>
        o.Type?.Value == ValueKinds.DateTime && o.Format is { } f && PipelineGen.Spec.Binding.DateFormats.Problem(f.Value) is null ? f.Value : null;

    private static int IndexOf(IReadOnlyList<string> header, string name)
    {
        for (var i = 0; i < header.Count; i++)
            if (string.Equals(header[i], name, StringComparison.Ordinal)) return i;
        return -1;
    }

    private static void ReportDuplicateNames(IReadOnlyList<string> header, DelimitedRecord record, string path, List<DiagnosticInfo> diagnostics)
    {
        var firstIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            if (firstIndex.TryGetValue(header[i], out var earlier))
            {
                diagnostics.Add(SpecDiagnostics.DuplicateHeader.Create(path, At(record.FieldStarts[i]), SafeText.Escape(header[i]), path, earlier + 1, i + 1));
            }
            else firstIndex[header[i]] = i;
        }
    }

    internal static string DescribeHeaderDifference(IReadOnlyList<string> train, IReadOnlyList<string> test)
    {
        var missing = train.Except(test, StringComparer.Ordinal).ToArray();
        var extra = test.Except(train, StringComparer.Ordinal).ToArray();
        var parts = new List<string>();
        if (missing.Length > 0) parts.Add("missing " + SafeText.Samples(missing));
        if (extra.Length > 0) parts.Add("not in the training data " + SafeText.Samples(extra));
        if (parts.Count == 0)
        {
            // Name where they part: the first names of two long headers are often the same, so listing them shows nothing.
            int at = Enumerable.Range(0, Math.Min(train.Count, test.Count)).FirstOrDefault(i => !string.Equals(train[i], test[i], StringComparison.Ordinal));
            parts.Add($"the same names in a different order (column {at + 1} is '{SafeText.Escape(train[at])}' in the training data but '{SafeText.Escape(test[at])}' in the test data; "
                + $"train from there: {SafeText.Samples(train.Skip(at).ToArray())}; test: {SafeText.Samples(test.Skip(at).ToArray())})");
        }
        return string.Join("; ", parts);
    }

    private static SourceSpan At(int line, int column, long offset)
    {
        var o = (int)Math.Min(offset, int.MaxValue);
        return new SourceSpan(line, column, line, column, o, o);
    }
}
