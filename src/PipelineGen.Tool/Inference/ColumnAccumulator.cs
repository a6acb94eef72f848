using System.Globalization;
using PipelineGen.Shared;
using PipelineGen.Spec;
using PipelineGen.Spec.Data;

namespace PipelineGen.Tool.Inference;

/// <summary>Everything the inference needs about one column, gathered one sampled value at a time.</summary>
internal sealed class ColumnAccumulator
{
    // Thresholds for text vs categorical: free text is long or multi-word and mostly unique.
    internal const double TextMinAverageWords = 3;
    internal const double TextMinAverageLength = 30;
    internal const double TextMinDistinctRatio = 0.5;

    // A column of numbers with a few junk tokens ("fare" with one "abc") reads as categorical; the build says which
    // values did it. "Mostly numbers": at least this many numbers, and junk at most this share of the values.
    internal const int MostlyNumericMinNumbers = 10;
    internal const double MostlyNumericMaxJunkShare = 0.1;
    internal const int MaxJunkExamples = 3;

    // Each distinct value with the rows holding it and the line its first row starts on (PG0107 names a stray label value).
    private readonly Dictionary<string, (int Count, int Line)> _distinct = new(StringComparer.Ordinal);
    // Where each distinct value first occurs, kept only when asked (PG0112 points at a test-file label value).
    private readonly Dictionary<string, LocatedValue>? _firstOf;
    private readonly List<LocatedValue> _notNumbers = [];
    // The distinct values that are not numbers, up to MaxMarkerSpellings + 1 (enough to tell a missing marker from text).
    private readonly HashSet<string> _notNumberSpellings = new(StringComparer.Ordinal);
    private bool _allBoolean = true, _allNumeric = true, _allDateTime = true, _allNumericDates = true;
    private readonly DateOrder _dateOrder = new();
    private long _totalLength, _totalWords;

    public ColumnAccumulator(string name, int index, bool locateValues = false)
    {
        Name = name;
        Index = index;
        if (locateValues) _firstOf = new(StringComparer.Ordinal);
    }

    /// <summary>Where <paramref name="value"/> first occurs; null unless the accumulator was made with locateValues.</summary>
    public LocatedValue? FirstOf(string value) => _firstOf is not null && _firstOf.TryGetValue(value, out var at) ? at : null;

    public string Name { get; }
    public int Index { get; }
    public int MissingCount { get; private set; }
    public int ValueCount { get; private set; }
    /// <summary>Non-missing values that are not numbers.</summary>
    public int NotNumberCount { get; private set; }
    /// <summary>The first few of them, with where they are.</summary>
    public IReadOnlyList<LocatedValue> NotNumberExamples => _notNumbers;
    /// <summary>Non-missing values that are numbers written with a decimal comma or a thousands separator ("7,4", "1,234.5").</summary>
    public int OtherNotationCount { get; private set; }

    public void AddMissing() => MissingCount++;

    /// <summary>The first value that reads either way (03/04/2019) while no value proves month-first; null otherwise.</summary>
    public LocatedValue? AmbiguousDate { get; private set; }
    /// <summary>The first value that reads only day-first (13/04/2019), or null.</summary>
    public LocatedValue? DayFirstDate { get; private set; }
    public bool ProvesMonthFirst => _dateOrder.ProvesMonthFirst;
    public LocatedValue? FirstValue { get; private set; }
    /// <summary>Every value is a numeric date with day and month first (03/04/2019): dates the inference does not read as dates.</summary>
    public bool AllNumericDates => ValueCount > 0 && _allNumericDates;

    /// <param name="value">The value as <c>DelimitedLine</c> read it (surrounding unquoted blanks already gone).</param>
    /// <param name="rowLine">1-based line its row starts on: numbers the row in messages, as the run numbers it.</param>
    /// <param name="at">Where the value itself starts, for the diagnostics that point at it: a later line than its row's
    /// when a quoted value with line breaks comes before it in the row.</param>
    public void Add(string value, int rowLine, Csv.DataPosition at)
    {
        var (line, column, offset) = at;
        ValueCount++;
        FirstValue ??= new LocatedValue(value, line, column, offset);
        if (_distinct.TryGetValue(value, out var seen)) _distinct[value] = (seen.Count + 1, seen.Line);
        else
        {
            _distinct[value] = (1, rowLine);
            _firstOf?.Add(value, new LocatedValue(value, line, column, offset));
        }
        // Cheapest and most specific checks first; once a test fails it is never run again (numbers are always
        // checked, to count the values that are not).
        if (_allBoolean) _allBoolean = ValueKinds.IsBoolean(value);
        if (!ValueKinds.IsNumeric(value))
        {
            _allNumeric = false;
            NotNumberCount++;
            if (_notNumbers.Count < MaxJunkExamples) _notNumbers.Add(new LocatedValue(value, line, column, offset));
            if (_notNumberSpellings.Count <= MaxMarkerSpellings) _notNumberSpellings.Add(value);
            if (ValueKinds.IsDecimalCommaNumber(value) || ValueKinds.IsThousandsSeparatedNumber(value)) OtherNotationCount++;
        }
        if (_allDateTime) _allDateTime = ValueKinds.IsDateTime(value);
        if (_allNumericDates) _allNumericDates = DateOrder.IsNumericDate(value);
        if (_allNumericDates) ObserveDate(value, line, column, offset);
        _totalLength += value.Length;
        _totalWords += ValueKinds.CountWords(value);
    }

    private void ObserveDate(string value, int line, int column, long offset)
    {
        bool wasDayFirst = _dateOrder.DayFirstExample is not null;
        if (_dateOrder.Observe(value)) AmbiguousDate = new LocatedValue(value, line, column, offset);
        if (!wasDayFirst && _dateOrder.DayFirstExample is not null) DayFirstDate = new LocatedValue(value, line, column, offset);
        if (_dateOrder.ProvesMonthFirst) AmbiguousDate = null;
    }

    public string InferType()
    {
        // A column with no values at all reads safely as a category (everything is the 'missing' category).
        if (ValueCount == 0) return ValueKinds.Categorical;
        if (_allBoolean) return ValueKinds.Boolean;
        if (_allNumeric) return ValueKinds.Numeric;
        if (_allDateTime) return ValueKinds.DateTime;
        var averageWords = (double)_totalWords / ValueCount;
        var averageLength = (double)_totalLength / ValueCount;
        var distinctRatio = (double)_distinct.Count / ValueCount;
        return (averageWords >= TextMinAverageWords || averageLength >= TextMinAverageLength) && distinctRatio >= TextMinDistinctRatio
            ? ValueKinds.Text
            : ValueKinds.Categorical;
    }

    /// <summary>
    /// Numbers except for a few values that are not: inferred categorical all the same (the data says so), but worth
    /// a warning naming those values, since one junk token should not silently turn a measurement into categories.
    /// </summary>
    public bool IsNumericExceptForJunk =>
        NotNumberCount > 0 && InferType() == ValueKinds.Categorical
        && ValueCount - NotNumberCount >= MostlyNumericMinNumbers
        && (NotNumberCount <= ValueCount * MostlyNumericMaxJunkShare || IsNumbersWithMissingMarker);

    /// <summary>
    /// Mostly numbers, and everything else one or two repeated spellings ("NULL" of an SQL export, "N/A"): a missing-value
    /// marker the spec does not list, however often it occurs. At 14 % "NULL" the 10 % rule above said nothing and the
    /// column silently became 248 one-hot categories.
    /// </summary>
    private bool IsNumbersWithMissingMarker =>
        _notNumberSpellings.Count <= MaxMarkerSpellings && ValueCount - NotNumberCount >= ValueCount / 2.0
        && OtherNotationCount < NotNumberCount;

    internal const int MaxMarkerSpellings = 2;

    /// <summary>
    /// Every value a number, but more than a few written with a decimal comma or a thousands separator (a few are
    /// <see cref="IsNumericExceptForJunk"/>): inferred categorical, since the run reads only '.' decimals.
    /// </summary>
    public bool IsNumbersInAnotherNotation =>
        OtherNotationCount > 0 && OtherNotationCount == NotNumberCount && ValueCount >= MostlyNumericMinNumbers
        && InferType() == ValueKinds.Categorical && !IsNumericExceptForJunk;

    public InferredColumn ToColumn()
    {
        var type = InferType();
        var values = _distinct.Count <= SchemaFile.MaxDistinctValues
            ? Sorted(type).ToEquatableArray()
            : EquatableArray<string>.Empty;
        return new InferredColumn(Name, Index, type, MissingCount, _distinct.Count, values)
        {
            ValueCounts = values.Select(v => _distinct[v].Count).ToEquatableArray(),
            ValueLines = values.Select(v => _distinct[v].Line).ToEquatableArray(),
        };
    }

    // Deterministic order whatever the row order: numbers by value, everything else ordinally.
    private IEnumerable<string> Sorted(string type) => type == ValueKinds.Numeric
        ? _distinct.Keys.OrderBy(v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)).ThenBy(v => v, StringComparer.Ordinal)
        : _distinct.Keys.OrderBy(v => v, StringComparer.Ordinal);
}

/// <summary>A sampled value and where it is: 1-based line and column, 0-based character offset in the file.</summary>
internal sealed record LocatedValue(string Value, int Line, int Column, long Offset);
