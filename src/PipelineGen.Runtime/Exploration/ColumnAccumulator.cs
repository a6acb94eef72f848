using MathNet.Numerics.Statistics;

namespace PipelineGen.Runtime.Exploration;

/// <summary>A numeric value that looks like a code for 'missing' (see <see cref="ColumnAccumulator.MissingCodes"/>).</summary>
internal sealed record MissingCode(double Value, long Count, bool Below, double RestMin, double RestMax, double Mean, double MeanWithout);

/// <summary>Streaming statistics of one column: bounded memory whatever the row count.</summary>
internal sealed class ColumnAccumulator
{
    private readonly ExploreOptions _options;
    private readonly HashSet<ulong> _distinct = [];
    private bool _distinctOverflow;

    // Count, mean, variance, min and max over numbers, dates or text lengths (MathNet, one pass, exact).
    private readonly RunningStatistics _moments = new();
    private long N => _moments.Count;
    private double _previous = double.NaN;
    private bool _strictlyIncreasing = true, _strictlyDecreasing = true, _allIntegers = true;

    // Numbers that look like a code for 'missing' (-1, -9, ±99, ±999 … ±999,999,999), counted apart from the rest, whose
    // exact range is kept: a code is only reported when it lies outside that range (see MissingCodes).
    private Dictionary<double, long>? _codes;
    private double _restMin = double.PositiveInfinity, _restMax = double.NegativeInfinity;
    private long _restCount;

    public ColumnSlot Slot { get; }
    public long Present { get; private set; }
    public long Missing { get; private set; }
    public long Unparsed { get; private set; }
    public Reservoir<double> Sample { get; }
    /// <summary>Category counts (categoricals, booleans, classification labels); null for other columns.</summary>
    public Dictionary<string, long>? Categories { get; }
    public long CategoryOverflow { get; private set; }
    public double SumOfTextLengths { get; private set; }

    public ColumnAccumulator(ColumnSlot slot, ExploreOptions options, int seed, bool countCategories)
    {
        Slot = slot;
        _options = options;
        Sample = new Reservoir<double>(options.ReservoirSize, seed);
        if (countCategories || slot.Mode == ProfileMode.Categorical)
            Categories = new Dictionary<string, long>(StringComparer.Ordinal);
    }

    public bool IsNumericLike => Slot.Mode is ProfileMode.Numeric or ProfileMode.Date;

    public void Add(in Cell cell)
    {
        if (cell.Unparsed) Unparsed++;
        if (cell.Missing) { Missing++; return; }
        Present++;

        // Formatting numbers is the costly part of a pass: only do it when the text is needed.
        var display = IsNumericLike && Categories is null ? null : cell.Display;
        if (!_distinctOverflow)
        {
            _distinct.Add(IsNumericLike ? (ulong)BitConverter.DoubleToInt64Bits(cell.Number) : RowHash.Of(display!));
            if (_distinct.Count > _options.DistinctCap) { _distinctOverflow = true; _distinct.Clear(); }
        }

        if (Categories is not null)
        {
            if (Categories.TryGetValue(display!, out var c)) Categories[display!] = c + 1;
            else if (Categories.Count < _options.CategoryCap) Categories[display!] = 1;
            else CategoryOverflow++;
        }

        double x = Slot.Mode switch
        {
            ProfileMode.Numeric or ProfileMode.Date => cell.Number,
            ProfileMode.Text => display!.Length,
            _ => double.NaN,
        };
        if (double.IsNaN(x)) return;
        if (Slot.Mode == ProfileMode.Text) SumOfTextLengths += x;
        if (Slot.Mode == ProfileMode.Numeric)
        {
            if (IsCodeLike(x)) { _codes ??= []; _codes[x] = _codes.GetValueOrDefault(x) + 1; }
            else { _restCount++; _restMin = Math.Min(_restMin, x); _restMax = Math.Max(_restMax, x); }
        }
        _moments.Push(x);
        if (!double.IsNaN(_previous))
        {
            if (x <= _previous) _strictlyIncreasing = false;
            if (x >= _previous) _strictlyDecreasing = false;
        }
        _previous = x;
        if (x != Math.Floor(x)) _allIntegers = false;
        Sample.Offer(x);
    }

    /// <summary>
    /// A round value people write for "unknown": -1, -9, and ±99, ±999, … ±999,999,999 (all nines). 9 and 0 are not:
    /// they are ordinary small values far too often.
    /// </summary>
    internal static bool IsCodeLike(double x)
    {
        if (x == -1 || x == -9) return true;
        var a = Math.Abs(x);
        for (double nines = 99; nines <= 999_999_999; nines = nines * 10 + 9)
            if (a == nines) return true;
        return false;
    }

    /// <summary>Rows a code needs (and at least this share of the present values) before it is reported.</summary>
    internal const int MinCodeRows = 3;
    internal const double MinCodeShare = 0.001;
    /// <summary>Other values a column needs before a code can be said to lie outside them.</summary>
    internal const int MinRestRows = 20;
    /// <summary>How far outside the other values a code must lie, in spreads (the larger of their IQR and a quarter of their range).</summary>
    internal const double FarSpreads = 3;

    /// <summary>
    /// Codes for 'missing' written as numbers (-999 for an unknown age): a code-like value repeated in at least
    /// <see cref="MinCodeRows"/> rows that lies outside the range of every other value, either far outside
    /// (<see cref="FarSpreads"/> spreads) or negative in a column whose other values are never negative (-1 in a count,
    /// when the counts take at least 5 values). A genuine extreme value is rarely both round and repeated; a value
    /// inside the other values' range (99 in a 0..100 percentage) is never reported.
    /// </summary>
    public IReadOnlyList<MissingCode> MissingCodes()
    {
        if (_codes is null || Slot.Mode != ProfileMode.Numeric || _restCount < MinRestRows) return [];
        var rest = Sample.Items.Where(v => !IsCodeLike(v)).ToArray();
        if (rest.Length < 2) return [];
        Array.Sort(rest);
        var spread = Math.Max(Quantile(rest, 0.75) - Quantile(rest, 0.25), (_restMax - _restMin) / 4);
        var restDistinct = _distinctOverflow ? long.MaxValue : _distinct.Count - _codes.Count;
        var found = new List<MissingCode>();
        foreach (var (value, count) in _codes.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key))
        {
            if (count < MinCodeRows || count < MinCodeShare * Present) continue;
            double distance = value < _restMin ? _restMin - value : value > _restMax ? value - _restMax : 0;
            if (distance <= 0) continue;
            bool far = distance >= FarSpreads * spread;
            bool negativeInNonNegative = value < 0 && _restMin >= 0 && restDistinct >= 5;
            if (!far && !negativeInNonNegative) continue;
            var meanWithout = N > count ? (_moments.Mean * N - value * count) / (N - count) : double.NaN;
            found.Add(new MissingCode(value, count, value < _restMin, _restMin, _restMax, _moments.Mean, meanWithout));
        }
        return found;
    }

    public long DistinctCount => _distinctOverflow ? _options.DistinctCap : _distinct.Count;
    public bool DistinctIsLowerBound => _distinctOverflow;
    public bool IsStrictlyMonotoneIntegers => N >= 2 && _allIntegers && (_strictlyIncreasing || _strictlyDecreasing);

    public NumericSummary? Summary()
    {
        if (N == 0) return null;
        var sorted = Sample.Items.ToArray();
        Array.Sort(sorted);
        var std = N > 1 ? _moments.StandardDeviation : 0;
        return new NumericSummary(_moments.Minimum, _moments.Maximum, _moments.Mean, std, Quantile(sorted, 0.5), Quantile(sorted, 0.25),
            Quantile(sorted, 0.75), !Sample.IsComplete);
    }

    /// <summary>Linear interpolation between closest ranks (type 7, as R and NumPy default).</summary>
    public static double Quantile(double[] sorted, double p)
    {
        if (sorted.Length == 0) return double.NaN;
        return SortedArrayStatistics.QuantileCustom(sorted, p, QuantileDefinition.R7);
    }

    /// <summary>Histogram of the sample, scaled to the number of values when the sample is partial.</summary>
    public IReadOnlyList<HistogramBin> Histogram(int bins)
    {
        if (N == 0) return [];
        var values = Sample.Items;
        var scale = (double)N / values.Count;
        double lo = _moments.Minimum, hi = _moments.Maximum;
        // Small integer ranges (counts, codes, years of a few values) read best with one bar per integer.
        if (_allIntegers && hi - lo < bins * 1.5 && Slot.Mode == ProfileMode.Numeric || Slot.Mode == ProfileMode.Text && hi - lo < bins)
        {
            var width = hi - lo + 1;
            var counts = new double[(int)width];
            foreach (var v in values) counts[(int)(v - lo)]++;
            return counts.Select((c, i) => new HistogramBin(lo + i - 0.5, lo + i + 0.5, c * scale)).ToArray();
        }
        if (hi == lo) return [new HistogramBin(lo, hi, N)];
        var step = (hi - lo) / bins;
        var result = new double[bins];
        foreach (var v in values)
        {
            var i = (int)((v - lo) / step);
            result[Math.Clamp(i, 0, bins - 1)]++;
        }
        return result.Select((c, i) => new HistogramBin(lo + i * step, lo + (i + 1) * step, c * scale)).ToArray();
    }
}
