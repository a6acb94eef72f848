using MathNet.Numerics;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;

namespace PipelineGen.Runtime.Exploration;

/// <summary>
/// Streams every training row and keeps, per feature, what the missingness test needs: missing counts per label class
/// (classification) or the label's running mean and variance when the column is missing vs present (regression).
/// Memory is features × classes, whatever the row count.
/// </summary>
internal sealed class MissingnessAccumulator
{
    /// <summary>Family-wise significance before the Bonferroni split over columns.</summary>
    public const double FamilyAlpha = 0.001;
    /// <summary>Classification: a class's missing (or present) rate must differ from the others' by this factor.</summary>
    public const double MinRateRatio = 2.0;
    /// <summary>Regression: the label's mean must move by this many of its standard deviations.</summary>
    public const double MinStandardizedShift = 0.2;
    /// <summary>Labels with more classes than this are not tested (a table of thousands of sparse classes tests nothing).</summary>
    public const int MaxClasses = 100;

    private readonly int[] _features;
    private readonly IReadOnlyList<ColumnSlot> _slots;
    private readonly int _labelIndex;
    private readonly bool _classification;
    private readonly Dictionary<string, (long Rows, long[] Missing)> _byClass = new(StringComparer.Ordinal);
    private bool _tooManyClasses;
    // MathNet's running statistics (exact over every value added), per feature when it is missing / present.
    private readonly RunningStatistics[] _whenMissing, _whenPresent;
    private readonly RunningStatistics _label = new();

    public MissingnessAccumulator(IReadOnlyList<ColumnSlot> slots, int labelIndex, bool classification)
    {
        _slots = slots;
        _labelIndex = labelIndex;
        _classification = classification;
        _features = Enumerable.Range(0, slots.Count).Where(i => slots[i].Role == ColumnRole.Feature).ToArray();
        _whenMissing = _features.Select(_ => new RunningStatistics()).ToArray();
        _whenPresent = _features.Select(_ => new RunningStatistics()).ToArray();
    }

    public void Add(Cell[] cells)
    {
        var label = cells[_labelIndex];
        if (label.Missing) return;
        if (_classification)
        {
            if (_tooManyClasses) return;
            var key = label.Display;
            if (!_byClass.TryGetValue(key, out var entry))
            {
                if (_byClass.Count >= MaxClasses) { _tooManyClasses = true; _byClass.Clear(); return; }
                entry = (0, new long[_features.Length]);
            }
            for (int j = 0; j < _features.Length; j++)
                if (cells[_features[j]].Missing) entry.Missing[j]++;
            _byClass[key] = (entry.Rows + 1, entry.Missing);
            return;
        }
        var y = label.Number;
        if (double.IsNaN(y)) return;
        _label.Push(y);
        for (int j = 0; j < _features.Length; j++)
        {
            if (cells[_features[j]].Missing) _whenMissing[j].Push(y);
            else _whenPresent[j].Push(y);
        }
    }

    /// <summary>The tests for every feature missing in at least one labelled row; null when there is nothing to test,
    /// with the reason in <paramref name="skippedBecause"/> when it is not simply "no gaps".</summary>
    public MissingnessSummary? Summarize(string labelName, out string? skippedBecause)
    {
        skippedBecause = null;
        if (_classification && _tooManyClasses)
        {
            skippedBecause = $"the label has more than {MaxClasses} classes.";
            return null;
        }
        var candidates = new List<int>();
        for (int j = 0; j < _features.Length; j++)
        {
            long missing = _classification ? _byClass.Values.Sum(e => e.Missing[j]) : _whenMissing[j].Count;
            long rows = _classification ? _byClass.Values.Sum(e => e.Rows) : _label.Count;
            if (missing > 0 && missing < rows) candidates.Add(j);
        }
        if (candidates.Count == 0) return null;
        var alpha = FamilyAlpha / candidates.Count;
        var results = candidates.Select(j => _classification ? TestClasses(j, labelName, alpha) : TestMeans(j, labelName, alpha))
            .OrderByDescending(r => r.Flagged).ThenBy(r => r.PValue).ThenBy(r => r.Column, StringComparer.Ordinal).ToArray();
        return new MissingnessSummary(alpha, _classification ? MinRateRatio : MinStandardizedShift,
            _classification ? "rate ratio between one class and the others" : "|Δ label mean| / label std", results);
    }

    private MissingnessAssociation TestClasses(int j, string labelName, double alpha)
    {
        var name = _slots[_features[j]].Name;
        var classes = _byClass.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new MissingRateByClass(kv.Key, kv.Value.Rows, kv.Value.Missing[j])).ToArray();
        long n = classes.Sum(c => c.Rows), m = classes.Sum(c => c.Missing);
        var (test, statistic, p) = MissingnessStatistics.ContingencyTest(classes, n, m);

        // Rate ratio of the rarer state: "missing far more often" when gaps are rare, "present far more often" when they are common.
        bool missingRare = m * 2 <= n;
        double best = 1;
        MissingRateByClass? strongest = null;
        double strongestRate = double.NaN, othersRate = double.NaN;
        foreach (var c in classes)
        {
            long otherRows = n - c.Rows, otherMissing = m - c.Missing;
            if (c.Rows == 0 || otherRows == 0) continue;
            double a = missingRare ? (double)c.Missing / c.Rows : (double)(c.Rows - c.Missing) / c.Rows;
            double b = missingRare ? (double)otherMissing / otherRows : (double)(otherRows - otherMissing) / otherRows;
            double ratio = a == b ? 1 : a == 0 || b == 0 ? double.PositiveInfinity : Math.Max(a / b, b / a);
            if (ratio > best || strongest is null)
            {
                best = ratio;
                strongest = c;
                strongestRate = c.Rate;
                othersRate = (double)otherMissing / otherRows;
            }
        }
        bool flagged = p < alpha && best >= MinRateRatio;
        // Two classes: the one that is blank more often first.
        var ordered = classes.Where(c => c.Rows > 0).OrderByDescending(c => c.Rate).ToArray();
        var summary = strongest is null ? "" : ordered.Length == 2
            ? $"missing in {Fmt.Percent(ordered[0].Rate)} of rows with {labelName} = {ordered[0].Class} vs {Fmt.Percent(ordered[1].Rate)} of rows with {labelName} = {ordered[1].Class}"
            : $"missing in {Fmt.Percent(strongestRate)} of rows with {labelName} = {strongest.Class} vs {Fmt.Percent(othersRate)} of the other rows";
        return new MissingnessAssociation(name, m, n, test, statistic, p, best, flagged, summary) { Classes = classes };
    }

    private MissingnessAssociation TestMeans(int j, string labelName, double alpha)
    {
        var name = _slots[_features[j]].Name;
        var (missing, present) = (_whenMissing[j], _whenPresent[j]);
        // A group with one value has no variance (MathNet says NaN); WelchT needs two per group and ignores it then.
        var (t, p) = MissingnessStatistics.WelchT(missing.Count, missing.Mean, missing.Variance, present.Count, present.Mean, present.Variance);
        var std = _label.StandardDeviation;
        double shift = std > 0 ? Math.Abs(missing.Mean - present.Mean) / std : 0;
        bool flagged = p < alpha && shift >= MinStandardizedShift;
        var summary = $"{labelName} averages {Fmt.Num(missing.Mean)} where it is missing vs {Fmt.Num(present.Mean)} where present ({Fmt.Fixed(shift, 2)} std)";
        return new MissingnessAssociation(name, missing.Count, missing.Count + present.Count, "Welch t", t, p, shift, flagged, summary)
        {
            LabelMeanMissing = missing.Mean,
            LabelMeanPresent = present.Mean,
        };
    }

    private static double Sq(double x) => x * x;
}
