namespace PipelineGen.Runtime.Exploration;

/// <summary>
/// The <see cref="Kept"/> smallest and largest values of a regression label with their data rows, so a few absurd
/// values (a unit error, a sentinel such as 1e9, a typo) can be named after the pass, once the quartiles are known.
/// </summary>
internal sealed class LabelExtremes
{
    public const int Kept = 10;
    /// <summary>How far from the median, in interquartile ranges, a label value is "far outside the rest". Heavy-tailed
    /// honest labels stay well inside: taxi fares reach 16.5 IQRs above the median, diamond prices 3.8.</summary>
    public const double FarIqrs = 30;

    private readonly List<(double Value, long Row)> _low = [], _high = [];

    public void Add(double value, long row)
    {
        if (!double.IsFinite(value)) return;
        Keep(_low, (value, row), (a, b) => a.Value.CompareTo(b.Value));
        Keep(_high, (value, row), (a, b) => b.Value.CompareTo(a.Value));
    }

    private static void Keep(List<(double Value, long Row)> list, (double Value, long Row) item, Comparison<(double Value, long Row)> order)
    {
        if (list.Count == Kept && order(item, list[^1]) >= 0) return;
        int at = list.FindIndex(x => order(item, x) < 0);
        list.Insert(at < 0 ? list.Count : at, item);
        if (list.Count > Kept) list.RemoveAt(Kept);
    }

    /// <summary>The kept values farther than <see cref="FarIqrs"/> interquartile ranges from the median (none when the
    /// IQR is 0: a mostly constant label has no scale to judge by).</summary>
    public IReadOnlyList<(double Value, long Row)> Far(NumericSummary summary, out bool moreThanKept)
    {
        var iqr = summary.Q3 - summary.Q1;
        moreThanKept = false;
        if (!(iqr > 0)) return [];
        bool IsFar((double Value, long Row) x) => Math.Abs(x.Value - summary.Median) > FarIqrs * iqr;
        var low = _low.Where(IsFar).ToList();
        var high = _high.Where(IsFar).ToList();
        moreThanKept = low.Count == Kept || high.Count == Kept;
        // Fewer than Kept values in all: both lists hold the same values.
        return low.Concat(high).Distinct().OrderBy(x => x.Row).ToArray();
    }
}
